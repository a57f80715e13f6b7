"""Violations as recorded: flagged in the transaction of the event that made them (:mod:`sohoa.lifecycle.ledger`),
and by a sweep for the one kind no event shows — a promised date passing while nobody touches the dossier.
Listing sweeps first (:func:`sohoa.supervision.stats.sweep`), so what is listed is what has happened by now.
Every listing is logged, and each dossier listed as an access to it.
"""

from __future__ import annotations

from datetime import datetime

from sohoa.lifecycle.ledger import ledger
from sohoa.services.db import Database
from sohoa.services.db.stats import ViolationRecord
from sohoa.supervision.indicators import StatsQuery
from sohoa.supervision.stats import MAX_LISTED, VIOLATION_FIGURES, describe, filter_of, report_buckets, sweep
from sohoa.errors import InvalidQuery


def rebuild(database: Database, actor: str) -> int:
    """Rewrite every dossier's supervision row and violations from its events (after an upgrade); how many."""
    count, after = 0, ""
    while codes := database.dossier_codes(after):
        for code in codes:
            database.refresh_ledger(code, ledger)
        count, after = count + len(codes), codes[-1]
    database.record_event(actor=actor, action="stats-rebuild", outcome=f"{count} dossier(s)")
    return count


def list_violations(database: Database, query: StatsQuery, actor: str, rule: str | None = None, limit: int = 100,
                    offset: int = 0, sweep_first: bool = True, as_of: datetime | None = None) -> list[ViolationRecord]:
    """The violations that happened in the query's range (its filters applied), oldest first; logged."""
    if rule is not None and rule not in VIOLATION_FIGURES:
        raise InvalidQuery(f"unknown rule {rule!r}; known: {', '.join(VIOLATION_FIGURES)}")
    if not 1 <= limit <= MAX_LISTED or offset < 0:
        raise InvalidQuery(f"limit must be 1 to {MAX_LISTED} and offset at least 0")
    if sweep_first:
        sweep(database, as_of or database.now(), actor, filter_of(query))
    periods = report_buckets(query)
    found = database.violation_records(filter_of(query), periods[0].start, periods[-1].end, rule, limit, offset)
    database.record_event(actor=actor, action="violations",
                          outcome=f"{describe(query)} {rule or 'all rules'}: {len(found)} violation(s)")
    for code in dict.fromkeys(v.dossier_code for v in found):
        database.record_access(code, actor, "violations", None, "listed among violations")
    return found


__all__ = ["list_violations", "rebuild"]
