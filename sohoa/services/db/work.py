"""Digitization work in the catalogue database: what each dossier still needs a worker for, and how it went.

A mixin of :class:`sohoa.services.db.Database`. The queue (RQ on Redis) only carries job ids; the originals to
read and the state of each job live here, so a lost queue loses nothing (see docs/reliability.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from sohoa.services.db.errors import InvalidRecord
from sohoa.services.db.rows import not_found as _not_found
from sohoa.services.db.schema import dossiers
from sohoa.services.db.work_schema import dossier_work

UNFINISHED = ("queued", "working", "retrying")
"""States of work a worker still has to do."""


@dataclass(frozen=True)
class WorkRecord:
    """One digitization job of a dossier, as the database keeps it."""

    job_id: str
    """Queue job id (derived from the dossier code and, for a supplement, its originals)."""
    dossier_code: str
    """The dossier."""
    sources: tuple[Mapping[str, Any], ...]
    """The archived originals to read, in hand-in order ({name, key, sha256})."""
    state: str
    """``queued``, ``working``, ``retrying``, ``done`` or ``failed``."""
    attempts: int
    """How many times a worker started it."""
    error: str | None
    """Why the last attempt failed; None when none did (or after success)."""
    created_at: datetime
    """When it was recorded."""
    updated_at: datetime
    """When its state last changed."""


class WorkMixin:
    """``queue_work``, ``start_work``, ``finish_work``, ``fail_work``, ``retry_work``, ``work_of``, ``unfinished_work``."""

    _clock: Callable[[], datetime]
    _write: Callable[..., AbstractContextManager[Connection]]
    _read: Callable[..., AbstractContextManager[Connection]]

    def insert_work(self, connection: Connection, code: str, job_id: str, sources: Sequence[Mapping[str, Any]]) -> None:
        """Record a job to do inside the caller's transaction; an existing job with this id is left as it is."""
        if connection.execute(select(dossier_work.c.job_id).where(dossier_work.c.job_id == job_id)).first() is None:
            now = self._clock()
            connection.execute(insert(dossier_work).values(
                job_id=job_id, dossier_code=code, sources=[dict(s) for s in sources], state="queued", attempts=0,
                error=None, created_at=now, updated_at=now))

    def queue_work(self, code: str, job_id: str, sources: Sequence[Mapping[str, Any]]) -> WorkRecord:
        """Record a job to do for dossier ``code`` (idempotent on ``job_id``)."""
        with self._write(f"queue the digitization of dossier {code}", code) as connection:
            if connection.execute(select(dossiers.c.code).where(dossiers.c.code == code)).first() is None:
                raise _not_found(code)
            self.insert_work(connection, code, job_id, sources)
            return _work(_row(connection, job_id))

    def get_work(self, job_id: str) -> WorkRecord | None:
        """The job with this id; None when there is none."""
        with self._read(f"read job {job_id}") as connection:
            row = connection.execute(select(dossier_work).where(dossier_work.c.job_id == job_id)).first()
        return None if row is None else _work(row)

    def work_of(self, code: str) -> list[WorkRecord]:
        """Every job of dossier ``code``, oldest first."""
        with self._read(f"read the work of dossier {code}", code) as connection:
            rows = connection.execute(select(dossier_work).where(dossier_work.c.dossier_code == code)
                                      .order_by(dossier_work.c.created_at, dossier_work.c.job_id)).all()
        return [_work(row) for row in rows]

    def unfinished_work(self, changed_before: datetime, limit: int = 500) -> list[WorkRecord]:
        """Jobs not done nor failed whose state has not changed since ``changed_before``, oldest first."""
        with self._read("list unfinished work") as connection:
            rows = connection.execute(select(dossier_work).where(
                dossier_work.c.state.in_(UNFINISHED), dossier_work.c.updated_at < changed_before)
                .order_by(dossier_work.c.updated_at).limit(limit)).all()
        return [_work(row) for row in rows]

    def start_work(self, job_id: str) -> WorkRecord:
        """A worker takes the job: one more attempt, state ``working``."""
        return self._change(job_id, "start", state="working", attempts=dossier_work.c.attempts + 1)

    def touch_work(self, job_id: str) -> WorkRecord:
        """Mark the job as seen now (a sweep put it back on the queue), keeping its state."""
        return self._change(job_id, "touch")

    def finish_work(self, job_id: str) -> WorkRecord:
        """The job is done; any earlier error is cleared (on the dossier too)."""
        return self._change(job_id, "finish", state="done", error=None, dossier_error=None)

    def fail_work(self, job_id: str, error: str, final: bool) -> WorkRecord:
        """An attempt failed: ``retrying`` when another is scheduled, else ``failed`` with the reason also set as
        the dossier's error, in one transaction."""
        if not isinstance(error, str) or not error:
            raise InvalidRecord(job_id, "a failure needs its reason")
        if final:
            return self._change(job_id, "fail", state="failed", error=error, dossier_error=error)
        return self._change(job_id, "fail", state="retrying", error=error)

    def retry_work(self, code: str) -> list[WorkRecord]:
        """Put dossier ``code``'s failed jobs back to ``queued`` (their attempts kept); the jobs put back."""
        failed = [work for work in self.work_of(code) if work.state == "failed"]
        return [self._change(work.job_id, "retry", state="queued") for work in failed]

    def _change(self, job_id: str, what: str, dossier_error: object = ..., **values: Any) -> WorkRecord:
        with self._write(f"{what} job {job_id}") as connection:
            now = self._clock()
            result = connection.execute(update(dossier_work).where(dossier_work.c.job_id == job_id)
                                        .values(updated_at=now, **values))
            if result.rowcount == 0:
                raise InvalidRecord(job_id, "no such job")
            row = _row(connection, job_id)
            if dossier_error is not ...:
                connection.execute(update(dossiers).where(dossiers.c.code == row.dossier_code)
                                   .values(error=dossier_error, updated_at=now))
            return _work(row)


def _row(connection: Connection, job_id: str):
    return connection.execute(select(dossier_work).where(dossier_work.c.job_id == job_id)).one()


def _work(row) -> WorkRecord:
    return WorkRecord(job_id=row.job_id, dossier_code=row.dossier_code, sources=tuple(row.sources), state=row.state,
                      attempts=row.attempts, error=row.error, created_at=row.created_at, updated_at=row.updated_at)
