"""Key fields a person can trust (issue 15, part 5): the checks (MST check digit, calendar dates, số ký hiệu),
the fields of a generated certificate read by the real pipeline (OpenCV, Tesseract, SeaweedFS, PostgreSQL) with
their page region and confidence, and a specialist's correction through the API, recorded and reflected."""

from __future__ import annotations

import dataclasses

import pytest

from sohoa.catalog import load_catalog
from sohoa.classification.checks import check_date, check_enterprise_code, check_number, mst_check_digit
from sohoa.classification.keyfields import field_confidence, find_words
from sohoa.ocr.engine import Word

CERTIFICATE = 2
"""Component 2 of procedure 2.000620: the business registration certificate."""


@pytest.mark.parametrize("code, state", [
    ("0100233488", "valid"), ("0100047516", "valid"), ("0314409058-002", "valid"), ("0314409058002", "valid"),
    ("0100233489", "invalid"), ("0100233588", "invalid"), ("0314409058-000", "invalid"), ("010023348", "invalid"),
    ("0000000000", "invalid"), ("01002334880", "invalid"), ("", "missing"),
])
def test_enterprise_code_check_digit(code, state):
    assert check_enterprise_code(code).state == state


def test_check_digit_rule_and_normal_form():
    assert mst_check_digit("010004751") == 6  # 158 mod 11 = 4, 10 - 4
    assert mst_check_digit("010023348") == 8
    assert mst_check_digit("000000011") is None or mst_check_digit("000000011") <= 9
    no_digit = next(f"{n:09d}" for n in range(10**8, 10**9) if sum(
        int(d) * w for d, w in zip(f"{n:09d}", (31, 29, 23, 19, 17, 13, 7, 5, 3))) % 11 == 0)
    assert mst_check_digit(no_digit) is None  # remainder 0: no tenth digit makes a valid code
    assert all(check_enterprise_code(no_digit + str(d)).state == "invalid" for d in range(10))
    assert check_enterprise_code("0314 409 058-002").normalized == "0314409058-002"


@pytest.mark.parametrize("text, state, iso", [
    ("05/03/2024", "valid", "2024-03-05"), ("5.3.2024", "valid", "2024-03-05"), ("2024-02-29", "valid", "2024-02-29"),
    ("ngày 29 tháng 02 năm 2024", "valid", "2024-02-29"), ("Hà Nội, ngày 5 tháng 3 năm 2024", "valid", "2024-03-05"),
    ("29/02/2023", "invalid", None), ("31/04/2024", "invalid", None), ("ngày 32 tháng 1 năm 2024", "invalid", None),
    ("01/01/1900", "invalid", None), ("hôm qua", "invalid", None), ("", "missing", None),
])
def test_dates_are_calendar_dates(text, state, iso):
    checked = check_date(text)
    assert checked.state == state
    if iso:
        assert checked.normalized == iso


@pytest.mark.parametrize("number, state", [
    ("123/2024/QĐ-UBND", "valid"), ("45/GP-SCT", "valid"), ("01/2021/TT-BCT", "valid"), ("12/2023/NĐ-CP", "valid"),
    ("45 / GP-SCT", "valid"), ("GP-SCT", "invalid"), ("123/2024", "invalid"), ("45/gp-sct/", "invalid"), ("", "missing"),
])
def test_so_ky_hieu_format(number, state):
    assert check_number(number).state == state


def test_words_of_a_value_and_its_confidence():
    words = [Word("UBND", (10, 10, 60, 30), 96), Word("TỈNH", (65, 10, 110, 30), 91), Word("CỘNG", (400, 10, 460, 30), 95),
             Word("HÒA", (465, 10, 500, 30), 95), Word("SỞ", (10, 40, 40, 60), 88), Word("CÔNG", (45, 40, 90, 60), 93),
             Word("THƯƠNG", (95, 40, 160, 60), 90), Word("Số:", (10, 70, 40, 90), 90), Word("45/GP-SCT", (45, 70, 140, 90), 84),
             Word("ngày", (300, 70, 340, 90), 92), Word("05", (345, 70, 365, 90), 77), Word("tháng", (370, 70, 410, 90), 93),
             Word("3", (415, 70, 425, 90), 90), Word("năm", (430, 70, 460, 90), 95), Word("2024", (465, 70, 505, 90), 94)]
    assert [w.text for w in find_words("number", "45/GP-SCT", words)] == ["45/GP-SCT"]
    assert [w.text for w in find_words("issue_date", "2024-03-05", words)] == ["ngày", "05", "tháng", "3", "năm", "2024"]
    assert [w.text for w in find_words("issuer", "UBND TỈNH - SỞ CÔNG THƯƠNG", words)] == [
        "UBND", "TỈNH", "SỞ", "CÔNG", "THƯƠNG"]  # a header column beside the Quốc hiệu
    assert find_words("number", "46/GP-SCT", words) == []
    assert field_confidence("number", 0.84, "valid") == 0.84
    assert field_confidence("number", 0.84, "invalid") == pytest.approx(0.084)
    assert field_confidence("enterprise_code", 0.5, "valid") == pytest.approx(0.917, abs=1e-3)  # a passed check digit


