"""The supervision routes on a real runtime (SeaweedFS, SQLite): GET /stats as JSON and CSV, the dossiers behind a
number, GET /violations and GET /export in the portal's field names, permission-checked and logged; the same
through `sohoa stats`, `sohoa violations` and `sohoa export`."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from sohoa.edges.api.app import create_app
from sohoa.edges.cli.main import app as cli_app
from sohoa.services.access import Role, issue_token
from sohoa.services.db.lifecycle import ResultRecord
from sohoa.services.runtime import build_runtime
from sohoa.supervision.export import FIELDS
from tests.supervision_month import AGENCY, codes, record_month
from tests.test_supervision_stats import KNOWN

NOVEMBER = {"first": "2026-11-01", "last": "2026-11-30", "agency": AGENCY}


@pytest.fixture(scope="module")
def service(config_for):
    config = config_for()
    runtime = build_runtime(config, sign=False)
    record_month(runtime.database)
    a1 = codes("A1")[0]
    runtime.database.add_result(ResultRecord(
        id="kq-a1", dossier_code=a1, kind="result", title="Giấy phép bán lẻ rượu", source_sha256="cd" * 32,
        signed_key="results/ab/kq-a1.pdf", signed_sha256="ab" * 32, size=1000, level="B-B", signer="CN=demo",
        issued_at=datetime(2026, 11, 4, 3, 0, tzinfo=UTC), issued_by="api:cv"))
    tokens = {}
    for role in (Role.AUDITOR, Role.INTAKE):
        token, digest = issue_token()
        runtime.database.add_api_user(f"{role}-stats", role, digest)
        tokens[role] = {"Authorization": f"Bearer {token}"}
    yield runtime, TestClient(create_app(runtime, object())), tokens, config


def test_stats_as_json_and_csv_give_the_hand_count(service):
    runtime, client, tokens, _ = service
    answer = client.get("/stats", params=NOVEMBER, headers=tokens[Role.AUDITOR])
    assert answer.status_code == 200, answer.text
    (line,) = answer.json()["lines"]
    assert {name: (f["count"], f.get("of")) for name, f in line["figures"].items()} == KNOWN
    assert line["figures"]["late"] == {"count": 3, "of": 11, "percent": "27.27", "shown": "27.27"}
    for extra in ({"params": {**NOVEMBER, "format": "csv"}}, {"params": NOVEMBER, "headers": {"Accept": "text/csv"}}):
        sent = client.get("/stats", **{**extra, "headers": {**tokens[Role.AUDITOR], **extra.get("headers", {})}})
        assert sent.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(sent.text)))
        assert (rows[0]["period"], rows[0]["digitized"], rows[0]["digitized_of"]) == ("2026-11", "81.82", "11")
    assert ("api:auditor-stats", "stats") in [(e.actor, e.action) for e in runtime.database.iter_access_log()]


def test_the_dossiers_behind_a_number_are_listed_and_logged(service):
    runtime, client, tokens, _ = service
    answer = client.get("/stats/dossiers", params={**NOVEMBER, "figure": "late", "line": "2026-11"},
                        headers=tokens[Role.AUDITOR])
    assert answer.json()["dossiers"] == list(codes("A3", "A5", "A13"))
    assert runtime.database.access_log(codes("A13")[0])[-1].action == "stats"
    unknown = client.get("/stats/dossiers", params={**NOVEMBER, "figure": "x", "line": "2026-11"},
                         headers=tokens[Role.AUDITOR])
    assert unknown.status_code == 422 and "unknown figure" in unknown.text


def test_the_front_desk_may_not_read_the_figures(service):
    _, client, tokens, _ = service
    for path in ("/stats", "/violations", "/export"):
        assert client.get(path, params=NOVEMBER, headers=tokens[Role.INTAKE]).status_code == 403
        assert client.get(path, params=NOVEMBER).status_code == 401


def test_violations_name_rule_dossier_and_evidence(service):
    _, client, tokens, _ = service
    found = client.get("/violations", params={**NOVEMBER, "rule": "accepted_outside_checklist"},
                       headers=tokens[Role.AUDITOR]).json()
    assert [(v["dossier_code"], v["evidence"]) for v in found] == [
        (codes("A8")[0], {"missing_required": "Bản sao Giấy chứng nhận đăng ký doanh nghiệp"})]


def test_export_uses_the_portal_field_names(service):
    runtime, client, tokens, _ = service
    exported = client.get("/export", params=NOVEMBER, headers=tokens[Role.AUDITOR]).json()
    assert len(exported) == 13 and all(tuple(record) == FIELDS for record in exported)
    a1 = next(record for record in exported if record["MaHoSo"] == codes("A1")[0])
    assert (a1["MaTTHC"], a1["TrangThaiHoSo"], a1["KenhThucHien"]) == ("2.000620", "10", "1")
    assert (a1["NgayTiepNhan"], a1["NgayHenTra"], a1["NgayKetThucXuLy"], a1["NgayTra"]) == (
        "20261102090000", "20261106160000", "20261104100000", "20261104150000")
    (result,) = a1["DanhSachGiayToKetQua"]
    assert result["GiayToId"] == "kq-a1" and result["DuongDanTepTinKetQua"].endswith("/xac-minh/kq-a1")
    assert [item["DuocSoHoa"] for item in a1["TaiLieuNop"]] == ["1", "1", "1"] and a1["HoSoCoThanhPhanSoHoa"] == "1"
    a2 = next(record for record in exported if record["MaHoSo"] == codes("A2")[0])
    assert [item["DuocTaiSuDung"] for item in a2["TaiLieuNop"]] == ["0", "1", "0"]
    assert runtime.database.access_log(codes("A2")[0])[-1].action == "export"


def test_the_commands_print_the_same(service):
    _, _, _, config = service
    env = {"SOHOA_DATA_DIR": str(config.data_dir), "SOHOA_DATABASE_URL": config.database_url}
    runner = CliRunner()
    printed = runner.invoke(cli_app, ["stats", "--from", "2026-11-01", "--to", "2026-11-30", "--agency", AGENCY,
                                      "--json"], env=env)
    assert printed.exit_code == 0, printed.output
    figures = json.loads(printed.output)["lines"][0]["figures"]
    assert {name: (f["count"], f.get("of")) for name, f in figures.items()} == KNOWN
    table = runner.invoke(cli_app, ["stats", "--from", "2026-11-01", "--to", "2026-11-30", "--agency", AGENCY,
                                    "--by", "channel", "--csv"], env=env)
    assert [row["group"] for row in csv.DictReader(io.StringIO(table.output))] == ["1", "2", "3"]
    listed = runner.invoke(cli_app, ["stats", "--from", "2026-11-01", "--to", "2026-11-30", "--agency", AGENCY,
                                     "--dossiers", "overdue_open"], env=env)
    assert listed.output.split() == list(codes("A6"))
    violations = runner.invoke(cli_app, ["violations", "--from", "2026-11-01", "--to", "2026-11-30", "--json"], env=env)
    assert {v["rule"] for v in json.loads(violations.output)} == {
        "accepted_outside_checklist", "repeated_supplement_request", "late_processing", "late_without_apology"}
    export = runner.invoke(cli_app, ["export", "--from", "2026-11-01", "--to", "2026-11-30", "--agency", AGENCY],
                           env=env)
    assert [record["MaHoSo"] for record in json.loads(export.output)][:1] == list(codes("A1"))
