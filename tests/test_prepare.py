"""Page preparation and the per-page task on generated scans: orientation, skew, blank pages, dpi, colour."""

from __future__ import annotations

import json
import random
from pathlib import Path

import cv2
import numpy as np
import pytest

from sohoa.catalog import load_catalog
from sohoa.corpus import ScanOptions, generate_dossier
from sohoa.intake import IntakeLimits, inspect_file, list_pages
from sohoa.pages import PageSettings, run_page_tasks
from sohoa.prepare import estimate_skew, ink_ratio


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
