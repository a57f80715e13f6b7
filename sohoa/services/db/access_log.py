"""The hash-chained access log and its anchors in the catalogue database.

A mixin of :class:`sohoa.services.db.Database`, which provides the transactions and the clock. Every entry's
``event_hash`` chains it to the one before (:mod:`sohoa.services.db.chain`); ``sohoa audit verify`` checks the chain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import datetime

from sqlalchemy import Connection, insert, select, text

from sohoa.services.db.chain import GENESIS, PG_CHAIN_LOCK, event_hash
from sohoa.services.db.errors import check_text
from sohoa.services.db.records import AccessRecord, AuditAnchor
from sohoa.services.db.schema import CODE_LENGTH, KEY_LENGTH, access_log, audit_anchors

OUTCOME_LENGTH = 10_000
"""Longest access-log outcome stored; longer ones (they may carry an error message) are cut, marked."""
_TRUNCATED = " …[truncated]"


class AccessLogMixin:
    """``record_access``, ``record_event``, ``access_log``, ``iter_access_log``, ``access_log_head``, anchors."""

    _clock: Callable[[], datetime]
    _write: Callable[..., AbstractContextManager[Connection]]
    _read: Callable[..., AbstractContextManager[Connection]]

    def record_access(self, dossier_code: str, actor: str, action: str, object_key: str | None, outcome: str) -> None:
        """Append one entry to the access log (also for unknown codes: failed lookups are accesses too)."""
        with self._write(f"log an access to dossier {dossier_code}", dossier_code) as connection:
            self._append_access(connection, dossier_code, actor, action, object_key, outcome)

    def _append_access(self, connection: Connection, dossier_code: str, actor: str, action: str,
                       object_key: str | None, outcome: str) -> None:
        """`record_access` inside the caller's transaction (a change and its log entry commit together)."""
        check_text(dossier_code, "dossier_code", dossier_code, CODE_LENGTH)
        check_text(dossier_code, "actor", actor, 255)
        check_text(dossier_code, "action", action, 64)
        check_text(dossier_code, "outcome", outcome, None)
        if len(outcome) > OUTCOME_LENGTH:
            outcome = outcome[: OUTCOME_LENGTH - len(_TRUNCATED)] + _TRUNCATED
        if object_key is not None:
            check_text(dossier_code, "object_key", object_key, KEY_LENGTH)
        accessed_at = self._clock()
        if connection.dialect.name == "postgresql":  # SQLite writers are serialised by BEGIN IMMEDIATE
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_CHAIN_LOCK})
        prev = connection.execute(select(access_log.c.event_hash).order_by(access_log.c.id.desc()).limit(1)).scalar()
        prev = prev or GENESIS
        digest = event_hash(prev, dossier_code, accessed_at, actor, action, object_key, outcome)
        connection.execute(insert(access_log).values(
            dossier_code=dossier_code, accessed_at=accessed_at, actor=actor, action=action,
            object_key=object_key, outcome=outcome, prev_hash=prev, event_hash=digest,
        ))

    def record_event(self, actor: str, action: str, outcome: str, object_key: str | None = None,
                     dossier_code: str = "-") -> None:
        """Log an action not tied to one dossier (login, retention change, audit run) in the same
        hash-chained log; ``dossier_code`` ``-`` marks it."""
        self.record_access(dossier_code, actor, action, object_key, outcome)

    def iter_access_log(self, after_id: int = 0, batch: int = 1000) -> Iterator[AccessRecord]:
        """Every access-log entry with ``id > after_id``, oldest first, read in batches."""
        last = after_id
        while True:
            with self._read("read the access log") as connection:
                rows = connection.execute(
                    select(access_log).where(access_log.c.id > last).order_by(access_log.c.id).limit(batch)
                ).all()
            for row in rows:
                yield AccessRecord(**row._asdict())
            if len(rows) < batch:
                return
            last = rows[-1].id

    def access_log_head(self) -> AccessRecord | None:
        """The newest access-log entry, or None when the log is empty."""
        with self._read("read the access log head") as connection:
            row = connection.execute(select(access_log).order_by(access_log.c.id.desc()).limit(1)).first()
        return AccessRecord(**row._asdict()) if row is not None else None

    def record_anchor(self, last_event_id: int, head_hash: str, object_key: str) -> None:
        """Remember that the chain head ``(last_event_id, head_hash)`` was written to ``object_key``."""
        with self._write("record an audit anchor") as connection:
            connection.execute(insert(audit_anchors).values(
                anchored_at=self._clock(), last_event_id=last_event_id, head_hash=head_hash, object_key=object_key))

    def audit_anchors(self) -> list[AuditAnchor]:
        """Every recorded anchor, oldest first."""
        with self._read("read the audit anchors") as connection:
            rows = connection.execute(select(audit_anchors).order_by(audit_anchors.c.id)).all()
        return [AuditAnchor(**row._asdict()) for row in rows]

    def access_log(self, dossier_code: str, after_id: int = 0, limit: int | None = None) -> list[AccessRecord]:
        """Logged accesses to ``dossier_code``, oldest first: those after ``after_id``, at most ``limit``."""
        query = (select(access_log).where(access_log.c.dossier_code == dossier_code, access_log.c.id > after_id)
                 .order_by(access_log.c.id))
        if limit is not None:
            query = query.limit(limit)
        with self._read(f"read the access log of dossier {dossier_code}", dossier_code) as connection:
            rows = connection.execute(query).all()
        return [AccessRecord(**row._asdict()) for row in rows]
