"""The figures of the evaluation, as pure functions on plain values (no pipeline, no I/O).

* Text: character and word error rates on NFC, whitespace-normalised text, from an exact Levenshtein
  distance (Myers' bit-parallel algorithm on Python integers: O(len(a) · len(b) / word size)).
* Segmentation: a document boundary is a page that starts a new document; both the truth and the
  prediction are reduced to a document key per page (None for blank pages) and compared as sets.
* Ratios follow the indicator convention of the domain: a zero denominator gives None (shown N/A).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

_SPACE = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """NFC, every run of whitespace (newlines included) collapsed to one space, trimmed."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def levenshtein(a: Sequence[Hashable], b: Sequence[Hashable]) -> int:
    """Edit distance (insertions, deletions, substitutions, each costing 1) between two sequences.

    Works on strings (characters) and on lists of tokens alike. Myers (1999) / Hyyrö (2001)
    bit-vector algorithm: one column of the dynamic-programming matrix is held as bit masks in a
    Python integer, so a 3,000-character page against its OCR takes a few milliseconds.
    """
    if len(a) < len(b):
        a, b = b, a  # the pattern (bit vector) is the longer one: fewer iterations of the loop
    m = len(a)
    if not b:
        return m
    masks: dict[Hashable, int] = {}
    for i, symbol in enumerate(a):
        masks[symbol] = masks.get(symbol, 0) | (1 << i)
    full = (1 << m) - 1
    last = 1 << (m - 1)
    pv, mv, score = full, 0, m
    for symbol in b:
        eq = masks.get(symbol, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = (mv | ~(xh | pv)) & full
        mh = pv & xh
        if ph & last:
            score += 1
        elif mh & last:
            score -= 1
        ph = ((ph << 1) | 1) & full
        mh = (mh << 1) & full
        pv = (mh | ~(xv | ph)) & full
        mv = ph & xv
    return score


@dataclass(frozen=True)
class EditCount:
    """Edits needed to turn the hypothesis into the reference, and the reference length."""

    edits: int
    reference: int

    def __add__(self, other: EditCount) -> EditCount:
        return EditCount(self.edits + other.edits, self.reference + other.reference)

    @property
    def rate(self) -> float | None:
        """edits / reference length; None when the reference is empty."""
        return ratio(self.edits, self.reference)


def char_errors(reference: str, hypothesis: str) -> EditCount:
    """Character edits on normalised text (the CER numerator and denominator)."""
    ref, hyp = normalize_text(reference), normalize_text(hypothesis)
    return EditCount(levenshtein(ref, hyp), len(ref))


def word_errors(reference: str, hypothesis: str) -> EditCount:
    """Word edits on normalised text split at spaces (the WER numerator and denominator)."""
    ref, hyp = normalize_text(reference).split(), normalize_text(hypothesis).split()
    return EditCount(levenshtein(ref, hyp), len(ref))


def cer(reference: str, hypothesis: str) -> float | None:
    """Character error rate of one text; None for an empty reference."""
    return char_errors(reference, hypothesis).rate


def wer(reference: str, hypothesis: str) -> float | None:
    """Word error rate of one text; None for an empty reference."""
    return word_errors(reference, hypothesis).rate


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator, or None (N/A) when the denominator is zero."""
    return numerator / denominator if denominator else None


def document_starts(keys: Sequence[Hashable | None]) -> frozenset[int]:
    """Indexes of the pages that start a document.

    ``keys[i]`` identifies the document page i belongs to, or is None for a blank page (blank pages
    never start a document and are skipped when comparing with the previous page). A page starts a
    document when its key differs from the key of the previous non-blank page; the first non-blank
    page always does.
    """
    starts = set()
    previous: Hashable | None = None
    for index, key in enumerate(keys):
        if key is None:
            continue
        if not starts or key != previous:
            starts.add(index)
        previous = key
    return frozenset(starts)


@dataclass(frozen=True)
class BoundaryCount:
    """Document starts: found (true positives), invented (false positives), missed (false negatives)."""

    true_positives: int
    false_positives: int
    false_negatives: int

    def __add__(self, other: BoundaryCount) -> BoundaryCount:
        return BoundaryCount(self.true_positives + other.true_positives, self.false_positives + other.false_positives,
                             self.false_negatives + other.false_negatives)

    @property
    def precision(self) -> float | None:
        return ratio(self.true_positives, self.true_positives + self.false_positives)

    @property
    def recall(self) -> float | None:
        return ratio(self.true_positives, self.true_positives + self.false_negatives)

    @property
    def f1(self) -> float | None:
        """2·TP / (2·TP + FP + FN); None when there is no boundary on either side."""
        return ratio(2 * self.true_positives, 2 * self.true_positives + self.false_positives + self.false_negatives)


def boundary_count(truth_starts: Iterable[int], predicted_starts: Iterable[int]) -> BoundaryCount:
    """Compare predicted document starts with the true ones, page by page."""
    truth, predicted = set(truth_starts), set(predicted_starts)
    return BoundaryCount(len(truth & predicted), len(predicted - truth), len(truth - predicted))


def boundary_f1(truth_starts: Iterable[int], predicted_starts: Iterable[int]) -> float | None:
    """F1 of predicted document starts; None when neither side has a boundary."""
    return boundary_count(truth_starts, predicted_starts).f1


def checklist_match(truth_missing: Iterable[int], predicted_missing: Iterable[int]) -> bool:
    """The checklist decision is right only when the set of missing positions is exactly right."""
    return set(truth_missing) == set(predicted_missing)


@dataclass(frozen=True)
class UnexpectedCount:
    """Papers outside the checklist: how many there were, how many were flagged, how many flags were wrong."""

    truth: int
    found: int
    flagged: int
    false_alarms: int

    def __add__(self, other: UnexpectedCount) -> UnexpectedCount:
        return UnexpectedCount(self.truth + other.truth, self.found + other.found, self.flagged + other.flagged,
                               self.false_alarms + other.false_alarms)

    @property
    def recall(self) -> float | None:
        return ratio(self.found, self.truth)

    @property
    def precision(self) -> float | None:
        return ratio(self.flagged - self.false_alarms, self.flagged)


def unexpected_count(truth_documents: Iterable[Iterable[int]], flagged_documents: Iterable[Iterable[int]]) -> UnexpectedCount:
    """Match true unexpected papers (their non-blank page indexes) with the flagged ones.

    A true paper is found when at least one of its pages lies in a flagged document; a flagged
    document is a false alarm when none of its pages belongs to a true unexpected paper.
    """
    truth = [set(pages) for pages in truth_documents]
    flagged = [set(pages) for pages in flagged_documents]
    flagged_pages = set().union(*flagged) if flagged else set()
    truth_pages = set().union(*truth) if truth else set()
    found = sum(1 for pages in truth if pages & flagged_pages)
    false_alarms = sum(1 for pages in flagged if not pages & truth_pages)
    return UnexpectedCount(truth=len(truth), found=found, flagged=len(flagged), false_alarms=false_alarms)


__all__ = [
    "BoundaryCount", "EditCount", "UnexpectedCount", "boundary_count", "boundary_f1", "cer", "char_errors",
    "checklist_match", "document_starts", "levenshtein", "normalize_text", "ratio", "unexpected_count", "wer",
    "word_errors",
]
