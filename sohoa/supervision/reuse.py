"""Reuse of papers already digitized (digitization states 2 and 3): which earlier signed copy a new paper is.

Pure rules over typed values. A paper of a new dossier is the same document as an archived one when all four
keys agree — document type, number (số ký hiệu; none on a business registration certificate, whose number is
its enterprise code), issuer and enterprise code, compared without diacritics, case or spacing — and so does the
issue date, and every page's perceptual hash is within :data:`MAX_HASH_DISTANCE`
bits of the archived page's (a rescan at another dpi stays well inside it). An archived paper of which a newer
version exists (the same document type, issuer and enterprise code, issued later: a changed certificate) is
never proposed. A result signed by sohoa is reusable by its signed copy's SHA-256 alone (state 3).

A proposal is only a proposal: a person confirms it (:mod:`sohoa.supervision.reuse_service`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sohoa.ocr.phash import HASH_BITS, hash_distance
from sohoa.ocr.text import fold_diacritics
from sohoa.lifecycle.timeline import DigitizationState

MAX_HASH_DISTANCE = HASH_BITS // 8
"""Most bits two page hashes of the same paper may differ in (31 of 255)."""


@dataclass(frozen=True)
class Paper:
    """One paper (document) of a dossier, as digitization read it."""

    dossier_code: str
    """The dossier it was handed in with."""
    position: int
    """Its component position in that dossier's checklist."""
    document_type: str
    """Catalogue document type."""
    number: str
    """Số, ký hiệu as printed."""
    issuer: str
    """Issuing body."""
    enterprise_code: str
    """10-digit enterprise code on it."""
    issue_date: str
    """Issue date, ISO 8601; empty when not read."""
    page_hashes: tuple[str, ...]
    """Perceptual hash of each of its pages (`sohoa.ocr.phash`), in page order."""
    signed_key: str | None = None
    """Object key of its signed electronic copy, once signed."""
    signed_sha256: str | None = None
    """SHA-256 of that signed copy."""
    is_result: bool = False
    """True when the paper is the signed result of its dossier (reuse of it is state 3)."""

    @property
    def identity(self) -> tuple[str, str, str, str]:
        """The four keys, folded: document type, number, issuer, enterprise code."""
        return (self.document_type, _fold(self.number), _fold(self.issuer), self.enterprise_code.replace(" ", ""))

    @property
    def identified(self) -> bool:
        """Whether the paper can be matched: type, issuer and enterprise code read, and a number or an issue date.

        A business registration certificate prints no "Số:" line (its number is the enterprise code): its
        number reads empty on both sides and the issue date of its last change tells the versions apart."""
        document_type, number, issuer, enterprise_code = self.identity
        return bool(document_type and issuer and enterprise_code and (number or self.issue_date))

    @property
    def lineage(self) -> tuple[str, str, str]:
        """What stays the same across versions of one document: type, issuer, enterprise code."""
        return self.identity[0], self.identity[2], self.identity[3]


@dataclass(frozen=True)
class ReuseProposal:
    """An earlier signed copy proposed in place of a new paper."""

    paper: Paper
    """The new dossier's paper."""
    earlier: Paper
    """The archived paper it is the same document as."""
    state: DigitizationState
    """What the component would record: 2 (reused), or 3 (reused from another dossier's result)."""
    hash_distance: int | None
    """Largest page-hash distance between the two (None for a match by the result's digest)."""


def _fold(text: str) -> str:
    return fold_diacritics(text).replace(" ", "")


def superseded(paper: Paper, archive: Iterable[Paper]) -> Paper | None:
    """A newer version of `paper` in `archive` (same type, issuer and enterprise code, issued later), if any."""
    if not paper.issue_date:
        return None
    newer = [other for other in archive if other.lineage == paper.lineage and other.issue_date > paper.issue_date]
    return max(newer, key=lambda other: other.issue_date) if newer else None


def pages_match(paper: Paper, earlier: Paper) -> int | None:
    """The largest distance between corresponding page hashes when every page is within the limit, else None."""
    if not paper.page_hashes or len(paper.page_hashes) != len(earlier.page_hashes):
        return None
    distances = [hash_distance(a, b) for a, b in zip(paper.page_hashes, earlier.page_hashes, strict=True)]
    worst = max(distances)
    return worst if worst <= MAX_HASH_DISTANCE else None


def propose(paper: Paper, archive: Iterable[Paper]) -> ReuseProposal | None:
    """The earlier signed copy `paper` may reuse, or None (no same document, a newer version exists, a changed scan)."""
    if not paper.identified:
        return None
    papers = [other for other in archive if other.dossier_code != paper.dossier_code]
    if superseded(paper, papers) is not None:
        return None  # the applicant handed in an outdated version: it is digitized anew, never matched
    best: ReuseProposal | None = None
    for earlier in papers:
        if earlier.identity != paper.identity or earlier.issue_date != paper.issue_date or not earlier.signed_key:
            continue
        if superseded(earlier, papers) is not None:
            continue
        distance = pages_match(paper, earlier)
        if distance is None:
            continue
        state = DigitizationState.REUSED_RESULT if earlier.is_result else DigitizationState.REUSED
        candidate = ReuseProposal(paper, earlier, state, distance)
        if best is None or (candidate.state, -distance) > (best.state, -(best.hash_distance or 0)):
            best = candidate
    return best


def propose_result(paper: Paper, file_sha256: str, results: Iterable[Paper]) -> ReuseProposal | None:
    """A result signed by sohoa handed in as a paper of a new dossier: found by its signed copy's digest."""
    for result in results:
        if result.is_result and result.signed_sha256 == file_sha256 and result.dossier_code != paper.dossier_code:
            return ReuseProposal(paper, result, DigitizationState.REUSED_RESULT, None)
    return None


__all__ = ["MAX_HASH_DISTANCE", "Paper", "ReuseProposal", "pages_match", "propose", "propose_result", "superseded"]
