"""A dossier's timeline as supervision reads it, and the 766 clock rules over it (pure: no database, no clock).

A :class:`DossierTimeline` is folded from the lifecycle's recorded events (:mod:`sohoa.lifecycle.events`),
never typed in. The rules of Bộ chỉ số 766 applied here:

- the time the applicant spends supplementing (from each request to the papers coming back) is not counted:
  the deadline moves by that time (calendar time, exactly as long as the applicant held the dossier);
- more than one request to supplement makes the dossier late, whatever the dates;
- finished on a local (Vietnam) day before the deadline's day is early, by the deadline on time, after it late.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum

from sohoa.services.db.codes import VIETNAM_TIME
from sohoa.services.db.records import Channel, DossierStatus

CLOSED_STATUSES = frozenset({DossierStatus.REJECTED, DossierStatus.WITHDRAWN, DossierStatus.STOPPED})
"""Statuses that end a dossier without a resolution: refused at the desk, withdrawn, stopped."""


class DigitizationState(IntEnum):
    """Per-component digitization state, national codes."""

    NOT_DIGITIZED = 0
    """Chưa số hóa."""
    DIGITIZED = 1
    """Được số hóa: scanned and signed in this dossier."""
    REUSED = 2
    """Tái sử dụng: the signed copy of the same paper from an earlier dossier."""
    REUSED_RESULT = 3
    """Tái sử dụng từ kết quả hồ sơ khác: the paper is the result of an earlier dossier."""


class Outcome(StrEnum):
    """How a resolved dossier stands against its promised date."""

    EARLY = "early"
    """Trước hạn: finished on a day before the deadline's day."""
    ON_TIME = "on_time"
    """Đúng hạn: finished on the deadline's day, by the deadline."""
    LATE = "late"
    """Quá hạn: finished after the deadline, or after more than one request to supplement."""


@dataclass(frozen=True)
class SupplementPeriod:
    """One request to supplement and, once they came back, the applicant's papers."""

    requested_at: datetime
    """When the dossier was handed back to the applicant (status 5); timezone-aware."""
    supplied_at: datetime | None
    """When the supplement was received and the clock restarted; None while the applicant still has it."""


@dataclass(frozen=True)
class ReceptionCheck:
    """What the checklist said when the dossier was received as complete (the evidence of a violation)."""

    missing_required: tuple[str, ...] = ()
    """Titles of required components the verdict found missing."""
    unexpected: tuple[str, ...] = ()
    """Titles (or page descriptions) of papers outside the checklist that were accepted."""


@dataclass(frozen=True)
class DossierTimeline:
    """Everything the indicators need of one dossier, as its recorded events tell it."""

    code: str
    """Dossier code (mã hồ sơ); its first part is the receiving agency."""
    agency: str
    """Receiving agency code (the first part of the dossier code)."""
    department: str | None
    """Department handling the dossier; None until assigned."""
    procedure_code: str
    """Procedure code (mã TTHC)."""
    channel: Channel
    """Reception channel."""
    status: DossierStatus
    """Current national status."""
    received_at: datetime
    """When the centre received the dossier."""
    promised_at: datetime | None = None
    """The promised date (ngày hẹn trả) set at receipt, before any supplement moved it; None when not set."""
    accepted_at: datetime | None = None
    """When the dossier was accepted as complete (status 2); None while it was not."""
    reception_check: ReceptionCheck | None = None
    """The checklist's findings when it was accepted as complete; None when not known."""
    supplements: tuple[SupplementPeriod, ...] = ()
    """Every request to supplement, oldest first."""
    finished_at: datetime | None = None
    """When processing ended (first status 9, or 10 when 9 was skipped); None while unresolved."""
    returned_at: datetime | None = None
    """When the result was returned (status 10)."""
    closed_at: datetime | None = None
    """When the dossier ended unresolved (refused, withdrawn, stopped)."""
    apology_at: datetime | None = None
    """When the apology letter (Mẫu 04) was issued; None when never."""
    result_digitized: bool = False
    """Whether an electronic (signed, archived) result exists."""
    result_sha256: str | None = None
    """SHA-256 of the signed result, when one exists (what reuse of a result points to)."""
    components: tuple[DigitizationState, ...] = ()
    """Digitization state of each component of the checklist, in checklist order."""


def supplement_time(timeline: DossierTimeline, until: datetime) -> timedelta:
    """Time the applicant held the dossier up to `until` (a period still open counts up to `until`)."""
    held = timedelta()
    for period in timeline.supplements:
        end = min(period.supplied_at or until, until)
        if end > period.requested_at:
            held += end - period.requested_at
    return held


def deadline(timeline: DossierTimeline, until: datetime) -> datetime | None:
    """The promised date moved by the applicant's supplement time up to `until`; None without a promised date."""
    if timeline.promised_at is None:
        return None
    return timeline.promised_at + supplement_time(timeline, until)


def outcome(timeline: DossierTimeline) -> Outcome | None:
    """Early, on time or late for a finished dossier; None while unfinished or without a promised date."""
    if timeline.finished_at is None:
        return None
    if len(timeline.supplements) > 1:
        return Outcome.LATE
    due = deadline(timeline, timeline.finished_at)
    if due is None:
        return None
    if timeline.finished_at > due:
        return Outcome.LATE
    if timeline.finished_at.astimezone(VIETNAM_TIME).date() < due.astimezone(VIETNAM_TIME).date():
        return Outcome.EARLY
    return Outcome.ON_TIME


def is_open(timeline: DossierTimeline, at: datetime) -> bool:
    """Whether the dossier was received and neither finished nor closed at time `at`."""
    ended = [moment for moment in (timeline.finished_at, timeline.closed_at) if moment is not None]
    return timeline.received_at <= at and not any(moment <= at for moment in ended)


def overdue_at(timeline: DossierTimeline, at: datetime) -> bool:
    """Whether an open dossier is already late at `at`: past its moved deadline, or asked to supplement twice."""
    if not is_open(timeline, at):
        return False
    if sum(1 for period in timeline.supplements if period.requested_at <= at) > 1:
        return True
    due = deadline(timeline, at)
    return due is not None and at > due


def components_digitized(timeline: DossierTimeline) -> bool:
    """Every component has a digitized file (states 1-3), and there is at least one."""
    return bool(timeline.components) and all(state >= DigitizationState.DIGITIZED for state in timeline.components)


__all__ = [
    "CLOSED_STATUSES", "DigitizationState", "DossierTimeline", "Outcome", "ReceptionCheck", "SupplementPeriod",
    "components_digitized", "deadline", "is_open", "outcome", "overdue_at", "supplement_time",
]
