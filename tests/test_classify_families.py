"""Leave-one-family-out on a tiny corpus: the second template family, the evaluation and its calibration."""

from __future__ import annotations

import pytest
from PIL import Image

from sohoa.catalog import load_catalog
from sohoa.tools.corpus import ScanOptions
from sohoa.tools.evaluation.families import (draw_reliability, expected_calibration_error, family_options,
                                             leave_one_family_out)
from sohoa.tools.training.dataset import corpus_truths
from sohoa.tools.training.noise import MEDIUM

CATALOG = load_catalog()


def test_the_second_family_writes_other_papers_for_the_same_dossiers():
    a = corpus_truths(CATALOG, 10, 4, family_options("a"), split="test")
    b = corpus_truths(CATALOG, 10, 4, family_options("b"), split="test")
    assert [d.name for d in a] == [d.name for d in b]
    for da, db in zip(a, b, strict=True):
        assert [x.document_type_id for x in da.truth.documents if x.component_position] == \
            [x.document_type_id for x in db.truth.documents if x.component_position]
        texts_b = [p.text for p in db.truth.pages if not p.blank]
        assert texts_b and not set(texts_b) & {p.text for p in da.truth.pages}
        assert all("Độc lập – Tự do – Hạnh phúc" in p.text for p in db.truth.pages if p.is_first_page_of_document
                   and p.component_position is not None and p.page_in_document == 1 and "Mẫu" in p.text)
    assert db.truth.options["family"] == "b" and "family" not in da.truth.options
    with pytest.raises(ValueError, match="family"):
        ScanOptions(family="c")


def test_expected_calibration_error_by_hand():
    # Two bins: 0.9 (2 pages, 1 right: |0.5-0.9| * 0.5) and 0.2 (2 pages, 0 right: |0-0.2| * 0.5).
    assert expected_calibration_error([0.9, 0.9, 0.2, 0.2], [1, 0, 0, 0]) == pytest.approx(0.3)
    assert expected_calibration_error([], []) is None


def test_leave_one_family_out_scores_seen_and_unseen_families(tmp_path):
    result = leave_one_family_out(CATALOG, 20, 13, MEDIUM, train_count=30, train_seed=1, log=lambda _: None)
    runs = {(r["trained_on"], r["scored_on"]): r for r in result["runs"]}
    assert set(runs) == {("a", "a"), ("a", "b"), ("b", "b"), ("b", "a")}
    for (trained, scored), run in runs.items():
        assert run["unseen"] == (trained != scored) and run["dossiers"] == 4 and run["pages"] > 0
        assert 0 <= run["ece_raw"] <= 1
        assert (run["ece_calibrated"] is None) == (trained == scored)
    draw_reliability(result["runs"], tmp_path / "r.png")
    with Image.open(tmp_path / "r.png") as image:
        assert image.size == (320, 320)
