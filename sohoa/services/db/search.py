"""Finding dossiers by what their pages say, and by procedure, status and reception date.

A mixin of :class:`sohoa.services.db.Database`, which provides the transactions. Every page of a saved report is
kept in ``page_texts`` with its diacritic-folded skeleton (:func:`sohoa.ocr.text.fold_diacritics`), so
"giay phep ban le ruou" finds "Giấy phép bán lẻ rượu", and an OCR slip in a tone mark does not hide a
page. Terms are matched as substrings of one page's skeleton, all of them on the same page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, exists, func, select

from sohoa.services.db.records import DossierStatus
from sohoa.services.db.schema import dossiers, page_texts
from sohoa.ocr.text import fold_diacritics

@dataclass(frozen=True)
class PageHit:
    """One page that matched a search, with its dossier's summary."""

    dossier_code: str
    """Code of the dossier the page belongs to."""
    procedure_code: str
    """The dossier's procedure."""
    status: DossierStatus
    """The dossier's current status."""
    received_at: datetime
    """When the dossier was received; timezone-aware, UTC."""
    page_index: int | None
    """0-based index of the page in the dossier's page stream; None when the search had no terms."""
    position: int | None
    """Component position the page was assigned to; None for unexpected, blank or review pages."""
    document_type: str | None
    """Catalogue document type of the page, if recognised."""
    text: str
    """The page's text as OCR read it (empty when the search had no terms)."""


def page_text_rows(dossier_code: str, report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``page_texts`` rows for the pages of a report (JSON of ``DossierReport``) that carry text."""
    rows = []
    for page in report.get("pages") or ():
        text = page.get("text") or ""
        if isinstance(page.get("index"), int) and text.strip():
            rows.append({"dossier_code": dossier_code, "page_index": page["index"], "text": text,
                         "position": page.get("component_position"), "document_type": page.get("document_type"),
                         "folded": fold_diacritics(text)})
    return rows


def search_terms(query: str) -> list[str]:
    """The folded terms of a free-text query (diacritics, case and punctuation ignored)."""
    return [term for term in fold_diacritics(query).split() if term]


class SearchMixin:
    """``search_pages``."""

    _read: Callable[..., AbstractContextManager[Connection]]

    def search_pages(self, terms: list[str], *, procedure_code: str | None = None, status: DossierStatus | None = None,
                     received_from: datetime | None = None, received_to: datetime | None = None,
                     limit: int = 20, offset: int = 0, pages_per_dossier: int = 3) -> list[PageHit]:
        """The dossiers holding every folded term on one of their pages, newest first (`offset`, then at
        most `limit` dossiers), each with up to `pages_per_dossier` matching pages in page order. With no
        terms, one hit per dossier matching the filters. `received_to` is exclusive."""
        filters = [dossiers.c.procedure_code == procedure_code] if procedure_code else []
        if status is not None:
            filters.append(dossiers.c.status == int(status))
        if received_from is not None:
            filters.append(dossiers.c.received_at >= received_from)
        if received_to is not None:
            filters.append(dossiers.c.received_at < received_to)
        matching = and_(True, *(page_texts.c.folded.contains(term, autoescape=True) for term in terms))
        if terms:  # the dossiers first, so that `limit` counts dossiers however many pages each one matches
            filters.append(exists().where(page_texts.c.dossier_code == dossiers.c.code, matching))
        summary = [dossiers.c.code, dossiers.c.procedure_code, dossiers.c.status, dossiers.c.received_at]
        chosen = (select(*summary).where(and_(True, *filters))
                  .order_by(dossiers.c.received_at.desc(), dossiers.c.code.desc()).offset(offset).limit(limit))
        with self._read("search dossiers") as connection:
            found = connection.execute(chosen).all()
            pages = connection.execute(_first_matching_pages([row.code for row in found], matching, pages_per_dossier)
                                       ).all() if terms and found else []
        by_dossier: dict[str, list] = {}
        for page in pages:
            by_dossier.setdefault(page.dossier_code, []).append(page)
        hits = []
        for row in found:
            summary_values = (row.code, row.procedure_code, DossierStatus(row.status), row.received_at)
            hits += [PageHit(*summary_values, page.page_index, page.position, page.document_type, page.text)
                     for page in by_dossier.get(row.code, ())] or [PageHit(*summary_values, None, None, None, "")]
        return hits


def _first_matching_pages(codes: list[str], matching, per_dossier: int):
    """The first `per_dossier` matching pages of each dossier, ranked in the database (a common word may
    match thousands of pages, whose text must not all be read)."""
    rank = func.row_number().over(partition_by=page_texts.c.dossier_code, order_by=page_texts.c.page_index)
    ranked = (select(page_texts.c.dossier_code, page_texts.c.page_index, page_texts.c.position,
                     page_texts.c.document_type, page_texts.c.text, rank.label("rank"))
              .where(page_texts.c.dossier_code.in_(codes), matching).subquery())
    return (select(ranked.c.dossier_code, ranked.c.page_index, ranked.c.position, ranked.c.document_type, ranked.c.text)
            .where(ranked.c.rank <= per_dossier).order_by(ranked.c.dossier_code, ranked.c.page_index))
