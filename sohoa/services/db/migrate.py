"""Alembic, driven from code: the migrations ship inside the package (``sohoa/services/db/migrations``).

Developers can also run the ``alembic`` command with the small ini next to this module::

    SOHOA_DATABASE_URL=sqlite:///data/sohoa.db alembic -c sohoa/services/db/alembic.ini upgrade head
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from sohoa.services.db.engine import WRITE_OPTION
from sohoa.services.db.errors import DatabaseError
from sohoa.services.db.schema import metadata

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
"""Alembic script directory (env.py, script.py.mako, versions/)."""
ALEMBIC_INI = Path(__file__).resolve().parent / "alembic.ini"
"""Ini for developers running the ``alembic`` command; not needed by :func:`upgrade`."""
PG_MIGRATION_LOCK = 0x736F686F61
"""Key of the PostgreSQL advisory lock held while migrating, so replicas starting together queue."""


def alembic_config() -> Config:
    """An Alembic configuration pointing at the packaged migrations, without any ini file."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """The newest migration revision shipped with this code."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS_DIR}")
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run ``alembic upgrade <revision>`` in one transaction on ``engine``.

    On PostgreSQL an advisory transaction lock serialises concurrent upgrades; on SQLite the
    ``BEGIN IMMEDIATE`` of the write transaction does. On SQLite foreign keys are off while migrating
    (batch migrations drop and re-create tables, which would otherwise cascade) and checked before
    the commit.
    """
    with engine.execution_options(**{WRITE_OPTION: True}).connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _sqlite_pragma(connection, "PRAGMA foreign_keys = OFF")
        try:
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK})
                config = alembic_config()
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise DatabaseError(f"upgrade the schema: migration to {revision} broke foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                _sqlite_pragma(connection, "PRAGMA foreign_keys = ON")


def _sqlite_pragma(connection: Connection, statement: str) -> None:
    """Run a pragma outside any transaction (foreign_keys is a no-op inside one)."""
    connection.connection.driver_connection.execute(statement)


def schema_diff(engine: Engine) -> list[Any]:
    """Differences Alembic's autogenerate finds between the database and :data:`sohoa.services.db.schema.metadata`
    (empty when the migrations build exactly the declared tables)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))
