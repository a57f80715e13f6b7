"""Tests of the catalogue database (sohoa.services.db), on SQLite (a file per test) and PostgreSQL.

PostgreSQL: one fresh, uniquely named database per module (created through the server's ``postgres``
database, dropped afterwards) and one fresh schema per test inside it, selected with ``search_path``.
When the server on 127.0.0.1:5432 is unreachable the session starts it with ``pg_ctlcluster``, and
the PostgreSQL tests fail (not skip) if it still cannot be reached.
"""

from __future__ import annotations

import hashlib
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import create_engine, inspect, text

from sohoa.services.db import (
    ArtifactNotFound,
    Channel,
    Database,
    DatabaseError,
    DossierConflict,
    DossierStatus,
    InvalidRecord,
    database_url_from_env,
    default_sqlite_url,
    parse_dossier_code,
)
from sohoa.services.db import database as database_module
from sohoa.services.db.migrate import head_revision
from sohoa.errors import DossierNotFound
from sohoa.models.report import (
    ArtifactReport,
    ChecklistVerdict,
    ComponentReport,
    DossierReport,
    OcrArtifact,
    PageReport,
    PdfaVerdict,
    SourceFileReport,
    StageTiming,
)

PG_HOST, PG_PORT = "127.0.0.1", 5432
PG_USERS = ("postgres", "root")
ICT = timezone(timedelta(hours=7))
RECEIVED = datetime(2023, 10, 27, 9, 30, tzinfo=ICT)
TABLES = {"dossiers", "dossier_code_counters", "artifacts", "access_log", "alembic_version"}


# -- PostgreSQL server, database per module, schema per test ------------------------------------------


def _pg_user() -> str | None:
    for user in PG_USERS:
        try:
            with psycopg.connect(host=PG_HOST, port=PG_PORT, user=user, dbname="postgres", connect_timeout=3):
                return user
        except psycopg.OperationalError:
            continue
    return None


@pytest.fixture(scope="session")
def pg_user() -> str:
    """A user that can connect to the local server; starts the cluster when it is down."""
    user = _pg_user()
    if user is None:
        versions = sorted(p.name for p in Path("/etc/postgresql").glob("*"))
        for version in versions:
            subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"], check=False)
        deadline = time.monotonic() + 20
        while user is None and time.monotonic() < deadline:
            time.sleep(0.5)
            user = _pg_user()
    if user is None:
        pytest.fail(f"PostgreSQL on {PG_HOST}:{PG_PORT} is unreachable as {PG_USERS}, even after pg_ctlcluster start")
    return user


