"""The 766 indicators and the violations over a month whose answers are known by hand (tests/supervision_month.py)."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from sohoa.lifecycle.events import fold
from sohoa.supervision.indicators import Dimension, StatsQuery, stats_report
from sohoa.supervision.periods import Period, Rate, buckets
from sohoa.lifecycle.timeline import Outcome, outcome
from sohoa.lifecycle.violations import Rule, violations
from tests.supervision_month import AGENCY, AS_OF, MONTH, TIMELINES, at, codes, events_of, facts_of

NOVEMBER = StatsQuery(first=date(2026, 11, 1), last=date(2026, 11, 30), agency=AGENCY)


def november_row():
    report = stats_report(TIMELINES, NOVEMBER, AS_OF)
    assert [row.period for row in report.rows] == ["2026-11"]
    return report.rows[0]


def test_outcomes_follow_the_766_rules():
    found = {case.name: outcome(case.timeline) for case in MONTH}
    assert found == {"A1": Outcome.EARLY, "A2": Outcome.ON_TIME, "A3": Outcome.LATE, "A4": Outcome.EARLY,
                     "A5": Outcome.LATE, "A6": None, "A7": None, "A8": Outcome.EARLY, "A9": None, "A10": None,
                     "A11": Outcome.ON_TIME, "A12": Outcome.ON_TIME, "A13": Outcome.LATE, "A14": Outcome.EARLY,
                     "B1": Outcome.EARLY}


def test_a_month_of_one_agency_matches_the_hand_count():
    figures = november_row().figures
    shown = {name: (figure.count, figure.of, figure.shown) for name, figure in figures.items()}
    assert shown == {
        "received": (13, None, "13"), "resolved": (11, None, "11"),
        "early": (4, 11, "36.36"), "on_time": (3, 11, "27.27"), "late": (3, 11, "27.27"),
        "no_promised_date": (1, None, "1"), "overdue_open": (1, None, "1"),
        "components_digitized": (11, 13, "84.62"), "results_digitized": (10, 11, "90.91"),
        "digitized": (9, 11, "81.82"), "reuse": (2, 22, "9.09"),
    }
    assert figures["early"].dossiers == codes("A1", "A4", "A8", "A14")
    assert figures["on_time"].dossiers == codes("A2", "A11", "A12")
    assert figures["late"].dossiers == codes("A3", "A5", "A13")
    assert figures["overdue_open"].dossiers == codes("A6")
    assert figures["received"].dossiers == codes(*[f"A{n}" for n in range(1, 15) if n != 12])
    assert figures["components_digitized"].dossiers == codes(*[f"A{n}" for n in range(1, 15) if n not in (7, 8, 12)])
    assert figures["digitized"].dossiers == codes("A1", "A2", "A4", "A5", "A10", "A11", "A12", "A13", "A14")
    assert figures["reuse"].dossiers == codes("A2", "A4")


def test_the_violations_of_the_month_name_rule_dossier_and_evidence():
    found = november_row().violations
    by_rule = {rule: [(v.dossier_code, v.at) for v in items] for rule, items in found.items()}
    assert by_rule == {
        Rule.ACCEPTED_OUTSIDE_CHECKLIST: [(codes("A8")[0], at(20))],
        Rule.REPEATED_SUPPLEMENT_REQUEST: [(codes("A5")[0], at(9))],
        Rule.LATE_PROCESSING: [(codes("A3")[0], at(9, 16)), (codes("A6")[0], at(17, 16)), (codes("A13")[0], at(27, 16))],
        Rule.LATE_WITHOUT_APOLOGY: [(codes("A3")[0], at(10, 10)), (codes("A6")[0], at(17, 16))],
    }
    outside = found[Rule.ACCEPTED_OUTSIDE_CHECKLIST][0].evidence
    assert outside == {"missing_required": "Bản sao Giấy chứng nhận đăng ký doanh nghiệp"}
    apology = found[Rule.LATE_WITHOUT_APOLOGY][0].evidence
    assert apology["apology_at"] == at(11).isoformat() and apology["returned_at"] == at(10, 10).isoformat()
    assert found[Rule.LATE_PROCESSING][1].evidence["still_open_at"] == AS_OF.isoformat()


def test_violations_are_only_those_that_happened_by_the_moment_of_the_check():
    a6 = next(case.timeline for case in MONTH if case.name == "A6")
    assert violations(a6, at(17, 15)) == ()
    assert [v.rule for v in violations(a6, at(17, 17))] == [Rule.LATE_PROCESSING, Rule.LATE_WITHOUT_APOLOGY]
    a5 = next(case.timeline for case in MONTH if case.name == "A5")
    assert violations(a5, at(8)) == ()


def test_rows_by_channel_and_all_agencies():
    by_channel = stats_report(TIMELINES, StatsQuery(**{**NOVEMBER.__dict__, "group_by": Dimension.CHANNEL}), AS_OF)
    groups = {row.group: row.figures for row in by_channel.rows}
    assert sorted(groups) == ["1", "2", "3"]
    assert (groups["2"]["received"].dossiers, groups["2"]["early"].shown) == (codes("A8"), "100.00")
    assert groups["1"]["received"].count == 11
    everyone = stats_report(TIMELINES, StatsQuery(first=date(2026, 11, 1), last=date(2026, 11, 30)), AS_OF)
    assert (everyone.rows[0].figures["received"].count, everyone.rows[0].figures["early"].shown) == (14, "41.67")


def test_a_quarter_counts_october_and_an_empty_day_shows_na():
    quarter = stats_report(TIMELINES, StatsQuery(first=date(2026, 10, 1), last=date(2026, 12, 31),
                                                 period=Period.QUARTER, agency=AGENCY), AS_OF)
    assert [(row.period, row.figures["received"].count) for row in quarter.rows] == [("2026-Q4", 14)]
    empty = stats_report(TIMELINES, StatsQuery(first=date(2026, 12, 1), last=date(2026, 12, 1), period=Period.DAY,
                                               agency=AGENCY), AS_OF).rows[0]
    assert (empty.figures["received"].count, empty.figures["early"].shown, empty.figures["digitized"].shown) == (0, "N/A", "N/A")
    assert empty.figures["overdue_open"].dossiers == codes("A6")


@pytest.mark.parametrize(("count", "of", "shown"), [
    (1, 3, "33.33"), (2, 3, "66.67"), (1, 8, "12.50"), (1, 800, "0.13"), (3, 800, "0.38"), (0, 5, "0.00"),
    (5, 5, "100.00"), (0, 0, "N/A"),
])
def test_percentages_round_half_up_to_two_decimals(count: int, of: int, shown: str):
    assert Rate(count, of).shown == shown
    assert Rate(count, of).percent == (None if of == 0 else Decimal(shown))


def test_buckets_cover_the_range_clipped():
    labels = [(b.label, b.first, b.last) for b in buckets(Period.MONTH, date(2026, 1, 15), date(2026, 3, 2))]
    assert labels == [("2026-01", date(2026, 1, 15), date(2026, 1, 31)), ("2026-02", date(2026, 2, 1), date(2026, 2, 28)),
                      ("2026-03", date(2026, 3, 1), date(2026, 3, 2))]
    assert [b.label for b in buckets(Period.YEAR, date(2025, 12, 31), date(2026, 1, 1))] == ["2025", "2026"]


def test_the_recorded_events_fold_into_the_timelines_and_the_same_figures():
    folded = tuple(fold(facts_of(case), events_of(case)) for case in MONTH)
    for case, timeline in zip(MONTH, folded, strict=True):
        expected = case.timeline
        if expected.result_digitized:
            expected = dataclasses.replace(expected, result_sha256="ab" * 32)
        assert timeline == expected, case.name
    assert stats_report(folded, NOVEMBER, AS_OF) == stats_report(TIMELINES, NOVEMBER, AS_OF)
