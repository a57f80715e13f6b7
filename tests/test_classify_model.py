"""Classifier v2: statistical page model + rules, separators, review, checklist evidence, fields — measured on
held-out synthetic dossiers (never the model's training split)."""

from __future__ import annotations

import random

from sohoa.catalog import load_catalog
from sohoa.tools.training.dataset import corpus_truths
from sohoa.tools.evaluation.classifier import evaluate
from sohoa.classification.fields import extract_fields
from sohoa.classification.model import get_model
from sohoa.tools.training.train import TRAIN_COUNT, TRAIN_SEED
from sohoa.tools.training.noise import HEAVY, MEDIUM, ocr_noise
from sohoa.classification.rules import PageText, checklist_verdict, classify_pages
from sohoa.ocr.qr import SeparatorMark
from tests.conftest import MODEL_CACHE, page_model

CATALOG = load_catalog()
TYPES = CATALOG.document_types()


def test_model_scores_held_out_dossiers_to_the_bars():
    # Test split of another corpus seed than the training one: never trained on.
    assert TRAIN_SEED != 9
    figures = evaluate(count=60, seed=9, level=MEDIUM, catalog=CATALOG)
    summary = figures.summary()
    assert summary["dossiers"] == 12
    assert summary["page_accuracy_pct"] >= 97, figures.errors
    assert summary["checklist_exact_pct"] >= 90, figures.errors
    assert figures.high_confidence_complete_while_missing == 0


def test_training_and_test_splits_do_not_overlap():
    train = {d.name for d in corpus_truths(CATALOG, 20, 3, split="train")}
    test = {d.name for d in corpus_truths(CATALOG, 20, 3, split="test")}
    assert len(test) == 4 and len(train) == 16 and not train & test
    assert TRAIN_COUNT > 0 and get_model(CATALOG, MODEL_CACHE).labels


def test_ocr_noise_is_deterministic_and_damages_text():
    text = "ĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP BÁN LẺ RƯỢU\nKính gửi: Sở Công Thương tỉnh Thái Nguyên"
    a, b = ocr_noise(text, random.Random(3), HEAVY), ocr_noise(text, random.Random(3), HEAVY)
    assert a == b and a != text


def _dossier(name_filter=lambda d: True):
    for dossier in corpus_truths(CATALOG, 40, 21, split="test"):
        if name_filter(dossier):
            return dossier
    raise AssertionError("no such dossier")


def test_separator_sheets_make_segmentation_exact_and_are_left_out():
    dossier = _dossier(lambda d: len(d.truth.documents) >= 2 and all(x.component_position for x in d.truth.documents))
    truth = dossier.truth
    variant = CATALOG.get(truth.procedure_code).variant(truth.variant)
    pages: list[PageText] = [PageText("", False, SeparatorMark(truth.procedure_code, 0))]  # cover sheet
    expected: list[int | None] = [None]
    current = None
    for page in truth.pages:
        if not page.blank and page.document_index != current:
            current = page.document_index
            pages.append(PageText("TỜ PHÂN CÁCH", False, SeparatorMark(truth.procedure_code, page.component_position)))
            expected.append(None)
        # Garbage text: only the separators can tell where each page belongs.
        pages.append(PageText("" if page.blank else "xx yy zz", page.blank))
        expected.append(None if page.blank else page.component_position)
    assignments = classify_pages(tuple(pages), variant, TYPES, page_model())
    assert [a.position for a in assignments] == expected
    assert all(a.confidence == 1.0 for a in assignments if a.position is not None)
    assert [a.role for a in assignments if a.position is None and not pages[assignments.index(a)].blank][0] == "separator"
    verdict = checklist_verdict(assignments, variant)
    assert set(verdict.present_positions) == {d.component_position for d in truth.documents}


def test_verdict_lists_every_component_with_pages_confidence_and_fields():
    dossier = _dossier(lambda d: d.truth.complete and not d.truth.missing_positions and d.truth.documents[0].number
                       and all(x.component_position for x in d.truth.documents))
    truth = dossier.truth
    variant = CATALOG.get(truth.procedure_code).variant(truth.variant)
    pages = tuple(PageText(p.text, p.blank) for p in truth.pages)
    assignments = classify_pages(pages, variant, TYPES, page_model())
    verdict = checklist_verdict(assignments, variant, pages)
    assert verdict.complete and verdict.decision == "complete" and verdict.high_confidence
    assert [e.position for e in verdict.components] == [c.position for c in variant.components]
    assert all(e.present and e.pages and e.confidence >= 0.9 for e in verdict.components)
    assert len(verdict.documents) == len(truth.documents)
    first, truth_doc = verdict.documents[0], truth.documents[0]
    assert first.position == truth_doc.component_position
    assert first.number == truth_doc.number
    assert first.issue_date == truth_doc.issue_date
    assert first.summary.startswith(truth_doc.title.split()[0])


