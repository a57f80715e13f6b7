"""A month of dossiers (November 2026, agency H56, one dossier of agency H50) whose 766 answers are known by hand.

Every rule and edge case appears once: early, on time, late; a supplement whose time is not counted turning a
late finish into an early one; a supplement of a few hours moving the deadline past the promised hour; two
requests to supplement (late whatever the dates); finished on the deadline's day but after its hour; an open
dossier past its deadline and one whose clock is paused; a dossier received as complete with a required paper
missing; a dossier refused at the desk; a finish without a promised date; a dossier received in October and
resolved in November; an apology issued after the return; reuse (states 2 and 3).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sohoa.services.db import VIETNAM_TIME, Channel, DossierStatus
from sohoa.lifecycle.timeline import DigitizationState as S
from sohoa.lifecycle.events import DossierFacts, RecordedEvent
from sohoa.lifecycle.timeline import DossierTimeline, ReceptionCheck, SupplementPeriod

AGENCY = "000.00.06.H56"
OTHER_AGENCY = "000.00.01.H50"
AS_OF = datetime(2026, 12, 1, 0, 0, tzinfo=VIETNAM_TIME)


def at(day: int, hour: int = 9, minute: int = 0, month: int = 11) -> datetime:
    """A Vietnam-time moment of November 2026 (or of `month`)."""
    return datetime(2026, month, day, hour, minute, tzinfo=VIETNAM_TIME)


def code(name: str, agency: str = AGENCY) -> str:
    """A dossier code of the agency whose serial is the case's number."""
    return f"{agency}-2611{name[1:].zfill(2)}-{name[1:].zfill(4)}"


@dataclass(frozen=True)
class Case:
    """One dossier of the month and what the indicators must say about it."""

    name: str
    timeline: DossierTimeline


def _t(name: str, received: datetime, *, agency: str = AGENCY, channel: Channel = Channel.IN_PERSON,
       status: DossierStatus = DossierStatus.RESULT_RETURNED, department: str | None = "QLTM", **fields) -> Case:
    fields.setdefault("accepted_at", received)
    return Case(name, DossierTimeline(code=code(name, agency), agency=agency, department=department,
                                      procedure_code=fields.pop("procedure_code", "2.000620"), channel=channel,
                                      status=status, received_at=received, **fields))


MONTH = (
    # early: finished two days before the promised day; everything digitized
    _t("A1", at(2), promised_at=at(6, 16), finished_at=at(4, 10), returned_at=at(4, 15),
       result_digitized=True, components=(S.DIGITIZED, S.DIGITIZED, S.DIGITIZED)),
    # on time: the promised day, before its hour; one component reused from an earlier dossier
    _t("A2", at(2), promised_at=at(6, 16), finished_at=at(6, 15), returned_at=at(6, 15, 30),
       result_digitized=True, components=(S.DIGITIZED, S.REUSED, S.DIGITIZED)),
    # late, returned without an apology, which came the day after the return; result not digitized
    _t("A3", at(3), promised_at=at(9, 16), finished_at=at(10, 9), returned_at=at(10, 10), apology_at=at(11),
       components=(S.DIGITIZED, S.DIGITIZED)),
    # a 3-day supplement not counted: finished after the promised date yet early against the moved deadline
    _t("A4", at(3), promised_at=at(9, 16), supplements=(SupplementPeriod(at(4, 10), at(7, 10)),),
       finished_at=at(11, 12), returned_at=at(11, 14), result_digitized=True,
       components=(S.REUSED_RESULT, S.DIGITIZED), procedure_code="2.000648"),
    # two requests to supplement: late whatever the dates; apologised before the return
    _t("A5", at(5), promised_at=at(20, 16),
       supplements=(SupplementPeriod(at(6), at(7)), SupplementPeriod(at(9), at(10))),
       finished_at=at(12), apology_at=at(12, 10), returned_at=at(13), result_digitized=True,
       components=(S.DIGITIZED,)),
    # open, past its deadline on 17/11 16:00, no apology
    _t("A6", at(10), promised_at=at(17, 16), status=DossierStatus.IN_PROGRESS, components=(S.DIGITIZED, S.DIGITIZED)),
    # open, with the applicant since 18/11: the clock is paused, not overdue
    _t("A7", at(16), promised_at=at(20, 16), status=DossierStatus.SUPPLEMENT_REQUESTED,
       supplements=(SupplementPeriod(at(18, 10), None),), components=(S.DIGITIZED, S.NOT_DIGITIZED)),
    # received as complete with a required paper missing (online), then early
    _t("A8", at(20), channel=Channel.ONLINE, promised_at=at(27, 16), finished_at=at(24), returned_at=at(24, 11),
       reception_check=ReceptionCheck(missing_required=("Bản sao Giấy chứng nhận đăng ký doanh nghiệp",)),
       result_digitized=True, components=(S.DIGITIZED, S.NOT_DIGITIZED)),
    # refused at the desk: received, never resolved, never late
    _t("A9", at(21), status=DossierStatus.REJECTED, accepted_at=None, closed_at=at(21, 10), promised_at=None,
       components=(S.DIGITIZED,)),
    # finished the same day, no promised date recorded
    _t("A10", at(23), finished_at=at(23, 15), result_digitized=True, components=(S.DIGITIZED,)),
    # a 6-hour supplement moves the 16:00 deadline to 22:00: finished at 21:00 on the day is on time
    _t("A11", at(24, 8), promised_at=at(26, 16), supplements=(SupplementPeriod(at(25, 8), at(25, 14)),),
       finished_at=at(26, 21), result_digitized=True, components=(S.DIGITIZED, S.DIGITIZED)),
    # received in October, resolved in November on time
    _t("A12", at(28, month=10), promised_at=at(3, 16), finished_at=at(3, 10), result_digitized=True,
       components=(S.DIGITIZED,)),
    # the deadline's day but an hour after its hour: late; apologised before the return
    _t("A13", at(25), promised_at=at(27, 16), finished_at=at(27, 17), apology_at=at(27, 16, 30),
       returned_at=at(28), result_digitized=True, components=(S.DIGITIZED,)),
    # early, by post
    _t("A14", at(26), channel=Channel.POST, promised_at=at(30, 16), finished_at=at(27), result_digitized=True,
       components=(S.DIGITIZED, S.DIGITIZED)),
    # another agency
    _t("B1", at(5), agency=OTHER_AGENCY, promised_at=at(9, 16), finished_at=at(6), result_digitized=True,
       components=(S.DIGITIZED,)),
)
TIMELINES = tuple(case.timeline for case in MONTH)


