"""Catalogue titles that OCR cut or merged: evidence the exact and fuzzy title rules (`titles.py`) cannot see.

Two shapes, both common on noisy scans and on layouts the page model never saw:

* **part**: a title printed over two lines lost one of them; what is left is the beginning or the end of a
  catalogue phrase ("ĐƠN ĐỀ NGHỊ CẤP LẠI GIẤY PHÉP" without "BÁN LẺ SẢN PHẨM THUỐC LÁ", "phép bán lẻ sản phẩm
  thuốc lá" without its first word). The line must be the whole head line (a part of a sentence is not a title);
  its score is the fuzzy ratio weighted by the part's length, the same for every phrase that has the part, so a
  short, generic part ("GIẤY CHỨNG NHẬN") fits many types weakly and the page model or the checklist tells them
  apart;
* **merged**: the whole phrase at the start or at the end of a longer head line (OCR joined the title with the
  line after it, or with the place and date before it: "Giấy phép xây dựng Căn cứ …"). The word after a title
  merged at the start must begin with a capital or a digit (a new line's first word), and a title merged at the
  end must itself begin with a capital, so "giấy chứng nhận đăng ký doanh nghiệp số …" inside a sentence is no
  title.

Fragments are never decisive: they are title evidence for the combination with the page model
(`sohoa.classification.rules`), like a fuzzy title below the decisive ratio.
"""

from __future__ import annotations

import difflib
import functools

from sohoa.catalog import DocumentType
from sohoa.classification.titles import EXACT_HEAD_LINES, HEAD_LINES, mostly_capitals
from sohoa.ocr.text import fold_diacritics

MIN_PART_CHARS = 10
"""A part shorter than this (folded letters and spaces) is no evidence."""
MIN_RATIO = 0.8
"""A part compared with the phrase's words below this ratio is no evidence."""
MERGED_RATIO = 0.85
"""A whole phrase inside a longer line below this ratio is no evidence."""
PART_BASE = 0.6
"""A part's score is ratio × (PART_BASE + (1 − PART_BASE) × min(1, its length / SPECIFIC_CHARS)): the same for
every phrase that has it (the part cannot tell them apart, the model or the checklist does), higher when long."""
SPECIFIC_CHARS = 30
"""A part this long (folded letters and spaces) is as specific as a whole title."""

_Words = tuple[tuple[str, bool, bool], ...]
"""Folded words of a line, each with whether its printed form begins with a capital letter and whether it ends
a clause (',', ':' or ';' after it: a title never does)."""


def _words(line: str) -> _Words:
    out: list[tuple[str, bool, bool]] = []
    for raw in line.split():
        initial = next((c for c in raw if c.isalnum()), "")
        folded = fold_diacritics(raw).split()
        for n, word in enumerate(folded):
            out.append((word, initial.isupper() and n == 0, n == len(folded) - 1 and raw.rstrip()[-1:] in ",:;"))
    return tuple(out)


@functools.lru_cache(maxsize=4096)
def _phrase_words(phrase: str) -> tuple[str, ...]:
    return tuple(fold_diacritics(phrase).split())


def _ratio(a: str, b: str, least: float = MIN_RATIO) -> float:
    if abs(len(a) - len(b)) > max(4, len(a) // 5):
        return 0.0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < least or matcher.quick_ratio() < least:
        return 0.0
    ratio = matcher.ratio()
    return ratio if ratio >= least else 0.0


def _candidates(text: str) -> list[tuple[_Words, bool]]:
    """Head lines (any case near the top, capitals further down) and pairs of adjacent ones; the flag: a whole
    line (a part may only be a whole line)."""
    raw = [line for line in text.splitlines() if line.strip()][:HEAD_LINES]
    lines = {i: _words(line) for i, line in enumerate(raw) if i < EXACT_HEAD_LINES or mostly_capitals(line)}
    pairs = [(lines[i] + lines[i + 1], False) for i in lines if i + 1 in lines]
    return [(words, True) for words in lines.values() if words] + pairs


def _part_score(line: _Words, phrase: tuple[str, ...]) -> float:
    n, m = len(line), len(phrase)
    if n < 2 or n >= m:
        return 0.0
    text = " ".join(w[0] for w in line)
    if len(text) < MIN_PART_CHARS:
        return 0.0
    best = 0.0
    for k in {n - 1, n, n + 1} & set(range(2, m)):
        for part in (phrase[:k], phrase[m - k:]):
            joined = " ".join(part)
            ratio = _ratio(joined, text)
            if ratio >= MIN_RATIO:
                best = max(best, ratio * (PART_BASE + (1 - PART_BASE) * min(1.0, len(text) / SPECIFIC_CHARS)))
    return best


def _merged_score(line: _Words, phrase: tuple[str, ...]) -> float:
    n, m = len(line), len(phrase)
    if n <= m + 1 or m < 2:
        return 0.0
    joined = " ".join(phrase)
    best = 0.0
    for k in {m - 1, m, m + 1}:
        head, tail = line[:k], line[n - k:]
        # A title merged at the start: the line begins with it (a capital, no numbering), nothing ends a clause
        # inside it, and the word after it begins a new line (a capital).
        if head[0][1] and line[k][1] and not any(w[2] for w in head):
            best = max(best, _ratio(joined, " ".join(w[0] for w in head), MERGED_RATIO))
        # A title merged at the end (after the place and date): it begins with a capital and is no field's value
        # (the word before it does not end a clause: "Loại phí, lệ phí: Phí thẩm định …").
        if tail[0][1] and not any(w[2] for w in line[n - k - 1:-1]):
            best = max(best, _ratio(joined, " ".join(w[0] for w in tail), MERGED_RATIO))
    return best


def fragment_scores(text: str, known_types: dict[str, DocumentType]) -> dict[str, float]:
    """Best fragment score (0-1) per document type with any fragment evidence on the page `text`."""
    candidates = _candidates(text)
    if not candidates:
        return {}
    vocab = [{w[0] for w in words} for words, _ in candidates]
    scores: dict[str, float] = {}
    for doc in known_types.values():
        best = 0.0
        for phrase in doc.title_phrases:
            words = _phrase_words(phrase)
            need = min(2, len(words))
            for (line, whole), seen in zip(candidates, vocab, strict=True):
                if len(seen.intersection(words)) < need:
                    continue
                best = max(best, _merged_score(line, words), _part_score(line, words) if whole else 0.0)
        if best > 0.0:
            scores[doc.id] = round(best, 4)
    return scores
