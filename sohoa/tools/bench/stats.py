"""The 766 indicators at scale on PostgreSQL: a generator loads dossiers with their events into a database of its
own, then the report the API serves is timed for one agency's month and year, with the query plans.

    .venv/bin/python -m sohoa.tools.bench.stats [--count 1000000] [--keep]      (make bench-stats)

The database ``sohoa_bench`` on ``SOHOA_BENCH_POSTGRES_URL`` (default ``postgresql://127.0.0.1:5432/postgres``,
trust auth) is dropped, created and migrated, and dropped again at the end unless ``--keep``. Each generated
dossier gets a life (received, sometimes refused, asked to supplement once or twice, finished early, on time or
late, sometimes apologised for, returned) as lifecycle events; its ``dossier_stats`` row and violations are what
the lifecycle's ledger (:mod:`sohoa.lifecycle.ledger`) folds from those events, judged at the end of the range.
Everything goes in by COPY. The figures are timed through :func:`sohoa.supervision.stats.stats_table`, the
function behind ``GET /stats``.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import os
import random
import statistics
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, time as clock, timedelta

import psycopg

from sohoa.lifecycle.events import DossierFacts, RecordedEvent, fold
from sohoa.lifecycle.ledger import stats_entry
from sohoa.lifecycle.rules import load_rules
from sohoa.lifecycle.violations import violations
from sohoa.services.db import VIETNAM_TIME, Channel, Database, DossierStatus
from sohoa.services.db.stats import StatsEntry, StatsFilter, entry_values, violation_query, window_query
from sohoa.supervision.indicators import Dimension, StatsQuery
from sohoa.supervision.periods import Period, buckets
from sohoa.supervision.stats import stats_table

ADMIN_URL = os.environ.get("SOHOA_BENCH_POSTGRES_URL", "postgresql://127.0.0.1:5432/postgres")
DATABASE = "sohoa_bench"
AGENCIES = tuple(f"000.00.{number:02d}.H56" for number in range(1, 11))
PROCEDURES = (("2.000620", 10), ("2.000648", 20), ("2.000004", 5), ("2.000162", 15), ("2.000150", 15))
FIRST, LAST = date(2025, 1, 1), date(2026, 11, 30)
AS_OF = datetime(2026, 12, 1, tzinfo=VIETNAM_TIME)
CHUNK = 50_000
STATS_COLUMNS = tuple(field.name for field in dataclasses.fields(StatsEntry))
"""The columns of ``dossier_stats``, in the order the rows are written."""


@functools.cache
def _promised(day: date, days: int) -> datetime:
    return load_rules().calendar.promised_at(datetime.combine(day, clock(8), VIETNAM_TIME), days)


def dossier_life(rng: random.Random, code: str, received: datetime, days: int) -> list[RecordedEvent]:
    """The events of one generated dossier up to :data:`AS_OF`."""
    steps: list[tuple[str, int, datetime, dict]] = [("register", 1, received, {})]
    if rng.random() < 0.03:
        steps.append(("refuse", 3, received + timedelta(hours=1), {}))
        return _events(steps)
    accepted = received + timedelta(minutes=30)
    promised = _promised(received.astimezone(VIETNAM_TIME).date(), days)
    check = {"missing_required": ["Bản sao Giấy chứng nhận đăng ký doanh nghiệp"]} if rng.random() < 0.01 else {}
    steps += [("receive", 2, accepted, {"promised_at": promised.isoformat(), **check}),
              ("assign", 2, accepted + timedelta(minutes=5), {"department": f"P{days:02d}"}),
              ("start", 4, accepted + timedelta(hours=2), {})]
    moment, held = accepted + timedelta(hours=3), timedelta()
    for _ in range(rng.choices((0, 1, 2), (83, 15, 2))[0]):
        moment += timedelta(hours=rng.randint(2, 48))
        back = moment + timedelta(hours=rng.randint(4, 120))
        steps += [("request_supplement", 5, moment, {}), ("supply", 4, back, {})]
        held, moment = held + (back - moment), back + timedelta(hours=1)
    due, fate = promised + held, rng.random()
    if fate < 0.03:
        steps.append(("withdraw", 7, moment + timedelta(hours=5), {}))
        return _events(steps)
    if fate < 0.65:
        finish = due - timedelta(hours=rng.randint(24, max(25, days * 20)))
    elif fate < 0.90:
        finish = due - timedelta(minutes=rng.randint(5, 400))
    else:
        finish = due + timedelta(hours=rng.randint(1, 120))
        if rng.random() < 0.75:
            steps.append(("apologise", 4, max(moment, finish - timedelta(hours=1)), {"result_id": "apology"}))
    finish = max(finish, moment + timedelta(hours=2))
    result = {"result_id": code, "signed_sha256": f"{rng.getrandbits(256):064x}"} if rng.random() < 0.95 else {}
    steps += [("finish", 9, finish, result), ("return", 10, finish + timedelta(hours=rng.randint(1, 48)), {})]
    return _events(steps)


def _events(steps: list[tuple[str, int, datetime, dict]]) -> list[RecordedEvent]:
    events, status = [], None
    for sequence, (action, to_status, at, details) in enumerate(sorted(steps, key=lambda s: s[2]), start=1):
        if at > AS_OF:
            break
        events.append(RecordedEvent(sequence, action, status, to_status, at, details))
        status = to_status
    return events


def generate(count: int, seed: int = 2026) -> Iterator[tuple[list[tuple], ...]]:
    """Per dossier: its ``dossiers`` row, ``dossier_events`` rows, ``dossier_stats`` row, ``violations`` rows and
    ``dossier_components`` rows (in the order of :data:`COPIES`)."""
    rng, serials, span = random.Random(seed), {}, (LAST - FIRST).days + 1
    for _ in range(count):
        agency, day = rng.choice(AGENCIES), FIRST + timedelta(days=rng.randrange(span))
        serial = serials[(agency, day)] = serials.get((agency, day), 0) + 1
        code = f"{agency}-{day:%y%m%d}-{serial:04d}"
        procedure, days = rng.choice(PROCEDURES)
        received = datetime.combine(day, clock(rng.randint(7, 16), rng.randint(0, 59)), VIETNAM_TIME)
        channel = Channel(rng.choices((1, 2, 3), (60, 35, 5))[0])
        events = dossier_life(rng, code, received, days)
        states = tuple(rng.choices((0, 1, 2, 3), (3, 87, 8, 2), k=rng.randint(2, 5)))
        status = DossierStatus(events[-1].to_status)
        timeline = fold(DossierFacts(code, procedure, channel, status, received, components=states), events)
        entry = entry_values(stats_entry(timeline))
        yield ([(code, procedure, int(channel), int(status), received, received, events[-1].at, timeline.promised_at,
                 timeline.department)],
               [(code, e.sequence, e.action, e.from_status, e.to_status, e.at, "bench", "", json.dumps(e.details))
                for e in events],
               [tuple(entry[name] for name in STATS_COLUMNS)],
               [(code, v.rule.value, v.at, json.dumps(v.evidence), v.at) for v in violations(timeline, AS_OF)],
               [(code, position, f"Thành phần {position}", 1, int(state), received) for position, state in
                enumerate(states, start=1)])


COPIES = (
    "COPY dossiers (code, procedure_code, channel, status, received_at, created_at, updated_at, promised_at, "
    "department) FROM STDIN",
    "COPY dossier_events (dossier_code, sequence, action, from_status, to_status, at, actor, reason, details) "
    "FROM STDIN",
    f"COPY dossier_stats ({', '.join(STATS_COLUMNS)}) FROM STDIN",
    "COPY violations (dossier_code, rule, at, evidence, flagged_at) FROM STDIN",
    "COPY dossier_components (dossier_code, position, name, required, state, updated_at) FROM STDIN",
)


LOADED_TABLES = ("dossier_events", "dossier_stats", "violations", "dossier_components")
"""Tables whose secondary indexes and foreign keys are dropped for the load and built again after it."""


def set_aside(connection: psycopg.Connection) -> list[str]:
    """Drop the secondary indexes and foreign keys of :data:`LOADED_TABLES`; the statements that rebuild them."""
    tables = list(LOADED_TABLES)
    keys = connection.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)", (tables,)).fetchall()
    indexes = connection.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))", (tables,)).fetchall()
    for table, name, _ in keys:
        connection.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        connection.execute(f'DROP INDEX "{name}"')
    connection.commit()
    return [definition for _, definition in indexes] + [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for table, name, definition in keys]


def load(url: str, count: int) -> dict[str, float]:
    """COPY `count` generated dossiers into the database at `url` (indexes and foreign keys built after); counts
    and seconds."""
    started, rows = time.perf_counter(), [0] * len(COPIES)
    batches: list[list] = [[] for _ in COPIES]
    with psycopg.connect(url) as connection:
        connection.execute("SET synchronous_commit = off")
        rebuild = set_aside(connection)
        for number, parts in enumerate(generate(count), start=1):
            for batch, part in zip(batches, parts, strict=True):
                batch.extend(part)
            if number % CHUNK == 0 or number == count:
                for index, statement in enumerate(COPIES):
                    with connection.cursor().copy(statement) as copy:
                        for row in batches[index]:
                            copy.write_row(row)
                    rows[index] += len(batches[index])
                connection.commit()
                batches = [[] for _ in COPIES]
                print(f"  {number:>9,} dossiers loaded ({time.perf_counter() - started:.0f} s)", flush=True)
        connection.execute("SET maintenance_work_mem = '256MB'")
        for statement in rebuild:
            connection.execute(statement)
        connection.commit()
        print(f"  indexes and foreign keys built ({time.perf_counter() - started:.0f} s)", flush=True)
        connection.execute("ANALYZE")
    return {"dossiers": rows[0], "events": rows[1], "violations": rows[3], "seconds": time.perf_counter() - started}


def timed(database: Database, query: StatsQuery, runs: int = 5) -> tuple[float, float, int]:
    """First and median seconds of `runs` reports, and the number of lines."""
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        table = stats_table(database, query, AS_OF, "bench")
        seconds.append(time.perf_counter() - start)
    return seconds[0], statistics.median(seconds), len(table.lines)


def explain(url: str, query: StatsQuery) -> list[str]:
    """EXPLAIN ANALYZE of the report's SQL (the overdue window: its last period)."""
    where = StatsFilter(agency=query.agency)
    periods = [(b.start, b.end) for b in buckets(query.period, query.first, query.last)]
    statements = [window_query(where, window, periods, AS_OF, None) for window in ("received", "resolved")]
    statements.append(window_query(where, "overdue", periods[-1:], AS_OF, None))
    statements.append(violation_query(where, periods, AS_OF, None))
    plans = []
    with psycopg.connect(url) as connection:
        for statement in statements:
            compiled = statement.compile(dialect=_dialect())
            params = {k: v.astimezone(UTC) if isinstance(v, datetime) else v for k, v in compiled.params.items()}
            lines = connection.execute("EXPLAIN (ANALYZE, BUFFERS) " + compiled.string, params).fetchall()
            plans.append("\n".join(line[0] for line in lines))
    return plans


