"""The dossier lifecycle in the catalogue database: transitions with their history, queues, components, results.

A mixin of :class:`sohoa.services.db.Database`. It knows nothing of the rules (``sohoa.lifecycle.rules`` decides
what may happen); it guarantees that a transition is decided on the dossier as it is at that moment and that the
new status, the history row and the audit-log entry are written in one transaction, or none of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, select, update

from sohoa.services.db.codes import parse_dossier_code
from sohoa.services.db.errors import InvalidRecord
from sohoa.services.db.lifecycle_schema import dossier_components, dossier_events, results
from sohoa.services.db.records import DossierRecord, DossierStatus
from sohoa.services.db.reuse_schema import reuse_decisions
from sohoa.services.db.rows import dossier_from_row as _dossier, not_found as _not_found
from sohoa.services.db.schema import dossiers
from sohoa.services.db.stats import StatsEntry, StatsMixin, ViolationEntry

OPEN_STATUSES = (DossierStatus.RECEIVED, DossierStatus.IN_PROGRESS, DossierStatus.SUPPLEMENT_REQUESTED,
                 DossierStatus.PAYMENT_REQUESTED)
"""Statuses of a dossier a department still has to work on (a specialist's queue)."""
DOSSIER_FIELDS = ("promised_at", "department", "assignee", "before_supplement")
"""Dossier columns a transition may set besides the status."""


@dataclass(frozen=True)
class Transition:
    """What a transition decided for the dossier as it stood."""

    action: str
    """Action id (``receive``, ``supply``, ``finish`` …)."""
    to_status: DossierStatus
    """Status after."""
    reason: str = ""
    """Why, in the actor's words (required for a refusal, a stop …)."""
    details: Mapping[str, Any] = field(default_factory=dict)
    """What the event carries besides (promised date, verdict, result digest …), JSON."""
    changes: Mapping[str, Any] = field(default_factory=dict)
    """Dossier columns to set with it (of :data:`DOSSIER_FIELDS`)."""


@dataclass(frozen=True)
class EventRecord:
    """One row of a dossier's history."""

    dossier_code: str
    """The dossier."""
    sequence: int
    """Order within the dossier, from 1."""
    action: str
    """Action id."""
    from_status: DossierStatus | None
    """Status before; None for the registration."""
    to_status: DossierStatus
    """Status after."""
    at: datetime
    """When; timezone-aware UTC."""
    actor: str
    """Who (``api:<user>``, ``cli:<login>``, ``worker``)."""
    reason: str
    """Why, as given."""
    details: dict[str, Any]
    """What it carries besides."""


@dataclass(frozen=True)
class ComponentState:
    """The digitization state of one checklist component of a dossier."""

    position: int
    """1-based component position in the checklist."""
    name: str
    """Component name."""
    required: bool
    """Whether the checklist requires it."""
    state: int
    """0 chưa số hóa, 1 được số hóa, 2 tái sử dụng, 3 tái sử dụng từ kết quả hồ sơ khác."""
    signed_key: str | None
    """Object key of its signed copy, when there is one."""
    signed_sha256: str | None
    """SHA-256 of that signed copy."""


@dataclass(frozen=True)
class ResultRecord:
    """A signed result (or refusal, or apology letter) issued for a dossier."""

    id: str
    """Result id: what the public verification address ends with."""
    dossier_code: str
    """The dossier."""
    kind: str
    """``result``, ``refusal`` (Mẫu 03) or ``apology`` (Mẫu 04)."""
    title: str
    """What it is, e.g. the licence's name."""
    source_sha256: str
    """SHA-256 of the file handed in."""
    signed_key: str
    """Object key of the signed PDF/A in the archive."""
    signed_sha256: str
    """Its SHA-256."""
    size: int
    """Its size in bytes."""
    level: str
    """PAdES level it was signed at."""
    signer: str
    """Signing certificate subject."""
    issued_at: datetime
    """When it was signed; timezone-aware UTC."""
    issued_by: str
    """Who handed it in."""


@dataclass(frozen=True)
class LedgerInput:
    """What a ledger function reads of a dossier, inside the transaction of its latest event."""

    record: DossierRecord
    """The dossier's row after the event."""
    events: tuple[EventRecord, ...]
    """Its whole history, oldest first."""
    component_states: tuple[int, ...]
    """Digitization state of each component, confirmed reuse applied (2 or 3), in checklist order."""
    as_of: datetime
    """The moment to judge it at (the event's time)."""


Ledger = Callable[[LedgerInput], tuple[StatsEntry, list[ViolationEntry]]]
"""Folds a dossier's events into its ``dossier_stats`` row and the violations it stands accused of
(``sohoa.lifecycle.ledger.ledger``)."""


class LifecycleMixin(StatsMixin):
    """``transition``, ``dossier_history``, ``queue``, ``save_components``, ``components``, results; every event
    rewrites the dossier's supervision row (:class:`~sohoa.services.db.stats.StatsMixin`) in its transaction."""

    _clock: Callable[[], datetime]
    _write: Callable[..., AbstractContextManager[Connection]]
    _read: Callable[..., AbstractContextManager[Connection]]
    _append_access: Callable[..., None]

    def transition(self, code: str, decide: Callable[[DossierRecord], Transition], actor: str,
                   at: datetime | None = None, ledger: Ledger | None = None) -> EventRecord:
        """Decide on the dossier as it is now (``decide`` may raise to refuse) and record the outcome: status,
        columns, history row, audit-log entry and (given a `ledger`) the supervision row and violations, in one
        transaction. Raises DossierNotFound for an unknown code."""
        at = at or self._clock()
        with self._write(f"record a transition of dossier {code}", code) as connection:
            row = connection.execute(select(dossiers).where(dossiers.c.code == code).with_for_update()).first()
            if row is None:
                raise _not_found(code)
            record = _dossier(row)
            decided = decide(record)
            unknown = set(decided.changes) - set(DOSSIER_FIELDS)
            if unknown:
                raise InvalidRecord(code, f"a transition may not set {sorted(unknown)}")
            connection.execute(update(dossiers).where(dossiers.c.code == code).values(
                status=int(decided.to_status), updated_at=at, **_column_values(decided.changes)))
            event = self._insert_event(connection, code, decided, record.status, actor, at)
            self._append_access(connection, code, actor, f"lifecycle:{decided.action}", None,
                                f"ok: {int(record.status)} -> {int(decided.to_status)}"
                                + (f"; {decided.reason}" if decided.reason else ""))
            if ledger is not None:
                self._refresh_ledger(connection, code, ledger, at)
        return event

    def refresh_ledger(self, code: str, ledger: Ledger, as_of: datetime | None = None) -> None:
        """Rewrite the dossier's supervision row and violations from its events, judged at `as_of` (now)."""
        with self._write(f"update the supervision row of dossier {code}", code) as connection:
            self._refresh_ledger(connection, code, ledger, as_of or self._clock())

    def dossier_codes(self, after: str = "", limit: int = 1000) -> list[str]:
        """Dossier codes after `after`, in order (to walk every dossier)."""
        with self._read("list dossier codes") as connection:
            return list(connection.execute(select(dossiers.c.code).where(dossiers.c.code > after)
                                           .order_by(dossiers.c.code).limit(limit)).scalars())

    def _refresh_ledger(self, connection: Connection, code: str, ledger: Ledger, as_of: datetime) -> None:
        row = connection.execute(select(dossiers).where(dossiers.c.code == code)).first()
        if row is None:
            raise _not_found(code)
        events = connection.execute(select(dossier_events).where(dossier_events.c.dossier_code == code)
                                    .order_by(dossier_events.c.sequence)).all()
        states = dict(connection.execute(select(dossier_components.c.position, dossier_components.c.state)
                                         .where(dossier_components.c.dossier_code == code)).all())
        states |= dict(connection.execute(select(reuse_decisions.c.position, reuse_decisions.c.state).where(
            reuse_decisions.c.dossier_code == code, reuse_decisions.c.decision == "confirmed",
            reuse_decisions.c.position.in_(list(states)))).all())
        entry, found = ledger(LedgerInput(record=_dossier(row), events=tuple(_event(e) for e in events),
                                          component_states=tuple(states[p] for p in sorted(states)), as_of=as_of))
        self._store_ledger(connection, entry, found)

    def now(self) -> datetime:
        """The database's clock (timezone-aware UTC): the time transitions are recorded at."""
        return self._clock()

    def record_registration(self, connection: Connection, code: str, actor: str, at: datetime,
                            status: DossierStatus = DossierStatus.RECEIVED_NEW) -> None:
        """The first history row of a new dossier, and its supervision row, inside its creation's transaction."""
        self._insert_event(connection, code, Transition("register", status), None, actor, at)
        row = connection.execute(select(dossiers).where(dossiers.c.code == code)).one()
        self._store_ledger(connection, StatsEntry(
            dossier_code=code, agency=parse_dossier_code(code).agency_code, department=row.department,
            procedure_code=row.procedure_code, channel=row.channel, status=row.status, received_at=row.received_at), [])

    def dossier_history(self, code: str) -> list[EventRecord]:
        """Every transition of dossier `code`, oldest first."""
        with self._read(f"read the history of dossier {code}", code) as connection:
            rows = connection.execute(select(dossier_events).where(dossier_events.c.dossier_code == code)
                                      .order_by(dossier_events.c.sequence)).all()
        return [_event(row) for row in rows]

    def queue(self, department: str | None = None, assignee: str | None = None,
              statuses: Iterable[DossierStatus] = OPEN_STATUSES, limit: int = 500) -> list[DossierRecord]:
        """Open dossiers of a department and/or assignee, the earliest promised date first (overdue first);
        dossiers without a promised date last."""
        conditions = [dossiers.c.status.in_([int(s) for s in statuses])]
        if department is not None:
            conditions.append(dossiers.c.department == department)
        if assignee is not None:
            conditions.append(dossiers.c.assignee == assignee)
        query = (select(dossiers).where(and_(*conditions))
                 .order_by(dossiers.c.promised_at.is_(None), dossiers.c.promised_at, dossiers.c.code).limit(limit))
        with self._read("list a queue") as connection:
            return [_dossier(row) for row in connection.execute(query).all()]

    def save_components(self, code: str, states: Iterable[ComponentState]) -> None:
        """Replace the digitization states of dossier `code`'s components."""
        rows = [dict(dossier_code=code, position=s.position, name=s.name, required=int(s.required), state=s.state,
                     signed_key=s.signed_key, signed_sha256=s.signed_sha256, updated_at=self._clock()) for s in states]
        with self._write(f"save the components of dossier {code}", code) as connection:
            connection.execute(delete(dossier_components).where(dossier_components.c.dossier_code == code))
            if rows:
                connection.execute(insert(dossier_components), rows)

    def components(self, code: str) -> list[ComponentState]:
        """Digitization state of each component of dossier `code`, in checklist order."""
        with self._read(f"read the components of dossier {code}", code) as connection:
            rows = connection.execute(select(dossier_components).where(dossier_components.c.dossier_code == code)
                                      .order_by(dossier_components.c.position)).all()
        return [ComponentState(position=r.position, name=r.name, required=bool(r.required), state=r.state,
                               signed_key=r.signed_key, signed_sha256=r.signed_sha256) for r in rows]

    def add_result(self, result: ResultRecord) -> ResultRecord:
        """Record a signed result; idempotent (the same id again returns the stored record)."""
        with self._write(f"record a result of dossier {result.dossier_code}", result.dossier_code) as connection:
            stored = connection.execute(select(results).where(results.c.id == result.id)).first()
            if stored is None:
                connection.execute(insert(results).values(**result.__dict__))
                return result
        return _result(stored)

    def results_of(self, code: str) -> list[ResultRecord]:
        """Results issued for dossier `code`, oldest first."""
        with self._read(f"read the results of dossier {code}", code) as connection:
            rows = connection.execute(select(results).where(results.c.dossier_code == code)
                                      .order_by(results.c.issued_at, results.c.id)).all()
        return [_result(row) for row in rows]

    def find_result(self, result_id: str) -> ResultRecord | None:
        """The result with this id, or None."""
        with self._read("find a result") as connection:
            row = connection.execute(select(results).where(results.c.id == result_id)).first()
        return _result(row) if row is not None else None

    def find_result_by_sha256(self, sha256: str) -> ResultRecord | None:
        """The result whose signed file has this SHA-256, or None."""
        with self._read("find a result by digest") as connection:
            row = connection.execute(select(results).where(results.c.signed_sha256 == sha256.lower()).limit(1)).first()
        return _result(row) if row is not None else None

    def _insert_event(self, connection: Connection, code: str, decided: Transition, before: DossierStatus | None,
                      actor: str, at: datetime) -> EventRecord:
        sequence = connection.execute(select(func.coalesce(func.max(dossier_events.c.sequence), 0))
                                      .where(dossier_events.c.dossier_code == code)).scalar_one() + 1
        values = dict(dossier_code=code, sequence=sequence, action=decided.action,
                      from_status=int(before) if before is not None else None, to_status=int(decided.to_status),
                      at=at, actor=actor, reason=decided.reason, details=dict(decided.details))
        connection.execute(insert(dossier_events).values(**values))
        return EventRecord(**{**values, "from_status": before, "to_status": decided.to_status})


def _column_values(changes: Mapping[str, Any]) -> dict[str, Any]:
    return {name: int(value) if isinstance(value, DossierStatus) else value for name, value in changes.items()}


def _event(row) -> EventRecord:
    return EventRecord(dossier_code=row.dossier_code, sequence=row.sequence, action=row.action,
                       from_status=DossierStatus(row.from_status) if row.from_status is not None else None,
                       to_status=DossierStatus(row.to_status), at=row.at, actor=row.actor, reason=row.reason,
                       details=dict(row.details or {}))


def _result(row) -> ResultRecord:
    return ResultRecord(**row._asdict())


__all__ = ["ComponentState", "EventRecord", "Ledger", "LedgerInput", "LifecycleMixin", "OPEN_STATUSES", "ResultRecord", "Transition"]
