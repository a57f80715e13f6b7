"""The 766 indicators from the database, the way the API and the CLI ask for them: SQL aggregates over the rows
the lifecycle keeps per dossier (:mod:`sohoa.services.db.stats`), one line per period (and group value), the
dossiers behind any number on demand, CSV and JSON renderings. The fold of :mod:`sohoa.supervision.indicators`
is the reference: :func:`reference_table` puts its report in the same shape, and the tests hold both equal.

Every report is logged (``stats`` in the audit log) and every dossier listed behind a number is logged as an
access to it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sohoa.errors import InvalidQuery
from sohoa.lifecycle.ledger import ledger
from sohoa.lifecycle.violations import Rule
from sohoa.services.db import Database
from sohoa.services.db.stats import INDICATOR_WINDOWS, StatsFilter
from sohoa.supervision.indicators import INDICATORS, Figure, StatsQuery, StatsReport
from sohoa.supervision.periods import Bucket, buckets

VIOLATION_FIGURES = tuple(rule.value for rule in Rule)
"""The violation counts of every line, after the indicators, named by rule."""
FIGURES = INDICATORS + VIOLATION_FIGURES
"""Every figure of a line, in order (the CSV columns after period and group)."""
RATE_OF = {"early": "resolved", "on_time": "resolved", "late": "resolved", "components_digitized": "received",
           "results_digitized": "resolved", "digitized": "resolved", "reuse": "components_digitized_sum"}
"""Rates and what they are over; the reuse rate is over the digitized components, not over dossiers."""
MAX_LISTED = 1000
"""Most dossiers listed behind a number in one page."""
MAX_BUCKETS = 400
"""Most periods in one report (a year by day fits)."""


@dataclass(frozen=True)
class StatsLine:
    """The figures of one period and group value."""

    period: str
    """Bucket label."""
    group: str | None
    """Group value; None when not grouped."""
    figures: dict[str, Figure]
    """Figure name (:data:`FIGURES`) → figure."""


@dataclass(frozen=True)
class StatsTable:
    """A report as lines."""

    query: StatsQuery
    """What was asked."""
    as_of: datetime
    """The moment it describes."""
    lines: tuple[StatsLine, ...]
    """In period order, then group order."""


def report_buckets(query: StatsQuery) -> tuple[Bucket, ...]:
    """The periods of `query`; InvalidQuery when the range is reversed or too long."""
    try:
        found = buckets(query.period, query.first, query.last)
    except ValueError as error:
        raise InvalidQuery(str(error)) from error
    if len(found) > MAX_BUCKETS:
        raise InvalidQuery(f"{len(found)} periods asked; at most {MAX_BUCKETS} (choose a longer period)")
    return found


def bucket_named(query: StatsQuery, period: str) -> Bucket:
    """The period of `query` labelled `period`; InvalidQuery when it has none."""
    bucket = next((b for b in report_buckets(query) if b.label == period), None)
    if bucket is None:
        raise InvalidQuery(f"period {period!r} is not in {query.first} to {query.last} by {query.period}")
    return bucket


def filter_of(query: StatsQuery) -> StatsFilter:
    """The database filter of a query."""
    return StatsFilter(agency=query.agency, department=query.department, procedure_code=query.procedure_code,
                       channel=query.channel)


def sweep(database: Database, as_of: datetime, actor: str, where: StatsFilter = StatsFilter()) -> int:
    """Flag the open dossiers (of `where`) late at `as_of` that no event has flagged yet — a promised date passing
    while nobody touches the dossier; how many were."""
    count, after = 0, ""
    while codes := database.overdue_unflagged(as_of, where, after):
        for code in codes:
            database.refresh_ledger(code, ledger, as_of)
        count, after = count + len(codes), codes[-1]
    if count:
        database.record_event(actor=actor, action="violations-sweep", outcome=f"{count} dossier(s) flagged late")
    return count


def stats_table(database: Database, query: StatsQuery, as_of: datetime, actor: str) -> StatsTable:
    """The indicators of `query` judged at `as_of`, from SQL aggregates (after a :func:`sweep` of its dossiers, so
    the violations are those that happened by then); logged."""
    sweep(database, as_of, actor, filter_of(query))
    lines: list[StatsLine] = []
    group = query.group_by.value if query.group_by is not None else None
    periods = report_buckets(query)
    counted = database.stats_counts(filter_of(query), [(b.start, b.end) for b in periods], as_of, group)
    for bucket, counts in zip(periods, counted, strict=True):
        for value in sorted(counts, key=lambda key: key or ""):
            lines.append(StatsLine(bucket.label, value, _figures(counts[value])))
    database.record_event(actor=actor, action="stats", outcome=f"{describe(query)}: {len(lines)} line(s)")
    return StatsTable(query=query, as_of=as_of, lines=tuple(lines))


def _figures(counts: dict[str, int]) -> dict[str, Figure]:
    figures = {}
    for name in INDICATORS:
        count = counts.get("components_reused_sum", 0) if name == "reuse" else counts.get(name, 0)
        figures[name] = Figure(count, counts.get(RATE_OF[name], 0) if name in RATE_OF else None, None)
    return figures | {name: Figure(counts.get(name, 0), None, None) for name in VIOLATION_FIGURES}


def reference_table(report: StatsReport) -> StatsTable:
    """The fold's report (:func:`sohoa.supervision.indicators.stats_report`) as lines, with its lists."""
    lines = []
    for row in report.rows:
        violated = {rule.value: Figure(len(items), None, tuple(sorted({v.dossier_code for v in items})))
                    for rule, items in row.violations.items()}
        lines.append(StatsLine(row.period, row.group, {**row.figures, **violated}))
    return StatsTable(query=report.query, as_of=report.as_of, lines=tuple(lines))


