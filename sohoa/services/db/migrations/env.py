"""Alembic environment of the catalogue database.

:func:`sohoa.services.db.migrate.upgrade` hands in an open connection (``config.attributes["connection"]``).
The ``alembic`` command (``alembic -c sohoa/services/db/alembic.ini ...``) connects to ``sqlalchemy.url`` from
the ini or, when unset, to ``SOHOA_DATABASE_URL``.
"""

from __future__ import annotations

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection

from sohoa.services.db.engine import ENV_URL, WRITE_OPTION, build_engine, parse_url
from sohoa.services.db.schema import metadata

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url") or os.environ.get(ENV_URL, "")
    if not url:
        raise SystemExit(f"set {ENV_URL} (or sqlalchemy.url in the ini) to the database URL")
    return url


def main() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    if config.config_file_name is not None:
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    if context.is_offline_mode():
        context.configure(url=parse_url(_url()), target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = build_engine(parse_url(_url()))
    try:
        with engine.execution_options(**{WRITE_OPTION: True}).begin() as connection:
            _run(connection)
    finally:
        engine.dispose()


main()
