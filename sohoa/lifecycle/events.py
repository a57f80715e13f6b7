"""Fold a dossier's recorded lifecycle events into its :class:`~sohoa.lifecycle.timeline.DossierTimeline`.

The events are the rows of the lifecycle's ``dossier_events`` (one per transition, in sequence order); the
actions are those of ``sohoa/lifecycle/data/transitions.yaml``. Nothing is typed in: every moment of the
timeline is the ``at`` of an event, and what an event carries besides (the promised date, the checklist's
findings, the signed result) comes from its JSON ``details`` under the keys below.

Requests to supplement count from the moment the dossier was received (status 2): a Mẫu 02 at the desk, before
reception, starts no clock and is not one of the 766 rule's requests.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sohoa.services.db.lifecycle import EventRecord
from sohoa.services.db.records import Channel, DossierRecord, DossierStatus
from sohoa.lifecycle.timeline import CLOSED_STATUSES, DigitizationState, DossierTimeline, ReceptionCheck, SupplementPeriod

PROMISED_KEYS = ("promised_at", "promised_date")
"""Detail keys of the ``receive`` event holding the promised date (ISO 8601 date-time, or a date: end of day)."""
MISSING_KEY, UNEXPECTED_KEY = "missing_required", "unexpected"
"""Detail keys of the ``receive`` event listing required components missing and papers outside the checklist."""
RESULT_KEYS = ("result_sha256", "signed_sha256")
"""Detail keys of the ``finish`` event holding the signed result's SHA-256."""
DEPARTMENT_KEY = "department"
"""Detail key of the ``assign`` event naming the department."""
END_OF_DAY = "17:00:00+07:00"
"""The hour a promised date given as a bare day means (the end of the working day, Vietnam time)."""


@dataclass(frozen=True)
class RecordedEvent:
    """One transition as the lifecycle recorded it."""

    sequence: int
    """Order within the dossier, from 1."""
    action: str
    """Action id (``receive``, ``request_supplement``, ``finish`` …)."""
    from_status: int | None
    """Status before; None for the event that registered the dossier."""
    to_status: int
    """Status after (the same as before for an assignment or an apology)."""
    at: datetime
    """When; timezone-aware."""
    details: Mapping[str, Any] = field(default_factory=dict)
    """What the event carries besides (JSON)."""


@dataclass(frozen=True)
class DossierFacts:
    """What the dossier's row says, which no event repeats."""

    code: str
    """Dossier code."""
    procedure_code: str
    """Procedure code."""
    channel: Channel
    """Reception channel."""
    status: DossierStatus
    """Current status."""
    received_at: datetime
    """When the centre received it."""
    department: str | None = None
    """Department on the row, when the events name none."""
    promised_at: datetime | None = None
    """Promised date on the row, used when the ``receive`` event carries none."""
    components: tuple[DigitizationState, ...] = ()
    """Digitization state of each component."""


def facts_of(record: DossierRecord, components: Iterable[int] = ()) -> DossierFacts:
    """The facts of a dossier's row (and of its components' states)."""
    return DossierFacts(code=record.code, procedure_code=record.procedure_code, channel=record.channel,
                        status=record.status, received_at=record.received_at, department=record.department,
                        promised_at=record.promised_at, components=tuple(DigitizationState(s) for s in components))


def recorded(events: Iterable[EventRecord]) -> list[RecordedEvent]:
    """The database's history rows as the fold reads them."""
    return [RecordedEvent(sequence=e.sequence, action=e.action, from_status=e.from_status, to_status=e.to_status,
                          at=e.at, details=e.details) for e in events]


def fold(facts: DossierFacts, events: Iterable[RecordedEvent]) -> DossierTimeline:
    """The timeline of one dossier from its row and its events (any order: they are sorted by sequence)."""
    timeline = DossierTimeline(code=facts.code, agency=facts.code.rsplit("-", 2)[0], department=facts.department,
                               procedure_code=facts.procedure_code, channel=facts.channel, status=facts.status,
                               received_at=facts.received_at, components=facts.components)
    for event in sorted(events, key=lambda item: item.sequence):
        timeline = _apply(timeline, event)
    if timeline.promised_at is None and timeline.accepted_at is not None:
        timeline = replace(timeline, promised_at=facts.promised_at)
    return timeline


def _apply(timeline: DossierTimeline, event: RecordedEvent) -> DossierTimeline:
    details = event.details or {}
    if event.action == "receive" and timeline.accepted_at is None:
        return replace(timeline, accepted_at=event.at, promised_at=_promised(details), reception_check=_check(details))
    if event.action == "request_supplement" and timeline.accepted_at is not None:
        return replace(timeline, supplements=(*timeline.supplements, SupplementPeriod(event.at, None)))
    if event.from_status == DossierStatus.SUPPLEMENT_REQUESTED and timeline.supplements \
            and timeline.supplements[-1].supplied_at is None and event.to_status != DossierStatus.SUPPLEMENT_REQUESTED:
        supplied = replace(timeline.supplements[-1], supplied_at=event.at)
        timeline = replace(timeline, supplements=(*timeline.supplements[:-1], supplied))
    if event.action == "apologise":
        return replace(timeline, apology_at=timeline.apology_at or event.at)
    if event.action == "assign" and details.get(DEPARTMENT_KEY):
        return replace(timeline, department=str(details[DEPARTMENT_KEY]))
    return _status_change(timeline, event, details)


def _status_change(timeline: DossierTimeline, event: RecordedEvent, details: Mapping[str, Any]) -> DossierTimeline:
    if event.to_status == DossierStatus.PROCESSED and timeline.finished_at is None:
        digest = next((str(details[key]) for key in RESULT_KEYS if details.get(key)), None)
        return replace(timeline, finished_at=event.at, result_sha256=digest, result_digitized=digest is not None)
    if event.to_status == DossierStatus.RESULT_RETURNED:
        unresolved = timeline.finished_at is None and event.from_status != DossierStatus.REJECTED
        return replace(timeline, returned_at=event.at, finished_at=event.at if unresolved else timeline.finished_at)
    if event.to_status in CLOSED_STATUSES and timeline.closed_at is None:
        return replace(timeline, closed_at=event.at)
    return timeline


def _promised(details: Mapping[str, Any]) -> datetime | None:
    value = next((details[key] for key in PROMISED_KEYS if details.get(key)), None)
    if value is None:
        return None
    text = str(value)
    return datetime.fromisoformat(text if "T" in text else f"{text}T{END_OF_DAY}")


def _check(details: Mapping[str, Any]) -> ReceptionCheck | None:
    if MISSING_KEY not in details and UNEXPECTED_KEY not in details:
        return None
    return ReceptionCheck(missing_required=tuple(str(item) for item in details.get(MISSING_KEY) or ()),
                          unexpected=tuple(str(item) for item in details.get(UNEXPECTED_KEY) or ()))


__all__ = ["DossierFacts", "RecordedEvent", "facts_of", "fold", "recorded"]
