"""The 766 indicators per period and per agency, department, procedure or channel, with the dossiers behind
every number (pure: timelines in, a report out).

Which dossiers each number counts:

- ``received``: received in the period;
- ``resolved``: finished in the period; ``early`` / ``on_time`` / ``late`` over ``resolved`` (766 rules in
  :mod:`sohoa.lifecycle.timeline`); ``no_promised_date``: finished without a promised date (not classed);
- ``overdue_open``: still open at the end of the period (or at `as_of`, when earlier) and already late;
- ``components_digitized``: received in the period with every component digitized (states 1-3), over ``received``;
- ``results_digitized``: resolved in the period with an electronic result, over ``resolved``;
- ``digitized``: the 766 *tỷ lệ số hóa*: resolved with both their components and their result digitized, over
  ``resolved``;
- ``reuse``: components in states 2 or 3 over the digitized components (states 1-3) of the dossiers received in
  the period; the list names the dossiers holding a reused component;
- ``violations``: per rule, the violations that happened in the period (:mod:`sohoa.lifecycle.violations`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sohoa.supervision.periods import Bucket, Period, Rate, buckets
from sohoa.lifecycle.timeline import (
    DigitizationState,
    DossierTimeline,
    Outcome,
    components_digitized,
    outcome,
    overdue_at,
)
from sohoa.lifecycle.violations import Rule, Violation, violations


class Dimension(StrEnum):
    """What a report's rows are grouped by, besides the period."""

    AGENCY = "agency"
    DEPARTMENT = "department"
    PROCEDURE = "procedure"
    CHANNEL = "channel"


GROUP_KEYS: dict[Dimension, Callable[[DossierTimeline], str]] = {
    Dimension.AGENCY: lambda timeline: timeline.agency,
    Dimension.DEPARTMENT: lambda timeline: timeline.department or "-",
    Dimension.PROCEDURE: lambda timeline: timeline.procedure_code,
    Dimension.CHANNEL: lambda timeline: str(int(timeline.channel)),
}
"""The group value of a timeline for each dimension (``-`` for a dossier not assigned to a department)."""


@dataclass(frozen=True)
class StatsQuery:
    """What to report on."""

    first: date
    """First local day of the range."""
    last: date
    """Last local day of the range, inclusive."""
    period: Period = Period.MONTH
    """How the range is cut into rows."""
    group_by: Dimension | None = None
    """Split each period's row by this; None for one row per period."""
    agency: str | None = None
    """Only this receiving agency."""
    department: str | None = None
    """Only this department."""
    procedure_code: str | None = None
    """Only this procedure."""
    channel: int | None = None
    """Only this reception channel (1, 2, 3)."""

    def admits(self, timeline: DossierTimeline) -> bool:
        """Whether the filters keep `timeline`."""
        wanted = ((self.agency, timeline.agency), (self.department, timeline.department),
                  (self.procedure_code, timeline.procedure_code), (self.channel, int(timeline.channel)))
        return all(want is None or want == have for want, have in wanted)


@dataclass(frozen=True)
class Figure:
    """One number of the report, its denominator when it is a rate, and the dossiers behind it."""

    count: int
    """The number."""
    of: int | None
    """The denominator of a rate; None for a plain count."""
    dossiers: tuple[str, ...] | None
    """Codes of the dossiers counted, sorted; None when not listed with the figure (the SQL path lists them on
    demand: :func:`sohoa.supervision.stats.dossiers_behind`)."""

    @property
    def percent(self) -> Decimal | None:
        """The rate's percentage, 2 decimals; None for a plain count or a zero denominator."""
        return None if self.of is None else Rate(self.count, self.of).percent

    @property
    def shown(self) -> str:
        """The figure as printed: ``12``, or ``66.67`` / ``N/A`` for a rate."""
        return str(self.count) if self.of is None else Rate(self.count, self.of).shown


@dataclass(frozen=True)
class IndicatorRow:
    """The indicators of one period (and one group value)."""

    period: str
    """Bucket label: ``2026-11``, ``2026-Q4`` …"""
    group: str | None
    """The group value (agency code, department, procedure code, channel number); None when not grouped."""
    figures: dict[str, Figure]
    """Indicator name → figure, in the order of :data:`INDICATORS`."""
    violations: dict[Rule, tuple[Violation, ...]]
    """Every rule → the violations that happened in the period (empty tuples included)."""


