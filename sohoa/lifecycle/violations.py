"""Violations the supervision centre looks for, each naming its rule, the dossier, when it happened and the evidence.

Pure functions of a :class:`~sohoa.lifecycle.timeline.DossierTimeline` and the moment of the check (`as_of`):
a violation that has not happened by `as_of` (a deadline still ahead) is not reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sohoa.lifecycle.timeline import DossierTimeline, Outcome, deadline, outcome, overdue_at
from sohoa.services.db.codes import VIETNAM_TIME


class Rule(StrEnum):
    """The kinds of violation."""

    ACCEPTED_OUTSIDE_CHECKLIST = "accepted_outside_checklist"
    """Nhận ngoài thành phần hồ sơ: received as complete while a required component was missing or a paper
    outside the checklist was accepted."""
    REPEATED_SUPPLEMENT_REQUEST = "repeated_supplement_request"
    """Yêu cầu bổ sung quá một lần: a second (or later) request to supplement."""
    LATE_PROCESSING = "late_processing"
    """Giải quyết quá hạn: processing went past the promised date (supplement time not counted)."""
    LATE_WITHOUT_APOLOGY = "late_without_apology"
    """Quá hạn không có Phiếu xin lỗi (Mẫu 04): a late dossier without an apology letter before its return."""


@dataclass(frozen=True)
class Violation:
    """One flagged violation."""

    rule: Rule
    """Which rule was broken."""
    dossier_code: str
    """The dossier concerned."""
    at: datetime
    """When it happened (the moment the rule was broken)."""
    evidence: dict[str, str] = field(default_factory=dict)
    """What shows it, as text: dates in ISO 8601 (Vietnam time), titles of components, counts."""


def _iso(moment: datetime) -> str:
    """A moment of the evidence: ISO 8601 in Vietnam time, whatever zone it was read in."""
    return moment.astimezone(VIETNAM_TIME).isoformat()


def violations(timeline: DossierTimeline, as_of: datetime) -> tuple[Violation, ...]:
    """Every violation of the dossier that has happened by `as_of`, oldest first."""
    found = [*_outside_checklist(timeline), *_repeated_supplements(timeline, as_of)]
    late_at = _late_since(timeline, as_of)
    if late_at is not None:
        found.append(_late(timeline, late_at, as_of))
    apology = _without_apology(timeline, as_of)
    if apology is not None:
        found.append(apology)
    return tuple(sorted((item for item in found if item.at <= as_of), key=lambda item: (item.at, item.rule)))


def _outside_checklist(timeline: DossierTimeline) -> list[Violation]:
    check = timeline.reception_check
    if timeline.accepted_at is None or check is None or not (check.missing_required or check.unexpected):
        return []
    evidence = {"missing_required": "; ".join(check.missing_required), "unexpected": "; ".join(check.unexpected)}
    return [Violation(Rule.ACCEPTED_OUTSIDE_CHECKLIST, timeline.code, timeline.accepted_at,
                      {key: value for key, value in evidence.items() if value})]


def _repeated_supplements(timeline: DossierTimeline, as_of: datetime) -> list[Violation]:
    requests = [period.requested_at for period in timeline.supplements if period.requested_at <= as_of]
    return [Violation(Rule.REPEATED_SUPPLEMENT_REQUEST, timeline.code, moment,
                      {"request": str(number), "requests": "; ".join(_iso(r) for r in requests[:number])})
            for number, moment in enumerate(requests, start=1) if number > 1]


def _late_since(timeline: DossierTimeline, as_of: datetime) -> datetime | None:
    """When the dossier went past its (moved) deadline, if it has by `as_of` or by its finish."""
    until = min(timeline.finished_at or as_of, as_of)
    due = deadline(timeline, until)
    if due is None or due >= until:
        return None
    if timeline.finished_at is None and not overdue_at(timeline, until):
        return None  # closed (refused, withdrawn, stopped) before the deadline passed
    return due


def _late(timeline: DossierTimeline, due: datetime, as_of: datetime) -> Violation:
    evidence = {"deadline": _iso(due)}
    if timeline.promised_at is not None:
        evidence["promised_at"] = _iso(timeline.promised_at)
    if timeline.finished_at is not None and timeline.finished_at <= as_of:
        evidence["finished_at"] = _iso(timeline.finished_at)
    else:
        evidence["still_open_at"] = _iso(as_of)
    return Violation(Rule.LATE_PROCESSING, timeline.code, due, evidence)


def _became_late(timeline: DossierTimeline, as_of: datetime) -> datetime | None:
    """The moment the dossier counted as late under either rule (time or a second request), by `as_of`."""
    moments = [moment for moment in (_late_since(timeline, as_of),) if moment is not None]
    if len(timeline.supplements) > 1 and timeline.supplements[1].requested_at <= as_of:
        moments.append(timeline.supplements[1].requested_at)
    finished_late = timeline.finished_at is not None and timeline.finished_at <= as_of and outcome(timeline) is Outcome.LATE
    if finished_late and not moments:
        moments.append(timeline.finished_at)
    return min(moments) if moments else None


def _without_apology(timeline: DossierTimeline, as_of: datetime) -> Violation | None:
    late_at = _became_late(timeline, as_of)
    if late_at is None:
        return None
    apology = timeline.apology_at if timeline.apology_at is not None and timeline.apology_at <= as_of else None
    returned = timeline.returned_at if timeline.returned_at is not None and timeline.returned_at <= as_of else None
    if apology is not None and (returned is None or apology <= returned):
        return None
    evidence = {"late_since": _iso(late_at), "apology_at": _iso(apology) if apology else "none"}
    if returned is not None:
        evidence["returned_at"] = _iso(returned)
    return Violation(Rule.LATE_WITHOUT_APOLOGY, timeline.code, returned or late_at, evidence)


__all__ = ["Rule", "Violation", "violations"]
