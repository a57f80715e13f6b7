"""Strict JPEG decoding: the whole entropy-coded image is checked, not only its end marker.

libjpeg only *warns* about corrupt or missing data ("premature end of data segment") and fills the rest of the
page with grey; OpenCV and Pillow pass such a page on. A scan cut in half with an end marker appended would then be
OCR'd and signed as a faithful copy. simplejpeg's strict mode turns every libjpeg warning into an error.
"""

from __future__ import annotations

import numpy as np
import simplejpeg

_UNSUPPORTED = ("CMYK", "YCCK")
"""Colour spaces simplejpeg cannot turn into BGR; such files go to the general decoder."""


def decode_jpeg(data: bytes, grey: bool, orientation: int) -> np.ndarray | None:
    """BGR (or grey) pixels of a JPEG, upright by its EXIF ``orientation`` (1-8); ValueError naming what libjpeg
    found wrong; None for a colour space this decoder does not handle."""
    colorspace = simplejpeg.decode_jpeg_header(data)[2]
    if colorspace in _UNSUPPORTED:
        return None
    pixels = simplejpeg.decode_jpeg(data, colorspace="GRAY" if grey else "BGR", strict=True)
    if grey and pixels.ndim == 3:
        pixels = pixels[:, :, 0]
    return np.ascontiguousarray(_upright(pixels, orientation))


def _upright(pixels: np.ndarray, orientation: int) -> np.ndarray:
    """Apply the EXIF orientation as Pillow's ``exif_transpose`` does."""
    if orientation == 2:
        return pixels[:, ::-1]
    if orientation == 3:
        return pixels[::-1, ::-1]
    if orientation == 4:
        return pixels[::-1]
    if orientation == 5:
        return pixels.swapaxes(0, 1)
    if orientation == 6:
        return np.rot90(pixels, -1)
    if orientation == 7:
        return pixels.swapaxes(0, 1)[::-1, ::-1]
    if orientation == 8:
        return np.rot90(pixels, 1)
    return pixels