def dossiers_behind(database: Database, query: StatsQuery, figure: str, period: str, group: str | None,
                    as_of: datetime, actor: str, limit: int = 100, offset: int = 0) -> list[str]:
    """The codes of the dossiers a figure of the line (`period`, `group`) counts, sorted; each listed one logged."""
    if figure not in INDICATOR_WINDOWS and figure not in VIOLATION_FIGURES:
        raise InvalidQuery(f"unknown figure {figure!r}; known: {', '.join(FIGURES)}")
    if not 1 <= limit <= MAX_LISTED or offset < 0:
        raise InvalidQuery(f"limit must be 1 to {MAX_LISTED} and offset at least 0")
    bucket = bucket_named(query, period)
    dimension = query.group_by.value if query.group_by is not None else None
    codes = database.stats_codes(filter_of(query), figure, bucket.start, bucket.end, as_of, dimension, group,
                                 limit, offset)
    database.record_event(actor=actor, action="stats-dossiers",
                          outcome=f"{describe(query)} {figure} {period} {group or ''}: {len(codes)} dossier(s)")
    for code in codes:
        database.record_access(code, actor, "stats", None, f"listed behind {figure} of {period}")
    return codes


def describe(query: StatsQuery) -> str:
    """The query in one line for the audit log."""
    parts = [f"{query.first}..{query.last} by {query.period}"]
    parts += [f"{name}={value}" for name, value in (("agency", query.agency), ("department", query.department),
              ("procedure", query.procedure_code), ("channel", query.channel), ("group", query.group_by))
              if value is not None]
    return " ".join(str(part) for part in parts)


def table_json(table: StatsTable) -> dict[str, Any]:
    """The table as JSON: every figure with its count, its denominator and percentage (2 decimals, null for N/A)
    when a rate."""
    def figure(value: Figure) -> dict[str, Any]:
        shown: dict[str, Any] = {"count": value.count}
        if value.of is not None:
            shown |= {"of": value.of, "percent": str(value.percent) if value.percent is not None else None,
                      "shown": value.shown}
        return shown

    query = table.query
    return {"as_of": table.as_of.isoformat(), "first": query.first.isoformat(), "last": query.last.isoformat(),
            "period": str(query.period), "group_by": str(query.group_by) if query.group_by else None,
            "filters": {"agency": query.agency, "department": query.department,
                        "procedure_code": query.procedure_code, "channel": query.channel},
            "lines": [{"period": line.period, "group": line.group,
                       "figures": {name: figure(value) for name, value in line.figures.items()}}
                      for line in table.lines]}


def table_csv(table: StatsTable) -> str:
    """The table as CSV: period, group, then each figure as printed (a count, or a percentage / N/A), then each
    rate's count and denominator."""
    rates = [name for name in FIGURES if name in RATE_OF]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["period", "group", *FIGURES, *(f"{name}_{part}" for name in rates for part in ("count", "of"))])
    for line in table.lines:
        figures = line.figures
        writer.writerow([line.period, line.group or "", *(figures[name].shown for name in FIGURES),
                         *(value for name in rates for value in (figures[name].count, figures[name].of))])
    return out.getvalue()


__all__ = ["FIGURES", "MAX_LISTED", "RATE_OF", "VIOLATION_FIGURES", "StatsLine", "StatsTable", "bucket_named", "describe",
           "dossiers_behind", "filter_of", "reference_table", "report_buckets", "stats_table", "sweep", "table_csv",
           "table_json"]
