"""The evaluation harness: metrics on hand-made cases, then one real run over a tiny generated corpus.

The real run renders two dossiers of 2.000620 at 200 dpi (one with a paper outside the checklist,
one with a required component left out), digitizes them with real Tesseract on the session's
SeaweedFS and checks that every figure is within sane bounds.
"""

from __future__ import annotations

import json
import random
import unicodedata
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from pydantic import ValidationError
from rich.console import Console
from typer.testing import CliRunner

from sohoa.archive import S3ObjectStore
from sohoa.catalog import load_catalog
from sohoa.tools.corpus import ScanOptions, build_truth, generate_dossier, plan_dossier
from sohoa.tools.evaluation import (
    CorpusError, EvaluationReport, aggregate, boundary_count, boundary_f1, cer, char_errors, checklist_match,
    document_starts, evaluate_corpus, levenshtein, load_dossiers, normalize_text, render_confusions, render_table,
    unexpected_count, wer,
)
from sohoa.pipeline import Engines, PipelineSettings
from tests.conftest_s3 import drop_bucket
from tests.conftest import MODEL_CACHE

# ---------------------------------------------------------------- text metrics


def _reference_distance(a, b) -> int:
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


@pytest.mark.parametrize(("a", "b", "expected"), [
    ("kitten", "sitting", 3), ("", "", 0), ("", "abc", 3), ("abc", "", 3), ("abc", "abc", 0),
    ("Đơn đề nghị", "Ðơn đề nghi", 2), ("ab", "ba", 2), ("a" * 200, "a" * 199 + "b", 1),
])
def test_levenshtein_known_distances(a, b, expected):
    assert levenshtein(a, b) == expected
    assert levenshtein(b, a) == expected


def test_levenshtein_matches_the_textbook_dynamic_programme():
    rng = random.Random(7)
    for _ in range(400):
        a = "".join(rng.choice("aăâđ ơ") for _ in range(rng.randint(0, 90)))
        b = "".join(rng.choice("aăâđ ơ") for _ in range(rng.randint(0, 90)))
        assert levenshtein(a, b) == _reference_distance(a, b), (a, b)
        assert levenshtein(a.split(), b.split()) == _reference_distance(a.split(), b.split())


def test_text_is_nfc_and_whitespace_normalised_before_scoring():
    decomposed = unicodedata.normalize("NFD", "Cộng hòa xã hội")
    assert normalize_text(f"  {decomposed}\n\n  chủ   nghĩa\t") == "Cộng hòa xã hội chủ nghĩa"
    assert cer("Cộng hòa\nxã hội", decomposed) == 0.0
    assert cer("a  b\nc", "a b c") == 0.0


def test_cer_and_wer_of_known_strings():
    assert cer("Hà Nội", "Ha Noi") == pytest.approx(2 / 6)
    assert cer("abcd", "abxd") == pytest.approx(1 / 4)
    assert cer("abc", "") == 1.0
    assert cer("ab", "abcdef") == 2.0  # insertions count: CER can exceed 1
    assert cer("", "") is None and cer("", "noise") is None  # empty reference: N/A
    assert wer("một hai ba", "một hai bốn") == pytest.approx(1 / 3)
    assert wer("một hai ba", "mộthai ba") == pytest.approx(2 / 3)
    assert char_errors("Hà Nội", "Ha Noi").edits == 2


# ---------------------------------------------------------------- boundaries, checklist, unexpected


def test_document_starts_skip_blank_pages():
    assert document_starts([0, 0, None, 0, 1, 1]) == {0, 4}
    assert document_starts([None, 3, None, 3, 4]) == {1, 4}  # a blank back side does not split a document
    assert document_starts([None, None]) == frozenset()
    assert document_starts([]) == frozenset()
    assert document_starts(["a", "b", "a"]) == {0, 1, 2}


def test_boundary_f1_edge_cases():
    assert boundary_f1({0, 3}, {0, 3}) == 1.0
    assert boundary_f1(set(), set()) is None  # nothing to find, nothing found: N/A
    assert boundary_f1({0}, set()) == 0.0
    assert boundary_f1(set(), {0}) == 0.0
    assert boundary_f1({0, 3}, {0, 2, 3}) == pytest.approx(0.8)  # TP 2, FP 1
    assert boundary_f1({0, 2, 4}, {0}) == pytest.approx(0.5)  # TP 1, FN 2
    count = boundary_count({0, 2, 4}, {0, 1})
    assert (count.true_positives, count.false_positives, count.false_negatives) == (1, 1, 2)
    assert count.precision == 0.5 and count.recall == pytest.approx(1 / 3)


