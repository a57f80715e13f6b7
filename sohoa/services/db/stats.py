"""The 766 indicators as SQL aggregates over ``dossier_stats``, and the recorded violations.

A mixin of :class:`sohoa.services.db.Database` (through the lifecycle mixin, whose events keep the rows up to
date). It knows the columns, not the rules: what each row holds is decided by ``sohoa.lifecycle.ledger``, and the
Python fold over the same events (``sohoa.supervision.indicators``) is the reference these aggregates must equal.

Every figure is counted over one *window* of a period: ``received`` (received in it), ``resolved`` (finished in
it, by the moment of the report), ``overdue`` (open and already late at the period's end or at the moment of the
report, whichever is earlier).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Select, String, and_, case, cast, delete, func, insert, literal, or_, select

from sohoa.services.db.stats_schema import dossier_stats, violations

OPEN = datetime(9999, 12, 31, tzinfo=UTC)
"""``open_until`` of a dossier neither finished nor closed."""
GROUP_COLUMNS = ("agency", "department", "procedure", "channel")
"""What rows may be grouped by."""

_s = dossier_stats.c
_ALL_DIGITIZED = and_(_s.components_total > 0, _s.components_digitized == _s.components_total)
INDICATOR_WINDOWS: dict[str, tuple[str, Any]] = {
    "received": ("received", None),
    "resolved": ("resolved", None),
    "early": ("resolved", _s.outcome == "early"),
    "on_time": ("resolved", _s.outcome == "on_time"),
    "late": ("resolved", _s.outcome == "late"),
    "no_promised_date": ("resolved", _s.outcome.is_(None)),
    "overdue_open": ("overdue", None),
    "components_digitized": ("received", _ALL_DIGITIZED),
    "results_digitized": ("resolved", _s.result_digitized == 1),
    "digitized": ("resolved", and_(_s.result_digitized == 1, _ALL_DIGITIZED)),
    "reuse": ("received", _s.components_reused > 0),
}
"""Indicator → its window and the condition a dossier of the window meets to be counted (None: all of them).
For ``reuse`` the condition picks the dossiers listed; the figure itself is a sum of components."""


@dataclass(frozen=True)
class StatsEntry:
    """One ``dossier_stats`` row: what the indicators need of a dossier, as its events tell it."""

    dossier_code: str
    """The dossier."""
    agency: str
    """Receiving agency (first part of the code)."""
    department: str | None
    """Department handling it; None until assigned."""
    procedure_code: str
    """Procedure code."""
    channel: int
    """Reception channel 1-3."""
    status: int
    """Current national status."""
    received_at: datetime
    """When received."""
    promised_at: datetime | None = None
    """Promised date set at receipt."""
    finished_at: datetime | None = None
    """End of processing (status 9, or 10 when 9 was skipped)."""
    returned_at: datetime | None = None
    """Result returned (status 10)."""
    closed_at: datetime | None = None
    """Ended unresolved (refused, withdrawn, stopped)."""
    apology_at: datetime | None = None
    """Apology letter (Mẫu 04) issued."""
    outcome: str | None = None
    """``early`` / ``on_time`` / ``late`` once finished; None unfinished or without a promised date."""
    result_digitized: int = 0
    """1 when an electronic result exists."""
    components_total: int = 0
    """Checklist components."""
    components_digitized: int = 0
    """Components in digitization states 1-3."""
    components_reused: int = 0
    """Components in states 2-3."""
    late_after: datetime | None = None
    """While open, the dossier is late at any moment after this (the promised date moved by the supplement time);
    None without a promised date or while a supplement holds the clock before it ran out."""
    second_request_at: datetime | None = None
    """The second request to supplement (late from then on)."""
    open_until: datetime = OPEN
    """When it was finished or closed; :data:`OPEN` while neither."""
    overdue_from: datetime | None = None
    """The first moment it was late while open; None when it never was (what the partial index holds)."""


@dataclass(frozen=True)
class ViolationEntry:
    """A violation a dossier stands accused of."""

    rule: str
    """Rule id (``sohoa.lifecycle.violations.Rule``)."""
    at: datetime
    """When it happened."""
    evidence: Mapping[str, str] = field(default_factory=dict)
    """What shows it."""


@dataclass(frozen=True)
class ViolationRecord:
    """A recorded violation."""

    dossier_code: str
    """The dossier."""
    rule: str
    """Rule id."""
    at: datetime
    """When it happened; UTC."""
    evidence: dict[str, str]
    """What shows it."""
    flagged_at: datetime
    """When sohoa first recorded it; UTC."""


@dataclass(frozen=True)
class StatsFilter:
    """Which dossiers a figure counts."""

    agency: str | None = None
    """Only this agency."""
    department: str | None = None
    """Only this department."""
    procedure_code: str | None = None
    """Only this procedure."""
    channel: int | None = None
    """Only this channel."""

    def conditions(self) -> list[Any]:
        """SQL conditions on ``dossier_stats``."""
        wanted = ((self.agency, _s.agency), (self.department, _s.department),
                  (self.procedure_code, _s.procedure_code), (self.channel, _s.channel))
        return [column == value for value, column in wanted if value is not None]


def group_expression(group: str | None) -> Any:
    """The SQL value of a row's group (text), or None when not grouped."""
    return {None: None, "agency": _s.agency, "department": func.coalesce(_s.department, "-"),
            "procedure": _s.procedure_code, "channel": cast(_s.channel, String)}[group]


