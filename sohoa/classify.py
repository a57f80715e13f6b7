"""Stage 5, classification: assign each page to a component of the procedure's checklist, or flag it.

First version: title phrases and keywords from the catalogue, matched on diacritic-folded text and
tolerant of OCR errors; a page without a title of its own continues the document before it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

from sohoa.catalog import DocumentType, Variant
from sohoa.models.report import ChecklistVerdict, UnexpectedDocument
from sohoa.ocr.text import fold_diacritics

_NATIONAL_MOTTO = ("cong hoa xa hoi chu nghia viet nam", "doc lap tu do hanh phuc")
_HEAD_LINES = 25
_TITLE_MIN_RATIO = 0.82
_CONTINUATION_CONFIDENCE = 0.6

Role = Literal["component", "continuation", "unexpected", "blank", "unknown"]


@dataclass(frozen=True)
class PageText:
    """What the classifier looks at for one page."""

    text: str
    """Page text (OCR or born-digital)."""
    blank: bool
    """Blank pages are never assigned."""


@dataclass(frozen=True)
class PageAssignment:
    """The classifier's decision for one page."""

    role: Role
    """component: a document's first page; continuation: a following page; unexpected: not on the checklist."""
    position: int | None
    """1-based component position, None unless component or continuation."""
    document_type: str | None
    """Matched document type id."""
    confidence: float
    """0-1."""
    title: str
    """Title-like line found on the page, for reviewers."""


def classify_pages(pages: tuple[PageText, ...], variant: Variant, known_types: dict[str, DocumentType]) -> tuple[PageAssignment, ...]:
    """One assignment per page, in stream order."""
    accepting: dict[str, list[int]] = {}
    for component in variant.components:
        for doc in component.document_types:
            accepting.setdefault(doc.id, []).append(component.position)
    assignments: list[PageAssignment] = []
    previous: PageAssignment | None = None
    for page in pages:
        if page.blank:
            assignments.append(PageAssignment("blank", None, None, 1.0, ""))
            continue
        # A document type several components accept fills the first of them not yet filled.
        filled = {a.position for a in assignments}
        expected = {doc_id: next((p for p in positions if p not in filled), positions[0])
                    for doc_id, positions in accepting.items()}
        assignment = _classify_one(page.text, expected, known_types, previous)
        assignments.append(assignment)
        previous = assignment
    return tuple(assignments)


def checklist_verdict(assignments: tuple[PageAssignment, ...], variant: Variant) -> ChecklistVerdict:
    """Which components are present, which required ones are missing, what is unexpected."""
    present = sorted({a.position for a in assignments if a.position is not None})
    missing = [c.position for c in variant.components if c.required and c.position not in present]
    optional = [c.position for c in variant.components if not c.required and c.position not in present]
    return ChecklistVerdict(
        complete=not missing, present_positions=tuple(present), missing_positions=tuple(missing),
        missing_optional_positions=tuple(optional), unexpected=_unexpected_documents(assignments),
    )


def _classify_one(text: str, expected: dict[str, int], known_types: dict[str, DocumentType],
                  previous: PageAssignment | None) -> PageAssignment:
    lines = [fold_diacritics(line) for line in text.splitlines() if line.strip()]
    head = lines[:_HEAD_LINES]
    title = _title_line(text)
    scored = sorted(((_score(doc, head, lines), doc.id) for doc in known_types.values()), reverse=True)
    best_score, best_id = scored[0] if scored else (0.0, None)
    has_title = best_score >= _TITLE_MIN_RATIO
    if has_title and best_id in expected:
        return PageAssignment("component", expected[best_id], best_id, min(1.0, best_score), title)
    if has_title or _starts_document(head):
        return PageAssignment("unexpected", None, best_id if has_title else None, min(1.0, max(best_score, 0.5)), title)
    if previous is not None and previous.role != "blank":
        role: Role = "unexpected" if previous.role == "unexpected" else "continuation"
        return PageAssignment(role, previous.position, previous.document_type,
                              min(previous.confidence, _CONTINUATION_CONFIDENCE), previous.title)
    keyword_guess = _keyword_guess(lines, expected, known_types)
    if keyword_guess is not None:
        return keyword_guess
    return PageAssignment("unknown", None, None, 0.0, title)


def _score(doc: DocumentType, head: list[str], lines: list[str]) -> float:
    """Title match ratio (0-1) plus a small bonus for body keywords that break ties."""
    candidates = head + [f"{a} {b}" for a, b in zip(head, head[1:])]
    title = max((_best_ratio(fold_diacritics(phrase), candidates) for phrase in doc.title_phrases), default=0.0)
    body = " ".join(lines)
    keywords = sum(1 for keyword in doc.keywords if fold_diacritics(keyword) in body)
    return title + 0.01 * keywords


def _best_ratio(phrase: str, candidates: list[str]) -> float:
    best = 0.0
    for candidate in candidates:
        if phrase in candidate:
            # The title must dominate its line: "hop dong" inside a sentence is not a contract's title.
            return 1.0 if len(candidate) <= len(phrase) * 1.6 else 0.7
        if abs(len(candidate) - len(phrase)) <= max(6, len(phrase) // 4):
            best = max(best, difflib.SequenceMatcher(None, phrase, candidate, autojunk=False).ratio())
    return best


def _starts_document(head: list[str]) -> bool:
    return any(difflib.SequenceMatcher(None, motto, line).ratio() > 0.8 for motto in _NATIONAL_MOTTO for line in head[:8])


def _keyword_guess(lines: list[str], expected: dict[str, int], known_types: dict[str, DocumentType]) -> PageAssignment | None:
    body = " ".join(lines)
    hits = {doc_id: sum(1 for k in known_types[doc_id].keywords if fold_diacritics(k) in body) for doc_id in expected if doc_id in known_types}
    if not hits:
        return None
    doc_id, count = max(hits.items(), key=lambda item: item[1])
    if count < 2:
        return None
    return PageAssignment("component", expected[doc_id], doc_id, min(0.5, 0.15 * count), "")


def _title_line(text: str) -> str:
    """The first line that looks like a document title: mostly capitals, several words, not the motto."""
    for line in text.splitlines():
        stripped = line.strip()
        letters = [c for c in stripped if c.isalpha()]
        if len(stripped.split()) < 3 or len(letters) < 8:
            continue
        if sum(c.isupper() for c in letters) / len(letters) < 0.8:
            continue
        if any(difflib.SequenceMatcher(None, motto, fold_diacritics(stripped)).ratio() > 0.8 for motto in _NATIONAL_MOTTO):
            continue
        return stripped
    return ""


def _unexpected_documents(assignments: tuple[PageAssignment, ...]) -> tuple[UnexpectedDocument, ...]:
    documents: list[UnexpectedDocument] = []
    current: list[int] = []
    title = ""
    for index, assignment in enumerate(assignments):
        if assignment.role == "unexpected" and current and assignment.title == title and assignments[index - 1].role in ("unexpected", "blank"):
            current.append(index)
            continue
        if current:
            documents.append(UnexpectedDocument(pages=tuple(current), title=title))
            current = []
        if assignment.role == "unexpected":
            current, title = [index], assignment.title
    if current:
        documents.append(UnexpectedDocument(pages=tuple(current), title=title))
    return tuple(documents)
