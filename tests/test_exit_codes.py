"""Exit codes and messages of the real ``sohoa`` executable (a subprocess, not typer's CliRunner), on real files:
signed under the offline test PKI (tests.conftest_pki), tampered, demo-signed, unreadable; a broken audit chain in
a SQLite database; invalid settings; the token of ``users add``; 80 columns. The table is docs/reliability.md."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from sohoa.signing import SigningSettings, load_signer, sign_copy
from sohoa.tools.testpki import ORGANISATION
from tests.test_signing import make_pdfa_scan
from tests.test_verify import flip_signed_byte

SOHOA = Path(sys.executable).with_name("sohoa")
CODE = "000.00.06.H56-261206-0001"


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict[str, str]:
    """A clean environment: no SOHOA_* of the caller, a fresh data dir (SQLite), an 80-column terminal."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    return {**clean, "SOHOA_DATA_DIR": str(tmp_path_factory.mktemp("exit-data")), "COLUMNS": "80"}


def sohoa(env: dict[str, str], *arguments: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SOHOA), *arguments], capture_output=True, text=True, env={**env, **extra},
                          timeout=120, check=False)


@pytest.fixture(scope="module")
def files(tmp_path_factory, test_pki) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("exit-files")
    scan = make_pdfa_scan(folder / "scan.pdf")
    signer = load_signer(SigningSettings(test_pki.pkcs12("signer"), passphrase_file=test_pki.passphrase_path,
                                         organisation=ORGANISATION, timestamp_url=test_pki.tsa_url))
    good = sign_copy(scan, signer, level="B-LT").data
    made = {"good.pdf": good, "tampered.pdf": flip_signed_byte(good), "garbage.pdf": b"%PDF-1.7\nnot a PDF at all"}
    for name, data in made.items():
        (folder / name).write_bytes(data)
    return {name: folder / name for name in made} | {"missing.pdf": folder / "missing.pdf", "folder": folder}


def test_verify_codes_follow_the_indication(env, files, test_pki):
    trusted = {"SOHOA_TRUST_ANCHORS": str(test_pki.root_pem)}
    good = sohoa(env, "verify", str(files["good.pdf"]), **trusted)
    assert good.returncode == 0 and "TOTAL_PASSED" in good.stdout, good.stdout + good.stderr
    names = ("good.pdf", "tampered.pdf", "garbage.pdf", "missing.pdf")
    several = sohoa(env, "verify", *(str(files[name]) for name in names), "--json", **trusted)
    reports = json.loads(several.stdout)
    assert several.returncode == 1  # the worst: TOTAL_FAILED before unreadable
    assert [r.get("indication") for r in reports] == ["TOTAL_PASSED", "TOTAL_FAILED", "TOTAL_FAILED", None]
    assert reports[1]["sub_indication"] == "HASH_FAILURE" and reports[2]["sub_indication"] == "FORMAT_FAILURE"
    assert "cannot read" in several.stderr and "Traceback" not in several.stderr
    unreadable = sohoa(env, "verify", str(files["good.pdf"]), str(files["folder"]), **trusted)
    assert unreadable.returncode == 3 and "cannot read" in unreadable.stderr
    untrusted = sohoa(env, "verify", str(files["good.pdf"]), "--trust", str(test_pki.stranger_root_pem))
    assert untrusted.returncode == 2 and "--trust" in untrusted.stderr and "SOHOA_TRUST_ANCHORS" in untrusted.stderr
    for usage in (("verify",), ("verify", str(files["good.pdf"]), "--revocation", "maybe")):
        wrong = sohoa(env, *usage, **trusted)
        assert wrong.returncode == 3 and "Traceback" not in wrong.stderr, (usage, wrong.stderr)