def window_condition(window: str, start: datetime, end: datetime, as_of: datetime) -> Any:
    """The dossiers of a window of the period ``[start, end)`` judged at `as_of`."""
    if window == "received":
        return and_(_s.received_at >= start, _s.received_at < end)
    if window == "resolved":
        return and_(_s.finished_at >= start, _s.finished_at < end, _s.finished_at <= as_of)
    cut = min(end, as_of)
    return and_(_s.overdue_from.is_not(None), _s.open_until > cut, _s.received_at < cut,
                or_(_s.late_after < cut, _s.second_request_at <= cut))


Bounds = list[tuple[datetime, datetime]]
"""Contiguous periods ``[start, end)``, in order: the buckets of a report."""
_MOMENT = {"received": _s.received_at, "resolved": _s.finished_at}


def _bucket(column: Any, bounds: Bounds) -> Any:
    """The index of the period of `bounds` holding `column`'s moment (the query keeps only moments inside them)."""
    return case(*[(column < end, index) for index, (_, end) in enumerate(bounds)], else_=None)


def window_query(where: StatsFilter, window: str, bounds: Bounds, as_of: datetime, group: str | None) -> Select:
    """One aggregate query: the count of the window and of each indicator of it per period (``bucket``, and
    ``grp`` when grouped). The ``overdue`` window is judged at one cut, so it takes a single period."""
    grouped = group_expression(group)
    whole = next(name for name, (w, condition) in INDICATOR_WINDOWS.items() if w == window and condition is None)
    names = [name for name, (w, condition) in INDICATOR_WINDOWS.items() if w == window and condition is not None]
    columns = [func.count().label(whole)]
    columns += [func.sum(case((INDICATOR_WINDOWS[name][1], 1), else_=0)).label(name) for name in names]
    if window == "received":
        columns += [func.sum(_s.components_reused).label("components_reused_sum"),
                    func.sum(_s.components_digitized).label("components_digitized_sum")]
    if window == "overdue":
        if len(bounds) != 1:
            raise ValueError("the overdue window is judged at one cut: give one period")
        bucket = literal(0)
    else:
        bucket = _bucket(_MOMENT[window], bounds)
    query = (select(*columns, bucket.label("bucket"))
             .where(window_condition(window, bounds[0][0], bounds[-1][1], as_of), *where.conditions())
             .group_by(bucket))
    return query if grouped is None else query.add_columns(grouped.label("grp")).group_by(grouped)


