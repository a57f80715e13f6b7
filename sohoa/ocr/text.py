"""Vietnamese text normalisation shared by OCR, classification and evaluation."""

from __future__ import annotations

import re
import unicodedata

# Tesseract's vie model reads the Vietnamese D with stroke as the Icelandic eth, which looks the same.
_CONFUSIONS = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111"})
_SPACES = re.compile(r"[ \t\u00a0]+")


def normalize_vietnamese(text: str) -> str:
    """NFC-normalise and fix known OCR confusions (Ð→Đ, ð→đ)."""
    return unicodedata.normalize("NFC", text.translate(_CONFUSIONS))


def fold_diacritics(text: str) -> str:
    """Lower-case ASCII skeleton of Vietnamese text, for matching that ignores diacritics and OCR accent errors."""
    decomposed = unicodedata.normalize("NFD", normalize_vietnamese(text).lower())
    stripped = "".join(char for char in decomposed if unicodedata.category(char) != "Mn")
    stripped = stripped.replace("đ", "d")
    return _SPACES.sub(" ", re.sub(r"[^a-z0-9\n ]+", " ", stripped)).strip()
