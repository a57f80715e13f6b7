"""Find separator sheets on scanned pages with OpenCV's QR code detector."""

from __future__ import annotations

import cv2
import numpy as np

from sohoa.forms.qr import SeparatorMark, decode_payload

_CROP = (0.45, 0.32)
"""Top-left crop tried first (fractions of width, height): where the QR code is printed."""
_FAST_SIDE = 560
"""Longest side of the downscaled crop (px)."""


def detect_separator(image_bgr: np.ndarray) -> SeparatorMark | None:
    """The separator mark on this page, or None. Tries a downscaled top-left crop first (a few ms), then the
    crop at full resolution, then the whole page downscaled (a page scanned upside down or sideways)."""
    if image_bgr is None or image_bgr.size == 0:
        return None
    grey = image_bgr if image_bgr.ndim == 2 else cv2.cvtColor(image_bgr, cv2.COLOR_BGR2GRAY)
    height, width = grey.shape
    crop = grey[: max(1, int(height * _CROP[1])), : max(1, int(width * _CROP[0]))]
    detector = cv2.QRCodeDetector()
    for candidate in (_downscale(crop, _FAST_SIDE), crop, _downscale(grey, 1100)):
        mark = _decode(detector, candidate)
        if mark is not None:
            return mark
    return None


def _downscale(image: np.ndarray, side: int) -> np.ndarray:
    scale = side / max(image.shape[:2])
    if scale >= 1:
        return image
    return cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)


def _decode(detector: cv2.QRCodeDetector, image: np.ndarray) -> SeparatorMark | None:
    try:
        text, points, _ = detector.detectAndDecode(image)
    except cv2.error:
        return None
    if not text:
        return None
    mark = decode_payload(text)
    return mark if isinstance(mark, SeparatorMark) else None
