"""The benchmark's measuring tools (no timing asserts: `python -m sohoa.tools.bench` prints the figures)."""

from __future__ import annotations

import json
import random
import sys

import cv2
import numpy as np
from PIL import Image

from sohoa.tools.bench import PeakMemory, character_error_rate, normalise_text
from sohoa.tools.evaluation.metrics import levenshtein
from sohoa.tools.bench.pagerun import main as pagerun
from sohoa.tools.bench.systems import measured, pdf_page_texts


def _reference_distance(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        previous, row[0] = row[:], i
        for j, char_b in enumerate(b, start=1):
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (char_a != char_b))
    return row[-1]


def test_the_benchmark_edit_distance_is_levenshtein():
    rng = random.Random(5)
    for _ in range(200):
        a = "".join(rng.choice("aăâđ ơ") for _ in range(rng.randint(0, 25)))
        b = "".join(rng.choice("aăâđ ơ") for _ in range(rng.randint(0, 25)))
        assert levenshtein(a, b) == _reference_distance(a, b)


def test_cer_is_nfc_and_whitespace_normalised():
    decomposed = "Ho\u0302\u0300 so\u031b"  # "Hồ sơ" in NFD
    assert normalise_text(f"  {decomposed}\n\n  \u00d0\u00e0 ") == "Hồ sơ Đà"
    assert character_error_rate([(f"{decomposed}\n", "Hồ   sơ")]) == 0.0
    assert character_error_rate([("Hồ sư", "Hồ sơ"), ("", "abcde")]) == (1 + 5) / (5 + 5)


def test_peak_memory_sees_the_process_tree():
    code = "import subprocess, sys; subprocess.run([sys.executable, '-c', 'x = bytearray(80 << 20); import time; time.sleep(0.6)'])"
    seconds, memory = measured([sys.executable, "-c", code])
    assert seconds > 0.5
    assert memory.per_worker >= 80 << 20  # the child holding 80 MB, counted as one worker
    assert memory.tree >= memory.per_worker
    assert len(memory.workers) == 1


def test_peak_memory_of_a_gone_process_is_zero():
    memory = PeakMemory(root=2**22 + 12345)
    memory.sample()
    assert memory.tree == 0


def test_pagerun_writes_a_pdfa_and_per_page_text(tmp_path):
    page = np.full((1100, 1600, 3), 246, np.uint8)
    for row, words in enumerate(("GIAY CHUNG NHAN", "DANG KY DOANH NGHIEP")):
        cv2.putText(page, words, (100, 250 + 200 * row), cv2.FONT_HERSHEY_SIMPLEX, 2.5, (25, 25, 25), 7, cv2.LINE_AA)
    scan = tmp_path / "page-001.jpg"
    Image.fromarray(cv2.cvtColor(page, cv2.COLOR_BGR2RGB)).save(scan, "JPEG", quality=90, dpi=(300, 300))
    out, report = tmp_path / "out.pdf", tmp_path / "report.json"
    pagerun(["--jobs", "1", "--work", str(tmp_path / "work"), "--out", str(out), "--report", str(report), str(scan)])
    result = json.loads(report.read_text(encoding="utf-8"))
    assert result["verdict"]["passed"], result["verdict"]
    assert "CHUNG" in result["pages"][0]["text"]
    assert set(result["pages"][0]["seconds"]) >= {"prepare", "ocr", "text_layer", "decode", "orientation", "deskew", "encode"}
    assert "CHUNG" in pdf_page_texts(out, 1)[0]