def _page(index: int, position: int | None, doc: str | None, blank: bool = False, role: str | None = None):
    from sohoa.models.report import PageReport

    fields = {"classification_role": role} if role is not None else {}
    return PageReport(index=index, source_file=f"page-{index:03d}.jpg", source_page=1, born_digital=False, rotation=0,
                      skew=0.0, blank=blank, dpi=300.0, low_dpi=False, text="", mean_confidence=None, word_count=0,
                      component_position=position, document_type=doc, classification_confidence=1.0, **fields)


def test_predicted_starts_come_from_the_report_assignments():
    from sohoa.tools.evaluation import predicted_document_starts

    pages = [_page(0, 1, "don"), _page(1, 1, "don"), _page(2, None, None, blank=True), _page(3, 1, "don"),
             _page(4, None, None), _page(5, None, None), _page(6, 2, "gcn")]
    # pages 4 and 5 form one flagged unexpected document; the blank page 2 does not split document 1
    assert predicted_document_starts(pages, {4: 0, 5: 0}) == {0, 4, 6}
    assert predicted_document_starts(pages, {4: 0, 5: 1}) == {0, 4, 5, 6}  # two unexpected documents


def test_the_classifier_role_wins_when_the_report_records_it():
    from sohoa.tools.evaluation import predicted_document_starts
    from sohoa.models.report import PageReport

    assert "classification_role" in PageReport.model_fields
    # two papers of the same type for one component, one after the other: only the role can separate them
    pages = [_page(0, 3, "hop-dong", role="component"), _page(1, 3, "hop-dong", role="continuation"),
             _page(2, 3, "hop-dong", role="component"), _page(3, 4, "thu", role="continuation")]
    assert predicted_document_starts(pages, {}) == {0, 2}


def test_checklist_decision_is_an_exact_match_of_the_missing_set():
    assert checklist_match((), [])
    assert checklist_match((1, 3), [3, 1])
    assert not checklist_match((1,), ())
    assert not checklist_match((), (2,))
    assert not checklist_match((1,), (1, 2))  # finding one more missing than there is, is a wrong decision


def test_unexpected_recall_and_false_alarms():
    count = unexpected_count([[2], [5, 6]], [[6], [0, 1]])
    assert (count.truth, count.found, count.flagged, count.false_alarms) == (2, 1, 2, 1)
    assert count.recall == 0.5 and count.precision == 0.5
    none = unexpected_count([], [])
    assert none.recall is None and none.precision is None


def test_totals_of_nothing_are_not_available():
    totals = aggregate([])
    assert totals.dossiers == 0 and totals.pages == 0
    assert totals.cer is None and totals.page_accuracy is None and totals.pages_per_minute is None


def test_a_corpus_without_split_or_truth_is_refused(tmp_path):
    with pytest.raises(CorpusError, match="split.json"):
        load_dossiers(tmp_path, "test")
    with pytest.raises(CorpusError, match="unknown split"):
        load_dossiers(tmp_path, "validation")
    assert load_dossiers(tmp_path, "all") == []


# ---------------------------------------------------------------- one real run