def test_a_missing_required_component_is_never_complete_and_optional_ones_do_not_count():
    variant = CATALOG.get("2.000150").variant(None)
    optional = [c for c in variant.components if not c.required]
    assert optional
    dossier = _dossier(lambda d: d.truth.procedure_code == "2.000150" and any(p.component_position == 1 for p in d.truth.pages))
    first_doc = [p for p in dossier.truth.pages if p.component_position == 1]
    pages = tuple(PageText(p.text, False) for p in first_doc)
    verdict = checklist_verdict(classify_pages(pages, variant, TYPES, page_model()), variant)
    assert verdict.complete and optional[0].position in verdict.missing_optional_positions
    # Now without the required application: never complete.
    stray = tuple(PageText(p.text, False) for p in dossier.truth.pages if p.component_position not in (1, None) and not p.blank)
    verdict = checklist_verdict(classify_pages(stray, variant, TYPES, page_model()), variant)
    assert not verdict.complete and 1 in verdict.missing_positions and verdict.decision != "complete"


def test_unreadable_first_page_is_marked_for_review_not_guessed():
    variant = CATALOG.get("2.000620").variant(None)
    (assignment,) = classify_pages((PageText("@@ ## 12 %% ~~ ..", False),), variant, TYPES, page_model())
    assert assignment.role in ("review", "unexpected") and assignment.position is None
    verdict = checklist_verdict((assignment,), variant)
    assert not verdict.high_confidence


def test_fields_from_an_official_header():
    text = ("UBND TỈNH KHÁNH HÒA CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSỞ CÔNG THƯƠNG Độc lập - Tự do - Hạnh phúc\n"
            "Số: 135/GP-SCT Khánh Hòa, ngày 29 tháng 6 năm 2024\nGIẤY PHÉP BÁN LẺ SẢN PHẨM THUỐC LÁ\n"
            "Căn cứ Nghị định số 67/2013/NĐ-CP\nMã số doanh nghiệp: 4202629119\n")
    fields = extract_fields([text])
    assert fields.number == "135/GP-SCT"
    assert fields.issue_date == "2024-06-29"
    assert fields.issuer == "UBND TỈNH KHÁNH HÒA - SỞ CÔNG THƯƠNG"
    assert fields.enterprise_code == "4202629119"
    assert fields.summary == "GIẤY PHÉP BÁN LẺ SẢN PHẨM THUỐC LÁ"


def test_stray_papers_the_model_never_saw_are_flagged_not_assigned():
    variant = CATALOG.get("2.000620").variant(None)
    motto = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
    strays = (
        "HÓA ĐƠN GIÁ TRỊ GIA TĂNG\nKý hiệu: 1C26TAA Số: 0001234\nĐơn vị bán hàng: CÔNG TY TNHH ĐỨC THÀNH\n"
        "Mã số thuế: 4601234567\nRượu vang đỏ chai 12 250.000 3.000.000",
        "BIÊN LAI THU TIỀN PHÍ, LỆ PHÍ\nTên đơn vị thu phí: Sở Công Thương tỉnh Thái Nguyên\n"
        "Loại phí, lệ phí: Phí thẩm định cấp giấy phép bán lẻ rượu\nSố tiền: 600.000 đồng",
        motto + "SƠ YẾU LÝ LỊCH\nHọ và tên: Nguyễn Văn An\nSinh ngày: 01/01/1990",
    )
    assignments = classify_pages(tuple(PageText(t, False) for t in strays), variant, TYPES, page_model())
    assert [a.role for a in assignments] == ["unexpected"] * 3
    verdict = checklist_verdict(assignments, variant)
    assert len(verdict.unexpected) == 3 and not verdict.high_confidence


def test_the_model_cache_is_chosen_at_the_edge_from_the_environment(tmp_path):
    from pathlib import Path

    from sohoa.services.config import Config

    assert Config.from_env({"SOHOA_MODEL_CACHE": str(tmp_path / "m")}).model_cache == tmp_path / "m"
    assert Config.from_env({"XDG_CACHE_HOME": str(tmp_path / "x")}).model_cache == tmp_path / "x" / "sohoa"
    assert Config.from_env({}).model_cache == Path("~/.cache/sohoa").expanduser()
