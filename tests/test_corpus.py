"""Tests of the synthetic scanned-dossier generator (sohoa.tools.corpus)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from sohoa.catalog import load_catalog
from sohoa.tools.corpus import (DossierTruth, ScanOptions, build_truth, generate_corpus, generate_dossier, plan_dossier)
from sohoa.tools.corpus.fonts import FontBook, RenderSettings
from sohoa.tools.corpus.render import render_page
from sohoa.tools.evaluation.metrics import cer
from sohoa.ocr.text import normalize_vietnamese

CATALOG = load_catalog()
RUOU = CATALOG.get("2.000620")
FAST = ScanOptions(dpi=200, blank_back_probability=0.3, rotate_probability=0.3)
VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def _frames(path: Path) -> list[Image.Image]:
    with Image.open(path) as image:
        frames = []
        for index in range(getattr(image, "n_frames", 1)):
            image.seek(index)
            frames.append(image.copy())
        return frames


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    options = ScanOptions(dpi=200, blank_back_probability=0.3, rotate_probability=0.3, tiff_multipage=True)
    first = generate_dossier(RUOU, None, 5, tmp_path / "a", options)
    second = generate_dossier(RUOU, None, 5, tmp_path / "b", options)
    assert first == second
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    other = build_truth(plan_dossier(RUOU, None, 6, options))
    assert [p.text for p in other.pages] != [p.text for p in first.pages]


def test_truth_matches_files(tmp_path: Path) -> None:
    truth = generate_dossier(RUOU, None, 3, tmp_path, FAST)
    stored = DossierTruth.model_validate_json((tmp_path / "truth.json").read_text(encoding="utf-8"))
    assert stored == truth
    assert stored.procedure_code == "2.000620" and stored.variant == "new" and stored.seed == 3
    images = sorted(p.name for p in tmp_path.glob("page-*"))
    assert images == sorted({p.file for p in truth.pages})
    width, height = round(210 / 25.4 * 200), round(297 / 25.4 * 200)
    for page in truth.pages:
        image = _frames(tmp_path / page.file)[page.frame]
        expected = (height, width) if page.rotation_deg in (90, 270) else (width, height)
        assert image.size == expected and image.mode == "RGB"
        assert round(image.info["dpi"][0]) == 200
        if page.blank:
            assert page.text == "" and page.document_type_id is None and page.component_position is None
            grey = np.asarray(image.convert("L"), dtype=np.float32)
            assert grey.mean() > 225 and grey.std() < 12
        else:
            assert page.document_type_id in {d.id for d in RUOU.variant(None).component(page.component_position).document_types}
    firsts = [p for p in truth.pages if p.is_first_page_of_document]
    assert [p.component_position for p in firsts] == [1, 2, 3] and truth.complete and not truth.missing_positions
    assert [d.document_index for d in truth.documents] == [0, 1, 2]


def test_text_is_nfc_vietnamese_and_has_official_layout() -> None:
    truth = build_truth(plan_dossier(CATALOG.get("2.000648"), None, 8, ScanOptions()))
    texts = [p.text for p in truth.pages if not p.blank]
    for text in texts:
        assert text and unicodedata.is_normalized("NFC", text)
        assert VIETNAMESE.search(text)
    first = texts[0]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first and "Độc lập - Tự do - Hạnh phúc" in first
    assert re.search(r"ngày \d{2} tháng \d{1,2} năm 20\d\d", first) and "Số: " in first
    assert "ĐƠN ĐỀ NGHỊ CẤP GIẤY CHỨNG NHẬN CỬA HÀNG ĐỦ ĐIỀU KIỆN BÁN LẺ XĂNG DẦU" in first.replace("\n", " ")


def test_every_procedure_and_variant_plans(tmp_path: Path) -> None:
    """All document types render text the font covers; unexpected and missing papers are recorded."""
    options = ScanOptions(unexpected_probability=1.0, missing_probability=1.0)
    for procedure in CATALOG.procedures:
        for variant in procedure.variants:
            truth = build_truth(plan_dossier(procedure, variant.id, 1, options))
            required = {c.position for c in variant.components if c.required}
            assert truth.missing_positions and not truth.complete
            assert set(truth.missing_positions) & required
            unexpected = [p for p in truth.pages if not p.blank and p.component_position is None]
            assert unexpected and unexpected[0].document_type_id in {"ban-sao-cccd", "giay-uy-quyen"}
            present = {p.component_position for p in truth.pages if p.component_position}
            assert present.isdisjoint(truth.missing_positions)


def test_registration_certificate_has_ten_digit_code() -> None:
    truth = build_truth(plan_dossier(CATALOG.get("SCT.RUOU-BB"), None, 4, ScanOptions()))
    page = next(p for p in truth.pages if p.document_type_id == "giay-chung-nhan-dkdn" and p.is_first_page_of_document)
    code = re.search(r"Mã số doanh nghiệp: (\d+)", page.text)
    assert code and len(code.group(1)) == 10 and code.group(1) == truth.applicant_id


def test_multi_page_contract_has_page_numbers() -> None:
    for seed in range(10):
        truth = build_truth(plan_dossier(CATALOG.get("SCT.RUOU-BB"), None, seed, ScanOptions()))
        contracts = [d.document_index for d in truth.documents if d.document_type_id == "hop-dong-nguyen-tac" and d.pages > 1]
        contract = [p for p in truth.pages if contracts and p.document_index == contracts[0] and not p.blank]
        if contract:
            break
    else:
        pytest.fail("no multi-page contract in 10 seeds")
    assert contract[0].text.startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    for page in contract[1:]:
        assert "CỘNG HÒA" not in page.text and "HỢP ĐỒNG NGUYÊN TẮC" not in page.text
    numbered = [p for p in contract if re.search(r"Trang \d+/\d+", p.text)]
    assert len(numbered) >= 2
    for page in numbered:
        assert f"Trang {page.page_in_document}/" in page.text


def _small_grey(image: Image.Image) -> np.ndarray:
    small = image.convert("L").resize((image.width // 8, image.height // 8))
    array = 255 - np.asarray(small, dtype=np.float32)
    return (array - array.mean()) / (array.std() + 1e-6)


def test_rotation_and_skew_are_recorded_and_applied(tmp_path: Path) -> None:
    options = ScanOptions(dpi=200, rotate_probability=1.0, blank_back_probability=0.0, max_skew_deg=3.0,
                          colour=False, jpeg_quality=None)
    plan = plan_dossier(RUOU, None, 12, options)
    truth = generate_dossier(RUOU, None, 12, tmp_path, options)
    fonts = FontBook(RenderSettings(), options.dpi)
    size = (fonts.px(210), fonts.px(297))
    for page, planned in zip(truth.pages, plan.pages):
        assert page.rotation_deg in (90, 180, 270) and abs(page.skew_deg) <= 3.0
        scanned = Image.open(tmp_path / page.file)
        assert scanned.mode == "L" and scanned.format == "PNG"
        clean = _small_grey(render_page(planned.layout, fonts, size, False, 0).rotate(page.skew_deg, fillcolor="white"))
        scores = {}
        for k in (0, 90, 180, 270):
            back = _small_grey(scanned.rotate(-k, expand=True))
            if back.shape == clean.shape:
                scores[k] = float((back * clean).mean())
        assert max(scores, key=scores.get) == page.rotation_deg, scores


def test_generate_corpus_writes_a_deterministic_split(tmp_path: Path) -> None:
    options = ScanOptions(dpi=150, blank_back_probability=0.0)
    paths = generate_corpus(CATALOG, 3, 42, tmp_path / "c", options, test_fraction=0.34)
    split = json.loads((tmp_path / "c" / "split.json").read_text(encoding="utf-8"))
    assert sorted(split["train"] + split["test"]) == sorted(p.name for p in paths) and len(split["test"]) == 1
    codes = [DossierTruth.model_validate_json((p / "truth.json").read_text()).procedure_code for p in paths]
    assert codes == [p.code for p in CATALOG.procedures[:3]]
    again = generate_corpus(CATALOG, 3, 42, tmp_path / "d", options, test_fraction=0.34)
    assert json.loads((tmp_path / "d" / "split.json").read_text()) == split
    assert _files(paths[0]) == _files(again[0])


def test_scan_options_are_validated() -> None:
    with pytest.raises(ValueError, match="dpi=50"):
        ScanOptions(dpi=50)
    with pytest.raises(ValueError, match="rotate_probability=2"):
        ScanOptions(rotate_probability=2)


def test_clean_page_is_ocr_able_with_tesseract_vie(tmp_path: Path) -> None:
    options = ScanOptions(dpi=300, max_skew_deg=0.0, rotate_probability=0.0, blank_back_probability=0.0)
    truth = generate_dossier(RUOU, None, 21, tmp_path, options)
    page = truth.pages[0]
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    result = subprocess.run(["tesseract", str(tmp_path / page.file), "-", "-l", "vie"], capture_output=True,
                            text=True, env=env, timeout=60, check=True)
    rate = cer(page.text, normalize_vietnamese(result.stdout))  # Tesseract reads Đ as Ð at times
    assert rate < 0.10, f"CER {rate:.3f}\n--- truth\n{page.text}\n--- ocr\n{result.stdout}"
