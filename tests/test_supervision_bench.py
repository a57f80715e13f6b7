"""The benchmark's generated dossiers, COPYed into PostgreSQL as `make bench-stats` does: every row is what the
lifecycle's ledger writes for the dossier's events, and the SQL indicators equal the fold of those events on
varied data (supplements, refusals, withdrawals, late finishes, apologies, open dossiers at the cut)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from sohoa.lifecycle.events import facts_of, fold, recorded
from sohoa.lifecycle.ledger import ledger
from sohoa.services.db import Database
from sohoa.services.db.stats_schema import dossier_stats, violations
from sohoa.supervision.indicators import Dimension, StatsQuery, stats_report
from sohoa.supervision.periods import Period
from sohoa.supervision.stats import reference_table, stats_table
from sohoa.tools.bench.stats import AGENCIES, AS_OF, load
from tests.conftest import fresh_postgres_database
from tests.test_supervision_stats import _counts

COUNT = 1500


@pytest.fixture(scope="module")
def bench_db():
    with fresh_postgres_database("sohoa_bench_test") as url, Database(url) as database:
        database.upgrade()
        loaded = load(url.replace("postgresql+psycopg://", "postgresql://", 1), COUNT)
        assert loaded["dossiers"] == COUNT
        yield database


def _timelines(database: Database):
    for code in database.dossier_codes(limit=COUNT):
        record = database.get_dossier(code)
        states = [c.state for c in database.components(code)]
        yield fold(facts_of(record, states), recorded(database.dossier_history(code)))


def _rows(database: Database, table, codes):
    with database._read("test") as connection:
        found = connection.execute(table.select().where(table.c.dossier_code.in_(codes))).all()
    return sorted(tuple(value for name, value in row._mapping.items() if name not in ("id", "flagged_at"))
                  for row in found)


def test_the_copied_rows_are_what_the_ledger_writes(bench_db):
    codes = bench_db.dossier_codes(limit=200)
    before = (_rows(bench_db, dossier_stats, codes), _rows(bench_db, violations, codes))
    for code in codes:
        bench_db.refresh_ledger(code, ledger, AS_OF)
    assert (_rows(bench_db, dossier_stats, codes), _rows(bench_db, violations, codes)) == before
    assert len(before[1]) > 10  # the sample holds violations to compare


@pytest.mark.parametrize("query", [
    StatsQuery(date(2026, 6, 1), date(2026, 6, 30), agency=AGENCIES[0]),
    StatsQuery(date(2025, 1, 1), date(2026, 11, 30), period=Period.QUARTER, group_by=Dimension.CHANNEL),
    StatsQuery(date(2026, 11, 1), date(2026, 11, 30), group_by=Dimension.DEPARTMENT),
    StatsQuery(date(2026, 10, 20), date(2026, 11, 30), period=Period.DAY, agency=AGENCIES[1]),
], ids=["month", "quarters-by-channel", "open-at-the-cut", "days"])
def test_sql_equals_the_fold_on_generated_lives(bench_db, query):
    reference = reference_table(stats_report(list(_timelines(bench_db)), query, AS_OF))
    table = stats_table(bench_db, query, AS_OF, "test")
    assert _counts(table) == _counts(reference)
    totals = {name: sum(line.figures[name].count for line in table.lines) for name in ("received", "late", "reuse")}
    assert all(totals.values()), totals  # the query has something to count
