"""Find digitized dossiers: by words on their pages, procedure, status and reception day.

For specialist departments and auditors. Words are matched without diacritics or case, all of them on
one page ("giay phep ruou" finds "Giấy phép bán lẻ rượu"). Every search is logged, and so is every
dossier it shows, because a hit shows a line of the dossier's text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sohoa.services.db import VIETNAM_TIME, Database, DossierStatus
from sohoa.services.db.search import PageHit, search_terms
from sohoa.errors import InvalidQuery
from sohoa.ocr.text import fold_diacritics

MAX_DOSSIERS = 100
"""Most dossiers one search returns."""
MAX_OFFSET = 10_000
"""Deepest offset."""
MAX_TERMS = 12
"""Most distinct words in one query."""
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
"""Reception days a search may name."""
PAGES_PER_DOSSIER = 3
"""Most matching pages shown per dossier."""


@dataclass(frozen=True)
class SearchRequest:
    """What to look for; every part is optional and the parts combine with AND."""

    query: str = ""
    """Free text; every word must appear on one page (diacritics, case and punctuation ignored)."""
    procedure_code: str | None = None
    """Only dossiers of this procedure (mã TTHC)."""
    status: DossierStatus | None = None
    """Only dossiers in this status."""
    received_from: date | None = None
    """Only dossiers received on or after this day (Vietnam calendar)."""
    received_to: date | None = None
    """Only dossiers received on or before this day (Vietnam calendar)."""
    limit: int = 20
    """Most dossiers returned, 1 to `MAX_DOSSIERS`; the newest come first."""
    offset: int = 0
    """Dossiers to skip first, for the next page of results."""


@dataclass(frozen=True)
class PageMatch:
    """One page of a found dossier that holds every word."""

    page_index: int
    """0-based index of the page in the dossier's page stream."""
    component_position: int | None
    """Component the page was assigned to; None for an unexpected or unclassified page."""
    document_type: str | None
    """Catalogue document type of the page, if recognised."""
    line: str
    """The first line of the page holding a searched word, as OCR read it."""


@dataclass(frozen=True)
class DossierHit:
    """One found dossier."""

    dossier_code: str
    """Dossier code."""
    procedure_code: str
    """Procedure code."""
    status: DossierStatus
    """Current status."""
    received_at: datetime
    """When it was received; timezone-aware, UTC."""
    pages: tuple[PageMatch, ...]
    """Up to `PAGES_PER_DOSSIER` matching pages; empty when the search had no words."""


def search_dossiers(database: Database, request: SearchRequest, actor: str) -> tuple[DossierHit, ...]:
    """The dossiers matching `request`, newest first; the search and each dossier shown are logged."""
    terms = _checked_terms(request)
    start = _day_start(request.received_from)
    end = _day_start(request.received_to + timedelta(days=1)) if request.received_to else None
    hits = database.search_pages(terms, procedure_code=request.procedure_code or None, status=request.status,
                                 received_from=start, received_to=end, limit=request.limit, offset=request.offset,
                                 pages_per_dossier=PAGES_PER_DOSSIER)
    found = _group(hits, terms)
    database.record_event(actor=actor, action="search", outcome=f"{_describe(request)}: {len(found)} dossier(s)")
    for hit in found:
        pages = ", ".join(str(page.page_index + 1) for page in hit.pages) or "-"
        database.record_access(hit.dossier_code, actor, "search", None, f"shown in a search; pages {pages}")
    return found


def _checked_terms(request: SearchRequest) -> list[str]:
    if isinstance(request.limit, bool) or not isinstance(request.limit, int) or not 1 <= request.limit <= MAX_DOSSIERS:
        raise InvalidQuery(f"limit must be an integer from 1 to {MAX_DOSSIERS}, got {request.limit!r}")
    if isinstance(request.offset, bool) or not isinstance(request.offset, int) or not 0 <= request.offset <= MAX_OFFSET:
        raise InvalidQuery(f"offset must be an integer from 0 to {MAX_OFFSET}, got {request.offset!r}")
    if len(request.query) > 200:
        raise InvalidQuery(f"query is {len(request.query)} characters long; at most 200")
    terms = list(dict.fromkeys(search_terms(request.query)))
    if request.query.strip() and not terms:
        raise InvalidQuery(f"query {request.query!r} has no letters or digits to look for")
    if len(terms) > MAX_TERMS:
        raise InvalidQuery(f"query has {len(terms)} different words; at most {MAX_TERMS}")
    for name, day in (("received_from", request.received_from), ("received_to", request.received_to)):
        if day is not None and not EARLIEST <= day <= LATEST:
            raise InvalidQuery(f"{name} {day} is outside {EARLIEST} to {LATEST}")
    if request.received_from and request.received_to and request.received_from > request.received_to:
        raise InvalidQuery(f"received_from {request.received_from} is after received_to {request.received_to}")
    if request.procedure_code is not None and len(request.procedure_code) > 64:
        raise InvalidQuery("procedure_code is longer than 64 characters")
    return terms


def _day_start(day: date | None) -> datetime | None:
    return datetime.combine(day, time(), tzinfo=VIETNAM_TIME) if day else None


def _group(hits: list[PageHit], terms: list[str]) -> tuple[DossierHit, ...]:
    grouped: dict[str, tuple[PageHit, list[PageMatch]]] = {}
    for hit in hits:
        pages = grouped.setdefault(hit.dossier_code, (hit, []))[1]
        if hit.page_index is not None:
            pages.append(PageMatch(hit.page_index, hit.position, hit.document_type, _matching_line(hit.text, terms)))
    return tuple(DossierHit(first.dossier_code, first.procedure_code, first.status, first.received_at, tuple(pages))
                 for first, pages in grouped.values())


def _matching_line(text: str, terms: list[str]) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines:
        if any(term in fold_diacritics(line) for term in terms):
            return line[:300]
    return lines[0][:300] if lines else ""


def _describe(request: SearchRequest) -> str:
    parts = [f"query {request.query!r}"] if request.query.strip() else []
    parts += [f"{name} {value}" for name, value in (("procedure", request.procedure_code), ("status", request.status),
              ("from", request.received_from), ("to", request.received_to), ("offset", request.offset)) if value]
    return "; ".join(parts) or "all dossiers"


__all__ = ["DossierHit", "PageMatch", "SearchRequest", "search_dossiers"]
