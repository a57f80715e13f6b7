"""The list behind one number of a report, as a page shows it: each dossier the number counts (the core's list,
:func:`sohoa.supervision.stats.dossiers_behind`) with its procedure, status and promised date, and the violations
recorded for it in the line's period with their evidence — only the figure's rule when the number counts a
violation. Nothing is recounted here: the codes are the core's, the rest is read from the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sohoa.services.db import Database
from sohoa.services.db.stats import StatsEntry, ViolationRecord
from sohoa.supervision.indicators import StatsQuery
from sohoa.supervision.stats import VIOLATION_FIGURES, bucket_named, dossiers_behind, filter_of


@dataclass(frozen=True)
class BehindRow:
    """One dossier behind a number."""

    entry: StatsEntry
    """Its supervision row: code, procedure, department, channel, status, promised date …"""
    violations: tuple[ViolationRecord, ...]
    """Its violations that happened in the line's period (of the figure's rule only, when the figure is one),
    oldest first."""


@dataclass(frozen=True)
class BehindPage:
    """One page of the list behind a number."""

    figure: str
    """The indicator or rule (:data:`sohoa.supervision.stats.FIGURES`)."""
    period: str
    """The line's period label."""
    group: str | None
    """The line's group value; None when not grouped."""
    offset: int
    """How many dossiers come before this page."""
    rows: tuple[BehindRow, ...]
    """The dossiers, by code."""
    more: bool
    """Whether a next page may hold more (this one is full)."""


def behind_page(database: Database, query: StatsQuery, figure: str, period: str, group: str | None,
                as_of: datetime, actor: str, limit: int = 100, offset: int = 0) -> BehindPage:
    """The dossiers behind `figure` of the line (`period`, `group`) judged at `as_of`, with what the page shows of
    each; every listed dossier is logged (by :func:`dossiers_behind`). InvalidQuery for an unknown figure or
    period."""
    codes = dossiers_behind(database, query, figure, period, group, as_of, actor, limit, offset)
    bucket = bucket_named(query, period)
    found: dict[str, list[ViolationRecord]] = {code: [] for code in codes}
    if codes:
        rule = figure if figure in VIOLATION_FIGURES else None
        for record in database.violation_records(filter_of(query), bucket.start, min(bucket.end, as_of), rule,
                                                 limit=1000, codes=codes):
            found[record.dossier_code].append(record)
    entries = database.stats_entries_of(codes) if codes else []
    rows = tuple(BehindRow(entry, tuple(found[entry.dossier_code])) for entry in entries)
    return BehindPage(figure=figure, period=period, group=group, offset=offset, rows=rows, more=len(codes) == limit)


__all__ = ["BehindPage", "BehindRow", "behind_page"]