def violation_query(where: StatsFilter, bounds: Bounds, as_of: datetime, group: str | None) -> Select:
    """The count of violations per period, rule (and group value) that happened in `bounds` by `as_of`."""
    grouped = group_expression(group)
    bucket = _bucket(violations.c.at, bounds)
    columns = [violations.c.rule, func.count(), bucket] + ([grouped] if grouped is not None else [])
    return (select(*columns).select_from(violations.join(dossier_stats, _s.dossier_code == violations.c.dossier_code))
            .where(violations.c.at >= bounds[0][0], violations.c.at < bounds[-1][1], violations.c.at <= as_of,
                   *where.conditions())
            .group_by(violations.c.rule, bucket, *([grouped] if grouped is not None else [])))


def entry_values(entry: StatsEntry) -> dict[str, Any]:
    """The row of an entry."""
    return dict(entry.__dict__)


class StatsMixin:
    """``stats_counts``, ``stats_codes``, ``violation_records`` and the writing of a dossier's ledger rows."""

    _read: Callable[..., AbstractContextManager[Connection]]
    _clock: Callable[[], datetime]

    def _store_ledger(self, connection: Connection, entry: StatsEntry, found: list[ViolationEntry]) -> None:
        """Rewrite the dossier's row and violations; a violation already recorded keeps its ``flagged_at``."""
        code = entry.dossier_code
        known = {(row.rule, row.at): row.flagged_at for row in connection.execute(
            select(violations.c.rule, violations.c.at, violations.c.flagged_at).where(violations.c.dossier_code == code))}
        connection.execute(delete(dossier_stats).where(_s.dossier_code == code))
        connection.execute(insert(dossier_stats).values(**entry_values(entry)))
        connection.execute(delete(violations).where(violations.c.dossier_code == code))
        now = self._clock()
        rows = [dict(dossier_code=code, rule=v.rule, at=v.at, evidence=dict(v.evidence),
                     flagged_at=known.get((v.rule, v.at.astimezone(UTC)), now)) for v in found]
        if rows:
            connection.execute(insert(violations), rows)

    def stats_counts(self, where: StatsFilter, bounds: Bounds, as_of: datetime,
                     group: str | None = None) -> list[dict[str | None, dict[str, int]]]:
        """Per period of `bounds`: group value → indicator name (and ``components_reused_sum``,
        ``components_digitized_sum``, and each violated rule) → count, judged at `as_of`. Ungrouped: the one key
        None in every period. One query per window for all the periods; the overdue one per period."""
        found: list[dict[str | None, dict[str, int]]] = [{} if group else {None: {}} for _ in bounds]
        with self._read("compute the indicators") as connection:
            queries = [window_query(where, window, bounds, as_of, group) for window in ("received", "resolved")]
            offsets = [0, 0]
            for index, bound in enumerate(bounds):
                queries.append(window_query(where, "overdue", [bound], as_of, group))
                offsets.append(index)
            for query, offset in zip(queries, offsets, strict=True):
                for row in connection.execute(query):
                    values = row._asdict()
                    key, bucket = values.pop("grp", None), values.pop("bucket")
                    if group is None or next(iter(values.values())):
                        found[offset + bucket].setdefault(key, {}).update(
                            {name: int(value or 0) for name, value in values.items()})
            for row in connection.execute(violation_query(where, bounds, as_of, group)):
                key = row[3] if group is not None else None
                found[row[2]].setdefault(key, {})[row[0]] = int(row[1])
        return found

    def stats_codes(self, where: StatsFilter, indicator: str, start: datetime, end: datetime, as_of: datetime,
                    group: str | None = None, group_value: str | None = None, limit: int = 100,
                    offset: int = 0) -> list[str]:
        """The codes of the dossiers an indicator (or a violated rule) counts in a period, sorted."""
        conditions = where.conditions()
        if group is not None and group_value is not None:
            conditions.append(group_expression(group) == group_value)
        if indicator in INDICATOR_WINDOWS:
            window, condition = INDICATOR_WINDOWS[indicator]
            conditions.append(window_condition(window, start, end, as_of))
            conditions += [condition] if condition is not None else []
            query = select(_s.dossier_code).where(*conditions)
        else:
            query = (select(violations.c.dossier_code).distinct()
                     .select_from(violations.join(dossier_stats, _s.dossier_code == violations.c.dossier_code))
                     .where(violations.c.rule == indicator, violations.c.at >= start, violations.c.at < end,
                            violations.c.at <= as_of, *conditions))
        query = query.order_by(query.selected_columns[0]).limit(limit).offset(offset)
        with self._read("list the dossiers behind an indicator") as connection:
            return [row[0] for row in connection.execute(query)]

    def violation_records(self, where: StatsFilter, start: datetime, end: datetime, rule: str | None = None,
                          limit: int = 100, offset: int = 0, codes: Sequence[str] | None = None) -> list[ViolationRecord]:
        """Recorded violations that happened in ``[start, end)``, oldest first (only of `codes` when given)."""
        conditions = [violations.c.at >= start, violations.c.at < end, *where.conditions()]
        if rule is not None:
            conditions.append(violations.c.rule == rule)
        if codes is not None:
            conditions.append(violations.c.dossier_code.in_(list(codes)))
        query = (select(violations).select_from(violations.join(dossier_stats, _s.dossier_code == violations.c.dossier_code))
                 .where(*conditions).order_by(violations.c.at, violations.c.dossier_code, violations.c.rule)
                 .limit(limit).offset(offset))
        with self._read("list violations") as connection:
            return [ViolationRecord(dossier_code=row.dossier_code, rule=row.rule, at=row.at, evidence=dict(row.evidence),
                                    flagged_at=row.flagged_at) for row in connection.execute(query)]

    def overdue_unflagged(self, as_of: datetime, where: StatsFilter = StatsFilter(), after: str = "",
                          limit: int = 1000) -> list[str]:
        """Codes after `after` of open dossiers (of `where`) past their moved deadline at `as_of` with no recorded
        ``late_processing`` violation yet (a deadline that passed with no event to record it), in order."""
        flagged = select(violations.c.dossier_code).where(violations.c.dossier_code == _s.dossier_code,
                                                          violations.c.rule == "late_processing")
        query = (select(_s.dossier_code)
                 .where(_s.overdue_from.is_not(None), _s.open_until > as_of, _s.late_after < as_of,
                        _s.dossier_code > after, ~flagged.exists(), *where.conditions())
                 .order_by(_s.dossier_code).limit(limit))
        with self._read("find overdue dossiers") as connection:
            return [row[0] for row in connection.execute(query)]

    def stats_entries(self, where: StatsFilter, start: datetime, end: datetime, limit: int = 100,
                      offset: int = 0) -> list[StatsEntry]:
        """Rows of the dossiers received in ``[start, end)``, by code (what the portal export reads)."""
        query = (select(dossier_stats).where(_s.received_at >= start, _s.received_at < end, *where.conditions())
                 .order_by(_s.dossier_code).limit(limit).offset(offset))
        with self._read("read dossier facts") as connection:
            return [StatsEntry(**row._asdict()) for row in connection.execute(query)]

    def stats_entries_of(self, codes: Sequence[str]) -> list[StatsEntry]:
        """Rows of the dossiers `codes`, by code (what a list behind a number shows)."""
        query = select(dossier_stats).where(_s.dossier_code.in_(list(codes))).order_by(_s.dossier_code)
        with self._read("read dossier facts") as connection:
            return [StatsEntry(**row._asdict()) for row in connection.execute(query)]


__all__ = ["Bounds", "GROUP_COLUMNS", "INDICATOR_WINDOWS", "OPEN", "StatsEntry", "StatsFilter", "StatsMixin", "ViolationEntry",
           "ViolationRecord", "entry_values", "group_expression", "violation_query", "window_condition", "window_query"]
