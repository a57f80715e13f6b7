"""The catalogue/state database: dossiers, their status and report, their stored objects, the access log.

One :class:`Database` per process (it owns a connection pool); share it between threads. Every public
method runs in its own transaction. Errors: :class:`sohoa.errors.DossierNotFound` for an unknown code,
:mod:`sohoa.services.db.errors` for the rest; messages name the dossier code and show the URL without password.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, tzinfo
from typing import Any

from alembic.util import CommandError
from sqlalchemy import Connection, Row, case, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, SQLAlchemyError, StatementError

from sohoa.classification.keyfields import apply_corrections
from sohoa.services.db import migrate
from sohoa.services.db.artifacts import artifact_row, artifact_rows
from sohoa.services.db.codes import VIETNAM_TIME, DossierCode, check_agency_code, local_day, next_serial, parse_dossier_code, reserve_serial
from sohoa.services.db.engine import WRITE_OPTION, build_engine, parse_url, safe_url
from sohoa.services.db.errors import ArtifactNotFound, DatabaseError, DossierConflict, InvalidRecord, check_text
from sohoa.services.db.records import (
    ArtifactRecord,
    Channel,
    DossierRecord,
    DossierStatus,
    FixityRecord,
    PreservationEvent,
)
from sohoa.services.db.access_log import AccessLogMixin
from sohoa.services.db.lifecycle import LifecycleMixin
from sohoa.services.db.rows import dossier_from_row as _dossier, not_found as _not_found
from sohoa.services.db.fields import FieldsMixin, corrections_to_apply
from sohoa.services.db.reuse import ReuseMixin
from sohoa.services.db.search import SearchMixin, page_text_rows
from sohoa.services.db.users import UserAccountsMixin
from sohoa.services.db.web import WebMixin
from sohoa.services.db.work import WorkMixin
from sohoa.services.db.schema import (
    CODE_LENGTH,
    KEY_LENGTH,
    artifacts,
    dossiers,
    fixity_state,
    page_texts,
    preservation_events,
)

MAX_LIST = 1000
"""Largest ``limit`` accepted by :meth:`Database.list_dossiers`."""


def open_database(url: str) -> Database:
    """``Database(url)`` with its schema brought to the newest migration: what a process does at start-up."""
    database = Database(url)
    database.upgrade()
    return database


def utc_now() -> datetime:
    """The current time, timezone-aware UTC (the default clock)."""
    return datetime.now(UTC)


class Database(AccessLogMixin, SearchMixin, UserAccountsMixin, ReuseMixin, LifecycleMixin, WorkMixin, WebMixin,
               FieldsMixin):
    """The catalogue database at ``url``: ``sqlite:///path`` (embedded) or ``postgresql+psycopg://...``.

    ``code_timezone`` is the zone whose calendar day goes into allocated dossier codes; ``clock``
    gives ``updated_at`` / access times (tests pass a fixed one). Call :meth:`upgrade` once at start-up.
    """

    def __init__(
        self,
        url: str,
        *,
        code_timezone: tzinfo = VIETNAM_TIME,
        clock: Callable[[], datetime] = utc_now,
        echo: bool = False,
    ) -> None:
        parsed = parse_url(url)
        self._url = safe_url(parsed)
        self._engine = build_engine(parsed, echo=echo)
        self._writer = self._engine.execution_options(**{WRITE_OPTION: True})
        self._code_timezone = code_timezone
        self._clock = clock

    def __repr__(self) -> str:
        return f"Database({self._url!r})"

    @property
    def url(self) -> str:
        """The database URL with any password hidden."""
        return self._url

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self._engine.dialect.name

    def close(self) -> None:
        """Close every pooled connection."""
        self._engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- schema -------------------------------------------------------------------------------

    def upgrade(self) -> None:
        """Bring the schema to the newest migration (``alembic upgrade head``); safe to call every start."""
        with self._guard("upgrade the schema"):
            try:
                migrate.upgrade(self._engine)
            except CommandError as exc:  # e.g. the database is at a revision this code does not know
                raise DatabaseError(f"upgrade the schema: database {self._url}: {exc}") from exc

    def schema_revision(self) -> str | None:
        """The migration revision the database is at; None when never migrated."""
        with self._guard("read the schema revision"):
            return migrate.current_revision(self._engine)

    def schema_diff(self) -> list[Any]:
        """Alembic autogenerate's differences between the database and the declared tables (empty = agree)."""
        with self._guard("compare the schema"):
            return migrate.schema_diff(self._engine)

    # -- dossiers -----------------------------------------------------------------------------

    def allocate_dossier_code(self, agency_code: str, received_at: datetime) -> str:
        """Take the next code ``<agency>-<yyMMdd>-<serial>`` of the agency on the local day of ``received_at``.

        Serials start at 0001 per agency per day and are never handed out twice, also under
        concurrent callers (atomic upsert on the counter row).
        """
        check_agency_code(agency_code)
        day = local_day(received_at, self._code_timezone, subject=f"agency code {agency_code}")
        with self._write(f"allocate a dossier code for agency {agency_code}") as connection:
            serial = next_serial(connection, agency_code, day)
        return str(DossierCode(agency_code=agency_code, day=day, serial=serial))

    def create_dossier(
        self,
        code: str,
        procedure_code: str,
        variant: str | None,
        channel: int,
        received_at: datetime,
        status: DossierStatus = DossierStatus.RECEIVED,
        actor: str = "system",
        originals: list[dict[str, Any]] = (),
        work: tuple[str, list[dict[str, Any]]] | None = None,
    ) -> DossierRecord:
        """Register a dossier, with the first row of its history. Idempotent: when ``code`` exists for the same
        procedure, the stored record is returned unchanged; for another procedure :class:`DossierConflict` is raised.

        ``originals`` ({key, sha256, size}, already archived) and ``work`` (job id, sources to digitize) are
        recorded in the same transaction, so a dossier never exists without them."""
        parsed = parse_dossier_code(code)
        check_text(code, "procedure_code", procedure_code, CODE_LENGTH)
        if variant is not None:
            check_text(code, "variant", variant, CODE_LENGTH)
        channel_value = _enum(Channel, channel, code, "channel")
        status_value = _enum(DossierStatus, status, code, "status")
        local_day(received_at, self._code_timezone, subject=f"dossier {code}")
        now = self._clock()
        values = dict(
            code=code, procedure_code=procedure_code, variant=variant, channel=int(channel_value),
            status=int(status_value), received_at=received_at, created_at=now, updated_at=now,
        )
        with self._write(f"create dossier {code}", code) as connection:
            stmt = _upsert(connection)(dossiers).values(**values).on_conflict_do_nothing(index_elements=[dossiers.c.code])
            if connection.execute(stmt.returning(dossiers.c.code)).first() is not None:
                reserve_serial(connection, parsed)
                self.record_registration(connection, code, actor, now, status_value)
                _insert_originals(connection, code, originals)
                if work is not None:
                    self.insert_work(connection, code, *work)
            row = connection.execute(select(dossiers).where(dossiers.c.code == code)).one()
        if row.procedure_code != procedure_code:
            raise DossierConflict(code, f"already registered for procedure {row.procedure_code}, not {procedure_code}")
        return _dossier(row)

    def set_status(self, code: str, status: DossierStatus, error: str | None = None) -> None:
        """Set the dossier's status and error (None clears a previous error)."""
        status_value = _enum(DossierStatus, status, code, "status")
        if error is not None and not isinstance(error, str):
            raise InvalidRecord(code, f"error must be a string or None, got {type(error).__name__}")
        with self._write(f"set the status of dossier {code}", code) as connection:
            result = connection.execute(
                update(dossiers)
                .where(dossiers.c.code == code)
                .values(status=int(status_value), error=error, updated_at=self._clock())
            )
            if result.rowcount == 0:
                raise _not_found(code)

    def save_report(self, code: str, report: dict[str, Any], status: DossierStatus | None = None) -> None:
        """Store the report JSON and replace the dossier's artifacts and searchable page texts, atomically;
        with `status`, also set the status and clear any earlier error in the same transaction.

        The dossier's variant is filled from ``report["variant"]`` when it was registered without one. Key-field
        corrections recorded earlier are applied again where the same value was read again.
        """
        rows = artifact_rows(code, report)
        variant = report.get("variant")
        if not isinstance(variant, str) or not variant or len(variant) > CODE_LENGTH:
            variant = None
        changes: dict[str, Any] = {"report": report, "updated_at": self._clock(),
                                   "variant": func.coalesce(dossiers.c.variant, variant)}
        if status is not None:
            changes.update(status=int(_enum(DossierStatus, status, code, "status")), error=None)
        with self._write(f"save the report of dossier {code}", code) as connection:
            if corrections := corrections_to_apply(connection, code):  # a person's corrections outlive a new reading
                changes["report"] = apply_corrections(report, corrections)
            result = connection.execute(update(dossiers).where(dossiers.c.code == code).values(**changes))
            if result.rowcount == 0:
                raise _not_found(code)
            connection.execute(delete(artifacts).where(artifacts.c.dossier_code == code))
            connection.execute(insert(artifacts), rows)
            connection.execute(delete(page_texts).where(page_texts.c.dossier_code == code))
            if texts := page_text_rows(code, report):
                connection.execute(insert(page_texts), texts)

    def record_originals(self, code: str, originals: list[dict[str, Any]]) -> None:
        """Record archived originals ({key, sha256, size}) as the dossier's artifacts the moment they are
        stored, before any report exists; a later report's artifact list replaces them."""
        with self._write(f"record the originals of dossier {code}", code) as connection:
            _require_dossier(connection, code)
            _insert_originals(connection, code, originals)

    def get_dossier(self, code: str) -> DossierRecord:
        """The dossier with this code; :class:`DossierNotFound` naming the code when there is none."""
        with self._read(f"read dossier {code}", code) as connection:
            row = connection.execute(select(dossiers).where(dossiers.c.code == code)).first()
        if row is None:
            raise _not_found(code)
        return _dossier(row)

    def list_dossiers(
        self, limit: int = 50, status: DossierStatus | None = None, *, with_reports: bool = True
    ) -> list[DossierRecord]:
        """Newest received first, at most ``limit`` (1..1000), optionally only those in ``status``.

        ``with_reports=False`` leaves ``report`` as None to spare loading large reports for listings.
        """
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIST:
            raise ValueError(f"limit must be an integer from 1 to {MAX_LIST}, got {limit!r}")
        columns = list(dossiers.c) if with_reports else [c for c in dossiers.c if c.name != "report"]
        query = select(*columns).order_by(dossiers.c.received_at.desc(), dossiers.c.code.desc()).limit(limit)
        if status is not None:
            query = query.where(dossiers.c.status == int(_enum(DossierStatus, status, "", "status")))
        with self._read("list dossiers") as connection:
            return [_dossier(row) for row in connection.execute(query)]

    # -- artifacts ------------------------------------------------------------------------------

    def list_artifacts(self, code: str) -> list[ArtifactRecord]:
        """The dossier's stored objects from its last report, in report order (empty before a report)."""
        with self._read(f"list the artifacts of dossier {code}", code) as connection:
            rows = connection.execute(
                select(artifacts).where(artifacts.c.dossier_code == code).order_by(artifacts.c.id)
            ).all()
            if not rows:
                _require_dossier(connection, code)
        return [_artifact(row) for row in rows]

    def find_by_sha256(self, sha256: str) -> ArtifactRecord | None:
        """The first recorded artifact with this SHA-256 (any dossier), or None: which archived document a file is."""
        with self._read("find an archived object by digest") as connection:
            row = connection.execute(
                select(artifacts).where(artifacts.c.sha256 == sha256.lower()).order_by(artifacts.c.id).limit(1)
            ).first()
        return _artifact(row) if row is not None else None

    def find_artifact(self, code: str, key: str) -> ArtifactRecord:
        """The dossier's artifact stored under ``key``; :class:`DossierNotFound` for an unknown dossier,
        :class:`ArtifactNotFound` when the key is not one of its artifacts."""
        with self._read(f"find object {key!r} of dossier {code}", code) as connection:
            row = connection.execute(
                select(artifacts)
                .where(artifacts.c.dossier_code == code, artifacts.c.key == key)
                .order_by(artifacts.c.id)
                .limit(1)
            ).first()
            if row is None:
                _require_dossier(connection, code)
                raise ArtifactNotFound(code, key)
        return _artifact(row)

    # -- preservation -------------------------------------------------------------------------

    def track_artifacts(self) -> int:
        """Start tracking (for fixity audits) every artifact key not tracked yet; returns how many."""
        now = self._clock()
        with self._write("track artifacts for fixity") as connection:
            tracked = select(fixity_state.c.object_key)
            rows = connection.execute(
                select(artifacts.c.key, artifacts.c.sha256, artifacts.c.sha512, artifacts.c.size)
                .where(artifacts.c.key.not_in(tracked)).order_by(artifacts.c.id)
            ).all()
            fresh: dict[str, dict[str, Any]] = {}
            for row in rows:
                fresh.setdefault(row.key, dict(object_key=row.key, sha256=row.sha256, sha512=row.sha512, size=row.size,
                                               registered_at=now, last_checked_at=None, last_outcome=None, failures=0))
            if fresh:
                connection.execute(insert(fixity_state), list(fresh.values()))
        return len(fresh)

    def track_object(self, key: str, sha256: str, size: int, sha512: str | None = None) -> None:
        """Track one stored object that is not a dossier artifact (e.g. an audit anchor). Idempotent."""
        check_text("", "object_key", key, KEY_LENGTH)
        values = dict(object_key=key, sha256=sha256, sha512=sha512, size=size, registered_at=self._clock(),
                      last_checked_at=None, last_outcome=None, failures=0)
        with self._write(f"track object {key}") as connection:
            stmt = _upsert(connection)(fixity_state).values(**values).on_conflict_do_nothing(
                index_elements=[fixity_state.c.object_key])
            connection.execute(stmt)

    def tracked_keys(self) -> set[str]:
        """Keys of every tracked object."""
        with self._read("list tracked objects") as connection:
            return set(connection.execute(select(fixity_state.c.object_key)).scalars())

    def fixity_due(self, limit: int) -> list[FixityRecord]:
        """Up to ``limit`` tracked objects to check next: never checked first, then those whose last
        check failed, then the longest unchecked."""
        order = case((fixity_state.c.last_checked_at.is_(None), 0), (fixity_state.c.last_outcome != "ok", 1), else_=2)
        with self._read("choose objects for a fixity audit") as connection:
            rows = connection.execute(
                select(fixity_state).order_by(order, fixity_state.c.last_checked_at, fixity_state.c.object_key).limit(limit)
            ).all()
        return [_fixity(row) for row in rows]

    def fixity_record(self, key: str) -> FixityRecord | None:
        """The tracked state of ``key``, or None."""
        with self._read(f"read the fixity state of {key}") as connection:
            row = connection.execute(select(fixity_state).where(fixity_state.c.object_key == key)).first()
        return _fixity(row) if row is not None else None

    def record_preservation_event(self, event_type: str, key: str, outcome: str, agent: str, detail: str = "",
                                  *, sha512: str | None = None) -> None:
        """Append a preservation event; for ``fixity_check``/``repair`` also update the object's fixity
        state (and fill in a SHA-512 not known yet, in ``fixity_state`` and ``artifacts``)."""
        now = self._clock()
        with self._write(f"record a {event_type} event for {key}") as connection:
            connection.execute(insert(preservation_events).values(
                occurred_at=now, event_type=event_type, object_key=key, outcome=outcome, agent=agent, detail=detail))
            if event_type in ("fixity_check", "repair"):
                ok = outcome in ("ok", "repaired")
                connection.execute(update(fixity_state).where(fixity_state.c.object_key == key).values(
                    last_checked_at=now, last_outcome="ok" if ok else outcome,
                    failures=0 if ok else fixity_state.c.failures + 1))
            if sha512 is not None:
                connection.execute(update(fixity_state).where(
                    fixity_state.c.object_key == key, fixity_state.c.sha512.is_(None)).values(sha512=sha512))
                connection.execute(update(artifacts).where(
                    artifacts.c.key == key, artifacts.c.sha512.is_(None)).values(sha512=sha512))

    def preservation_events(self, key: str | None = None, limit: int = MAX_LIST) -> list[PreservationEvent]:
        """Preservation events, newest first (of one object when ``key`` is given)."""
        query = select(preservation_events).order_by(preservation_events.c.id.desc()).limit(limit)
        if key is not None:
            query = query.where(preservation_events.c.object_key == key)
        with self._read("read preservation events") as connection:
            return [PreservationEvent(**row._asdict()) for row in connection.execute(query)]

    # -- plumbing ---------------------------------------------------------------------------------

    @contextmanager
    def _guard(self, what: str, code: str = "") -> Iterator[None]:
        """Translate SQLAlchemy errors into :class:`DatabaseError` / :class:`InvalidRecord`."""
        try:
            yield
        except DBAPIError as exc:
            raise DatabaseError(f"{what}: database {self._url} failed: {_reason(exc)}", dossier_code=code) from exc
        except StatementError as exc:
            raise InvalidRecord(code, f"{what}: {_reason(exc)}") from exc
        except SQLAlchemyError as exc:
            raise DatabaseError(f"{what}: database {self._url} failed: {_reason(exc)}", dossier_code=code) from exc

    @contextmanager
    def _write(self, what: str, code: str = "") -> Iterator[Connection]:
        with self._guard(what, code), self._writer.begin() as connection:
            yield connection

    @contextmanager
    def _read(self, what: str, code: str = "") -> Iterator[Connection]:
        with self._guard(what, code), self._engine.connect() as connection:
            yield connection


