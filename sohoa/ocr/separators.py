"""Find separator sheets on scanned pages with OpenCV's QR code detector."""

from __future__ import annotations

import cv2
import numpy as np

from sohoa.ocr.qr import SeparatorMark, decode_payload

_CROP = (0.45, 0.32)
"""Top-left crop tried first (fractions of width, height): where the QR code is printed."""
_FAST_SIDE = 560
"""Longest side of the downscaled crop (px)."""
_PAGE_SIDE = 1100
"""Longest side of the downscaled whole page (px)."""


def detect_separator(image_bgr: np.ndarray) -> SeparatorMark | None:
    """The separator mark on this page (BGR or grey), or None.

    Almost every page has no QR code, so that answer must be cheap: OpenCV's ArUco-based detector looks
    for finder patterns anywhere on the page downscaled to 1100 px (about 8 ms; the classic detector
    takes 40-70 ms for the same "no"). Only a page that holds one is decoded: the top-left crop
    (where the code is printed) downscaled, then at full resolution, then the small page (a sheet
    scanned upside down or sideways).
    """
    if image_bgr is None or image_bgr.size == 0:
        return None
    grey = image_bgr if image_bgr.ndim == 2 else cv2.cvtColor(image_bgr, cv2.COLOR_BGR2GRAY)
    if not _holds_code(_downscale(grey, _PAGE_SIDE, cv2.INTER_LINEAR)):
        return None
    height, width = grey.shape
    crop = grey[: max(1, int(height * _CROP[1])), : max(1, int(width * _CROP[0]))]
    detector = cv2.QRCodeDetector()
    for candidate in (_downscale(crop, _FAST_SIDE), crop, _downscale(grey, _PAGE_SIDE)):
        mark = _decode(detector, candidate)
        if mark is not None:
            return mark
    return None


def _downscale(image: np.ndarray, side: int, interpolation: int = cv2.INTER_AREA) -> np.ndarray:
    scale = side / max(image.shape[:2])
    if scale >= 1:
        return image
    return cv2.resize(image, None, fx=scale, fy=scale, interpolation=interpolation)


def _holds_code(image: np.ndarray) -> bool:
    try:
        found, _ = cv2.QRCodeDetectorAruco().detect(image)
    except cv2.error:
        return False
    return bool(found)


def _decode(detector: cv2.QRCodeDetector, image: np.ndarray) -> SeparatorMark | None:
    try:
        text, _, _ = detector.detectAndDecode(image)
    except cv2.error:
        return None
    if not text:
        return None
    mark = decode_payload(text)
    return mark if isinstance(mark, SeparatorMark) else None
