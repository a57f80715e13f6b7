"""Catalogue titles found on a page: which document type's title phrase heads it, and how exactly.

Two ways a heading matches a catalogue title phrase:

* **exact**: the heading line (or two adjacent heading lines joined) equals the phrase once both are
  normalised by `normalise_heading` (Unicode NFC, case folded, Ð read as Đ, punctuation and runs of
  whitespace collapsed; diacritics kept). Any case counts ("Đơn đề nghị cấp Giấy phép bán lẻ rượu" as
  well as capitals), but only among the first `EXACT_HEAD_LINES` lines, where a title stands;
* **fuzzy**: the diacritic-folded phrase matched with difflib (tolerates OCR errors: lost accents, confused
  glyphs) on lines printed mostly in capitals (where a title may also stand inside a longer line), and on
  the first `EXACT_HEAD_LINES` lines in any case (the whole line must match).

A match scoring at least `DECISIVE_RATIO` is *decisive*: the classifier takes it unless the page's content
clearly contradicts it (see `sohoa.classification.rules`).
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass

from sohoa.catalog import DocumentType
from sohoa.ocr.text import fold_diacritics

HEAD_LINES = 25
"""Lines from the top of the page where titles printed in capitals are looked for."""
EXACT_HEAD_LINES = 12
"""Lines from the top where a heading in any case may match a phrase exactly."""
DECISIVE_RATIO = 0.94
"""A title match at least this close decides the page's type unless the content contradicts it."""
MIN_RATIO = 0.7
"""Below this a fuzzy match is no evidence at all."""
AMBIGUITY_MARGIN = 0.05
"""A decisive match must beat every other type's phrase by this much."""
RIVAL_RATIO = 0.8
"""A longer phrase matched at least this well (and nearly as well) around a decisive match's lines overrides it."""

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


@dataclass(frozen=True)
class TitleMatch:
    """The catalogue title that heads a page."""

    document_type: str
    """Document type id whose phrase matched."""
    ratio: float
    """1.0 exact; otherwise the fuzzy ratio (0-1)."""
    exact: bool
    """True when the normalised heading equals the normalised phrase."""
    line: int
    """0-based index of the (first) matched line among the page's non-empty lines."""
    phrase: str
    """The catalogue phrase that matched."""


def normalise_heading(text: str) -> str:
    """Case-folded NFC text with punctuation and whitespace collapsed, diacritics kept ('Đ' and 'Ð' alike)."""
    text = unicodedata.normalize("NFC", text).replace("Ð", "Đ").replace("ð", "đ").casefold()
    return " ".join(_NON_WORD.sub(" ", text).replace("_", " ").split())


@functools.lru_cache(maxsize=8192)
def _phrase_forms(phrase: str) -> tuple[str, str]:
    return normalise_heading(phrase), fold_diacritics(phrase)


def mostly_capitals(line: str) -> bool:
    """A line printed mostly in capitals (how titles are printed)."""
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.7 * len(letters)


def title_matches(text: str, known_types: dict[str, DocumentType]) -> tuple[dict[str, float], TitleMatch | None]:
    """(best ratio per document type, the decisive match or None) for the page `text`.

    The decisive match is the earliest line with a match ≥ `DECISIVE_RATIO`; on that line the closest match
    wins, then an exact one, then the longest (most specific) phrase, so "ĐƠN ĐỀ NGHỊ CẤP LẠI GIẤY PHÉP …" is
    the application, not the permit it names.
    """
    raw = [line for line in text.splitlines() if line.strip()][:HEAD_LINES]
    exact_lines = [(i, c) for i, c, _ in _candidates([(i, normalise_heading(line), False)
                                                       for i, line in enumerate(raw[:EXACT_HEAD_LINES])])]
    # Fuzzy: lines in capitals anywhere in the head, lines in any case near the top (a title printed in
    # capitals and sentence case over two lines too); containment only where every line is in capitals.
    # A title merged into one line with other text (header columns read as one row) is its run of capitals.
    entries = [(i, fold_diacritics(line), mostly_capitals(line)) for i, line in enumerate(raw)
               if i < EXACT_HEAD_LINES or mostly_capitals(line)]
    entries += [(i, fold_diacritics(run), True) for i, line in enumerate(raw) for run in capital_runs(line)]
    fuzzy = _candidates(sorted(set(entries)))
    scores: dict[str, float] = {}
    found: list[TitleMatch] = []
    for doc in known_types.values():
        best = 0.0
        for phrase in doc.title_phrases:
            normal, folded = _phrase_forms(phrase)
            for index, candidate in exact_lines:
                if candidate == normal:
                    found.append(TitleMatch(doc.id, 1.0, True, index, phrase))
                    best = 1.0
            for index, candidate, contain in fuzzy:
                ratio = _ratio(folded, candidate, contain)
                if ratio >= RIVAL_RATIO:
                    found.append(TitleMatch(doc.id, ratio, False, index, phrase))
                best = max(best, ratio)
        scores[doc.id] = best
    return scores, _decisive(found)