@pytest.fixture(scope="module")
def digitized(config_for, postgres_url, tmp_path_factory):
    """A generated dossier of procedure 2.000620 (application and business registration certificate, 300 dpi)
    read by the real pipeline into PostgreSQL and SeaweedFS."""
    from sohoa.lifecycle.reception import digitize_dossier, receive_dossier
    from sohoa.services.runtime import build_runtime
    from sohoa.tools.corpus.dossier import generate_dossier
    from sohoa.tools.corpus.models import DossierTruth, ScanOptions

    root = tmp_path_factory.mktemp("fields")
    options = ScanOptions(dpi=300, blank_back_probability=0, rotate_probability=0)
    generate_dossier(load_catalog().get("2.000620"), None, 7, root, options)
    truth = DossierTruth.model_validate_json((root / "truth.json").read_text(encoding="utf-8"))
    runtime = build_runtime(dataclasses.replace(config_for(postgres_url), jobs=1), sign=False)
    record = receive_dossier(runtime, "2.000620", None)
    digitize_dossier(runtime, record, tuple(sorted(root.glob("page-*.jpg"))), actor="test")
    return runtime, record.code, truth


def _certificate(report: dict) -> dict:
    return next(d for d in report["checklist"]["documents"] if d["position"] == CERTIFICATE)


@pytest.mark.slow
def test_a_read_certificate_carries_each_field_with_region_and_confidence(digitized):
    runtime, code, truth = digitized
    report = runtime.database.get_dossier(code).report
    document = _certificate(report)
    fields = {f["name"]: f for f in document["fields"]}
    printed = next(d for d in truth.documents if d.component_position == CERTIFICATE)
    code_field = fields["enterprise_code"]
    assert code_field["normalized"] == printed.facts["tax_code"]
    assert code_field["check"] == "valid" and 0.9 <= code_field["confidence"] <= 1
    assert code_field["page"] in document["pages"]
    left, top, right, bottom = code_field["region"]
    width, height = code_field["page_size"]
    assert 0 <= left < right <= width and 0 <= top < bottom <= height
    assert code_field["dpi"] == pytest.approx(300, abs=2)
    # the words inside the region are the code's words: read the OCR document's words back
    assert 0 < code_field["ocr_confidence"] <= 1

    for name in ("issue_date", "enterprise_name"):
        assert fields[name]["value"] and fields[name]["region"] is not None, fields[name]
    if printed.issue_date:
        assert fields["issue_date"]["normalized"] == printed.issue_date and fields["issue_date"]["check"] == "valid"


@pytest.mark.slow
def test_a_correction_through_the_api_is_recorded_and_wins_everywhere(digitized):
    from fastapi.testclient import TestClient

    from sohoa.edges.api.app import create_app
    from sohoa.services.access import Role, issue_token
    from sohoa.supervision.reuse_service import index_pending

    runtime, code, _ = digitized
    index_pending(runtime.database)
    document = _certificate(runtime.database.get_dossier(code).report)
    page, read = document["pages"][0], document["enterprise_code"]
    tokens = {}
    for role in (Role.SPECIALIST, Role.INTAKE):
        token, digest = issue_token()
        runtime.database.add_api_user(f"fields-{role.value}", role, digest)
        tokens[role] = {"Authorization": f"Bearer {token}"}
    client = TestClient(create_app(runtime, object()))
    url = f"/dossiers/{code}/pages/{page}/fields/enterprise_code"
    assert client.put(url, json={"value": "0100233488"}, headers=tokens[Role.INTAKE]).status_code == 403
    refused = client.put(url, json={"value": "0100233489"}, headers=tokens[Role.SPECIALIST])
    assert refused.status_code == 422 and "check digit" in refused.json()["detail"]
    assert client.put(f"/dossiers/{code}/pages/999/fields/number", json={"value": "1/GP-SCT"},
                      headers=tokens[Role.SPECIALIST]).status_code == 404
    answer = client.put(url, json={"value": "0100 233 488"}, headers=tokens[Role.SPECIALIST])
    assert answer.status_code == 200, answer.text
    assert (answer.json()["extracted_value"], answer.json()["new_value"], answer.json()["normalized_value"]) == (
        read, "0100 233 488", "0100233488")
    # the report, the paper index and the GET view carry the corrected value; the value read stays in history
    document = _certificate(runtime.database.get_dossier(code).report)
    field = next(f for f in document["fields"] if f["name"] == "enterprise_code")
    assert document["enterprise_code"] == "0100233488" and field["confidence"] == 1.0
    assert field["correction"]["extracted_value"] == read and field["correction"]["corrected_by"] == "api:fields-specialist"
    with runtime.database._read("test") as connection:
        from sohoa.services.db.reuse_schema import papers

        indexed = connection.execute(papers.select().where(papers.c.dossier_code == code,
                                                           papers.c.position == CERTIFICATE)).one()
    assert indexed.enterprise_code == "0100233488"
    view = client.get(f"/dossiers/{code}/fields", headers=tokens[Role.SPECIALIST]).json()
    assert [c["new_value"] for c in view["corrections"]] == ["0100 233 488"]
    log = [(e.actor, e.action, e.outcome, e.event_hash) for e in runtime.database.access_log(code)]
    entry = next(e for e in log if e[1] == "field-correct" and e[2].startswith("ok"))
    assert entry[0] == "api:fields-specialist" and f"(read {read!r})" in entry[2] and "'0100 233 488'" in entry[2]
    assert entry[3] == view["corrections"][0]["event_hash"]
    assert any(e[1] == "field-correct" and e[2].startswith("failed: FieldRejected") for e in log)
    # a new reading of the same papers (a supplement) keeps the person's value
    report = runtime.database.get_dossier(code).report
    again = {**report, "checklist": {**report["checklist"], "documents": [
        {**d, "enterprise_code": read, "fields": [f for f in d.get("fields", ()) if f["name"] != "enterprise_code"]}
        for d in report["checklist"]["documents"]]}}
    runtime.database.save_report(code, again)
    assert _certificate(runtime.database.get_dossier(code).report)["enterprise_code"] == "0100233488"
