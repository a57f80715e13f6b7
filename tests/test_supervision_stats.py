"""The 766 indicators as SQL aggregates over the rows the lifecycle keeps on every event, on SQLite and PostgreSQL:
the hand-counted month recorded through the lifecycle's recording path gives the known answers, and every
query equals the Python fold of the same recorded events (tests/supervision_month.py)."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pytest

from sohoa.errors import InvalidQuery
from sohoa.lifecycle.events import facts_of, fold, recorded
from sohoa.lifecycle.ledger import ledger, stats_entry
from sohoa.services.db.stats_schema import dossier_stats
from sohoa.supervision.indicators import Dimension, StatsQuery, stats_report
from sohoa.supervision.periods import Period
from sohoa.supervision.stats import FIGURES, dossiers_behind, reference_table, stats_table, sweep, table_csv, table_json
from sohoa.supervision.violations_service import list_violations
from tests.supervision_month import AGENCY, AS_OF, MONTH, at, codes, record_month
from sohoa.services.db import Database, default_sqlite_url
from tests.test_db import _pg_schema_url, db, empty_db, pg_database, pg_user, url  # noqa: F401 - the fixtures of both backends

NOVEMBER = StatsQuery(first=date(2026, 11, 1), last=date(2026, 11, 30), agency=AGENCY)
KNOWN = {
    "received": (13, None), "resolved": (11, None), "early": (4, 11), "on_time": (3, 11), "late": (3, 11),
    "no_promised_date": (1, None), "overdue_open": (1, None), "components_digitized": (11, 13),
    "results_digitized": (10, 11), "digitized": (9, 11), "reuse": (2, 22),
    "accepted_outside_checklist": (1, None), "repeated_supplement_request": (1, None), "late_processing": (3, None),
    "late_without_apology": (2, None),
}
"""The hand count of November for agency H56 (as in tests/test_supervision_indicators.py), violations included."""


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def month(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """The month recorded once per backend for the module (the tests only read it, and log)."""
    if request.param == "sqlite":
        address = default_sqlite_url(tmp_path_factory.mktemp("month") / "data")
    else:
        address = _pg_schema_url(request.getfixturevalue("pg_user"), request.getfixturevalue("pg_database"))
    with Database(address) as database:
        database.upgrade()
        record_month(database)
        sweep(database, AS_OF, "test")
        yield database


def _recorded_timelines(database):
    timelines = []
    for case in MONTH:
        record = database.get_dossier(case.timeline.code)
        states = [c.state for c in database.components(record.code)]
        timelines.append(fold(facts_of(record, states), recorded(database.dossier_history(record.code))))
    return timelines


def _counts(table):
    return [(line.period, line.group, {name: (f.count, f.of) for name, f in line.figures.items()}) for line in table.lines]


def test_the_recorded_month_gives_the_hand_count_in_sql(month):
    table = stats_table(month, NOVEMBER, AS_OF, "test")
    assert [(line.period, line.group) for line in table.lines] == [("2026-11", None)]
    assert {name: (f.count, f.of) for name, f in table.lines[0].figures.items()} == KNOWN
    assert table.lines[0].figures["reuse"].shown == "9.09" and table.lines[0].figures["early"].shown == "36.36"
    behind = {name: dossiers_behind(month, NOVEMBER, name, "2026-11", None, AS_OF, "api:thanh-tra") for name in FIGURES}
    assert behind["early"] == list(codes("A1", "A4", "A8", "A14"))
    assert behind["late"] == list(codes("A3", "A5", "A13")) and behind["overdue_open"] == list(codes("A6"))
    assert behind["late_without_apology"] == list(codes("A3", "A6")) and behind["reuse"] == list(codes("A2", "A4"))
    assert month.access_log(codes("A3")[0])[-1].action == "stats"  # each dossier listed is an access to it


@pytest.mark.parametrize("query", [
    NOVEMBER,
    dataclasses.replace(NOVEMBER, group_by=Dimension.CHANNEL),
    dataclasses.replace(NOVEMBER, agency=None, group_by=Dimension.AGENCY),
    dataclasses.replace(NOVEMBER, group_by=Dimension.PROCEDURE, channel=1),
    dataclasses.replace(NOVEMBER, first=date(2026, 10, 1), last=date(2026, 12, 31), period=Period.QUARTER),
    dataclasses.replace(NOVEMBER, first=date(2026, 11, 15), last=date(2026, 12, 2), period=Period.DAY,
                        group_by=Dimension.DEPARTMENT),
    dataclasses.replace(NOVEMBER, first=date(2026, 1, 1), last=date(2026, 12, 31), period=Period.YEAR),
], ids=["month", "channel", "agencies", "procedure", "quarter", "days", "year"])
def test_sql_equals_the_fold_of_the_recorded_events(month, query):
    reference = reference_table(stats_report(_recorded_timelines(month), query, AS_OF))
    table = stats_table(month, query, AS_OF, "test")
    assert _counts(table) == _counts(reference)
    for line in reference.lines[:3]:
        for name in ("received", "late", "overdue_open", "digitized", "late_processing"):
            listed = dossiers_behind(month, query, name, line.period, line.group, AS_OF, "test")
            assert listed == list(line.figures[name].dossiers), (line.period, line.group, name)


def test_violations_are_recorded_with_the_events_that_make_them(db):  # noqa: F811
    record_month(db)  # no sweep: only what the events themselves showed
    found = {(v.rule, v.dossier_code) for v in list_violations(db, NOVEMBER, "test", sweep_first=False)}
    assert ("accepted_outside_checklist", codes("A8")[0]) in found  # at the receive event
    assert ("repeated_supplement_request", codes("A5")[0]) in found  # at the second request
    assert ("late_without_apology", codes("A3")[0]) in found  # at the return
    assert ("late_processing", codes("A6")[0]) not in found  # its deadline passed with no event …
    assert sweep(db, AS_OF, "test") == 1  # … until a sweep looks
    listed = list_violations(db, NOVEMBER, "test", rule="late_processing")
    a6 = next(v for v in listed if v.dossier_code == codes("A6")[0])
    assert a6.at == at(17, 16) and a6.evidence["still_open_at"] == AS_OF.isoformat()
    a3 = next(v for v in list_violations(db, NOVEMBER, "test", rule="late_without_apology")
              if v.dossier_code == codes("A3")[0])
    assert datetime.fromisoformat(a3.evidence["apology_at"]) == at(11)  # the apology after the return rewrote the evidence
    assert sweep(db, AS_OF, "test") == 0


def test_each_row_is_the_ledger_of_its_events(month):
    with month._read("test") as connection:
        rows = {row.dossier_code: row for row in connection.execute(dossier_stats.select())}
    for timeline in _recorded_timelines(month):
        assert stats_entry(timeline).__dict__ == dict(rows[timeline.code]._mapping), timeline.code
    assert ledger  # the function Database.transition was given


def test_csv_and_json_print_rates_with_two_decimals_and_na(month):
    empty_day = dataclasses.replace(NOVEMBER, first=date(2026, 12, 3), last=date(2026, 12, 3), period=Period.DAY)
    table = stats_table(month, empty_day, AS_OF, "test")
    shown = table_json(table)["lines"][0]["figures"]
    assert shown["early"] == {"count": 0, "of": 0, "percent": None, "shown": "N/A"}
    assert shown["overdue_open"] == {"count": 1}
    text = table_csv(stats_table(month, NOVEMBER, AS_OF, "test")).splitlines()
    header, line = text[0].split(","), text[1].split(",")
    assert header[:4] == ["period", "group", "received", "resolved"] and len(text) == 2
    assert dict(zip(header, line))["early"] == "36.36" and dict(zip(header, line))["reuse_of"] == "22"


def test_unusable_queries_are_refused(month):
    with pytest.raises(InvalidQuery, match="unknown figure"):
        dossiers_behind(month, NOVEMBER, "nothing", "2026-11", None, AS_OF, "test")
    with pytest.raises(InvalidQuery, match="period"):
        dossiers_behind(month, NOVEMBER, "late", "2026-10", None, AS_OF, "test")
    with pytest.raises(InvalidQuery, match="at most"):
        stats_table(month, dataclasses.replace(NOVEMBER, first=date(2020, 1, 1), period=Period.DAY), AS_OF, "test")