def _decisive(found: list[TitleMatch]) -> TitleMatch | None:
    decisive = [m for m in found if m.ratio >= DECISIVE_RATIO]
    if not decisive:
        return None
    first_line = min(m.line for m in decisive)
    best = max((m for m in decisive if m.line == first_line), key=lambda m: (round(m.ratio, 3), m.exact, len(m.phrase)))
    # A longer phrase matched nearly as well around the same lines is the real title, and the short one a part of it
    # ("GIẤY PHÉP BÁN LẺ …" inside "ĐƠN ĐỀ NGHỊ CẤP SỬA ĐỔI, BỔ SUNG GIẤY PHÉP BÁN LẺ …" split over lines).
    part = _phrase_forms(best.phrase)[1]
    rivals = [m for m in found if m.document_type != best.document_type and part in _phrase_forms(m.phrase)[1]
              and len(m.phrase) > len(best.phrase) and m.ratio >= best.ratio - 0.1 and abs(m.line - best.line) <= 2]
    strong = [m for m in rivals if m.ratio >= DECISIVE_RATIO]
    if rivals and not strong:
        return None
    if strong:
        best = max(strong, key=lambda m: (round(m.ratio, 3), m.exact, len(m.phrase)))
    # Sibling titles differ by a word ("BÁN LẺ" / "BÁN BUÔN"): a match is decisive only when no other type's phrase
    # (other than a part of its own) matches nearly as well; otherwise the page model tells them apart.
    own = _phrase_forms(best.phrase)[1]
    close = [m for m in found if m.document_type != best.document_type and m.ratio > best.ratio - AMBIGUITY_MARGIN
             and _phrase_forms(m.phrase)[1] not in own]
    return None if close else best


def _candidates(lines: list[tuple[int, str, bool]]) -> list[tuple[int, str, bool]]:
    """Single lines (or runs), and two or three on adjacent lines joined (titles printed over several lines);
    the flag: every part of the candidate is in capitals."""
    by_line: dict[int, list[tuple[int, str, bool]]] = {}
    for item in lines:
        by_line.setdefault(item[0], []).append(item)
    pairs = [(a[0], f"{a[1]} {b[1]}", a[2] and b[2]) for a in lines for b in by_line.get(a[0] + 1, ())]
    triples = [(a[0], f"{a[1]} {c[1]}", a[2] and c[2]) for a in pairs for c in by_line.get(a[0] + 2, ())]
    return [item for item in lines + pairs + triples if item[1]]


_RUN_WORD = re.compile(r"\S+")


def capital_runs(line: str) -> list[str]:
    """Runs of two or more words in capitals inside a line that is not all capitals ('… ngày 10 tháng 3 ĐƠN ĐỀ NGHỊ')."""
    if mostly_capitals(line):
        return []
    runs: list[list[str]] = [[]]
    for word in _RUN_WORD.findall(line):
        letters = [c for c in word if c.isalpha()]
        if letters and all(c.isupper() for c in letters):
            runs[-1].append(word)
        elif runs[-1]:
            runs.append([])
    return [" ".join(run) for run in runs if len(run) >= 2 and sum(len(w) for w in run) >= 8]


def _ratio(phrase: str, candidate: str, contain: bool = True) -> float:
    if contain and phrase in candidate:
        # The title must dominate its line: "hop dong" inside a sentence is not a contract's title.
        return 1.0 if len(candidate) <= len(phrase) * 1.6 else MIN_RATIO
    if abs(len(candidate) - len(phrase)) > max(6, len(phrase) // 4):
        return 0.0
    matcher = difflib.SequenceMatcher(None, phrase, candidate, autojunk=False)
    if matcher.real_quick_ratio() < MIN_RATIO or matcher.quick_ratio() < MIN_RATIO:
        return 0.0
    return matcher.ratio()
