"""What the web pages keep in the catalogue database: sessions, public lookup failures, digitization progress.

A mixin of :class:`sohoa.services.db.Database`, which provides the transactions and the clock. Session values
and check codes are made and checked in :mod:`sohoa.services.sessions` and :mod:`sohoa.services.lookup`; here
only digests are stored and looked up.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, insert, or_, select, update

from sohoa.services.db.schema import api_users
from sohoa.services.db.web_schema import dossier_progress, lookup_failures, web_sessions


@dataclass(frozen=True)
class SessionRecord:
    """A browser session as the database keeps it."""

    user_name: str
    """The API user it belongs to (same accounts, roles and permissions)."""
    role: str
    """That user's role now."""
    csrf_token: str
    """The token every form posted in this session must carry."""
    expires_at: datetime
    """When it stops being valid."""


@dataclass(frozen=True)
class LookupFailures:
    """Wrong lookups of one client on the public status page."""

    failures: int
    """How many in a row (reset by a right one)."""
    locked_until: datetime | None
    """Until when its next attempt is refused."""


@dataclass(frozen=True)
class ProgressRecord:
    """How far the worker is with a dossier."""

    stage: str
    """``pages`` while pages are read (prepared and OCR'd), then ``sign``."""
    done: int
    """Pages (or components) done in that stage."""
    total: int
    """Pages (or components) in that stage."""
    updated_at: datetime
    """When it was last recorded."""


class WebMixin:
    """``open_session``, ``find_session``, ``end_session``, lookup failures and ``record_progress``."""

    _clock: Callable[[], datetime]
    _write: Callable[..., AbstractContextManager[Connection]]
    _read: Callable[..., AbstractContextManager[Connection]]

    def open_session(self, id_sha256: str, user_name: str, csrf_token: str, expires_at: datetime) -> None:
        """Record a new session under the digest of its cookie value."""
        with self._write(f"open a web session for {user_name}") as connection:
            connection.execute(insert(web_sessions).values(id_sha256=id_sha256, user_name=user_name, csrf_token=csrf_token,
                                                           created_at=self._clock(), expires_at=expires_at))

    def find_session(self, id_sha256: str) -> SessionRecord | None:
        """The live session with this digest: not ended nor expired, its account valid and its token not rotated
        since the session began; None otherwise."""
        rotated = api_users.c.token_rotated_at
        with self._read("find a web session") as connection:
            row = connection.execute(
                select(web_sessions, api_users.c.role).join(api_users, api_users.c.name == web_sessions.c.user_name)
                .where(web_sessions.c.id_sha256 == id_sha256, web_sessions.c.ended_at.is_(None),
                       web_sessions.c.expires_at > self._clock(), api_users.c.revoked_at.is_(None),
                       or_(rotated.is_(None), rotated < web_sessions.c.created_at))).first()
        return None if row is None else SessionRecord(row.user_name, row.role, row.csrf_token, row.expires_at)

    def end_session(self, id_sha256: str) -> None:
        """End the session (logout); ending an unknown or ended one does nothing."""
        with self._write("end a web session") as connection:
            connection.execute(update(web_sessions).where(web_sessions.c.id_sha256 == id_sha256,
                                                          web_sessions.c.ended_at.is_(None)).values(ended_at=self._clock()))

    def lookup_failures_of(self, client: str) -> LookupFailures:
        """The failures recorded for `client` (zero when none)."""
        with self._read("read lookup failures") as connection:
            row = connection.execute(select(lookup_failures).where(lookup_failures.c.client == client)).first()
        return LookupFailures(0, None) if row is None else LookupFailures(row.failures, row.locked_until)

    def record_lookup_failure(self, client: str, locked_until: Callable[[int], datetime]) -> LookupFailures:
        """One more failure for `client`; `locked_until(failures)` says until when it then waits."""
        with self._write("record a lookup failure") as connection:
            row = connection.execute(select(lookup_failures).where(lookup_failures.c.client == client)).first()
            failures = 1 if row is None else row.failures + 1
            values = {"failures": failures, "last_failed_at": self._clock(), "locked_until": locked_until(failures)}
            if row is None:
                connection.execute(insert(lookup_failures).values(client=client, **values))
            else:
                connection.execute(update(lookup_failures).where(lookup_failures.c.client == client).values(**values))
        return LookupFailures(failures, values["locked_until"])

    def clear_lookup_failures(self, client: str) -> None:
        """A right lookup: the client's count starts again."""
        with self._write("clear lookup failures") as connection:
            connection.execute(delete(lookup_failures).where(lookup_failures.c.client == client))

    def record_progress(self, code: str, stage: str, done: int, total: int) -> None:
        """Where the worker is with dossier `code` (one row per dossier, overwritten)."""
        with self._write(f"record the progress of dossier {code}", code) as connection:
            values = {"stage": stage[:32], "done": done, "total": total, "updated_at": self._clock()}
            changed = connection.execute(update(dossier_progress).where(dossier_progress.c.dossier_code == code)
                                         .values(**values)).rowcount
            if not changed:
                connection.execute(insert(dossier_progress).values(dossier_code=code, **values))

    def progress_of(self, code: str) -> ProgressRecord | None:
        """The last progress recorded for dossier `code`; None before the worker started."""
        with self._read(f"read the progress of dossier {code}", code) as connection:
            row = connection.execute(select(dossier_progress).where(dossier_progress.c.dossier_code == code)).first()
        return None if row is None else ProgressRecord(row.stage, row.done, row.total, row.updated_at)
