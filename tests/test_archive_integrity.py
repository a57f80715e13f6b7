"""BagIt export, fixity audits with repair from a replica, and the archive/audit CLIs, on a real
SeaweedFS and SQLite/PostgreSQL."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import uuid
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

import bagit
import pytest
from typer.testing import CliRunner

from sohoa.archive import S3ObjectStore, content_key
from sohoa.services.preservation.bag import export_bag
from sohoa.edges.cli.archive import archive_app
from sohoa.services.preservation.fixity import run_fixity_audit, sync_replica
from sohoa.services.audit import verify_audit_chain
from sohoa.edges.cli.audit import audit_app
from sohoa.services.db import Channel, Database
from tests.conftest_s3 import drop_bucket, minio_client
from tests.test_audit_chain import fresh_postgres_database

CODE = "000.00.06.H56-261122-0001"
RECEIVED = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)


def _put(store: S3ObjectStore, prefix: str, data: bytes, suffix: str, content_type: str) -> dict:
    stored = store.put_bytes(content_key(prefix, hashlib.sha256(data).hexdigest(), suffix), data, content_type)
    return {"key": stored.key, "sha256": stored.sha256, "size": stored.size, "sha512": stored.sha512}


def _dossier(store: S3ObjectStore, database: Database) -> dict:
    """A dossier with two originals, one component (PDF/A + signed), OCR and manifest."""
    database.create_dossier(CODE, "2.000620", "new", Channel.IN_PERSON, RECEIVED)
    scan1, scan2 = b"%PDF-1.4 scan one " + os.urandom(3000), b"\xff\xd8\xff scan two " + os.urandom(2000)
    o1, o2 = _put(store, "originals", scan1, "", "application/pdf"), _put(store, "originals", scan2, "", "image/jpeg")
    pdfa = _put(store, "pdfa", b"%PDF-1.7 pdfa " + os.urandom(4000), ".pdf", "application/pdf")
    signed = _put(store, "signed", b"%PDF-1.7 signed " + os.urandom(4000), ".pdf", "application/pdf")
    ocr = _put(store, "ocr", json.dumps({"text": "Giấy phép"}).encode(), ".json", "application/json")
    manifest = _put(store, "manifests", json.dumps({"m": 1}).encode(), ".json", "application/json")
    del pdfa["sha512"]  # as reports record it today: sha256 only (the audit fills sha512 in)
    report = {
        "dossier_code": CODE, "variant": "new",
        "sources": [{"name": "Đơn đề nghị.pdf", "object_key": o1["key"], "sha256": o1["sha256"], "size": o1["size"]},
                    {"name": "CCCD mặt trước.jpg", "object_key": o2["key"], "sha256": o2["sha256"], "size": o2["size"]}],
        "components": [{"position": 1, "name": "Văn bản đề nghị cấp giấy phép", "pdfa": pdfa, "signed": signed}],
        "ocr": {"object": ocr}, "manifest": manifest,
    }
    database.save_report(CODE, report)
    return report


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path: Path):
    with ExitStack() as stack:
        url = (f"sqlite:///{tmp_path / 'integrity.db'}" if request.param == "sqlite"
               else stack.enter_context(fresh_postgres_database()))
        db = Database(url)
        stack.callback(db.close)
        db.upgrade()
        yield db


@pytest.fixture
def replica(s3_settings):
    settings = dataclasses.replace(s3_settings, bucket=f"replica-{uuid.uuid4().hex[:16]}")
    store = S3ObjectStore(settings)
    yield store
    drop_bucket(settings)


def test_export_bag_validates_with_bagit(object_store: S3ObjectStore, database: Database, tmp_path: Path) -> None:
    report = _dossier(object_store, database)
    path = export_bag(CODE, tmp_path / "out", object_store, database, organisation="Sở Công Thương Thanh Hóa")
    bag = bagit.Bag(str(path))
    bag.validate()  # complete and valid: every payload file present, every digest (both algorithms) matches
    assert sorted(bag.algorithms) == ["sha256", "sha512"]
    assert bag.info["Dossier-Code"] == CODE and bag.info["Procedure-Code"] == "2.000620"
    assert bag.info["Source-Organization"] == "Sở Công Thương Thanh Hóa"
    files = sorted(bag.payload_files())
    assert "data/originals/Đơn đề nghị.pdf" in files and "data/signed/01-Văn bản đề nghị cấp giấy phép.pdf" in files
    assert len(files) == 7  # 2 originals, pdfa, signed, ocr, manifest, report.json
    assert (path / "data/originals/CCCD mặt trước.jpg").stat().st_size == report["sources"][1]["size"]
    assert (tmp_path / "out").iterdir().__next__() == path  # no temporary directory left behind
    # tampering with the exported bag is what bagit then reports
    (path / "data/ocr.json").write_bytes(b"{}")
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(path)).validate()
    assert [e.action for e in database.access_log(CODE)] == ["export"]


def test_fixity_audit_detects_and_repairs_from_replica(object_store: S3ObjectStore, replica: S3ObjectStore,
                                                       database: Database) -> None:
    report = _dossier(object_store, database)
    assert len(sync_replica(object_store, replica, database)) == 6
    raw, bucket = minio_client(object_store.settings), object_store.settings.bucket
    changed_key, missing_key = report["sources"][0]["object_key"], report["components"][0]["signed"]["key"]
    original = object_store.get_bytes(changed_key)
    # behind the store's back: bit rot keeping the metadata, a deletion, and a stray object
    rotten = bytearray(original)
    rotten[100] ^= 0x01
    raw.put_object(bucket, changed_key, io.BytesIO(bytes(rotten)), len(rotten),
                   metadata={"sha256": report["sources"][0]["sha256"]})
    raw.remove_object(bucket, missing_key)
    raw.put_object(bucket, "stray/x.bin", io.BytesIO(b"stray"), 5)

    summary = run_fixity_audit(object_store, database, replica, limit=100)
    assert summary.checked == 6
    assert summary.changed == (changed_key,) and summary.missing == (missing_key,)
    assert summary.untracked == ("stray/x.bin",)
    assert sorted(summary.repaired) == sorted([changed_key, missing_key]) and summary.healthy
    assert object_store.get_bytes(changed_key) == original
    assert object_store.exists(missing_key)
    events = database.preservation_events(changed_key)
    assert [(e.event_type, e.outcome) for e in events] == [("repair", "repaired"), ("fixity_check", "changed")]
    # the audit filled in the SHA-512 the report did not carry
    pdfa = next(a for a in database.list_artifacts(CODE) if a.kind == "pdfa")
    assert pdfa.sha512 == hashlib.sha512(object_store.get_bytes(pdfa.key)).hexdigest()

    # rotation: the next runs take the longest unchecked first; all is well now
    first = run_fixity_audit(object_store, database, limit=3, scan_untracked=False)
    second = run_fixity_audit(object_store, database, limit=3, scan_untracked=False)
    assert first.healthy and second.healthy
    assert not {f.key for f in first.findings} & {f.key for f in second.findings}
    assert verify_audit_chain(database).ok


def test_audit_without_replica_reports_unrepaired(object_store: S3ObjectStore, database: Database) -> None:
    report = _dossier(object_store, database)
    raw = minio_client(object_store.settings)
    key = report["ocr"]["object"]["key"]
    raw.put_object(object_store.settings.bucket, key, io.BytesIO(b"{}"), 2)  # no metadata at all
    summary = run_fixity_audit(object_store, database, None, limit=2)  # never-checked first, in key order
    assert summary.checked == 2
    summary = run_fixity_audit(object_store, database, None, limit=10)
    assert summary.changed == (key,) and summary.unrepaired == (key,) and not summary.healthy
    # a failed object is checked again first next time
    assert database.fixity_due(1)[0].object_key == key


def test_cli_export_audit_verify(object_store: S3ObjectStore, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    database = Database(url)
    database.upgrade()
    _dossier(object_store, database)
    settings = object_store.settings
    env = {"SOHOA_DATA_DIR": str(tmp_path / "data"), "SOHOA_DATABASE_URL": url,
           "SOHOA_S3_ENDPOINT": settings.endpoint, "SOHOA_S3_ACCESS_KEY": settings.access_key,
           "SOHOA_S3_SECRET_KEY": settings.secret_key, "SOHOA_S3_BUCKET": settings.bucket,
           "SOHOA_S3_LOCK_MODE": "GOVERNANCE", "SOHOA_S3_RETENTION_DAYS": "1"}
    runner = CliRunner()
    done = runner.invoke(archive_app, ["export", CODE, str(tmp_path / "bags")], env=env)
    assert done.exit_code == 0, done.output
    bagit.Bag(done.output.strip()).validate()
    done = runner.invoke(archive_app, ["audit", "--json"], env=env)
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["checked"] == 6
    done = runner.invoke(audit_app, ["verify"], env=env)
    assert done.exit_code == 0 and "1 anchor(s) agree" in done.output, done.output
    database.close()


def test_archive_stage_locks_everything_and_writes_both_digests(object_store: S3ObjectStore, tmp_path: Path) -> None:
    from datetime import timedelta

    from sohoa.archive import GOVERNANCE, ObjectLock
    from sohoa.intake.files import AcceptedFile
    from sohoa.models.report import PdfaVerdict
    from sohoa.models.dossier import DossierRequest
    from sohoa.archive.dossier import archive_originals, archive_results
    from sohoa.models.dossier import ComponentBuild

    scan = tmp_path / "Đơn.pdf"
    scan.write_bytes(b"%PDF-1.4 scan " + os.urandom(1000))
    pdfa, signed = tmp_path / "c1.pdf", tmp_path / "c1.signed.pdf"
    pdfa.write_bytes(b"%PDF-1.7 pdfa " + os.urandom(1000))
    signed.write_bytes(b"%PDF-1.7 signed " + os.urandom(1000))
    lock = ObjectLock.for_period(GOVERNANCE, timedelta(days=3))
    accepted = (AcceptedFile(name="Đơn.pdf", path=scan, sha256=hashlib.sha256(scan.read_bytes()).hexdigest(),
                             size=scan.stat().st_size, media_type="application/pdf", page_count=1,
                             born_digital_texts=(None,)),)
    sources = archive_originals(accepted, object_store, lock)
    verdict = PdfaVerdict(flavour="2b", passed=True, validator="test")
    build = ComponentBuild(position=1, name="Đơn", document_type=None, pages=(0,), confidence=1.0, pdfa_path=pdfa,
                           pdfa_verdict=verdict, signed_path=signed, signed_verdict=verdict, signer="CN=test")
    request = DossierRequest(dossier_code=CODE, procedure_code="2.000620", files=(scan,), received_at=RECEIVED)
    archived = archive_results((build,), (), sources, request, object_store, lock)
    manifest = json.loads(object_store.get_bytes(archived.manifest.key))
    assert manifest["algorithms"] == ["sha256", "sha512"] and len(manifest["objects"]) == 4
    keys = [archived.manifest.key]
    for item in manifest["objects"]:
        data = object_store.get_bytes(item["key"])
        assert item["sha512"] == hashlib.sha512(data).hexdigest() and item["sha256"] == hashlib.sha256(data).hexdigest()
        keys.append(item["key"])
    for key in keys:
        state = object_store.lock_state(key)
        assert (state.mode, state.retain_until) == (GOVERNANCE, lock.retain_until), key