@pytest.fixture(scope="module")
def pg_database(pg_user: str) -> Iterator[str]:
    """Name of a fresh database for this module, dropped afterwards."""
    name = f"sohoa_test_{uuid.uuid4().hex[:12]}"
    admin = dict(host=PG_HOST, port=PG_PORT, user=pg_user, dbname="postgres", autocommit=True)
    with psycopg.connect(**admin) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield name
    with psycopg.connect(**admin) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _pg_schema_url(pg_user: str, database: str) -> str:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(host=PG_HOST, port=PG_PORT, user=pg_user, dbname=database, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    return f"postgresql+psycopg://{pg_user}@{PG_HOST}:{PG_PORT}/{database}?options=-csearch_path%3D{schema}"


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of an empty database of each backend."""
    if request.param == "sqlite":
        return default_sqlite_url(tmp_path / "data")
    return _pg_schema_url(request.getfixturevalue("pg_user"), request.getfixturevalue("pg_database"))


@pytest.fixture
def empty_db(url: str) -> Iterator[Database]:
    with Database(url) as database:
        yield database


@pytest.fixture
def db(empty_db: Database) -> Database:
    empty_db.upgrade()
    return empty_db


# -- a realistic report ---------------------------------------------------------------------------------


def _artifact(prefix: str, content: bytes, suffix: str = ".pdf") -> ArtifactReport:
    sha = hashlib.sha256(content).hexdigest()
    return ArtifactReport(key=f"{prefix}/{sha[:2]}/{sha}{suffix}", sha256=sha, size=len(content))


def _page(index: int, source: str, position: int | None) -> PageReport:
    return PageReport(
        index=index, source_file=source, source_page=index + 1, born_digital=False, rotation=0, skew=0.4,
        blank=False, dpi=300.0, low_dpi=False, text="CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐơn đề nghị",
        mean_confidence=91.5, word_count=9, component_position=position, document_type="don-de-nghi",
        classification_confidence=0.93,
    )


def make_report(code: str, *, signed: bool = True, tag: bytes = b"") -> dict[str, Any]:
    """``DossierReport.model_dump(mode="json")`` of a two-file, two-component dossier."""
    scans = [b"scan-1" + tag, b"scan-2" + tag]
    sources = tuple(
        SourceFileReport(name=f"scan{i + 1}.pdf", sha256=a.sha256, size=a.size, media_type="application/pdf",
                         page_count=1, object_key=a.key)
        for i, a in enumerate(_artifact("originals", s) for s in scans)
    )
    verdict = PdfaVerdict(flavour="2b", passed=True, validator="pikepdf.pdfa 10.0")
    components = tuple(
        ComponentReport(
            position=position, name=f"Thành phần {position}", document_type="don-de-nghi", pages=(position - 1,),
            confidence=0.9, pdfa=_artifact("pdfa", b"pdfa-%d" % position + tag), pdfa_verdict=verdict,
            signed=_artifact("signed", b"signed-%d" % position + tag) if signed and position == 1 else None,
            signed_pdfa_verdict=verdict if signed and position == 1 else None,
            signer="CN=Trung tâm Phục vụ hành chính công" if signed and position == 1 else None,
        )
        for position in (1, 2)
    )
    report = DossierReport(
        dossier_code=code, procedure_code="2.000620", procedure_name="Cấp Giấy phép bán lẻ rượu", variant="cap-moi",
        sources=sources, pages=(_page(0, "scan1.pdf", 1), _page(1, "scan2.pdf", 2)), components=components,
        checklist=ChecklistVerdict(complete=False, present_positions=(1, 2), missing_positions=(3,), unexpected=()),
        ocr=OcrArtifact(object=_artifact("ocr", b"ocr" + tag, ".json"), engine="tesseract 5.3 vie"),
        manifest=_artifact("manifests", b"manifest" + tag, ".json"),
        timings=(StageTiming(stage="ocr", seconds=3.2, pages=2),), warnings=("Thiếu thành phần 3",),
    )
    return report.model_dump(mode="json")


def _new_dossier(db: Database, agency: str = "000.00.06.H56", **kwargs: Any) -> str:
    code = db.allocate_dossier_code(agency, RECEIVED)
    db.create_dossier(code, kwargs.pop("procedure_code", "2.000620"), kwargs.pop("variant", None), 1, RECEIVED, **kwargs)
    return code


# -- schema -----------------------------------------------------------------------------------------------


def test_upgrade_from_empty_builds_the_declared_schema(empty_db: Database, url: str) -> None:
    assert empty_db.schema_revision() is None
    empty_db.upgrade()
    assert empty_db.schema_revision() == head_revision()
    empty_db.upgrade()  # idempotent
    assert empty_db.schema_diff() == []  # models and migrations agree
    engine = create_engine(url)
    try:
        assert TABLES <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    with Database(default_sqlite_url(tmp_path)) as db:
        db.upgrade()
        with db._engine.connect() as connection:  # noqa: SLF001 - pragma check
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_database_newer_than_the_code_is_a_clear_error(tmp_path: Path) -> None:
    with Database(default_sqlite_url(tmp_path)) as db:
        db.upgrade()
        engine = create_engine(default_sqlite_url(tmp_path))
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        engine.dispose()
        with pytest.raises(DatabaseError, match="9999"):
            db.upgrade()


# -- codes ------------------------------------------------------------------------------------------------


def test_codes_are_sequential_per_agency_and_reset_every_local_day(db: Database) -> None:
    agency = "000.00.06.H56"
    assert [db.allocate_dossier_code(agency, RECEIVED) for _ in range(3)] == [
        f"{agency}-231027-0001", f"{agency}-231027-0002", f"{agency}-231027-0003"
    ]
    assert db.allocate_dossier_code("000.00.07.H56", RECEIVED) == "000.00.07.H56-231027-0001"
    assert db.allocate_dossier_code(agency, RECEIVED + timedelta(days=1)) == f"{agency}-231028-0001"
    # 18:30 UTC on the 27th is already the 28th in Vietnam
    assert db.allocate_dossier_code(agency, datetime(2023, 10, 27, 18, 30, tzinfo=UTC)) == f"{agency}-231028-0002"
    assert parse_dossier_code(f"{agency}-231028-0002").day == date(2023, 10, 28)
    with pytest.raises(InvalidRecord, match="timezone-aware"):
        db.allocate_dossier_code(agency, datetime(2023, 10, 27, 9, 30))
    with pytest.raises(InvalidRecord, match="agency code"):
        db.allocate_dossier_code("bad-agency", RECEIVED)


def test_concurrent_allocations_give_distinct_codes(db: Database) -> None:
    barrier = threading.Barrier(20)
    codes: list[str] = []
    errors: list[BaseException] = []

    def allocate() -> None:
        try:
            barrier.wait()
            codes.append(db.allocate_dossier_code("000.00.06.H56", RECEIVED))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=allocate) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert sorted(codes) == [f"000.00.06.H56-231027-{n:04d}" for n in range(1, 21)]


def test_codes_created_elsewhere_are_never_allocated(db: Database) -> None:
    db.create_dossier("000.00.06.H56-231027-0005", "2.000620", None, Channel.ONLINE, RECEIVED)
    assert db.allocate_dossier_code("000.00.06.H56", RECEIVED) == "000.00.06.H56-231027-0006"


# -- dossiers, reports, artifacts ---------------------------------------------------------------------------


def test_dossier_round_trip(db: Database) -> None:
    code = _new_dossier(db)
    record = db.get_dossier(code)
    assert (record.code, record.procedure_code, record.variant, record.channel) == (code, "2.000620", None, 1)
    assert record.status is DossierStatus.RECEIVED and record.report is None and record.error is None
    assert record.received_at == RECEIVED and record.received_at.tzinfo == UTC
    assert record.updated_at.tzinfo == UTC
    assert db.create_dossier(code, "2.000620", "other", 2, RECEIVED) == record  # idempotent, first write wins
    with pytest.raises(DossierConflict, match=code):
        db.create_dossier(code, "2.000004", None, 1, RECEIVED)

    db.set_status(code, DossierStatus.IN_PROGRESS, error="OCR engine timed out")
    failed = db.get_dossier(code)
    assert (failed.status, failed.error) == (DossierStatus.IN_PROGRESS, "OCR engine timed out")
    assert failed.updated_at >= record.updated_at
    db.set_status(code, DossierStatus.PROCESSED)
    assert db.get_dossier(code).error is None

    report = make_report(code)
    db.save_report(code, report)
    saved = db.get_dossier(code)
    assert saved.report == report
    assert DossierReport.model_validate(saved.report).components[0].signer.startswith("CN=")
    assert saved.variant == "cap-moi"  # filled from the report
    assert saved.status is DossierStatus.PROCESSED

    db.set_status(code, DossierStatus.IN_PROGRESS, error="an earlier attempt failed")
    db.save_report(code, report, status=DossierStatus.SUPPLEMENT_REQUESTED)
    finished = db.get_dossier(code)
    assert (finished.status, finished.error, finished.report) == (DossierStatus.SUPPLEMENT_REQUESTED, None, report)
    with pytest.raises(InvalidRecord, match="status"):
        db.save_report(code, report, status=42)
    assert db.get_dossier(code).status is DossierStatus.SUPPLEMENT_REQUESTED


def test_save_report_records_and_replaces_artifacts(db: Database) -> None:
    code = _new_dossier(db)
    report = make_report(code)
    db.save_report(code, report)
    found = db.list_artifacts(code)
    assert [(a.kind, a.position) for a in found] == [
        ("original", None), ("original", None), ("pdfa", 1), ("signed", 1), ("pdfa", 2), ("ocr", None), ("manifest", None)
    ]
    source = report["sources"][0]
    assert (found[0].key, found[0].sha256, found[0].size) == (source["object_key"], source["sha256"], source["size"])
    assert found[3].key == report["components"][0]["signed"]["key"]
    assert db.find_artifact(code, report["manifest"]["key"]).kind == "manifest"
    assert db.find_artifact(code, report["ocr"]["object"]["key"]).kind == "ocr"

    db.save_report(code, make_report(code, signed=False, tag=b"v2"))
    again = db.list_artifacts(code)
    assert [a.kind for a in again] == ["original", "original", "pdfa", "pdfa", "ocr", "manifest"]
    assert not {a.key for a in found} & {a.key for a in again}
    with pytest.raises(ArtifactNotFound, match=code):
        db.find_artifact(code, report["manifest"]["key"])


def test_save_report_is_atomic(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    code = _new_dossier(db)
    good = make_report(code)
    db.save_report(code, good)
    before = db.list_artifacts(code)

    bad = make_report(code, tag=b"bad")
    bad["components"][1]["pdfa"]["sha256"] = "not-a-digest"
    with pytest.raises(InvalidRecord, match=rf"{code}.*components\[1\]\.pdfa\.sha256"):
        db.save_report(code, bad)
    with pytest.raises(InvalidRecord, match="report is for dossier"):
        db.save_report(code, make_report("000.00.06.H56-231027-9999"))

    # a failure inside the transaction (after the report update and the artifact delete) rolls back all
    real_rows = database_module.artifact_rows
    monkeypatch.setattr(database_module, "artifact_rows", lambda c, r: real_rows(c, r) * 2)
    with pytest.raises(DatabaseError, match=code):
        db.save_report(code, make_report(code, tag=b"dup"))
    assert db.get_dossier(code).report == good
    assert db.list_artifacts(code) == before


def test_identical_sources_are_recorded_once_and_ocr_is_optional(db: Database) -> None:
    code = _new_dossier(db)
    report = make_report(code)
    report["sources"].append(dict(report["sources"][0], name="scan1-again.pdf"))
    del report["ocr"]  # reports written before the OCR object existed
    db.save_report(code, report)
    kinds = [a.kind for a in db.list_artifacts(code)]
    assert kinds.count("original") == 2 and "ocr" not in kinds


def test_missing_dossier_errors_name_the_code(db: Database) -> None:
    code = "000.00.06.H56-231027-0361"
    calls = [
        lambda: db.get_dossier(code),
        lambda: db.set_status(code, DossierStatus.RECEIVED),
        lambda: db.save_report(code, make_report(code)),
        lambda: db.list_artifacts(code),
        lambda: db.find_artifact(code, "originals/ab/ab.pdf"),
    ]
    for call in calls:
        with pytest.raises(DossierNotFound, match=code):
            call()
    assert db.list_artifacts(_new_dossier(db)) == []


def test_list_dossiers_newest_first_with_filters(db: Database) -> None:
    codes = []
    for day in range(3):
        received = RECEIVED + timedelta(days=day)
        code = db.allocate_dossier_code("000.00.06.H56", received)
        db.create_dossier(code, "2.000620", None, 1, received)
        codes.append(code)
    db.set_status(codes[0], DossierStatus.SUPPLEMENT_REQUESTED)
    db.save_report(codes[2], make_report(codes[2]))
    assert [d.code for d in db.list_dossiers()] == codes[::-1]
    assert [d.code for d in db.list_dossiers(limit=2)] == codes[:0:-1]
    assert [d.code for d in db.list_dossiers(status=DossierStatus.SUPPLEMENT_REQUESTED)] == [codes[0]]
    assert db.list_dossiers()[0].report is not None
    assert db.list_dossiers(with_reports=False)[0].report is None
    with pytest.raises(ValueError, match="limit"):
        db.list_dossiers(limit=0)


def test_invalid_values_are_refused_with_the_code(db: Database) -> None:
    code = "000.00.06.H56-231027-0001"
    with pytest.raises(InvalidRecord, match="malformed dossier code"):
        db.create_dossier("H56/231027/1", "2.000620", None, 1, RECEIVED)
    with pytest.raises(InvalidRecord, match=f"{code}.*channel"):
        db.create_dossier(code, "2.000620", None, 4, RECEIVED)
    with pytest.raises(InvalidRecord, match=f"{code}.*timezone-aware"):
        db.create_dossier(code, "2.000620", None, 1, datetime(2023, 10, 27, 9, 30))
    with pytest.raises(InvalidRecord, match=f"{code}.*status"):
        db.set_status(code, 11)  # type: ignore[arg-type]


# -- access log -----------------------------------------------------------------------------------------------


def test_access_log_is_append_only_and_ordered(db: Database, url: str) -> None:
    code = _new_dossier(db)
    db.record_access(code, "alice", "view", None, "ok")
    db.record_access(code, "bob", "download", "signed/ab/ab.pdf", "denied")
    db.record_access("000.00.06.H56-231027-0999", "mallory", "view", None, "not_found")
    db.record_access(code, "citizen:0123456789", "lookup", None, "ok")
    log = db.access_log(code)
    assert [(e.actor, e.action, e.object_key, e.outcome) for e in log] == [
        ("alice", "view", None, "ok"),
        ("bob", "download", "signed/ab/ab.pdf", "denied"),
        ("citizen:0123456789", "lookup", None, "ok"),
    ]
    assert [e.id for e in log] == sorted(e.id for e in log)
    assert all(e.accessed_at.tzinfo == UTC for e in log)
    assert [e.accessed_at for e in log] == sorted(e.accessed_at for e in log)
    assert [e.actor for e in db.access_log("000.00.06.H56-231027-0999")] == ["mallory"]
    db.record_access("000.00.06.H56-231027-0998", "worker", "digitize", None, "failed: " + "x" * 20_000)
    long_outcome = db.access_log("000.00.06.H56-231027-0998")[0].outcome
    assert len(long_outcome) == 10_000 and long_outcome.endswith("[truncated]")
    with pytest.raises(InvalidRecord, match="actor"):
        db.record_access(code, " ", "view", None, "ok")

    engine = create_engine(url)
    try:
        for statement in ("UPDATE access_log SET outcome = 'ok'", "DELETE FROM access_log"):
            with pytest.raises(Exception, match="append-only"), engine.begin() as connection:
                connection.execute(text(statement))
    finally:
        engine.dispose()
    assert len(db.access_log(code)) == 3


# -- settings, names, secrets -------------------------------------------------------------------------------------


def test_status_and_channel_names() -> None:
    assert [s.value for s in DossierStatus] == list(range(1, 11))
    assert DossierStatus.RECEIVED_NEW.vietnamese == "Mới đăng ký"
    assert DossierStatus.RECEIVED.vietnamese == "Được tiếp nhận"
    assert DossierStatus.RESULT_RETURNED.vietnamese == "Đã trả kết quả"
    assert Channel(3).vietnamese == "Bưu chính công ích"


def test_urls(tmp_path: Path) -> None:
    assert default_sqlite_url(tmp_path) == f"sqlite:///{tmp_path.resolve()}/sohoa.db"
    assert database_url_from_env({}, tmp_path) == default_sqlite_url(tmp_path)
    assert database_url_from_env({"SOHOA_DATABASE_URL": "postgresql://h/db"}, tmp_path) == "postgresql://h/db"
    with pytest.raises(DatabaseError, match="not supported"):
        Database("mysql://u:pw@host/db")


def test_passwords_stay_out_of_reprs_and_errors() -> None:
    db = Database("postgresql://sohoa:s3cr3t-pw@127.0.0.1:1/sohoa")
    assert "s3cr3t-pw" not in repr(db) and "***" in db.url and "+psycopg" in db.url
    with pytest.raises(DatabaseError) as caught:
        db.get_dossier("000.00.06.H56-231027-0001")
    assert "000.00.06.H56-231027-0001" in str(caught.value)
    assert "s3cr3t-pw" not in str(caught.value)
    db.close()
