"""The whole life of a dossier on the real components: intake → incomplete → Mẫu 02 → supplement (only new pages
read) → complete → assign → start → signed B-LTA result (pdfsig valid, TOTAL_PASSED under the test PKI, QR to
its verification address) → returned; through the HTTP API with the RQ worker, and through the `sohoa` command.
Bad input and illegal transitions are refused and change nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import subprocess
from pathlib import Path

import cv2
import pytest
from fastapi.testclient import TestClient
from rq import SimpleWorker

from sohoa.edges.api.app import create_app
from sohoa.edges.workers.jobs import queue_for, use_runtime
from sohoa.lifecycle.errors import IllegalTransition, LifecycleDataError
from sohoa.lifecycle.rules import load_rules
from sohoa.services.access import Role, issue_token
from sohoa.services.db import VIETNAM_TIME, DossierStatus
from sohoa.services.runtime import build_runtime
from sohoa.signing import TrustSettings, verify_pdf
from tests.conftest import sample_files
from tests.test_cli import _sohoa, cli_env  # noqa: F401 - the fixture is used by the CLI journey
from tests.test_db import db, empty_db, pg_database, pg_user, url  # noqa: F401 - fixtures of the clock tests

INCOMPLETE, MISSING = sample_files()[:3], sample_files()[3:]
"""The sample dossier without its last file (the certificate and the contract: components 2 and 3), and that file."""


def test_rules_come_from_data_and_refuse_what_they_do_not_allow():
    rules = load_rules()
    transitions = rules.transitions
    assert transitions.target("receive", DossierStatus.RECEIVED_NEW, None) == DossierStatus.RECEIVED
    assert transitions.target("supply", DossierStatus.SUPPLEMENT_REQUESTED, DossierStatus.IN_PROGRESS) == DossierStatus.IN_PROGRESS
    assert transitions.target("supply", DossierStatus.SUPPLEMENT_REQUESTED, DossierStatus.RECEIVED_NEW) == DossierStatus.RECEIVED_NEW
    assert transitions.target("assign", DossierStatus.IN_PROGRESS, None) == DossierStatus.IN_PROGRESS
    with pytest.raises(IllegalTransition, match="only from 4"):
        transitions.target("finish", DossierStatus.RECEIVED, None, "X")
    with pytest.raises(IllegalTransition, match="unknown action"):
        transitions.action("approve")
    assert rules.departments.for_procedure("SCT.RUOU-BB") == "Phòng Quản lý thương mại"  # by prefix
    assert rules.departments.for_procedure("9.999999") == rules.departments.default


def test_promised_date_skips_weekends_and_tet_from_the_calendar():
    calendar = load_rules().calendar
    friday_before_tet = dt.datetime(2026, 2, 13, 9, 0, tzinfo=VIETNAM_TIME)
    # Tết 2026: Monday 16 to Friday 20 February are days off: 1 working day later is Monday 23
    assert calendar.promised_at(friday_before_tet, 1) == dt.datetime(2026, 2, 23, 17, 0, tzinfo=VIETNAM_TIME)
    # 30/4 and 1/5 2026 are Thursday and Friday
    assert calendar.promised_at(dt.datetime(2026, 4, 29, 8, 0, tzinfo=VIETNAM_TIME), 1).date() == dt.date(2026, 5, 4)
    assert calendar.promised_at(dt.datetime(2026, 3, 2, 8, 0, tzinfo=VIETNAM_TIME), 10).date() == dt.date(2026, 3, 16)


def test_a_broken_data_file_is_named(tmp_path):
    for name in ("calendar", "departments"):
        (tmp_path / f"{name}.yaml").write_text(_shipped(name), encoding="utf-8")
    (tmp_path / "transitions.yaml").write_text("actions:\n  receive: {title: Tiếp nhận, from: [1], to: 12}\n", encoding="utf-8")
    with pytest.raises(LifecycleDataError, match="(?s)transitions.yaml.*unknown status 12"):
        load_rules(tmp_path)


def _shipped(name: str) -> str:
    from sohoa.lifecycle.rules import DATA_DIR

    return (DATA_DIR / f"{name}.yaml").read_text(encoding="utf-8")


def make_result_pdf(path: Path, title: str = "GIẤY PHÉP BÁN LẺ RƯỢU") -> Path:
    """A born-digital result as an office system writes it (embedded TrueType font, A4, usual margins)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    pdfmetrics.registerFont(TTFont("DejaVuSans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
    canvas = Canvas(str(path), pagesize=A4, initialFontName="DejaVuSans", invariant=1)
    canvas.setFont("DejaVuSans", 12)
    for row, line in enumerate(("UBND THÀNH PHỐ ĐÀ NẴNG — SỞ CÔNG THƯƠNG", "Số: 12/GP-SCT", title,
                                "Cấp cho: HỢP TÁC XÃ NÔNG NGHIỆP VÀ DỊCH VỤ TÂN PHÁT")):
        canvas.drawString(30 * mm, A4[1] - (25 + 8 * row) * mm, line)
    canvas.showPage()
    canvas.save()
    return path


def signing_env(pki) -> dict[str, str]:
    return {"SOHOA_SIGNING_P12": str(pki.pkcs12("signer")), "SOHOA_SIGNING_PASSPHRASE_FILE": str(pki.passphrase_path),
            "SOHOA_TSA_URL": pki.tsa_url, "SOHOA_TRUST_ANCHORS": str(pki.root_pem),
            "SOHOA_PUBLIC_URL": "https://motcua.example.gov.vn"}


def read_qr(pdf: Path, tmp_path: Path) -> str:
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    image = cv2.imread(str(next(tmp_path.glob("page*.png"))))
    text, _points, _ = cv2.QRCodeDetector().detectAndDecode(image)
    return text


@pytest.fixture(scope="module")
def service(config_for, postgres_url, test_pki):
    base = config_for(database_url=postgres_url)
    env = signing_env(test_pki)
    config = dataclasses.replace(base, signing_pkcs12=Path(env["SOHOA_SIGNING_P12"]),
                                 signing_passphrase_file=Path(env["SOHOA_SIGNING_PASSPHRASE_FILE"]),
                                 timestamp_url=env["SOHOA_TSA_URL"], trust_anchors=(test_pki.root_pem,),
                                 public_url=env["SOHOA_PUBLIC_URL"])
    runtime = build_runtime(config)
    headers = {}
    for name, role in (("le-tan", Role.INTAKE), ("chuyen-vien", Role.SPECIALIST)):
        token, digest = issue_token()
        runtime.database.add_api_user(name, role, digest)
        headers[name] = {"Authorization": f"Bearer {token}"}
    queue = queue_for(config)
    use_runtime(runtime)
    yield runtime, queue, TestClient(create_app(runtime, queue)), headers
    queue.empty()


def _work(queue) -> None:
    SimpleWorker([queue], connection=queue.connection).work(burst=True)


def _parts(files):
    return [("files", (path.name, path.read_bytes(), "application/octet-stream")) for path in files]


@pytest.mark.slow
def test_the_whole_journey_through_the_api(service, tmp_path, test_pki):
    runtime, queue, client, who = service
    desk, specialist = who["le-tan"], who["chuyen-vien"]
    code = client.post("/dossiers", data={"procedure_code": "2.000620"}, files=_parts(INCOMPLETE), headers=desk).json()["dossier_code"]
    _work(queue)
    first = client.get(f"/dossiers/{code}", headers=desk).json()
    assert first["status"] == 5 and first["promised_at"] is None
    form = client.get(f"/dossiers/{code}/form.pdf", params={"confirmed": True}, headers=desk)
    assert form.headers["X-Sohoa-Form"] == "mau-02"

    added = client.post(f"/dossiers/{code}/files", files=_parts(MISSING), headers=desk)
    assert added.status_code == 202, added.text
    _work(queue)
    received = client.get(f"/dossiers/{code}", headers=specialist).json()
    assert received["status"] == 2, received["error"]
    assert [page["reused"] for page in received["report"]["pages"]] == [True, True, True, False, False]
    promised = dt.datetime.fromisoformat(received["promised_at"])
    assert promised > dt.datetime.now(dt.UTC) and received["department"] == "Phòng Quản lý thương mại"
    assert [c["state"] for c in received["components"]] == [1, 1, 1]

    refused = client.post(f"/dossiers/{code}/actions/finish", json={}, headers=specialist)
    assert refused.status_code == 409 and "needs a signed result" in refused.json()["detail"]
    assert client.post(f"/dossiers/{code}/actions/start", json={}, headers=desk).status_code == 403
    assert client.post(f"/dossiers/{code}/assignment", json={"assignee": "chuyen-vien"}, headers=specialist).status_code == 200
    queue_items = client.get("/queue", params={"mine": True}, headers=specialist).json()
    assert [item["dossier_code"] for item in queue_items] == [code] and queue_items[0]["overdue"] is False
    assert client.post(f"/dossiers/{code}/actions/start", json={}, headers=specialist).json()["to_status"] == 4

    result_pdf = make_result_pdf(tmp_path / "giay-phep.pdf")
    issued = client.post(f"/dossiers/{code}/results", files={"file": ("giay-phep.pdf", result_pdf.read_bytes(), "application/pdf")},
                         data={"kind": "result", "title": "Giấy phép bán lẻ rượu"}, headers=specialist)
    assert issued.status_code == 201, issued.text
    result = issued.json()
    assert result["level"] == "B-LTA"
    assert result["verification_url"] == f"https://motcua.example.gov.vn/xac-minh/{result['id']}"
    signed = tmp_path / "result.signed.pdf"
    signed.write_bytes(runtime.engines.store.get_bytes(result["signed_key"]))
    pdfsig = subprocess.run(["pdfsig", str(signed)], capture_output=True, text=True, check=False).stdout
    signature, timestamp = pdfsig.split("Signature #2:")  # poppler checks the CAdES signature, not RFC 3161 tokens
    assert "Signature is Valid" in signature and "SohoaDocTS-SohoaBanSao1" in timestamp, pdfsig
    report = verify_pdf(signed.read_bytes(), TrustSettings((test_pki.root_pem,)))
    assert report.indication == "TOTAL_PASSED", report
    assert read_qr(signed, tmp_path) == result["verification_url"]
    text = subprocess.run(["pdftotext", str(signed), "-"], capture_output=True, text=True, check=True).stdout
    assert "GIẤY PHÉP BÁN LẺ RƯỢU" in text and "KẾT QUẢ ĐIỆN TỬ" in text  # born-digital text kept, mark is no "SAO Y"
    public = client.get(f"/xac-minh/{result['id']}")  # no login
    assert public.status_code == 200 and public.json()["signed_sha256"] == result["signed_sha256"]
    assert client.get("/xac-minh/000000000000000000000000").status_code == 404

    assert client.post(f"/dossiers/{code}/return", json={"channel": "desk"}, headers=desk).json()["to_status"] == 10
    history = [(e["action"], e["to_status"], e["actor"]) for e in client.get(f"/dossiers/{code}/history", headers=desk).json()]
    assert [h[:2] for h in history] == [("register", 1), ("request_supplement", 5), ("supply", 1), ("receive", 2),
                                        ("assign", 2), ("start", 4), ("finish", 9), ("return", 10)]
    assert history[-1][2] == "api:le-tan" and history[5][2] == "api:chuyen-vien"
    final = client.get(f"/dossiers/{code}", headers=desk).json()
    assert final["results"][0]["id"] == result["id"] and final["digitized"] is True
    assert first["digitized"] is False
    _bad_input_changes_nothing(client, runtime, code, desk, specialist, tmp_path)


def _bad_input_changes_nothing(client, runtime, code, desk, specialist, tmp_path):
    events_before = len(runtime.database.dossier_history(code))
    late = client.post(f"/dossiers/{code}/files", files=_parts(MISSING), headers=desk)
    assert late.status_code == 409 and "status 10" in late.json()["detail"]
    unknown = client.post("/dossiers/000.00.00.H00-200101-9999/results", files={"file": ("a.pdf", b"%PDF-1.4", "application/pdf")},
                          headers=specialist)
    assert unknown.status_code == 404
    again = client.post(f"/dossiers/{code}/results", files={"file": ("b.pdf", make_result_pdf(tmp_path / "b.pdf").read_bytes(),
                                                                     "application/pdf")}, headers=specialist)
    assert again.status_code == 409 and "status 10" in again.json()["detail"]
    assert client.post(f"/dossiers/{code}/actions/stop", json={"reason": "x"}, headers=specialist).status_code == 409
    assert len(runtime.database.dossier_history(code)) == events_before
    assert runtime.database.get_dossier(code).status == DossierStatus.RESULT_RETURNED


@pytest.mark.slow
def test_a_page_the_desk_moved_stays_moved_when_the_supplement_is_digitized(service):
    runtime, queue, client, who = service
    desk, reader = who["le-tan"], who["chuyen-vien"]  # the desk reads the status, a specialist the whole report
    code = client.post("/dossiers", data={"procedure_code": "2.000620"}, files=_parts(INCOMPLETE), headers=desk).json()["dossier_code"]
    _work(queue)
    first = client.get(f"/dossiers/{code}", headers=reader).json()
    page = next(p for p in first["report"]["pages"] if p["component_position"] == 1)
    moved = client.post(f"/dossiers/{code}/pages/{page['index']}/component", json={"position": None, "reason": "tờ khai cũ"},
                        headers=desk)
    assert moved.status_code == 200, moved.text
    assert client.post(f"/dossiers/{code}/files", files=_parts(MISSING), headers=desk).status_code == 202
    _work(queue)
    again = client.get(f"/dossiers/{code}", headers=reader).json()
    kept = again["report"]["pages"][page["index"]]
    assert kept["reused"] and kept["component_position"] is None and kept["placed_by"] == "api:le-tan"
    assert 1 in again["report"]["checklist"]["missing_positions"] and again["status"] == 5
    assert not [p for p in again["report"]["pages"] if p["placed_by"] and p["index"] != page["index"]]


@pytest.mark.slow
def test_a_bad_result_file_is_refused_and_nothing_is_stored(service, tmp_path):
    runtime, queue, client, who = service
    code = client.post("/dossiers", data={"procedure_code": "2.000620"}, files=_parts(sample_files()),
                       headers=who["le-tan"]).json()["dossier_code"]
    _work(queue)
    for action in ("start",):
        assert client.post(f"/dossiers/{code}/actions/{action}", json={}, headers=who["chuyen-vien"]).status_code == 200
    import pikepdf

    encrypted = tmp_path / "khoa.pdf"
    with pikepdf.open(make_result_pdf(tmp_path / "plain.pdf")) as pdf:
        pdf.save(encrypted, encryption=pikepdf.Encryption(owner="o", user="u"))
    truncated = make_result_pdf(tmp_path / "cut.pdf").read_bytes()[:400]
    for name, data in (("khoa.pdf", encrypted.read_bytes()), ("cut.pdf", truncated), ("anh.txt", b"not a result")):
        answer = client.post(f"/dossiers/{code}/results", files={"file": (name, data, "application/pdf")},
                             headers=who["chuyen-vien"])
        assert answer.status_code == 422, (name, answer.text)
        assert name in answer.json()["detail"] and "/tmp" not in answer.json()["detail"]
    assert runtime.database.results_of(code) == []
    assert runtime.database.get_dossier(code).status == DossierStatus.IN_PROGRESS


@pytest.mark.slow
def test_the_whole_journey_through_the_cli(cli_env, test_pki, tmp_path):  # noqa: F811 - the fixture
    env = {**cli_env, **signing_env(test_pki)}
    first = _sohoa(env, "process", *map(str, INCOMPLETE), "--procedure", "2.000620", "--json")
    assert first.returncode == 0, first.stderr
    code = json.loads(first.stdout)["dossier_code"]
    form = _sohoa(env, "form", code, "--out", str(tmp_path / "mau02.pdf"), "--confirmed")
    assert form.returncode == 0 and "Mẫu 02" in form.stderr, form.stderr
    added = _sohoa(env, "supplement", code, *map(str, MISSING))
    assert added.returncode == 0 and "COMPLETE" in added.stdout and "2 new page(s) read, 3 reused" in added.stdout, added
    assert _sohoa(env, "act", code, "finish").returncode == 76  # no result yet: refused, nothing changed
    assert _sohoa(env, "assign", code, "--to", "chuyen-vien").returncode == 0
    assert _sohoa(env, "act", code, "start").returncode == 0
    issued = _sohoa(env, "result", code, str(make_result_pdf(tmp_path / "gp.pdf")), "--title", "Giấy phép bán lẻ rượu")
    assert issued.returncode == 0 and "B-LTA" in issued.stdout, issued.stderr
    key = issued.stdout.split("archived as ")[1].split()[0]
    listing = _sohoa(env, "queue", "--json")
    assert code not in listing.stdout  # status 9: no longer in a queue
    downloaded = tmp_path / "kq.pdf"
    from sohoa.services.config import Config
    from sohoa.archive import S3ObjectStore

    downloaded.write_bytes(S3ObjectStore(Config.from_env(env).storage).get_bytes(key))
    verified = _sohoa(env, "verify", str(downloaded))
    assert verified.returncode == 0 and "TOTAL_PASSED" in verified.stdout, verified.stdout + verified.stderr
    assert _sohoa(env, "return", code, "--channel", "post").returncode == 0
    history = json.loads(_sohoa(env, "history", code, "--json").stdout)
    assert [e["action"] for e in history] == ["register", "request_supplement", "supply", "receive", "assign", "start",
                                              "finish", "return"]
    assert history[-1]["details"] == {"channel": "post"} and all(e["actor"].startswith("cli:") for e in history)
    assert os.environ.get("SOHOA_TSA_URL") is None  # the PKI reached the command only through its environment


# -- the 766 clock on a real database (both backends), no pipeline ------------------------------------------------


def _received_dossier(database, at: dt.datetime) -> str:
    from sohoa.lifecycle.transitions import apply_action

    code = database.allocate_dossier_code("000.00.06.H56", at)
    database.create_dossier(code, "2.000620", None, 1, at, status=DossierStatus.RECEIVED_NEW, actor="api:le-tan")
    promised = load_rules().calendar.promised_at(at, 10)
    apply_action(database, load_rules(), code, "receive", "api:le-tan", at=at,
                 details={"promised_at": promised.isoformat()}, changes={"promised_at": promised})
    apply_action(database, load_rules(), code, "start", "api:cv", at=at + dt.timedelta(hours=1))
    return code


def test_two_requests_to_supplement_make_it_late_and_a_late_dossier_needs_its_apology(db):
    from sohoa.lifecycle.transitions import apply_action, is_late, return_result

    rules, start = load_rules(), dt.datetime(2026, 3, 2, 8, 0, tzinfo=VIETNAM_TIME)
    code = _received_dossier(db, start)
    for day in (2, 4):  # asked twice, each time back the next day: well within the promised date
        apply_action(db, rules, code, "request_supplement", "api:cv", at=start + dt.timedelta(days=day))
        assert db.get_dossier(code).before_supplement == DossierStatus.IN_PROGRESS
        assert apply_action(db, rules, code, "supply", "api:le-tan", at=start + dt.timedelta(days=day + 1)).to_status == 4
    apply_action(db, rules, code, "finish", "api:cv", at=start + dt.timedelta(days=6), details={"result_id": "r1"})
    assert is_late(db, db.get_dossier(code))
    with pytest.raises(IllegalTransition, match="apology letter"):
        return_result(db, rules, code, "desk", "api:le-tan")
    assert db.get_dossier(code).status == DossierStatus.PROCESSED and db.dossier_history(code)[-1].action == "finish"
    apply_action(db, rules, code, "apologise", "api:cv", details={"result_id": "r2"})
    assert return_result(db, rules, code, "post", "api:le-tan").to_status == DossierStatus.RESULT_RETURNED


def test_supplement_time_is_not_counted_and_one_request_stays_on_time(db):
    from sohoa.lifecycle.transitions import apply_action, is_late

    rules, start = load_rules(), dt.datetime(2026, 3, 2, 8, 0, tzinfo=VIETNAM_TIME)
    code = _received_dossier(db, start)  # promised 16/03 17:00
    apply_action(db, rules, code, "request_supplement", "api:cv", at=start + dt.timedelta(days=1))
    apply_action(db, rules, code, "supply", "api:le-tan", at=start + dt.timedelta(days=11))  # the applicant took 10 days
    apply_action(db, rules, code, "finish", "api:cv", at=dt.datetime(2026, 3, 20, 9, 0, tzinfo=VIETNAM_TIME),
                 details={"result_id": "r1"})  # after the promised date, but within it moved by the 10 days
    assert not is_late(db, db.get_dossier(code))


def test_an_illegal_or_unreasoned_action_changes_nothing(db):
    from sohoa.lifecycle.transitions import apply_action

    code = _received_dossier(db, dt.datetime(2026, 3, 2, 8, 0, tzinfo=VIETNAM_TIME))
    before = (db.get_dossier(code), db.dossier_history(code), len(db.access_log(code)))
    for action, reason in (("receive", ""), ("stop", ""), ("return", ""), ("paid", ""), ("finish", "")):
        with pytest.raises(IllegalTransition):
            apply_action(db, load_rules(), code, action, "api:cv", reason=reason)
    assert (db.get_dossier(code), db.dossier_history(code), len(db.access_log(code))) == before
    event = apply_action(db, load_rules(), code, "stop", "api:cv", reason="doanh nghiệp giải thể")
    assert (event.reason, event.actor, event.to_status) == ("doanh nghiệp giải thể", "api:cv", DossierStatus.STOPPED)
    assert db.access_log(code)[-1].action == "lifecycle:stop"
