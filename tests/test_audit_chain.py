"""The hash-chained audit log on SQLite and PostgreSQL: an attacker with raw SQL (triggers dropped)
edits, removes, reorders or rewrites entries; verification names the first bad entry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from sohoa.services.audit import verify_audit_chain
from sohoa.services.db import Database
from sohoa.services.db.chain import GENESIS, event_hash
from sohoa.services.db.migrate import upgrade as migrate_to
from tests.conftest import fresh_postgres_database

CODE = "000.00.06.H56-231027-0001"
START = datetime(2026, 11, 22, 1, 2, 3, 456789, tzinfo=UTC)


def _clock():
    ticks = count()
    return lambda: START + timedelta(seconds=next(ticks), microseconds=7)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path: Path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'audit.db'}"
        return
    with fresh_postgres_database("sohoa_audit") as pg_url:
        yield pg_url


@pytest.fixture
def db(url: str):
    database = Database(url, clock=_clock())
    database.upgrade()
    actions = ["upload", "digitize", "sign", "download", "verify", "login"]
    for i, action in enumerate(actions, start=1):
        database.record_access(CODE, f"clerk{i}", action, f"originals/ab/{i}.pdf" if i % 2 else None, "ok")
    yield database
    database.close()


def _attack(url: str, *statements: str) -> None:
    """Raw SQL as an attacker: drop the append-only triggers first."""
    engine = create_engine(url)
    drop = (["DROP TRIGGER IF EXISTS access_log_append_only ON access_log"] if url.startswith("postgresql")
            else ["DROP TRIGGER IF EXISTS access_log_no_update", "DROP TRIGGER IF EXISTS access_log_no_delete"])
    with engine.begin() as connection:
        for statement in [*drop, *statements]:
            connection.execute(text(statement))
    engine.dispose()


def test_intact_chain_verifies(db: Database) -> None:
    verdict = verify_audit_chain(db)
    assert verdict.ok and verdict.checked == 6 and verdict.head_id == 6
    entries = list(db.iter_access_log())
    assert entries[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.event_hash for a, b in zip(entries, entries[1:], strict=False))
    db.record_event("admin", "login", "ok")
    assert verify_audit_chain(db).ok


def test_edited_entry_is_named(db: Database, url: str) -> None:
    _attack(url, "UPDATE access_log SET outcome = 'denied' WHERE id = 3")
    verdict = verify_audit_chain(db)
    assert not verdict.ok and verdict.first_bad_id == 3 and "edited" in verdict.reason


def test_removed_entry_is_caught_at_the_next(db: Database, url: str) -> None:
    _attack(url, "DELETE FROM access_log WHERE id = 3")
    verdict = verify_audit_chain(db)
    assert not verdict.ok and verdict.first_bad_id == 4 and "broken link" in verdict.reason


def test_reordered_entries_are_caught(db: Database, url: str) -> None:
    columns = "dossier_code, accessed_at, actor, action, object_key, outcome, prev_hash, event_hash"
    _attack(
        url,
        f"CREATE TABLE swap AS SELECT id, {columns} FROM access_log WHERE id IN (2, 3)",
        *[f"UPDATE access_log SET {c} = (SELECT {c} FROM swap WHERE swap.id = 5 - access_log.id) WHERE id IN (2, 3)"
          for c in columns.split(", ")],
        "DROP TABLE swap",
    )
    assert [e.action for e in db.iter_access_log()][:4] == ["upload", "sign", "digitize", "download"]
    verdict = verify_audit_chain(db)
    assert not verdict.ok and verdict.first_bad_id == 2 and "broken link" in verdict.reason


def test_rewritten_tail_and_truncation_caught_by_anchors(db: Database, url: str) -> None:
    head = db.access_log_head()
    db.record_anchor(head.id, head.event_hash, "audit/anchors/test.json")
    # the attacker edits entry 5 and recomputes every hash after it: the links all agree again ...
    entries = {e.id: e for e in db.iter_access_log()}
    new5 = event_hash(entries[4].event_hash, CODE, entries[5].accessed_at, entries[5].actor, entries[5].action,
                      entries[5].object_key, "denied")
    new6 = event_hash(new5, CODE, entries[6].accessed_at, entries[6].actor, entries[6].action, entries[6].object_key,
                      entries[6].outcome)
    _attack(url, f"UPDATE access_log SET outcome = 'denied', event_hash = '{new5}' WHERE id = 5",
            f"UPDATE access_log SET prev_hash = '{new5}', event_hash = '{new6}' WHERE id = 6")
    verdict = verify_audit_chain(db)
    assert not verdict.ok and verdict.first_bad_id == 6 and "rewritten" in verdict.reason
    # ... or removes the tail
    _attack(url, "DELETE FROM access_log WHERE id >= 5")
    verdict = verify_audit_chain(db)
    assert not verdict.ok and verdict.first_bad_id == 6 and "no longer in the log" in verdict.reason


def test_append_only_triggers_still_refuse(db: Database, url: str) -> None:
    engine = create_engine(url)
    for statement in ("UPDATE access_log SET outcome = 'x' WHERE id = 1", "DELETE FROM access_log WHERE id = 1",
                      "UPDATE preservation_events SET outcome = 'x'", "DELETE FROM preservation_events"):
        with pytest.raises(Exception, match="append-only"), engine.begin() as connection:  # noqa: PT011
            if "preservation" in statement:
                connection.execute(text("INSERT INTO preservation_events (occurred_at, event_type, object_key, outcome,"
                                        " agent, detail) VALUES (CURRENT_TIMESTAMP, 'fixity_check', 'k', 'ok', 'a', '')"))
            connection.execute(text(statement))
    engine.dispose()


def test_migration_chains_existing_entries(url: str) -> None:
    database = Database(url)
    migrate_to(database._engine, "0001")
    engine = create_engine(url)
    with engine.begin() as connection:
        for i in range(3):
            connection.execute(text("INSERT INTO access_log (dossier_code, accessed_at, actor, action, object_key, outcome)"
                                    " VALUES (:c, :t, 'clerk', 'download', NULL, 'ok')"),
                               {"c": CODE, "t": START + timedelta(seconds=i) if url.startswith("postgresql")
                                else (START + timedelta(seconds=i)).replace(tzinfo=None)})
    engine.dispose()
    database.upgrade()
    database.record_access(CODE, "clerk", "download", None, "ok")
    verdict = verify_audit_chain(database)
    assert verdict.ok and verdict.checked == 4
    engine = create_engine(url)  # the append-only trigger is back after the backfill
    with pytest.raises(Exception, match="append-only"), engine.begin() as connection:  # noqa: PT011
        connection.execute(text("UPDATE access_log SET outcome = 'x' WHERE id = 1"))
    engine.dispose()
    database.close()