def _dialect():
    from sqlalchemy.dialects.postgresql import psycopg as dialect

    return dialect.dialect()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sohoa.tools.bench.stats", description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1_000_000, help="dossiers to generate")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)
    base = ADMIN_URL.rsplit("/", 1)[0]
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{DATABASE}"')
    url = f"{base}/{DATABASE}"
    try:
        with Database(url.replace("postgresql://", "postgresql+psycopg://", 1)) as database:
            database.upgrade()
            print(f"loading {args.count:,} dossiers into {DATABASE} by COPY …", flush=True)
            loaded = load(url, args.count)
            print(f"loaded {loaded['dossiers']:,} dossiers, {loaded['events']:,} events, "
                  f"{loaded['violations']:,} violations in {loaded['seconds']:.0f} s")
            report(database, url)
    finally:
        if not args.keep:
            with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    return 0


def report(database: Database, url: str) -> None:
    """Time the reports and print them with their plans."""
    agency = AGENCIES[0]
    cases = (
        ("one agency, one month (2026-06)", StatsQuery(date(2026, 6, 1), date(2026, 6, 30), agency=agency), 1.0),
        ("one agency, a year by month (2025)", StatsQuery(date(2025, 1, 1), date(2025, 12, 31), agency=agency), 5.0),
        ("one agency, a year in one line (2025)",
         StatsQuery(date(2025, 1, 1), date(2025, 12, 31), period=Period.YEAR, agency=agency), 5.0),
        ("every agency, one month, by agency",
         StatsQuery(date(2026, 6, 1), date(2026, 6, 30), group_by=Dimension.AGENCY), None),
    )
    print(f"\n{'report':<42} {'first s':>8} {'median s':>9} {'lines':>6}  goal")
    for title, query, goal in cases:
        first, median, lines = timed(database, query)
        verdict = "" if goal is None else (f"< {goal:g} s " + ("met" if median < goal else "MISSED"))
        print(f"{title:<42} {first:>8.3f} {median:>9.3f} {lines:>6}  {verdict}")
    for title, query, _ in cases[:3:2]:
        print(f"\nEXPLAIN ANALYZE, {title}:")
        for plan in explain(url, query):
            print(plan, end="\n\n")


if __name__ == "__main__":
    raise SystemExit(main())
