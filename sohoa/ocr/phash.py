"""A perceptual hash of a page image, to recognise the same paper scanned again (at another dpi, on another day).

DCT hash: the upright grey page shrunk to 64×64 by area averaging (so the scan resolution does not matter),
its 2-D DCT, and one bit per low-frequency coefficient (16×16, the DC term left out): set when above the
median. 255 bits, written as 64 hex digits. Two scans of one paper differ in a few bits; two papers of the same
form filled in for different enterprises differ in many more, but not in all: the hash confirms a match found
by the paper's number, issuer and enterprise code (:mod:`sohoa.supervision.reuse`), it never finds one alone.
"""

from __future__ import annotations

import cv2
import numpy as np

HASH_SIDE = 16
"""Low-frequency coefficients kept per side."""
SHRINK_SIDE = 64
"""Side of the shrunk page the DCT runs on."""
HASH_BITS = HASH_SIDE * HASH_SIDE - 1
"""Bits in a hash (the DC coefficient carries only the page's brightness and is left out)."""


def page_hash(grey: np.ndarray) -> str:
    """The perceptual hash of an upright greyscale page (2-D uint8 array), as 64 hex digits."""
    if grey.ndim != 2 or grey.size == 0:
        raise ValueError(f"page_hash needs a non-empty 2-D grey image, got shape {grey.shape}")
    small = cv2.resize(grey, (SHRINK_SIDE, SHRINK_SIDE), interpolation=cv2.INTER_AREA).astype(np.float32)
    low = cv2.dct(small)[:HASH_SIDE, :HASH_SIDE].flatten()[1:]
    bits = low > np.median(low)
    value = 0
    for bit in bits:
        value = (value << 1) | int(bit)
    return f"{value:064x}"


def hash_distance(first: str, second: str) -> int:
    """How many bits two hashes differ in (0 = the same picture as far as the hash tells)."""
    return (int(first, 16) ^ int(second, 16)).bit_count()


__all__ = ["HASH_BITS", "hash_distance", "page_hash"]
