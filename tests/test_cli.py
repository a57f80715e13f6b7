"""The `sohoa` command as a user runs it: a real process, real servers, exit codes and messages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.conftest import sample_files
from tests.conftest_s3 import drop_bucket

SOHOA = Path(sys.executable).with_name("sohoa")


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory, s3_settings):
    import dataclasses

    storage = dataclasses.replace(s3_settings, bucket=f"cli-{uuid.uuid4().hex[:12]}")
    env = {
        **os.environ,
        "SOHOA_DATA_DIR": str(tmp_path_factory.mktemp("cli-data")),
        "SOHOA_S3_ENDPOINT": storage.endpoint,
        "SOHOA_S3_ACCESS_KEY": storage.access_key,
        "SOHOA_S3_SECRET_KEY": storage.secret_key,
        "SOHOA_S3_BUCKET": storage.bucket,
        "SOHOA_S3_LOCK_MODE": "GOVERNANCE",  # so drop_bucket can remove what the CLI stored
        "SOHOA_S3_RETENTION_DAYS": "1",
    }
    yield env
    drop_bucket(storage)


def _sohoa(env, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SOHOA), *arguments], capture_output=True, text=True, env=env, timeout=600, check=False)


@pytest.mark.slow
def test_process_json_report_and_out_dir(cli_env, tmp_path):
    out = tmp_path / "out"
    done = _sohoa(cli_env, "process", *map(str, sample_files()), "--procedure", "2.000620", "--json", "--out", str(out))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["schema_version"] == "1.0"
    assert report["checklist"]["complete"] is True
    assert {t["stage"] for t in report["timings"]} >= {"intake", "pages", "classify", "pdfa", "sign", "archive_results"}
    written = sorted(p.name for p in out.iterdir())
    assert sum(name.endswith(".signed.pdf") for name in written) == 3
    assert sum(name.endswith(".pdfa.pdf") for name in written) == 3
    status = _sohoa(cli_env, "status", report["dossier_code"], "--json")
    assert json.loads(status.stdout)["status"] == 2
    found = _sohoa(cli_env, "search", "GIAY PHEP ban le", "--procedure", "2.000620", "--json")
    assert report["dossier_code"] in [hit["dossier_code"] for hit in json.loads(found.stdout)], found.stderr
    receipt = _sohoa(cli_env, "form", report["dossier_code"], "--out", str(tmp_path / "mau.pdf"), "--confirmed")
    assert receipt.returncode == 0 and "Mẫu 01" in receipt.stderr, receipt.stderr  # the sample dossier is complete
    assert (tmp_path / "mau.pdf").read_bytes().startswith(b"%PDF")
    refused = _sohoa(cli_env, "search", "???")
    assert refused.returncode == 64 and "no letters or digits" in refused.stderr
    signed = next(p for p in sorted(out.iterdir()) if p.name.endswith(".signed.pdf"))
    verified = _sohoa(cli_env, "verify", str(signed), "--json")
    assert verified.returncode in (0, 2), verified.stderr  # passed, or indeterminate without revocation data
    checked = json.loads(verified.stdout)
    assert checked["archive_match"]["dossier_code"] == report["dossier_code"]
    assert checked["pdfa"] is not None


@pytest.mark.slow
def test_process_without_procedure_takes_it_from_the_papers_and_reads_each_page_once(cli_env, tmp_path):
    env = {**cli_env, "SOHOA_DATA_DIR": str(tmp_path / "data")}  # an empty page cache: nothing read before
    done = _sohoa(env, "process", *map(str, sample_files()), "--json")
    assert done.returncode == 0, done.stderr
    assert "1. 2.000620 (new) Cấp Giấy phép bán lẻ rượu — confidence 0.99" in done.stderr
    assert "required found 3/3" in done.stderr and "procedure chosen from the papers: 2.000620 (new)" in done.stderr
    report = json.loads(done.stdout)
    assert (report["procedure_code"], report["variant"], report["checklist"]["complete"]) == ("2.000620", "new", True)
    assert len(report["pages"]) == 5 and all(page["reused"] for page in report["pages"])  # read once, by the ranking
    assert next(t for t in report["timings"] if t["stage"] == "pages.ocr")["seconds"] == 0
    assert len([entry for entry in (tmp_path / "data" / "pages").iterdir() if not entry.name.startswith(".")]) == 5
    ranked = _sohoa(env, "propose", *map(str, sample_files()), "--json")
    assert ranked.returncode == 0, ranked.stderr
    assert json.loads(ranked.stdout)[0]["procedure_code"] == "2.000620"


def test_process_without_procedure_stops_with_64_when_the_papers_name_none(cli_env, tmp_path):
    from PIL import Image

    blank = tmp_path / "blank.png"
    Image.new("L", (2480, 3508), 255).save(blank, dpi=(300, 300))
    done = _sohoa({**cli_env, "SOHOA_DATA_DIR": str(tmp_path / "data")}, "process", str(blank))
    assert done.returncode == 64, done.stderr
    assert "pass --procedure" in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""  # no dossier received, no report
    refused = _sohoa(cli_env, "process", str(blank), "--variant", "new")
    assert refused.returncode == 64 and "--variant needs --procedure" in refused.stderr


def test_bad_file_exits_65_naming_the_file(cli_env, tmp_path):
    broken = tmp_path / "giay-phep.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj\n<<")
    done = _sohoa(cli_env, "process", str(broken), "--procedure", "2.000620")
    assert done.returncode == 65
    assert "giay-phep.pdf" in done.stderr and "truncated" in done.stderr
    assert "Traceback" not in done.stderr


def test_unknown_procedure_exits_64_with_suggestions(cli_env):
    done = _sohoa(cli_env, "process", str(sample_files()[0]), "--procedure", "2.000621")
    assert done.returncode == 64
    assert "2.000620" in done.stderr


def test_catalog_commands(cli_env):
    listed = json.loads(_sohoa(cli_env, "catalog", "list", "--json").stdout)
    assert "2.000620" in {p["code"] for p in listed}
    shown = json.loads(_sohoa(cli_env, "catalog", "show", "2.000648", "--json").stdout)
    positions = [c["position"] for c in shown["variants"][0]["components"]]
    assert positions == [1, 2, 3, 4]


def test_pki_init_creates_a_labelled_demo_identity(cli_env, tmp_path):
    done = _sohoa(cli_env, "pki", "init", "--directory", str(tmp_path / "pki"))
    assert done.returncode == 0, done.stderr
    assert "NOT FOR PRODUCTION" in done.stdout
    assert (tmp_path / "pki").is_dir() and any(p.suffix == ".p12" for p in (tmp_path / "pki").iterdir())