PROCEDURE = "2.000620"
UNEXPECTED = ScanOptions(dpi=200, unexpected_probability=1.0)
MISSING = ScanOptions(dpi=200, missing_probability=1.0)
SEED = 1  # planned below: 4 pages with a CCCD copy outside the checklist; 2 pages without component 1


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    procedure = load_catalog().get(PROCEDURE)
    unexpected_plan = build_truth(plan_dossier(procedure, None, SEED, UNEXPECTED))
    missing_plan = build_truth(plan_dossier(procedure, None, SEED, MISSING))
    assert any(d.component_position is None for d in unexpected_plan.documents), "the seed no longer plans an unexpected paper"
    assert missing_plan.missing_positions == [1] and not missing_plan.complete, "the seed no longer leaves component 1 out"
    root = tmp_path_factory.mktemp("corpus")
    generate_dossier(procedure, None, SEED, root / "0000-unexpected", UNEXPECTED)
    generate_dossier(procedure, None, SEED, root / "0001-missing", MISSING)
    split = {"seed": SEED, "test_fraction": 1.0, "train": [], "test": ["0000-unexpected", "0001-missing"]}
    (root / "split.json").write_text(json.dumps(split), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def evaluated(corpus, s3_settings) -> EvaluationReport:
    storage = replace(s3_settings, bucket=f"eval-{uuid.uuid4().hex[:16]}")
    engines = Engines(store=S3ObjectStore(storage), catalog=load_catalog(), signer=None)
    seen: list[tuple[str, int, int]] = []
    try:
        report = evaluate_corpus(corpus, PipelineSettings(model_cache=MODEL_CACHE, jobs=2), engines, split="test",
                                 progress=lambda what, done, total: seen.append((what, done, total)))
    finally:
        drop_bucket(storage)
    assert ("dossiers", 2, 2) in seen and ("pages", 6, 6) in seen
    return report


@pytest.mark.slow
def test_the_figures_of_a_real_run_are_sane(evaluated):
    totals = evaluated.totals
    assert (totals.dossiers, totals.failed, totals.pages) == (2, 0, 6)
    assert 0.0 < totals.cer < 0.2, totals.cer  # 200 dpi scans with seals and stamps: a few percent
    assert 0.0 < totals.wer < 0.35, totals.wer
    assert totals.wer >= totals.cer
    assert totals.page_accuracy >= 5 / 6
    assert totals.boundary_f1 >= 0.8
    assert totals.pages_per_minute > 1
    assert totals.stage_seconds["pages"] > 0
    assert [row.pages for row in evaluated.dossiers] == [4, 2]
    for row in evaluated.dossiers:
        assert row.error is None
        assert len(row.page_rows) == row.pages
        assert row.page_rows[0].truth_start
        assert row.dossier_code.startswith("EVAL-") and row.ocr_key.startswith("ocr/") and row.manifest_key


@pytest.mark.slow
def test_the_missing_component_and_the_unexpected_paper_are_found(evaluated):
    unexpected, missing = evaluated.dossiers
    assert missing.truth_missing == (1,)
    assert missing.predicted_missing == (1,)
    assert missing.checklist_correct
    assert unexpected.truth_missing == () and unexpected.unexpected_truth == 1
    assert unexpected.unexpected_found == 1
    assert evaluated.totals.unexpected_recall == 1.0
    assert evaluated.totals.checklist_accuracy == 1.0


@pytest.mark.slow
def test_the_report_is_frozen_json_and_a_table(evaluated):
    assert EvaluationReport.model_validate_json(evaluated.model_dump_json()) == evaluated
    with pytest.raises(ValidationError):
        evaluated.split = "train"
    console = Console(record=True, width=160)
    console.print(render_table(evaluated))
    console.print(render_confusions(evaluated))
    text = console.export_text()
    assert "0001-missing" in text and "total 2/2" in text and "pages/min" in text


@pytest.mark.slow
def test_eval_command_prints_json_for_one_dossier_directory(corpus, s3_settings, tmp_path, capsys):
    from sohoa.services.config import Config
    from sohoa.tools.evaluation.cli import run_eval

    storage = replace(s3_settings, bucket=f"eval-{uuid.uuid4().hex[:16]}")  # the session's lock mode: removable
    config = replace(Config.from_env({"SOHOA_DATA_DIR": str(tmp_path / "data")}), storage=storage)
    try:
        returned = run_eval(config, corpus / "0001-missing", as_json=True, jobs=2)
    finally:
        drop_bucket(storage)
    report = EvaluationReport.model_validate_json(capsys.readouterr().out)
    assert report == returned
    assert [row.name for row in report.dossiers] == ["0001-missing"]
    assert report.dossiers[0].predicted_missing == (1,)


def test_commands_mount_on_a_typer_app(tmp_path):
    import typer

    from sohoa.tools.evaluation.cli import corpus_app, eval_command

    app = typer.Typer()
    app.command("eval")(eval_command)
    app.add_typer(corpus_app, name="corpus")
    runner = CliRunner()
    assert "--split" in runner.invoke(app, ["eval", "--help"]).output
    result = runner.invoke(app, ["eval", str(tmp_path), "--split", "validation"])
    assert isinstance(result.exception, CorpusError)  # sohoa's main() turns it into exit code 66
    result = runner.invoke(app, ["corpus", "generate", str(tmp_path / "c"), "--count", "1", "--dpi", "100",
                                 "--test-fraction", "1"])
    assert result.exit_code == 0, result.output
    split = json.loads((tmp_path / "c" / "split.json").read_text(encoding="utf-8"))
    assert len(split["test"]) == 1 and split["train"] == []
    assert [d.name for d in load_dossiers(tmp_path / "c", "test")] == split["test"]
