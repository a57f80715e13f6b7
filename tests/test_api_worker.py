"""The HTTP API and the RQ worker on real Redis, PostgreSQL and SeaweedFS: upload → 202 → worker → report → download."""

from __future__ import annotations

import hashlib

import pytest
from fastapi.testclient import TestClient
from rq import SimpleWorker

from sohoa.services.access import Role, issue_token
from sohoa.edges.api.app import create_app
from sohoa.services.runtime import build_runtime
from sohoa.edges.workers.jobs import queue_for, use_runtime
from tests.conftest import sample_files

pytestmark = pytest.mark.slow
HEADERS: dict[str, str] = {}
"""An administrator's bearer token, issued by the `service` fixture."""


@pytest.fixture(scope="module")
def service(config_for, postgres_url):
    config = config_for(database_url=postgres_url)
    runtime = build_runtime(config)
    token, digest = issue_token()
    runtime.database.add_api_user(f"chuyen-vien-{digest[:8]}", Role.ADMIN, digest)
    HEADERS["Authorization"] = f"Bearer {token}"
    queue = queue_for(config)
    yield runtime, queue, TestClient(create_app(runtime, queue))
    queue.empty()


def _upload(client: TestClient, files, procedure: str = "2.000620"):
    parts = [("files", (path.name, path.read_bytes(), "application/octet-stream")) for path in files]
    return client.post("/dossiers", data={"procedure_code": procedure}, files=parts, headers=HEADERS)


def test_upload_is_accepted_queued_digitized_and_downloadable(service):
    runtime, queue, client = service
    answer = _upload(client, sample_files())
    assert answer.status_code == 202, answer.text
    code = answer.json()["dossier_code"]
    assert answer.json()["status_url"].endswith(f"/dossiers/{code}")

    before = client.get(f"/dossiers/{code}", headers=HEADERS).json()
    assert before["status"] == 1 and before["report"] is None  # archived and queued, not yet digitized
    assert len(runtime.database.list_artifacts(code)) == len(sample_files())  # originals archived at once

    use_runtime(runtime)
    SimpleWorker([queue], connection=queue.connection).work(burst=True)

    after = client.get(f"/dossiers/{code}", headers=HEADERS).json()
    assert after["status"] == 2, after["error"]
    assert after["status_name"] == "Được tiếp nhận"
    assert after["report"]["checklist"]["complete"] is True
    found = client.get("/dossiers", params={"q": "giay phep ban le ruou", "procedure_code": "2.000620"}, headers=HEADERS).json()
    hit = next(h for h in found if h["dossier_code"] == code)  # the OCR text is searchable without diacritics
    assert hit["pages"] and "rượu" in hit["pages"][0]["line"].lower()

    artifacts = client.get(f"/dossiers/{code}/artifacts", headers=HEADERS).json()
    signed = [a for a in artifacts if a["kind"] == "signed"]
    assert len(signed) == 3
    download = client.get(signed[0]["download_url"], headers=HEADERS)
    assert download.status_code == 200
    assert hashlib.sha256(download.content).hexdigest() == signed[0]["sha256"]

    verified = client.post("/verify", files={"file": ("ban-sao.pdf", download.content, "application/pdf")}, headers=HEADERS)
    assert verified.status_code == 200, verified.text
    report = verified.json()
    assert report["archive_match"]["dossier_code"] == code and report["archive_match"]["kind"] == "signed"
    assert report["signatures"][0]["indication"] != "TOTAL_FAILED"  # demo identity: no revocation service, so INDETERMINATE
    tampered = bytearray(download.content)
    tampered[len(tampered) // 3] ^= 0x01
    failed = client.post("/verify", files={"file": ("sua.pdf", bytes(tampered), "application/pdf")}, headers=HEADERS).json()
    assert failed["indication"] == "TOTAL_FAILED" and failed["archive_match"] is None
    html = client.post("/verify?format=html", files={"file": ("ban-sao.pdf", download.content, "application/pdf")}, headers=HEADERS)
    assert html.headers["content-type"].startswith("text/html") and code in html.text

    actions = [entry.action for entry in runtime.database.access_log(code)]
    assert actions[:1] == ["upload"] and {"digitize", "search", "download", "verify"} <= set(actions)


def test_a_bad_file_is_refused_with_its_name_and_nothing_is_queued(service, tmp_path):
    _, queue, client = service
    empty = tmp_path / "trang-2.jpg"
    empty.write_bytes(b"")
    queued = queue.count
    answer = _upload(client, (sample_files()[0], empty))
    assert answer.status_code == 422
    assert "trang-2.jpg" in answer.json()["detail"]
    assert queue.count == queued


def test_unknown_procedure_and_unknown_dossier_are_404(service):
    _, _, client = service
    answer = _upload(client, sample_files()[:1], procedure="9.999999")
    assert answer.status_code == 404
    assert "9.999999" in answer.json()["detail"]
    assert client.get("/dossiers/000.00.00.H00-000101-9999", headers=HEADERS).status_code == 404


def test_an_artifact_of_another_dossier_cannot_be_fetched_through_this_one(service):
    runtime, _, client = service
    answer = client.get("/dossiers/000.00.00.H00-000101-9999/artifacts/originals/00/00", headers=HEADERS)
    assert answer.status_code == 404


def test_malformed_upload_requests_are_rejected(service):
    _, _, client = service
    assert client.post("/dossiers", data={"procedure_code": "2.000620"}, headers=HEADERS).status_code == 422
    assert client.post("/dossiers", files=[("files", ("a.jpg", b"x", "image/jpeg"))], headers=HEADERS).status_code == 422


def test_openapi_documents_the_endpoints(service):
    _, _, client = service
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/dossiers", "/dossiers/{code}", "/dossiers/{code}/artifacts", "/dossiers/{code}/artifacts/{key}"} <= set(paths)
