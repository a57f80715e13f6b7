"""Page preparation and the per-page task on generated scans: orientation, skew, blank pages, dpi, colour, mixed raster."""

from __future__ import annotations

import json
import random
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from sohoa.catalog import load_catalog
from sohoa.tools.corpus import ScanOptions, generate_dossier
from sohoa.intake.files import IntakeLimits, inspect_file, list_pages
from sohoa.ocr.tesseract import TesseractEngine, TesseractSettings
from sohoa.ocr.pages import PageSettings, run_page_tasks
from sohoa.ocr.prepare import detect_orientation_fast, estimate_skew, ink_ratio


def _generated(tmp_path: Path, seed: int, options: ScanOptions) -> tuple[tuple[Path, ...], list[dict]]:
    generate_dossier(load_catalog().get("2.000620"), None, seed, tmp_path, options)
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))["pages"]
    return tuple(tmp_path / page["file"] for page in truth), truth


def _run(files: tuple[Path, ...], work: Path, jobs: int = 2):
    work.mkdir()
    pages = list_pages(tuple(inspect_file(f, IntakeLimits()) for f in files))
    return run_page_tasks(pages, work, PageSettings(), jobs=jobs)


@pytest.mark.slow
def test_turned_pages_come_back_upright_and_straight(tmp_path):
    options = ScanOptions(rotate_probability=1.0, blank_back_probability=0.0, dpi=200)
    files, truth = _generated(tmp_path / "scan", seed=3, options=options)
    assert {page["rotation_deg"] for page in truth} - {0}, "the seed must turn some pages"
    for result, expected in zip(_run(files, tmp_path / "work"), truth, strict=True):
        assert result.prepared.rotation == expected["rotation_deg"] % 360
        assert abs(result.prepared.skew + expected["skew_deg"]) < 0.6
        assert result.ocr is not None and result.ocr.mean_confidence > 60
        upright = cv2.imread(str(result.prepared.image))
        assert upright.shape[0] > upright.shape[1]  # portrait A4 again


@pytest.mark.slow
def test_low_dpi_greyscale_scan_is_kept_grey_and_warned_about(tmp_path):
    options = ScanOptions(dpi=150, colour=False, rotate_probability=0.0, blank_back_probability=0.0)
    files, truth = _generated(tmp_path / "scan", seed=5, options=options)
    results = _run(files[:1], tmp_path / "work", jobs=1)
    prepared = results[0].prepared
    assert prepared.dpi == pytest.approx(150, abs=1)
    assert any("below the 200 dpi" in warning for warning in prepared.warnings)
    assert cv2.imread(str(prepared.image), cv2.IMREAD_UNCHANGED).ndim == 2


def test_colour_is_kept(tmp_path):
    options = ScanOptions(rotate_probability=0.0, blank_back_probability=0.0, dpi=200)
    files, _ = _generated(tmp_path / "scan", seed=9, options=options)
    results = _run(files[:1], tmp_path / "work", jobs=1)
    pixels = cv2.imread(str(results[0].prepared.image))
    seal_red = (pixels[:, :, 2].astype(int) - pixels[:, :, 1].astype(int)) > 80
    assert seal_red.sum() > 500  # the red seal survives preparation


def test_blank_detection_separates_back_sides_from_sparse_pages():
    rng = np.random.default_rng(1)
    paper = np.clip(rng.normal(246, 3, (3508, 2480)), 0, 255).astype(np.uint8)
    assert ink_ratio(paper) < 0.002
    one_line = paper.copy()
    cv2.putText(one_line, "Trang 2/3 - Hop dong nguyen tac", (300, 400), cv2.FONT_HERSHEY_SIMPLEX, 3, 0, 8)
    assert ink_ratio(one_line) > 0.002


def test_skew_estimate_recovers_a_known_angle():
    page = np.full((2000, 1400), 255, np.uint8)
    rng = random.Random(4)
    for row in range(150, 1850, 60):
        cv2.line(page, (150, row), (rng.randint(800, 1250), row), 0, 14)
    matrix = cv2.getRotationMatrix2D((700, 1000), 1.8, 1.0)
    turned = cv2.warpAffine(page, matrix, (1400, 2000), borderValue=255)
    assert estimate_skew(turned, 5.0) == pytest.approx(-1.8, abs=0.15)


def test_opencv_orientation_finds_every_turn_it_is_sure_of(tmp_path):
    options = ScanOptions(rotate_probability=1.0, blank_back_probability=0.0, dpi=150)
    files, truth = _generated(tmp_path / "scan", seed=3, options=options)
    sure = 0
    for path, expected in zip(files, truth, strict=True):
        guess = detect_orientation_fast(cv2.imread(str(path), cv2.IMREAD_GRAYSCALE), 150)
        if guess.certain:
            sure += 1
            assert guess.rotation == expected["rotation_deg"] % 360, (path.name, guess)
    assert sure >= len(files) // 2  # the rest go to Tesseract OSD


def test_mixed_raster_page_images_are_a_200_dpi_background_and_a_full_resolution_mask(tmp_path):
    options = ScanOptions(rotate_probability=0.0, blank_back_probability=0.0, dpi=300)
    files, _ = _generated(tmp_path / "scan", seed=9, options=options)
    prepared = _run(files[:1], tmp_path / "work", jobs=1)[0].prepared
    background = cv2.imread(str(prepared.image))
    assert background.shape[:2] == (round(3508 * 2 / 3), round(2480 * 2 / 3))
    with Image.open(prepared.mask) as mask:
        assert mask.size == (2480, 3508) and mask.mode == "1"
    assert max(prepared.ink) < 100


def test_in_process_tesseract_reads_like_the_command(tmp_path):
    page = np.full((600, 1400), 245, np.uint8)
    cv2.putText(page, "Giay phep ban le ruou 2026", (60, 300), cv2.FONT_HERSHEY_SIMPLEX, 2.2, 20, 6, cv2.LINE_AA)
    image = tmp_path / "line.pgm"
    cv2.imwrite(str(image), page)
    in_process = TesseractEngine(TesseractSettings(in_process=True)).recognize(image, 300, tmp_path)
    command = TesseractEngine(TesseractSettings(in_process=False)).recognize(image, 300, tmp_path)
    assert in_process.text == command.text and "ruou" in in_process.text
    assert [w.box for w in in_process.words] == [w.box for w in command.words]
