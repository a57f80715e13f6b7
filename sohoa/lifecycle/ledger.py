"""What supervision keeps of a dossier, rewritten in the transaction of each of its events: its timeline folded
from the recorded events (:mod:`sohoa.lifecycle.events`) boiled down to the columns the 766 indicators aggregate
(:class:`~sohoa.services.db.stats.StatsEntry`), and the violations it stands accused of at that moment
(:mod:`sohoa.lifecycle.violations`). Pure: the database hands the events in and writes what comes out.

``late_after`` makes "late at a moment" one comparison. While open, a dossier is late at ``t`` when ``t`` is past
the promised date moved by the supplement time up to ``t``; ``t`` minus that moved deadline never decreases (it
stands still while the applicant holds the dossier), so there is one moment after which it is late for good.
"""

from __future__ import annotations

from datetime import datetime

from sohoa.lifecycle.events import facts_of, fold, recorded
from sohoa.lifecycle.timeline import DigitizationState, DossierTimeline, outcome
from sohoa.lifecycle.violations import violations
from sohoa.services.db.lifecycle import LedgerInput
from sohoa.services.db.stats import OPEN, StatsEntry, ViolationEntry

REUSED = (DigitizationState.REUSED, DigitizationState.REUSED_RESULT)
"""Component states that count as reuse."""


def late_after(timeline: DossierTimeline) -> datetime | None:
    """The moment after which the open dossier is past its moved deadline; None without a promised date, or while
    a supplement still open paused the clock before the deadline came."""
    if timeline.promised_at is None:
        return None
    due = timeline.promised_at
    for period in timeline.supplements:
        if period.requested_at > due:
            break
        if period.supplied_at is None:
            return None
        due += period.supplied_at - period.requested_at
    return due


def stats_entry(timeline: DossierTimeline) -> StatsEntry:
    """The ``dossier_stats`` row of a timeline."""
    ends = [moment for moment in (timeline.finished_at, timeline.closed_at) if moment is not None]
    open_until = min(ends) if ends else OPEN
    after = late_after(timeline)
    second = timeline.supplements[1].requested_at if len(timeline.supplements) > 1 else None
    starts = [moment for moment in (after, second) if moment is not None and moment < open_until]
    finished = outcome(timeline)
    return StatsEntry(
        dossier_code=timeline.code, agency=timeline.agency, department=timeline.department,
        procedure_code=timeline.procedure_code, channel=int(timeline.channel), status=int(timeline.status),
        received_at=timeline.received_at, promised_at=timeline.promised_at, finished_at=timeline.finished_at,
        returned_at=timeline.returned_at, closed_at=timeline.closed_at, apology_at=timeline.apology_at,
        outcome=finished.value if finished is not None else None, result_digitized=int(timeline.result_digitized),
        components_total=len(timeline.components),
        components_digitized=sum(1 for s in timeline.components if s >= DigitizationState.DIGITIZED),
        components_reused=sum(1 for s in timeline.components if s in REUSED),
        late_after=after, second_request_at=second, open_until=open_until, overdue_from=min(starts) if starts else None)


def ledger(source: LedgerInput) -> tuple[StatsEntry, list[ViolationEntry]]:
    """The dossier's row and its violations judged at ``source.as_of`` (what ``Database.transition`` writes)."""
    timeline = fold(facts_of(source.record, source.component_states), recorded(source.events))
    found = [ViolationEntry(v.rule.value, v.at, v.evidence) for v in violations(timeline, source.as_of)]
    return stats_entry(timeline), found


__all__ = ["late_after", "ledger", "stats_entry"]