def codes(*names: str) -> tuple[str, ...]:
    """The sorted dossier codes of the named cases."""
    return tuple(sorted(case.timeline.code for case in MONTH if case.name in names))


DESK_SUPPLEMENT = {"A1"}
"""Cases handed back at the desk (Mẫu 02) before reception: the 766 rule does not count that request."""


def events_of(case: Case) -> tuple[RecordedEvent, ...]:
    """The events the lifecycle records for the case, in order (what ``dossier_events`` holds)."""
    t = case.timeline
    steps: list[tuple[datetime, str, int, dict]] = [(t.received_at, "register", 1, {})]
    if case.name in DESK_SUPPLEMENT:
        steps.append((t.received_at, "request_supplement", 5, {"reason": "thiếu giấy tờ"}))
    if t.accepted_at is not None:
        details: dict = {"promised_at": t.promised_at.isoformat()} if t.promised_at else {}
        if t.reception_check is not None:
            details |= {"missing_required": list(t.reception_check.missing_required),
                        "unexpected": list(t.reception_check.unexpected)}
        steps.append((t.accepted_at, "receive", 2, details))
        steps.append((t.accepted_at + timedelta(minutes=20), "start_processing", 4, {}))
    for period in t.supplements:
        steps.append((period.requested_at, "request_supplement", 5, {"reason": "bổ sung"}))
        if period.supplied_at is not None:
            steps.append((period.supplied_at, "supplement_received", 4, {}))
    if t.apology_at is not None:
        steps.append((t.apology_at, "apologise", 0, {"reason": "quá hạn"}))
    if t.finished_at is not None:
        steps.append((t.finished_at, "finish", 9, {"result_sha256": "ab" * 32} if t.result_digitized else {}))
    if t.returned_at is not None:
        steps.append((t.returned_at, "return", 10, {}))
    if t.closed_at is not None:
        steps.append((t.closed_at, "refuse", int(t.status), {"reason": "không đúng thẩm quyền"}))
    events, status = [], None
    for sequence, (moment, action, to_status, details) in enumerate(sorted(steps, key=lambda s: s[0]), start=1):
        after = status if to_status == 0 else to_status
        events.append(RecordedEvent(sequence, action, status, after, moment, details))
        status = after
    return tuple(events)


def facts_of(case: Case) -> DossierFacts:
    """The dossier row of the case."""
    t = case.timeline
    return DossierFacts(code=t.code, procedure_code=t.procedure_code, channel=t.channel, status=t.status,
                        received_at=t.received_at, department=t.department, components=t.components)


def record_month(database) -> None:
    """Record the month in `database` through the lifecycle's recording path (``Database.transition`` with the
    ledger): each case's dossier row, its components' states, then its events at their moments."""
    from sohoa.lifecycle.ledger import ledger
    from sohoa.services.db.lifecycle import ComponentState, Transition

    for case in MONTH:
        t = case.timeline
        database.create_dossier(t.code, t.procedure_code, None, int(t.channel), t.received_at,
                                status=DossierStatus.RECEIVED_NEW, actor="test")
        database.save_components(t.code, [ComponentState(position=i, name=f"TP {i}", required=True, state=int(s),
                                                         signed_key=None, signed_sha256=None)
                                          for i, s in enumerate(t.components, start=1)])
        for number, event in enumerate(events_of(case)[1:]):
            changes = {"department": t.department} if number == 0 else {}
            if event.action == "receive" and t.promised_at is not None:
                changes["promised_at"] = t.promised_at
            step = Transition(event.action, DossierStatus(event.to_status), details=event.details, changes=changes)
            database.transition(t.code, lambda record, step=step: step, "test", at=event.at, ledger=ledger)