def test_a_demo_signed_file_says_why_it_is_indeterminate(env, files):
    made = sohoa(env, "pki", "init")
    assert made.returncode == 0, made.stderr
    pki = Path(env["SOHOA_DATA_DIR"]) / "pki"
    subject = next(line for line in made.stdout.splitlines() if "subject:" in line).split("subject:", 1)[1].strip()
    assert subject.startswith("CN=DEMO") and subject.endswith("C=VN")  # the whole subject on one line at 80 columns
    demo = load_signer(SigningSettings(pki / "demo-signer.p12", passphrase_file=pki / "passphrase.txt",
                                       organisation="Trung tâm Phục vụ hành chính công (DEMO)"))
    signed = files["folder"] / "demo.pdf"
    signed.write_bytes(sign_copy(files["good.pdf"].with_name("scan.pdf").read_bytes(), demo).data)
    checked = sohoa(env, "verify", str(signed))
    assert checked.returncode == 2 and "TRY_LATER" in checked.stdout
    hint = next(line for line in checked.stderr.splitlines() if line.startswith("hint:"))
    assert "DEMO" in hint and "--revocation if_declared" in hint and "SOHOA_VERIFY_REVOCATION" in hint
    assert sohoa(env, "verify", str(signed), "--revocation", "if_declared").returncode == 0
    elsewhere = sohoa(env, "verify", str(signed), SOHOA_DATA_DIR=str(files["folder"] / "other"))
    assert elsewhere.returncode == 2 and "NO_CERTIFICATE_CHAIN_FOUND" in elsewhere.stdout
    assert "demo-root.pem" in elsewhere.stderr and "SOHOA_TRUST_ANCHORS" in elsewhere.stderr


@pytest.mark.parametrize(("variable", "value", "accepted", "command", "code"), [
    ("SOHOA_VERIFY_REVOCATION", "maybe", "require, if_declared or none", "verify", 3),
    ("SOHOA_JOBS", "many", "whole number", "status", 64),
    ("SOHOA_MAX_DOSSIER_PAGES", "0", "a number of pages, at least 1", "status", 64),
    ("SOHOA_S3_SECURE", "perhaps", "true, false", "serve", 64),
    ("SOHOA_S3_LOCK_MODE", "forever", "COMPLIANCE, GOVERNANCE, OFF", "verify", 3),
])
def test_an_invalid_setting_is_one_line_and_a_usage_code(env, files, variable, value, accepted, command, code):
    s3 = {"SOHOA_S3_ENDPOINT": "127.0.0.1:9", "SOHOA_S3_ACCESS_KEY": "a", "SOHOA_S3_SECRET_KEY": "b"}
    arguments = {"verify": ("verify", str(files["good.pdf"])), "serve": ("serve", "--port", "9"), "status": ("status", CODE)}
    done = sohoa(env, *arguments[command], **s3, **{variable: value})
    lines = done.stderr.strip().splitlines()
    assert done.returncode == code and len(lines) == 1, done.stderr
    assert variable in lines[0] and repr(value) in lines[0] and accepted in lines[0], lines


def test_usage_errors_exit_64_without_a_traceback(env):
    for arguments in (("nosuch",), ("process",), ("audit", "verify", "--bogus"), ("users", "add", "x")):
        done = sohoa(env, *arguments)
        assert done.returncode == 64 and "Traceback" not in done.stderr and "Error" in done.stderr, arguments


def test_users_add_prints_the_token_alone(env):
    done = sohoa(env, "users", "add", "mot-cua-01", "--role", "intake")
    assert done.returncode == 0, done.stderr
    token = done.stdout.removesuffix("\n")
    assert done.stdout.endswith("\n") and "\n" not in token and " " not in token and len(token) >= 32
    assert done.stderr.endswith("\n") and "mot-cua-01" in done.stderr and token not in done.stderr


def _database(env):
    from sohoa.services.config import Config
    from sohoa.services.db import open_database

    return open_database(Config.from_env(env).database_url)


def test_a_broken_audit_chain_exits_1_naming_the_entry(env):
    for name in ("a-01", "a-02"):
        assert sohoa(env, "users", "add", name, "--role", "auditor").returncode == 0
    intact = sohoa(env, "audit", "verify", "--no-anchors")
    assert intact.returncode == 0 and "audit log OK" in intact.stdout, intact.stderr
    from sohoa.services.config import Config

    engine = create_engine(Config.from_env(env).database_url)
    with engine.begin() as connection:
        connection.execute(text("DROP TRIGGER IF EXISTS access_log_no_update"))
        bad = connection.execute(text("SELECT max(id) FROM access_log")).scalar_one() - 1
        connection.execute(text(f"UPDATE access_log SET outcome = 'forged' WHERE id = {bad}"))
    broken = sohoa(env, "audit", "verify", "--no-anchors")
    assert broken.returncode == 1 and f"BROKEN at entry {bad}" in broken.stderr, broken.stdout + broken.stderr


