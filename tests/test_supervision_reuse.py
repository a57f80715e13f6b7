"""Reuse of a paper already digitized: a business registration certificate rescanned at another resolution is
proposed for reuse of its earlier signed copy (real pipeline: OpenCV, Tesseract, pyHanko, SeaweedFS), a person
confirms, the component records state 2; another enterprise's certificate and an outdated version are not."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from sohoa.catalog import load_catalog
from sohoa.lifecycle.reception import digitize_dossier, receive_dossier
from sohoa.services.runtime import build_runtime
from sohoa.supervision.reuse import Paper, propose, propose_result
from sohoa.supervision.reuse_service import decide_reuse, propose_reuse
from sohoa.lifecycle.timeline import DigitizationState
from sohoa.tools.corpus.dossier import generate_dossier
from sohoa.tools.corpus.models import ScanOptions

pytestmark = pytest.mark.slow
CERTIFICATE = 2
"""Component 2 of procedure 2.000620: the business registration certificate (Giấy chứng nhận đăng ký doanh nghiệp)."""


def _scans(directory: Path, seed: int, dpi: int) -> list[Path]:
    options = ScanOptions(dpi=dpi, blank_back_probability=0, rotate_probability=0)
    generate_dossier(load_catalog().get("2.000620"), None, seed, directory, options)
    return sorted(directory.glob("page-*.jpg"))


def _rescan(path: Path, out: Path) -> Path:
    """The same paper on another scanner: turned 1.5 degrees, lighter, noisier, saved at another JPEG quality."""
    image = cv2.imread(str(path))
    h, w = image.shape[:2]
    turned = cv2.warpAffine(image, cv2.getRotationMatrix2D((w / 2, h / 2), 1.5, 1.0), (w, h),
                            borderValue=(255, 255, 255))
    noisy = np.clip(turned.astype(np.float32) * 1.03 + np.random.default_rng(3).normal(0, 4, turned.shape), 0, 255)
    Image.fromarray(cv2.cvtColor(noisy.astype(np.uint8), cv2.COLOR_BGR2RGB)).save(out, "JPEG", quality=75, dpi=(200, 200))
    return out


@pytest.fixture(scope="module")
def digitized(config_for, tmp_path_factory):
    """Three dossiers: the application and certificate at 300 dpi; the same certificate rescanned at 200 dpi;
    another enterprise's certificate."""
    root = tmp_path_factory.mktemp("reuse")
    first = _scans(root / "first", 7, 300)
    again = _rescan(_scans(root / "again", 7, 200)[1], root / "again-rescanned.jpg")
    other = _scans(root / "other", 8, 300)[1]
    runtime = build_runtime(dataclasses.replace(config_for(), jobs=1))
    codes = []
    for files in ((first[0], first[1]), (again,), (other,)):
        record = receive_dossier(runtime, "2.000620", None)
        digitize_dossier(runtime, record, files, actor="test")
        codes.append(record.code)
    return runtime, codes, again


def test_a_certificate_rescanned_at_another_dpi_is_proposed_and_confirmed(digitized):
    runtime, (first, again, _), _ = digitized
    report = runtime.database.get_dossier(again).report
    assert report["pages"][0]["dpi"] == pytest.approx(200, abs=1)
    proposals = propose_reuse(runtime.database, again, actor="test")
    assert [(p.paper.position, p.earlier.dossier_code, p.earlier.position, p.state) for p in proposals] == [
        (CERTIFICATE, first, CERTIFICATE, DigitizationState.REUSED)]
    earlier_signed = next(c for c in runtime.database.get_dossier(first).report["components"] if c["position"] == CERTIFICATE)
    assert proposals[0].earlier.signed_key == earlier_signed["signed"]["key"]
    assert proposals[0].hash_distance is not None and proposals[0].hash_distance <= 31
    decision = decide_reuse(runtime.database, again, CERTIFICATE, actor="reviewer", confirm=True)
    assert (decision.decision, decision.state, decision.decided_by) == ("confirmed", 2, "reviewer")
    assert runtime.database.confirmed_reuse([again, first]) == {again: {CERTIFICATE: 2}}
    actions = [(entry.action, entry.outcome) for entry in runtime.database.access_log(again)]
    assert ("reuse-propose", "ok: 1 proposal(s) for 1 paper(s)") in actions
    assert ("reuse-confirm", "ok: component 2 confirmed, state 2") in actions