@dataclass(frozen=True)
class StatsReport:
    """A whole report."""

    query: StatsQuery
    """What was asked."""
    as_of: datetime
    """The moment the figures describe (violations and open dossiers are judged at it)."""
    rows: tuple[IndicatorRow, ...]
    """One row per period (per group value when grouped), in period order."""


INDICATORS = ("received", "resolved", "early", "on_time", "late", "no_promised_date", "overdue_open",
              "components_digitized", "results_digitized", "digitized", "reuse")
"""The figures of every row, in order."""


def stats_report(timelines: Iterable[DossierTimeline], query: StatsQuery, as_of: datetime) -> StatsReport:
    """The indicators of `query` over `timelines` (those outside its filters are ignored), judged at `as_of`."""
    kept = [timeline for timeline in timelines if query.admits(timeline)]
    judged = {timeline.code: violations(timeline, as_of) for timeline in kept}
    key = GROUP_KEYS[query.group_by] if query.group_by is not None else None
    rows: list[IndicatorRow] = []
    for bucket in buckets(query.period, query.first, query.last):
        groups: dict[str | None, list[DossierTimeline]] = {}
        for timeline in kept:
            if _touches(timeline, bucket, judged[timeline.code], as_of):
                groups.setdefault(key(timeline) if key else None, []).append(timeline)
        if key is None:
            groups.setdefault(None, [])
        for group in sorted(groups, key=lambda value: value or ""):
            rows.append(_row(bucket, group, groups[group], judged, as_of))
    return StatsReport(query=query, as_of=as_of, rows=tuple(rows))


def _touches(timeline: DossierTimeline, bucket: Bucket, found: tuple[Violation, ...], as_of: datetime) -> bool:
    """Whether the dossier counts in any figure of the bucket."""
    return (bucket.holds(timeline.received_at) or bucket.holds(timeline.finished_at)
            or overdue_at(timeline, min(bucket.end, as_of)) or any(bucket.holds(v.at) for v in found))


def _row(bucket: Bucket, group: str | None, timelines: list[DossierTimeline],
         judged: dict[str, tuple[Violation, ...]], as_of: datetime) -> IndicatorRow:
    received = [t for t in timelines if bucket.holds(t.received_at)]
    resolved = [t for t in timelines if bucket.holds(t.finished_at) and t.finished_at <= as_of]
    outcomes = {t.code: outcome(t) for t in resolved}
    cut = min(bucket.end, as_of)
    figures = {
        "received": _count(received),
        "resolved": _count(resolved),
        **{o.value: _rate([t for t in resolved if outcomes[t.code] is o], resolved) for o in Outcome},
        "no_promised_date": _count([t for t in resolved if outcomes[t.code] is None]),
        "overdue_open": _count([t for t in timelines if t.received_at < cut and overdue_at(t, cut)]),
        "components_digitized": _rate([t for t in received if components_digitized(t)], received),
        "results_digitized": _rate([t for t in resolved if t.result_digitized], resolved),
        "digitized": _rate([t for t in resolved if t.result_digitized and components_digitized(t)], resolved),
        "reuse": _reuse(received),
    }
    found: dict[Rule, list[Violation]] = {rule: [] for rule in Rule}
    for timeline in timelines:
        for violation in judged[timeline.code]:
            if bucket.holds(violation.at):
                found[violation.rule].append(violation)
    return IndicatorRow(period=bucket.label, group=group, figures=figures,
                        violations={rule: tuple(sorted(items, key=lambda v: (v.at, v.dossier_code)))
                                    for rule, items in found.items()})


def _codes(timelines: Iterable[DossierTimeline]) -> tuple[str, ...]:
    return tuple(sorted(timeline.code for timeline in timelines))


def _count(timelines: list[DossierTimeline]) -> Figure:
    return Figure(len(timelines), None, _codes(timelines))


def _rate(counted: list[DossierTimeline], among: list[DossierTimeline]) -> Figure:
    return Figure(len(counted), len(among), _codes(counted))


def _reuse(received: list[DossierTimeline]) -> Figure:
    reused_states = (DigitizationState.REUSED, DigitizationState.REUSED_RESULT)
    digitized = sum(1 for t in received for state in t.components if state >= DigitizationState.DIGITIZED)
    reused = sum(1 for t in received for state in t.components if state in reused_states)
    holders = [t for t in received if any(state in reused_states for state in t.components)]
    return Figure(reused, digitized, _codes(holders))


__all__ = ["GROUP_KEYS", "INDICATORS", "Dimension", "Figure", "IndicatorRow", "StatsQuery", "StatsReport", "stats_report"]