def _report(code: str, confidence: float, high: bool) -> dict:
    from tests.test_db import make_report

    report = make_report(code)
    report["variant"] = "new"
    report["checklist"].update(complete=True, present_positions=[1, 2, 3], missing_positions=[], decision="complete",
                               confidence=confidence, high_confidence=high, review_pages=[])
    return report


def test_a_receipt_needs_confirmation_unless_the_verdict_is_high_confidence(env, tmp_path):
    from sohoa.edges.cli.report import verdict_line
    from sohoa.models.report import ChecklistVerdict

    database = _database(env)
    database.create_dossier(CODE, "2.000620", "new", 1, datetime(2026, 12, 6, 3, tzinfo=UTC))
    database.save_report(CODE, _report(CODE, 0.62, high=False))
    unsure = sohoa(env, "form", CODE, "--out", str(tmp_path / "mau.pdf"))
    assert unsure.returncode == 75 and "not high-confidence" in unsure.stderr and not (tmp_path / "mau.pdf").exists()
    confirmed = sohoa(env, "form", CODE, "--out", str(tmp_path / "mau.pdf"), "--confirmed")
    assert confirmed.returncode == 0 and "Mẫu 01" in confirmed.stderr, confirmed.stderr
    line = verdict_line(ChecklistVerdict.model_validate(_report(CODE, 0.62, high=False)["checklist"]), CODE)
    assert line.startswith("NEEDS REVIEW") and "--confirmed" in line
    assert verdict_line(ChecklistVerdict.model_validate(_report(CODE, 0.95, high=True)["checklist"]), CODE) == "COMPLETE"


def test_the_demo_warning_is_whole_at_80_columns(env, s3_settings, tmp_path):
    storage = dataclasses.replace(s3_settings, bucket=f"exit-{uuid.uuid4().hex[:12]}")
    s3 = {"SOHOA_S3_ENDPOINT": storage.endpoint, "SOHOA_S3_ACCESS_KEY": storage.access_key,
          "SOHOA_S3_SECRET_KEY": storage.secret_key, "SOHOA_S3_BUCKET": storage.bucket,
          "SOHOA_S3_LOCK_MODE": "GOVERNANCE", "SOHOA_S3_RETENTION_DAYS": "1"}
    broken = tmp_path / "giay-phep.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj\n<<")
    try:
        done = sohoa(env, "process", str(broken), "--procedure", "2.000620", **s3)
    finally:
        from tests.conftest_s3 import drop_bucket

        drop_bucket(storage)
    assert done.returncode == 65 and "Traceback" not in done.stderr, done.stderr
    warning = next(line for line in done.stderr.splitlines() if "DEMO" in line)
    assert warning.endswith("(set SOHOA_SIGNING_P12).") and len(warning) > 80


def test_post_verify_answers_in_the_accepted_format(config_for, files):
    from fastapi.testclient import TestClient

    from sohoa.edges.api.app import create_app
    from sohoa.services.access import Role, issue_token
    from sohoa.services.runtime import build_runtime

    runtime = build_runtime(config_for(), sign=False)
    token, digest = issue_token()
    runtime.database.add_api_user("kiem-toan-01", Role.AUDITOR, digest)
    client = TestClient(create_app(runtime, queue=object()))
    auth = {"Authorization": f"Bearer {token}"}
    upload = [("file", ("good.pdf", files["good.pdf"].read_bytes(), "application/pdf"))]
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    for accept, media_type in ((browser, "text/html"), ("application/pdf", "application/pdf"),
                               (None, "application/json"), ("application/json;q=1, text/html;q=0.5", "application/json")):
        answer = client.post("/verify", files=upload, headers=auth | ({"Accept": accept} if accept else {}))
        assert answer.status_code == 200 and answer.headers["content-type"].startswith(media_type), (accept, answer.text)
    html = client.post("/verify", files=upload, headers=auth | {"Accept": browser})
    assert "Báo cáo kiểm tra chữ ký số" in html.text
    explicit = client.post("/verify", params={"format": "json"}, files=upload, headers=auth | {"Accept": browser})
    assert explicit.headers["content-type"].startswith("application/json")
