"""A dossier's reception: the procedure checked, a code allocated, the originals archived, then the pipeline
run and its outcome recorded (received when complete, a supplement requested when not).

The CLI runs these in-process; the API receives and enqueues; the RQ worker digitizes. Each records
the dossier's status in the database and logs every access to a dossier.
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

from sohoa.archive.dossier import archive_originals, retention_lock
from sohoa.catalog import CatalogLookupError
from sohoa.errors import InputRejected, SohoaError, UnknownProcedureCode
from sohoa.intake.files import inspect_file
from sohoa.models.dossier import DossierRequest, ProgressCallback
from sohoa.models.report import DossierReport
from sohoa.pipeline import process_dossier
from sohoa.services.artifacts import StoredSource
from sohoa.services.db import DossierRecord, DossierStatus
from sohoa.services.runtime import Runtime


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


def accept_upload(runtime: Runtime, procedure_code: str, variant: str | None, files: tuple[Path, ...],
                  actor: str, channel: int = 1) -> tuple[DossierRecord, tuple[StoredSource, ...]]:
    """Check the files, archive the originals, record the dossier: everything a queue needs to digitize it later."""
    accepted = tuple(inspect_file(path, runtime.settings.limits) for path in files)
    record = receive_dossier(runtime, procedure_code, variant, channel)
    retention_years = runtime.engines.catalog.get(procedure_code).retention_years
    sources = archive_originals(accepted, runtime.engines.store, retention_lock(runtime.engines.store, retention_years))
    runtime.database.record_originals(record.code, [{"key": s.object_key, "sha256": s.sha256, "size": s.size} for s in sources])
    runtime.database.record_access(record.code, actor, "upload", None, f"{len(sources)} file(s) archived")
    return record, tuple(StoredSource(s.name, s.object_key, s.sha256) for s in sources)
