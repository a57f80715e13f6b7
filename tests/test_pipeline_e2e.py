"""The whole path on real engines: Tesseract vie, OpenCV, pikepdf PDF/A, pyHanko, SeaweedFS, SQLite/PostgreSQL.

Runs the bundled sample dossier (procedure 2.000620, generated with its ground truth) through
`sohoa.services.runtime` exactly as the CLI does, then checks what landed in storage and the database.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import unicodedata

import pytest

from sohoa.services.db import DossierStatus
from sohoa.tools.evaluation.metrics import cer
from sohoa.lifecycle.reception import digitize_dossier, receive_dossier
from sohoa.services.runtime import build_runtime
from tests.conftest import SAMPLE_DIR, sample_files

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def truth() -> dict:
    return json.loads((SAMPLE_DIR / "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def processed(config_for):
    """The sample dossier digitized once on SQLite; returns (runtime, record, report)."""
    runtime = build_runtime(config_for())
    record = receive_dossier(runtime, "2.000620", None)
    report = digitize_dossier(runtime, record, sample_files(), actor="test")
    return runtime, record, report


def _pdfsig(data: bytes, tmp_path) -> str:
    path = tmp_path / "signed.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout


def _pdftotext(data: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_every_page_lands_on_its_true_component(processed, truth):
    _, _, report = processed
    truth_pages = truth["pages"]
    assert len(report.pages) == len(truth_pages)
    for page, expected in zip(report.pages, truth_pages, strict=True):
        assert page.blank == expected["blank"], page.index
        assert page.component_position == expected["component_position"], page.index
    assert report.checklist.complete
    assert report.checklist.missing_positions == ()
    assert [c.position for c in report.components] == [1, 2, 3]


def test_rotation_skew_and_dpi_are_recorded(processed, truth):
    _, _, report = processed
    for page, expected in zip(report.pages, truth["pages"], strict=True):
        if expected["blank"]:
            continue
        # the generator turns the scan counter-clockwise by rotation_deg; preparation turns it back clockwise
        assert page.rotation == expected["rotation_deg"] % 360, page.index
        assert abs(page.skew + expected["skew_deg"]) < 0.6, (page.index, page.skew, expected["skew_deg"])
        assert page.dpi == pytest.approx(expected["dpi"], abs=1)
        assert not page.low_dpi


def test_ocr_text_is_nfc_vietnamese_close_to_the_truth(processed, truth):
    _, _, report = processed
    for page, expected in zip(report.pages, truth["pages"], strict=True):
        if expected["blank"]:
            assert page.text == ""
            continue
        assert unicodedata.is_normalized("NFC", page.text)
        assert "\u00d0" not in page.text  # Tesseract's Ð is fixed to Đ
        assert page.mean_confidence is not None and page.mean_confidence > 60
        assert cer(expected["text"], page.text) < 0.15, page.index


def test_components_are_valid_pdfa_searchable_with_diacritics_and_signed(processed, tmp_path):
    runtime, _, report = processed
    store = runtime.engines.store
    for component in report.components:
        assert component.pdfa_verdict.passed, component.pdfa_verdict.findings
        assert component.signed_pdfa_verdict.passed, component.signed_pdfa_verdict.findings
        pdfa = store.get_bytes(component.pdfa.key)
        assert hashlib.sha256(pdfa).hexdigest() == component.pdfa.sha256
        text = unicodedata.normalize("NFC", _pdftotext(pdfa, tmp_path))
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        signed = store.get_bytes(component.signed.key)
        assert signed.startswith(pdfa)  # an incremental update: the PDF/A is kept byte for byte
        assert "Signature is Valid" in _pdfsig(signed, tmp_path)


def test_manifest_lists_every_object_and_every_digest_holds(processed):
    runtime, record, report = processed
    store = runtime.engines.store
    manifest = json.loads(store.get_bytes(report.manifest.key))
    assert manifest["dossier_code"] == record.code
    listed = {entry["key"]: entry["sha256"] for entry in manifest["objects"]}
    expected = {s.object_key for s in report.sources} | {report.ocr.object.key}
    expected |= {c.pdfa.key for c in report.components} | {c.signed.key for c in report.components}
    assert set(listed) == expected
    for key, digest in listed.items():
        assert hashlib.sha256(store.get_bytes(key)).hexdigest() == digest
    ocr = json.loads(store.get_bytes(report.ocr.object.key))
    assert len(ocr["pages"]) == len(report.pages)
    assert all("box" in word for page in ocr["pages"] for word in page["words"])


def test_database_holds_status_report_and_artifacts(processed):
    runtime, record, report = processed
    stored = runtime.database.get_dossier(record.code)
    assert stored.status == DossierStatus.RECEIVED
    assert stored.report["dossier_code"] == record.code
    kinds = sorted(a.kind for a in runtime.database.list_artifacts(record.code))
    assert kinds.count("pdfa") == len(report.components) and kinds.count("signed") == len(report.components)
    assert kinds.count("original") == len(report.sources)


def test_a_retried_dossier_writes_the_same_pdfa_objects(processed):
    runtime, record, report = processed
    again = digitize_dossier(runtime, record, sample_files(), actor="test-retry")
    assert [c.pdfa.key for c in again.components] == [c.pdfa.key for c in report.components]
    assert [s.object_key for s in again.sources] == [s.object_key for s in report.sources]


def test_a_missing_component_makes_the_dossier_incomplete_on_postgresql(config_for, postgres_url, truth):
    runtime = build_runtime(config_for(database_url=postgres_url))
    certificate_files = {p["file"] for p in truth["pages"] if p["component_position"] == 2}
    files = tuple(f for f in sample_files() if f.name not in certificate_files)
    record = receive_dossier(runtime, "2.000620", None)
    report = digitize_dossier(runtime, record, files, actor="test")
    assert not report.checklist.complete
    assert report.checklist.missing_positions == (2,)
    assert runtime.database.get_dossier(record.code).status == DossierStatus.SUPPLEMENT_REQUESTED