def _upsert(connection: Connection):
    return postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert


def _insert_originals(connection: Connection, code: str, originals: list[dict[str, Any]]) -> None:
    rows = [artifact_row(code, "original", item, f"originals[{i}]", None) for i, item in enumerate(originals)]
    known = set(connection.execute(select(artifacts.c.key).where(
        artifacts.c.dossier_code == code, artifacts.c.kind == "original")).scalars())
    fresh = [row for row in rows if row["key"] not in known]
    if fresh:
        connection.execute(insert(artifacts), fresh)


def _require_dossier(connection: Connection, code: str) -> None:
    if connection.execute(select(dossiers.c.code).where(dossiers.c.code == code)).first() is None:
        raise _not_found(code)


def _enum(kind: type[Channel] | type[DossierStatus], value: object, code: str, field: str) -> Any:
    try:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(value)
        return kind(value)
    except ValueError:
        allowed = ", ".join(str(int(member)) for member in kind)
        raise InvalidRecord(code, f"{field} must be one of {allowed}, got {value!r}") from None


def _reason(exc: SQLAlchemyError) -> str:
    source = getattr(exc, "orig", None) or exc
    text = str(source).strip()
    return text.splitlines()[0] if text else type(source).__name__


def _artifact(row: Row[Any]) -> ArtifactRecord:
    return ArtifactRecord(
        dossier_code=row.dossier_code, kind=row.kind, key=row.key, sha256=row.sha256, size=row.size, position=row.position,
        sha512=row.sha512,
    )


def _fixity(row: Row[Any]) -> FixityRecord:
    return FixityRecord(
        object_key=row.object_key, sha256=row.sha256, sha512=row.sha512, size=row.size,
        last_checked_at=row.last_checked_at, last_outcome=row.last_outcome, failures=row.failures,
    )
