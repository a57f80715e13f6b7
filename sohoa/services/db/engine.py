"""Engines for the catalogue database: URL checks, SQLite pragmas and transaction modes.

SQLite (the embedded default) runs in WAL mode with foreign keys on. pysqlite's own transaction
handling is switched off and every transaction starts with an explicit ``BEGIN``: ``BEGIN IMMEDIATE``
for writers (engines made with :data:`WRITE_OPTION`), so concurrent writers queue on the busy
timeout instead of failing half-way with "database is locked"; plain ``BEGIN`` for readers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import StaticPool

from sohoa.services.db.errors import DatabaseError

ENV_URL = "SOHOA_DATABASE_URL"
"""Environment variable holding the database URL (read by the edges and by ``alembic`` for devs)."""
SQLITE_FILE_NAME = "sohoa.db"
"""File name of the embedded SQLite database inside the data directory."""
SQLITE_BUSY_TIMEOUT_S = 30.0
"""How long an SQLite writer waits for another writer before giving up."""
PG_CONNECT_TIMEOUT_S = 10
"""How long to wait for the PostgreSQL server to accept a connection."""
WRITE_OPTION = "sohoa_write"
"""Execution option marking write transactions (``BEGIN IMMEDIATE`` on SQLite)."""


def default_sqlite_url(data_dir: Path) -> str:
    """``sqlite:///<data_dir>/sohoa.db`` with ``data_dir`` made absolute."""
    return f"sqlite:///{(Path(data_dir) / SQLITE_FILE_NAME).resolve()}"


def database_url_from_env(env: Mapping[str, str], data_dir: Path) -> str:
    """``SOHOA_DATABASE_URL`` from ``env`` (pass ``os.environ``), else the SQLite file under ``data_dir``."""
    url = env.get(ENV_URL, "").strip()
    return url or default_sqlite_url(data_dir)


def parse_url(url: str) -> URL:
    """Parse and check a database URL; ``postgresql://`` and ``postgres://`` get the psycopg 3 driver.

    Raises :class:`DatabaseError` (without echoing the URL, which may hold a password) when the URL
    cannot be parsed or names a backend other than SQLite or PostgreSQL.
    """
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        raise DatabaseError(f"database URL cannot be parsed: {type(exc).__name__}") from None
    backend = parsed.get_backend_name()
    if backend in ("postgresql", "postgres"):
        if parsed.drivername in ("postgresql", "postgres"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        return parsed
    if backend == "sqlite":
        return parsed
    raise DatabaseError(f"database URL {safe_url(parsed)}: backend {backend!r} is not supported (sqlite, postgresql)")


def safe_url(url: URL) -> str:
    """The URL with its password replaced by ``***``, for logs, messages and reprs."""
    return url.render_as_string(hide_password=True)


def _json_dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def build_engine(url: URL, *, echo: bool = False) -> Engine:
    """An engine for ``url`` (from :func:`parse_url`) with pre-ping, UTF-8 JSON and, on SQLite, the pragmas."""
    if url.get_backend_name() != "sqlite":
        return create_engine(
            url,
            echo=echo,
            pool_pre_ping=True,
            json_serializer=_json_dumps,
            connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S},
        )
    database = url.database or ""
    in_memory = database in ("", ":memory:") or "mode=memory" in str(url.query)
    if not in_memory and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    options: dict[str, Any] = {"poolclass": StaticPool} if in_memory else {}
    engine = create_engine(
        url,
        echo=echo,
        pool_pre_ping=True,
        json_serializer=_json_dumps,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False},
        **options,
    )
    event.listen(engine, "connect", _sqlite_connect(wal=not in_memory))
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(*, wal: bool):
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, see _sqlite_begin
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys = ON")
            if wal:
                cursor.execute("PRAGMA journal_mode = WAL")
        finally:
            cursor.close()

    return on_connect


def _sqlite_begin(connection: Connection) -> None:
    writing = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")
