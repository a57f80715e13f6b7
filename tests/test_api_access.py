"""Who may call the API: bearer tokens, roles, least privilege, and every refusal in the access log."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from sohoa.services.access import GRANTS, Permission, Role, issue_token, token_digest
from sohoa.edges.api.app import create_app
from sohoa.edges.cli.main import app as cli_app
from sohoa.services.runtime import build_runtime
from sohoa.edges.workers.jobs import queue_for
from tests.conftest import sample_files


@pytest.fixture(scope="module")
def service(config_for):
    config = config_for()
    runtime = build_runtime(config, sign=False)
    queue = queue_for(config)
    tokens = {}
    for role in Role:
        token, digest = issue_token()
        runtime.database.add_api_user(f"{role}-01", role, digest)
        tokens[role] = {"Authorization": f"Bearer {token}"}
    client = TestClient(create_app(runtime, queue))
    upload = client.post("/dossiers", data={"procedure_code": "2.000620"}, headers=tokens[Role.INTAKE],
                         files=[("files", (sample_files()[0].name, sample_files()[0].read_bytes(), "image/jpeg"))])
    assert upload.status_code == 202, upload.text
    yield runtime, client, tokens, upload.json()["dossier_code"]
    queue.empty()


def _counting_body(sent: list[int]):
    """A factory of 8 MB request bodies that records in `sent` every 1 MB chunk the server pulls."""
    def body():
        for _ in range(8):
            sent.append(1)
            yield b"x" * (1 << 20)

    return body


def _log(runtime, code: str) -> list[tuple[str, str, str]]:
    return [(entry.actor, entry.action, entry.outcome) for entry in runtime.database.access_log(code)]


def test_no_token_or_a_wrong_one_is_401_and_logged_under_the_dossier(service):
    runtime, client, _, code = service
    missing = client.get(f"/dossiers/{code}")
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == "Bearer"
    assert "sohoa users add" in missing.json()["detail"]
    wrong = client.get(f"/dossiers/{code}", headers={"Authorization": "Bearer sohoa_not-a-token"})
    assert wrong.status_code == 401
    refusals = [entry for entry in _log(runtime, code) if entry[1] == "authenticate"]
    assert ("api:?", "authenticate", f"refused: no token (GET /dossiers/{code})") in refusals
    assert ("api:?", "authenticate", f"refused: unknown or revoked token (GET /dossiers/{code})") in refusals
    assert all("sohoa_not-a-token" not in outcome for _, _, outcome in _log(runtime, code))


def test_front_desk_hands_in_and_reads_status_but_cannot_download(service):
    runtime, client, tokens, code = service
    assert client.get(f"/dossiers/{code}", headers=tokens[Role.INTAKE]).status_code == 200
    listed = client.get(f"/dossiers/{code}/artifacts", headers=tokens[Role.INTAKE])
    assert listed.status_code == 403
    assert "intake" in listed.json()["detail"] and "list-files" in listed.json()["detail"]
    assert ("api:intake-01", "list-files", f"denied: role intake (GET /dossiers/{code}/artifacts)") in _log(runtime, code)
    assert ("api:intake-01", "upload") in [(actor, action) for actor, action, _ in _log(runtime, code)]


def test_a_specialist_finds_and_downloads_but_cannot_hand_in_or_read_the_log(service):
    runtime, client, tokens, code = service
    artifacts = client.get(f"/dossiers/{code}/artifacts", headers=tokens[Role.SPECIALIST]).json()
    original = next(a for a in artifacts if a["kind"] == "original")
    download = client.get(original["download_url"], headers=tokens[Role.SPECIALIST])
    assert download.status_code == 200 and download.content == sample_files()[0].read_bytes()
    assert client.get(f"/dossiers/{code}/access-log", headers=tokens[Role.SPECIALIST]).status_code == 403
    refused = client.post("/dossiers", data={"procedure_code": "2.000620"}, headers=tokens[Role.SPECIALIST],
                          files=[("files", ("a.jpg", sample_files()[0].read_bytes(), "image/jpeg"))])
    assert refused.status_code == 403
    assert ("api:specialist-01", "download", "ok") in [(a, b, c) for a, b, c in _log(runtime, code)]


def test_an_auditor_reads_who_accessed_the_dossier_and_cannot_download(service):
    runtime, client, tokens, code = service
    client.get(f"/dossiers/{code}", headers=tokens[Role.SPECIALIST])
    entries = client.get(f"/dossiers/{code}/access-log", headers=tokens[Role.AUDITOR])
    assert entries.status_code == 200
    actors = {entry["actor"] for entry in entries.json()}
    assert {"api:intake-01", "api:specialist-01"} <= actors
    assert all(len(entry["event_hash"]) == 64 for entry in entries.json())
    assert client.get(f"/dossiers/{code}/access-log", headers=tokens[Role.AUDITOR]).json()[-1]["action"] == "access-log"
    key = next(a["key"] for a in client.get(f"/dossiers/{code}/artifacts", headers=tokens[Role.AUDITOR]).json())
    assert client.get(f"/dossiers/{code}/artifacts/{key}", headers=tokens[Role.AUDITOR]).status_code == 403


def test_specialists_find_dossiers_and_the_front_desk_and_auditors_cannot(service):
    runtime, client, tokens, code = service
    found = client.get("/dossiers", params={"procedure_code": "2.000620"}, headers=tokens[Role.SPECIALIST])
    assert found.status_code == 200 and code in [hit["dossier_code"] for hit in found.json()]
    assert ("api:specialist-01", "search") in [(actor, action) for actor, action, _ in _log(runtime, code)]
    assert client.get("/dossiers", headers=tokens[Role.INTAKE]).status_code == 403
    assert client.get("/dossiers", headers=tokens[Role.AUDITOR]).status_code == 403
    refused = client.get("/dossiers", params={"q": "!!!"}, headers=tokens[Role.SPECIALIST])
    assert refused.status_code == 422 and "no letters or digits" in refused.json()["detail"]
    assert client.get("/dossiers", params={"status": 11}, headers=tokens[Role.SPECIALIST]).status_code == 422


def test_the_front_desk_and_auditors_see_the_checklist_but_not_the_page_text(service):
    from tests.test_db import make_report

    runtime, client, tokens, _ = service
    code = client.post("/dossiers", data={"procedure_code": "2.000620"}, headers=tokens[Role.INTAKE],
                       files=[("files", ("a.jpg", sample_files()[0].read_bytes(), "image/jpeg"))]).json()["dossier_code"]
    report = make_report(code)
    report["pages"][0]["text"] = "CCCD số 079123456789"
    report["checklist"]["unexpected"] = [{"pages": [0], "title": "CCCD số 079123456789", "document_type": None}]
    runtime.database.save_report(code, report)
    for role in (Role.INTAKE, Role.AUDITOR):
        seen = client.get(f"/dossiers/{code}", headers=tokens[role]).json()["report"]
        assert seen["checklist"]["missing_positions"] == [3] and "documents" not in seen["checklist"]
        assert "079123456789" not in str(seen) and "pages" not in seen and "components" not in seen
        assert seen["checklist"]["unexpected"] == [{"pages": [0]}]
    full = client.get(f"/dossiers/{code}", headers=tokens[Role.SPECIALIST]).json()["report"]
    assert full["pages"][0]["text"] == "CCCD số 079123456789"


def test_the_front_desk_prints_mau_01_or_mau_02_from_the_verdict(service):
    import pypdfium2 as pdfium

    from tests.test_db import make_report

    runtime, client, tokens, _ = service
    code = client.post("/dossiers", data={"procedure_code": "2.000620"}, headers=tokens[Role.INTAKE],
                       files=[("files", ("a.jpg", sample_files()[0].read_bytes(), "image/jpeg"))]).json()["dossier_code"]
    form = f"/dossiers/{code}/form.pdf"
    early = client.get(form, headers=tokens[Role.INTAKE])
    assert early.status_code == 409 and "not digitized yet" in early.json()["detail"]

    def text_of(answer) -> str:
        assert answer.status_code == 200, answer.text
        return " ".join(pdfium.PdfDocument(answer.content)[0].get_textpage().get_text_range().split())

    report = make_report(code)
    report["variant"] = "new"
    runtime.database.save_report(code, report)
    supplement = client.get(form, params={"applicant": "Công ty TNHH Hoa Sen"}, headers=tokens[Role.INTAKE])
    assert supplement.headers["x-sohoa-form"] == "mau-02"
    assert "Hoa Sen" in text_of(supplement) and "hợp đồng nguyên tắc" in text_of(supplement)

    report["checklist"].update(complete=True, present_positions=[1, 2, 3], missing_positions=[], decision="needs_review",
                               review_pages=[1])
    runtime.database.save_report(code, report)
    unsure = client.get(form, headers=tokens[Role.INTAKE])
    assert unsure.status_code == 409 and "review" in unsure.json()["detail"] and "pages 2" in unsure.json()["detail"]
    del report["checklist"]["decision"]  # a report from before verdicts had a decision
    runtime.database.save_report(code, report)
    assert client.get(form, headers=tokens[Role.INTAKE]).status_code == 409
    receipt = client.get(form, params={"confirmed": True}, headers=tokens[Role.INTAKE])
    assert receipt.headers["x-sohoa-form"] == "mau-01" and "hẹn trả kết quả" in text_of(receipt).lower()
    assert client.get(form, headers=tokens[Role.SPECIALIST]).status_code == 403
    outcomes = [outcome for actor, action, outcome in _log(runtime, code) if action == "form"]
    assert outcomes[0].startswith("failed: DossierNotReady") and "ok: mau-02" in outcomes
    assert "ok: mau-01; needs_review confirmed by the caller" in outcomes


def test_failed_lookups_are_logged_and_odd_codes_are_filed_apart(service):
    runtime, client, tokens, code = service
    unknown = code[:-4] + "9999"
    assert client.get(f"/dossiers/{unknown}", headers=tokens[Role.SPECIALIST]).status_code == 404
    assert client.get(f"/dossiers/{code}/artifacts/originals/00/guess", headers=tokens[Role.SPECIALIST]).status_code == 404
    assert [(e.actor, e.action, e.outcome.split(":")[0]) for e in runtime.database.access_log(unknown)] == [
        ("api:specialist-01", "status", "not found")]
    guessed = [e for e in runtime.database.access_log(code) if e.object_key == "originals/00/guess"]
    assert [(e.action, e.outcome.split(":")[0]) for e in guessed] == [("download", "not found")]
    odd = "x" * 300
    before = runtime.database.access_log_head().id
    assert client.get(f"/dossiers/{odd}").status_code == 401  # not a 422 from the log refusing the code
    assert client.get(f"/dossiers/{odd}", headers=tokens[Role.SPECIALIST]).status_code == 404
    after = [e for e in runtime.database.iter_access_log(after_id=before)]
    assert [(e.dossier_code, e.action) for e in after] == [("-", "authenticate"), ("-", "status")]
    assert all(len(e.outcome) < 700 for e in after)


def test_the_access_log_is_read_in_pages(service):
    _, client, tokens, code = service
    first = client.get(f"/dossiers/{code}/access-log", params={"limit": 2}, headers=tokens[Role.AUDITOR]).json()
    following = client.get(f"/dossiers/{code}/access-log", params={"limit": 2, "after_id": first[-1]["id"]},
                           headers=tokens[Role.AUDITOR]).json()
    assert len(first) == 2 and following and following[0]["id"] > first[-1]["id"]
    everything = client.get(f"/dossiers/{code}/access-log", params={"limit": 1000}, headers=tokens[Role.AUDITOR]).json()
    after_the_last = client.get(f"/dossiers/{code}/access-log", params={"after_id": everything[-1]["id"]},
                                headers=tokens[Role.AUDITOR]).json()
    # each read adds its own entry after taking its page: the next page holds just that one, shorter than
    # `limit`, which is where a client stops
    assert [(e["actor"], e["action"]) for e in after_the_last] == [("api:auditor-01", "access-log")]


def test_separator_sheets_are_logged(service):
    runtime, client, tokens, code = service
    assert client.get("/procedures/2.000620/separators.pdf", params={"dossier": code}, headers=tokens[Role.INTAKE]).status_code == 200
    assert ("api:intake-01", "separators") in [(actor, action) for actor, action, _ in _log(runtime, code)]


def test_health_needs_no_token_and_the_openapi_names_the_scheme(service):
    _, client, _, _ = service
    assert client.get("/health").json() == {"status": "ok"}
    schema = client.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


def test_every_role_holds_only_its_permissions():
    assert GRANTS[Role.INTAKE] == {Permission.UPLOAD, Permission.READ_STATUS}
    assert not {Permission.DOWNLOAD, Permission.UPLOAD, Permission.READ_REPORT, Permission.SEARCH} & GRANTS[Role.AUDITOR]
    assert GRANTS[Role.ADMIN] == set(Permission)


def test_users_cli_issues_rotates_and_revokes_tokens_and_stores_only_digests(tmp_path, monkeypatch):
    monkeypatch.setenv("SOHOA_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("SOHOA_DATABASE_URL", raising=False)
    runner = CliRunner()
    added = runner.invoke(cli_app, ["users", "add", "mot-cua-01", "--role", "intake"])
    assert added.exit_code == 0, added.output
    token = added.stdout.strip().splitlines()[-1]
    assert token.startswith("sohoa_") and len(token) > 40
    from sohoa.services.config import Config
    from sohoa.services.db import Database

    database = Database(Config.from_env().database_url)
    assert database.find_api_user(token_digest(token)) == ("mot-cua-01", "intake")
    database_file = Path(Config.from_env().database_url.removeprefix("sqlite:///"))
    assert token.encode() not in database_file.read_bytes()
    listed = runner.invoke(cli_app, ["users", "list", "--json"])
    assert '"role": "intake"' in listed.stdout and token not in listed.stdout

    duplicate = runner.invoke(cli_app, ["users", "add", "mot-cua-01", "--role", "admin"])
    assert duplicate.exit_code != 0 and "already exists" in str(duplicate.exception)
    rotated = runner.invoke(cli_app, ["users", "rotate", "mot-cua-01"])
    new_token = rotated.stdout.strip().splitlines()[-1]
    assert database.find_api_user(token_digest(token)) is None
    assert database.find_api_user(token_digest(new_token)) == ("mot-cua-01", "intake")
    account = database.list_api_users()[0]
    assert account.token_rotated_at is not None and account.created_at < account.token_rotated_at
    assert runner.invoke(cli_app, ["users", "revoke", "mot-cua-01"]).exit_code == 0
    assert database.find_api_user(token_digest(new_token)) is None
    log = [(e.actor.startswith("cli:"), e.action) for e in database.iter_access_log()]
    assert [action for _, action in log] == ["user-add", "user-rotate", "user-revoke"] and all(cli for cli, _ in log)
    assert all(token not in e.outcome and new_token not in e.outcome for e in database.iter_access_log())
    bad_name = runner.invoke(cli_app, ["users", "add", "Nguyễn Văn A", "--role", "intake"])
    assert bad_name.exit_code != 0


def test_every_route_and_its_permission_is_in_the_access_doc():
    import re

    from fastapi.routing import APIRoute

    documented = (Path(__file__).resolve().parent.parent / "docs" / "access.md").read_text(encoding="utf-8")
    for route in create_app(runtime=object(), queue=object()).routes:
        if isinstance(route, APIRoute):
            path = re.sub(r":\w+}", "}", route.path)
            for method in route.methods:
                assert f"`{method} {path}`" in documented, f"{method} {path}"


def test_an_upload_without_permission_is_refused_before_its_body_is_read(service):
    runtime, client, tokens, _ = service
    sent: list[int] = []
    body = _counting_body(sent)
    multipart = {"Content-Type": "multipart/form-data; boundary=b"}
    anonymous = client.post("/dossiers", content=body(), headers=multipart)
    assert anonymous.status_code == 401 and len(sent) <= 1
    sent.clear()
    auditor = client.post("/dossiers", content=body(), headers={**multipart, **tokens[Role.AUDITOR]})
    assert auditor.status_code == 403 and len(sent) <= 1
    assert "may not upload" in auditor.json()["detail"]
    log = [(e.actor, e.action, e.outcome) for e in runtime.database.iter_access_log()]
    assert ("api:auditor-01", "upload", "denied: role auditor (POST /dossiers)") in log


def test_the_body_guard_holds_behind_a_proxy_prefix_and_against_doubled_headers(service):
    runtime, _, tokens, _ = service
    sent: list[int] = []
    body = _counting_body(sent)
    multipart = {"Content-Type": "multipart/form-data; boundary=b"}
    prefixed = TestClient(create_app(runtime, object()), root_path="/api")
    assert prefixed.post("/api/dossiers", content=body(), headers=multipart).status_code == 401 and len(sent) <= 1
    sent.clear()
    client = TestClient(create_app(runtime, object()))
    doubled = [("Authorization", "Bearer sohoa_wrong"), ("Authorization", tokens[Role.INTAKE]["Authorization"]),
               ("Content-Type", "multipart/form-data; boundary=b")]
    answer = client.post("/dossiers", content=body(), headers=doubled)
    assert answer.status_code == 401 and "several Authorization headers" in answer.json()["detail"] and len(sent) <= 1
    huge = client.post("/dossiers", content=b"x", headers={**multipart, **tokens[Role.INTAKE], "Content-Length": str(2 << 30)})
    assert huge.status_code == 413
    outcomes = [e.outcome for e in runtime.database.iter_access_log() if e.actor == "api:?"]
    assert any("several Authorization headers" in o for o in outcomes) and any("at most 1073741824" in o for o in outcomes)


def test_control_characters_in_the_path_are_refused_before_any_lookup(service):
    runtime, client, tokens, code = service
    answer = client.get(f"/dossiers/{code}%00", headers=tokens[Role.SPECIALIST])
    assert answer.status_code == 422 and "control characters" in answer.json()["detail"]
    assert any("\\x00" in e.outcome for e in runtime.database.iter_access_log() if e.actor == "api:specialist-01")


def test_the_front_desk_moves_a_misclassified_page_and_the_verdict_follows(service):
    from sohoa.lifecycle.reception import record_verdict
    from sohoa.models.report import DossierReport
    from tests.test_db import make_report

    runtime, client, tokens, _ = service
    desk = tokens[Role.INTAKE]
    handed_in = client.post("/dossiers", data={"procedure_code": "2.000620"}, headers=desk,
                            files=[("files", ("a.jpg", sample_files()[0].read_bytes(), "image/jpeg"))]).json()
    code = handed_in["dossier_code"]
    assert client.post(f"/dossiers/{code}/pages/0/component", json={"position": 1}, headers=desk).status_code == 404
    runtime.database.finish_work(handed_in["job_id"])  # digitized, as the report below says
    report = make_report(code)
    report["variant"] = "new"
    contract = {**report["pages"][1], "index": 2, "component_position": None, "document_type": None,
                "classification_role": "unexpected", "classification_confidence": 0.55}
    report["pages"] = [{**page, "classification_role": "component"} for page in report["pages"]] + [contract]
    report["checklist"].update(unexpected=[{"pages": [2], "title": "HỢP ĐỒNG NGUYÊN TẮC"}], decision="incomplete")
    runtime.database.save_report(code, report)
    record_verdict(runtime, code, DossierReport.model_validate(report), "test")
    assert runtime.database.get_dossier(code).status == 5  # Mẫu 02 at the desk: component 3 looks missing

    page = f"/dossiers/{code}/pages/2/component"
    assert client.post(f"/dossiers/{code}/pages/9/component", json={"position": 3}, headers=desk).status_code == 404
    assert client.post(page, json={"position": 7}, headers=desk).status_code == 422
    assert client.post(page, json={"position": 3}, headers=tokens[Role.AUDITOR]).status_code == 403
    moved = client.post(page, json={"position": 3, "reason": "hợp đồng là thành phần 3"}, headers=desk)
    assert moved.status_code == 200, moved.text
    rebuild = moved.json()["job_id"]
    assert runtime.database.get_work(rebuild).state == "queued" and rebuild != handed_in["job_id"]
    busy = client.post(page, json={"position": None}, headers=desk)  # the copies are being built again
    assert busy.status_code == 409 and "being digitized" in busy.json()["detail"]
    runtime.database.finish_work(rebuild)  # as the worker would (tests/test_lifecycle.py runs it for real)
    assert moved.json()["status"] == 2 and moved.json()["checklist"]["complete"] is True
    assert moved.json()["checklist"]["missing_positions"] == [] and moved.json()["checklist"]["unexpected"] == []
    stored = runtime.database.get_dossier(code)
    assert stored.report["pages"][2]["component_position"] == 3 and stored.promised_at is not None
    history = runtime.database.dossier_history(code)
    assert [e.action for e in history] == ["register", "request_supplement", "supply", "receive"]
    assert history[2].details["page_correction"]["from"] == "unexpected"
    assert history[2].details["page_correction"]["to"] == "component 3"
    assert ("api:intake-01", "correct-page", "ok: page 3 from unexpected to component 3; verdict complete; "
            "reason: hợp đồng là thành phần 3") in _log(runtime, code)

    refused = client.post(page, json={"position": None}, headers=desk)  # received: it may not become incomplete
    assert refused.status_code == 409 and "already received" in refused.json()["detail"]
    assert client.post(f"/dossiers/{code}/actions/start", json={}, headers=tokens[Role.SPECIALIST]).status_code == 200
    late = client.post(f"/dossiers/{code}/pages/1/component", json={"position": 1}, headers=desk)
    assert late.status_code == 409 and "status 4" in late.json()["detail"]
    assert runtime.database.get_dossier(code).report["pages"][2]["component_position"] == 3
    assert [o for _, a, o in _log(runtime, code) if a == "correct-page"][-1].startswith("failed: IllegalTransition")


def test_an_unknown_procedure_is_refused_before_any_file_is_read(service):
    """Over a real socket (the test client reads a whole body at once): the server answers 404 after the first part
    while the 8 MB file the request announces has not been sent."""
    import socket

    from tests.web_site import _free_port, _serve

    runtime, _, tokens, _ = service
    port = _free_port()
    server, thread = _serve(create_app(runtime, object()), port)
    before = len(runtime.database.list_dossiers(1000, with_reports=False))
    first = (b'--b\r\nContent-Disposition: form-data; name="procedure_code"\r\n\r\n9.999999\r\n'
             b'--b\r\nContent-Disposition: form-data; name="files"; filename="a.jpg"\r\n\r\n')
    head = (f"POST /dossiers HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {tokens[Role.INTAKE]['Authorization']}\r\n"
            f"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: {len(first) + (8 << 20)}\r\n\r\n").encode()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
            connection.sendall(head + first)  # and nothing more: the file's bytes never leave
            received = b""
            while chunk := connection.recv(65536):  # the server closes the connection after its answer
                received += chunk
            answer = received.decode("utf-8", "replace")
    finally:
        server.should_exit = True
        thread.join(10)
    assert answer.startswith("HTTP/1.1 404") and "unknown procedure code '9.999999'" in answer, answer[:300]
    assert len(runtime.database.list_dossiers(1000, with_reports=False)) == before


def test_the_procedure_field_is_found_only_before_the_first_file():
    from sohoa.edges.api.early import procedure_field

    field = b'--b\r\nContent-Disposition: form-data; name="procedure_code"\r\n\r\n2.000620\r\n--b\r\n'
    assert procedure_field(field, b"b") == "2.000620"
    assert procedure_field(field[:60], b"b") is None  # not all there yet
    file_first = b'--b\r\nContent-Disposition: form-data; name="files"; filename="a.jpg"\r\n\r\n\xff\xd8' + field
    assert procedure_field(file_first, b"b") is False
    twice = field.replace(b"2.000620", b"9.999999") + field[len(b"--b\r\n"):]  # the form keeps the last one
    assert procedure_field(twice, b"b") is False
    named_after = b'--b\r\nContent-Disposition: form-data; filename="a.jpg"; name="files"\r\n\r\n\xff\xd8' + field
    assert procedure_field(named_after, b"b") is False
    other_first = b'--b\r\nContent-Disposition: form-data; name="channel"\r\n\r\n1\r\n' + field
    assert procedure_field(other_first, b"b") == "2.000620"