def test_another_enterprise_certificate_is_not_proposed(digitized):
    runtime, (_, _, other), _ = digitized
    assert propose_reuse(runtime.database, other, actor="test") == ()


HASHES = ("0" * 64,)


def _paper(code: str, issue_date: str, number: str = "0312345678", **fields) -> Paper:
    values = dict(dossier_code=code, position=2, document_type="gcn-dkdn", number=number,
                  issuer="Phòng Đăng ký kinh doanh - Sở Tài chính", enterprise_code="0312345678",
                  issue_date=issue_date, page_hashes=HASHES, signed_key=f"signed/{code}", signed_sha256="ab" * 32)
    return Paper(**{**values, **fields})


def test_never_reuse_a_paper_whose_newer_version_exists():
    old, changed = _paper("D1", "2024-03-01"), _paper("D2", "2026-06-15")
    assert propose(_paper("D3", "2024-03-01"), [old, changed]) is None  # outdated copy handed in: digitized anew
    assert propose(_paper("D3", "2026-06-15"), [old, changed]).earlier.dossier_code == "D2"
    assert propose(_paper("D3", "2026-06-15", issuer="PHONG DANG KY KINH DOANH  so tai chinh"), [changed]) is not None
    assert propose(_paper("D3", "2026-06-15", number="0312345679"), [changed]) is None
    assert propose(_paper("D3", "2026-06-15", page_hashes=("f" * 64,)), [changed]) is None  # another picture
    assert propose(_paper("D3", "2026-06-15", enterprise_code=""), [changed]) is None  # a key not read
    unnumbered = _paper("D2", "2026-06-15", number="")  # a registration certificate: no "Số:" line
    assert propose(_paper("D3", "2026-06-15", number=""), [unnumbered]) is not None
    assert propose(_paper("D3", "", number=""), [_paper("D2", "", number="")]) is None  # nothing tells versions apart


def test_a_result_is_reused_by_its_signed_digest_as_state_3():
    result = _paper("D1", "2026-01-01", is_result=True, signed_sha256="cd" * 32)
    proposal = propose_result(_paper("D2", ""), "cd" * 32, [result])
    assert (proposal.earlier.dossier_code, proposal.state) == ("D1", DigitizationState.REUSED_RESULT)
    assert propose(_paper("D2", "2026-01-01"), [result]).state == DigitizationState.REUSED_RESULT


def test_the_intake_path_proposes_and_a_specialist_confirms_through_the_api(digitized):
    from fastapi.testclient import TestClient

    from sohoa.edges.api.app import create_app
    from sohoa.edges.workers.jobs import digitize_job, use_runtime
    from sohoa.lifecycle.reception import accept_upload
    from sohoa.services.access import Role, issue_token
    from sohoa.services.db.stats_schema import dossier_stats

    runtime, (first, again, _), rescan = digitized
    record, order = accept_upload(runtime, "2.000620", None, (rescan,), actor="api:mot-cua")
    use_runtime(runtime)
    digitize_job(order.job_id)  # what the RQ worker runs: digitize, then propose
    (proposed,) = runtime.database.reuse_decisions(record.code)
    assert (proposed.position, proposed.decision) == (CERTIFICATE, "proposed")
    assert proposed.earlier_dossier_code in (first, again)  # an earlier signed copy of the same certificate
    token, digest = issue_token()
    runtime.database.add_api_user("chuyen-vien-reuse", Role.SPECIALIST, digest)
    client, auth = TestClient(create_app(runtime, object())), {"Authorization": f"Bearer {token}"}
    assert client.post(f"/dossiers/{record.code}/reuse/1", json={"confirm": True}, headers=auth).status_code == 422
    answer = client.post(f"/dossiers/{record.code}/reuse/{CERTIFICATE}", json={"confirm": True}, headers=auth)
    assert (answer.status_code, answer.json()["state"]) == (200, 2), answer.text
    with runtime.database._read("test") as connection:
        row = connection.execute(dossier_stats.select().where(dossier_stats.c.dossier_code == record.code)).one()
    assert row.components_reused == 1  # the reuse rate counts it from the confirmation on
