"""What the edges share: building the engines once, receiving a dossier, digitizing it, reading it back.

The CLI runs these in-process; the API receives and enqueues; the RQ worker digitizes. Each records
the dossier's status in the database and logs every access to a dossier.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sohoa.archive import ObjectStore, S3ObjectStore, ensure_embedded_storage
from sohoa.catalog import CatalogLookupError, load_catalog
from sohoa.config import Config
from sohoa.db import Database, DossierRecord, DossierStatus, open_database
from sohoa.access import logged_access
from sohoa.errors import InputRejected, SohoaError, UnknownProcedureCode
from sohoa.models.report import DossierReport
from sohoa.pages import PageSettings, default_jobs
from sohoa.pipeline import DossierRequest, Engines, PipelineSettings, ProgressCallback, process_dossier
from sohoa.signing import CopySigner, SigningSettings, init_demo_identity, load_signer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Runtime:
    """The engines and settings of one process, built once at its edge."""

    config: Config
    """Where everything is."""
    database: Database
    """Dossier state and access log."""
    engines: Engines
    """Storage, catalogue, signer."""
    settings: PipelineSettings
    """Pipeline settings."""
    demo_identity: bool
    """True when signing with the local DEMO identity (not for production)."""


def build_runtime(config: Config, sign: bool = True) -> Runtime:
    """Connect to storage and the database, load the catalogue and the signing key."""
    config.data_dir.mkdir(parents=True, exist_ok=True)
    storage = config.storage or ensure_embedded_storage(config.data_dir / "s3")
    database = open_database(config.database_url)
    signer, demo = _signer(config) if sign else (None, False)
    engines = Engines(store=S3ObjectStore(storage), catalog=load_catalog(), signer=signer)
    settings = PipelineSettings(pages=PageSettings(), jobs=config.jobs or default_jobs(), organisation=config.organisation,
                                model_cache=config.model_cache)
    return Runtime(config=config, database=database, engines=engines, settings=settings, demo_identity=demo)


def receive_dossier(runtime: Runtime, procedure_code: str, variant: str | None, channel: int = 1,
                    received_at: datetime | None = None) -> DossierRecord:
    """Check the procedure, allocate a dossier code and record the dossier as newly registered."""
    try:
        runtime.engines.catalog.get(procedure_code).variant(variant)
    except CatalogLookupError as error:
        raise UnknownProcedureCode(str(error)) from error
    received_at = received_at or datetime.now().astimezone()
    code = runtime.database.allocate_dossier_code(runtime.config.agency_code, received_at)
    return runtime.database.create_dossier(code, procedure_code, variant, channel, received_at, status=DossierStatus.RECEIVED_NEW)


def digitize_dossier(runtime: Runtime, record: DossierRecord, files: tuple[Path, ...], actor: str,
                     progress: ProgressCallback = lambda stage, done, total: None) -> DossierReport:
    """Run the pipeline on a received dossier; record the outcome whatever it is."""
    request = DossierRequest(dossier_code=record.code, procedure_code=record.procedure_code, files=files,
                             variant=record.variant, received_at=record.received_at)
    database = runtime.database
    try:
        with tempfile.TemporaryDirectory(prefix=f"sohoa-{record.code}-") as work_dir:
            report = process_dossier(request, runtime.settings, runtime.engines, Path(work_dir), progress)
    except InputRejected as error:
        database.set_status(record.code, DossierStatus.REJECTED, error=str(error))
        database.record_access(record.code, actor, "digitize", None, f"rejected: {error}")
        raise
    except SohoaError as error:
        database.set_status(record.code, record.status, error=str(error))
        database.record_access(record.code, actor, "digitize", None, f"failed: {error}")
        raise
    status = DossierStatus.RECEIVED if report.checklist.complete else DossierStatus.SUPPLEMENT_REQUESTED
    database.save_report(record.code, report.model_dump(mode="json"), status=status)
    database.record_access(record.code, actor, "digitize", report.manifest.key, "ok")
    return report


def open_artifact(runtime: Runtime, code: str, key: str) -> tuple[ObjectStore, int, str]:
    """Check that key belongs to dossier code; return the store, size and media type (log with `logged_access`)."""
    artifact = runtime.database.find_artifact(code, key)
    media_type = "application/json" if key.endswith(".json") else "application/pdf"
    if artifact.kind == "original":
        media_type = "application/octet-stream"
    return runtime.engines.store, artifact.size, media_type


def presign_artifact(runtime: Runtime, code: str, key: str, actor: str,
                     expires: timedelta = timedelta(minutes=5)) -> tuple[str, str]:
    """A short-lived download URL (pinned to the current version) for one of the dossier's objects, and the
    object's SHA-256 for the client to check; logged."""
    with logged_access(runtime.database, code, actor, "presign", key, ok=f"ok: expires in {int(expires.total_seconds())} s"):
        artifact = runtime.database.find_artifact(code, key)
        return runtime.engines.store.presigned_get(key, expires), artifact.sha256


