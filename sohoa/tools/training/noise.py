"""Synthetic OCR noise: what Tesseract `vie` does to clean text, so a model trained on truth texts transfers.

Deterministic for a given `random.Random`. Levels are per-character probabilities.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

# Glyphs Tesseract confuses on 200-300 dpi scans (and their reverse).
_SIMILAR = {
    "l": "1I|", "1": "lI", "I": "l1", "O": "0Q", "0": "O", "o": "0ơ", "rn": "m", "m": "rn", "e": "c", "c": "e",
    "u": "ư", "ư": "u", "ơ": "o", "i": "í", "n": "ri", "h": "b", "5": "S", "S": "5", "8": "B", "B": "8",
    ",": ".", ".": ",", "a": "ă", "ă": "a", "â": "a", "ê": "e", "ô": "o",
}


@dataclass(frozen=True)
class NoiseLevel:
    """Per-character (or per-line) probabilities of the confusions."""

    drop: float = 0.01
    substitute: float = 0.015
    lose_diacritic: float = 0.03
    eth: float = 0.5            # Đ read as Ð (per Đ)
    drop_line: float = 0.02
    merge_line: float = 0.03
    split_word: float = 0.005


LIGHT = NoiseLevel(0.003, 0.005, 0.01, 0.3, 0.005, 0.01, 0.002)
MEDIUM = NoiseLevel()
HEAVY = NoiseLevel(0.03, 0.04, 0.08, 0.7, 0.06, 0.06, 0.01)


def ocr_noise(text: str, rng: random.Random, level: NoiseLevel = MEDIUM) -> str:
    """`text` as a mediocre OCR run might read it."""
    lines = []
    for line in text.split("\n"):
        if rng.random() < level.drop_line:
            continue
        if lines and rng.random() < level.merge_line:
            lines[-1] = lines[-1] + " " + _noisy_line(line, rng, level)
        else:
            lines.append(_noisy_line(line, rng, level))
    return "\n".join(lines)


def _noisy_line(line: str, rng: random.Random, level: NoiseLevel) -> str:
    out: list[str] = []
    for char in line:
        roll = rng.random()
        if char == "Đ" and rng.random() < level.eth:
            out.append("Ð")
            continue
        if roll < level.drop and not char.isspace():
            continue
        roll -= level.drop
        if roll < level.substitute and char in _SIMILAR:
            out.append(rng.choice(_SIMILAR[char]))
            continue
        roll -= level.substitute
        if roll < level.lose_diacritic and not char.isascii():
            out.append(_strip_one_mark(char, rng))
            continue
        if char == " " and rng.random() < level.split_word:
            continue
        out.append(char)
        if char.isalpha() and rng.random() < level.split_word:
            out.append(" ")
    return "".join(out)


def _strip_one_mark(char: str, rng: random.Random) -> str:
    decomposed = unicodedata.normalize("NFD", char)
    if len(decomposed) == 1:
        return char
    marks = list(decomposed[1:])
    marks.pop(rng.randrange(len(marks)))
    return unicodedata.normalize("NFC", decomposed[0] + "".join(marks))