def status_summary(report: dict | None) -> dict | None:
    """What a role without `read-report` sees of a report: the checklist verdict, without anything read
    from the papers (page text, extracted fields, titles of unexpected papers) and without object keys."""
    if report is None:
        return None
    checklist = report.get("checklist") or {}
    summary = {key: checklist[key] for key in _VERDICT_KEYS if key in checklist}
    summary["unexpected"] = [{"pages": paper.get("pages", [])} for paper in checklist.get("unexpected", [])]
    summary["components"] = [{key: component.get(key) for key in ("position", "name", "required", "present", "confidence")}
                             for component in checklist.get("components", [])]
    return {"schema_version": report.get("schema_version"), "dossier_code": report.get("dossier_code"),
            "procedure_code": report.get("procedure_code"), "variant": report.get("variant"), "checklist": summary}


_VERDICT_KEYS = ("complete", "present_positions", "missing_positions", "missing_optional_positions", "decision",
                 "confidence", "high_confidence", "review_pages")


def _signer(config: Config) -> tuple[CopySigner, bool]:
    if config.signing_pkcs12 is not None:
        settings = SigningSettings(pkcs12_path=config.signing_pkcs12, passphrase_file=config.signing_passphrase_file,
                                   organisation=config.organisation)
        return load_signer(settings), False
    identity = init_demo_identity(config.data_dir / "pki", config.organisation)
    log.warning("signing with the local DEMO identity %s: NOT FOR PRODUCTION (set SOHOA_SIGNING_P12)", identity.subject)
    settings = SigningSettings(pkcs12_path=identity.pkcs12_path, passphrase_file=identity.passphrase_path,
                               organisation=config.organisation)
    return load_signer(settings), True


@dataclass(frozen=True)
class StoredSource:
    """An accepted original already in storage: what a queued job carries instead of bytes."""

    name: str
    """File name as handed in."""
    key: str
    """Object key of the original."""
    sha256: str
    """SHA-256 of the original."""


def accept_upload(runtime: Runtime, procedure_code: str, variant: str | None, files: tuple[Path, ...],
                  actor: str, channel: int = 1) -> tuple[DossierRecord, tuple[StoredSource, ...]]:
    """Check the files, archive the originals, record the dossier: everything a queue needs to digitize it later."""
    from sohoa.intake import inspect_file
    from sohoa.results import archive_originals, retention_lock

    accepted = tuple(inspect_file(path, runtime.settings.limits) for path in files)
    record = receive_dossier(runtime, procedure_code, variant, channel)
    retention_years = runtime.engines.catalog.get(procedure_code).retention_years
    sources = archive_originals(accepted, runtime.engines.store, retention_lock(runtime.engines.store, retention_years))
    runtime.database.record_originals(record.code, [{"key": s.object_key, "sha256": s.sha256, "size": s.size} for s in sources])
    runtime.database.record_access(record.code, actor, "upload", None, f"{len(sources)} file(s) archived")
    return record, tuple(StoredSource(s.name, s.object_key, s.sha256) for s in sources)


def fetch_sources(store: ObjectStore, sources: tuple[StoredSource, ...], directory: Path) -> tuple[Path, ...]:
    """Download archived originals (digests verified while streaming) to local files, keeping their names."""
    paths = []
    for index, source in enumerate(sources):
        target = directory / f"{index:03d}" / Path(source.name).name
        target.parent.mkdir(parents=True, exist_ok=True)
        download_verified(store, source.key, target)
        paths.append(target)
    return tuple(paths)


def download_verified(store: ObjectStore, key: str, target: Path) -> Path:
    """Write an object to target only once its digest has been verified; nothing is left behind on failure."""
    partial = target.with_name(target.name + ".partial")
    try:
        with partial.open("wb") as out:
            for chunk in store.iter_chunks(key):
                out.write(chunk)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def archive_lookup(database: Database):
    """For verification: which archived document (dossier, kind, key) has a given SHA-256."""
    from sohoa.signing.verify_model import ArchiveMatch

    def lookup(sha256: str) -> ArchiveMatch | None:
        artifact = database.find_by_sha256(sha256)
        if artifact is None:
            return None
        return ArchiveMatch(dossier_code=artifact.dossier_code, kind=artifact.kind, key=artifact.key)

    return lookup
