"""A dossier's reception: the procedure checked, a code allocated, the originals archived, then the pipeline
run and its outcome recorded as lifecycle events (received with its promised date when complete, a supplement
requested at the desk when not; a dossier already past the desk keeps its status and gets the new verdict).

The CLI runs these in-process; the API receives and enqueues; the RQ worker digitizes. Each records
the dossier's status in the database and logs every access to a dossier.
"""

from __future__ import annotations

import dataclasses
import sys
import tempfile
from datetime import datetime
from pathlib import Path

from sohoa.archive.dossier import archive_originals, retention_lock
from sohoa.catalog import CatalogLookupError
from sohoa.errors import InputRejected, SohoaError, UnknownProcedureCode
from sohoa.intake.files import inspect_files
from sohoa.lifecycle.orders import WorkOrder, work_order
from sohoa.lifecycle.page_moves import placements_of
from sohoa.lifecycle.rules import load_rules
from sohoa.lifecycle.transitions import apply_action
from sohoa.models.dossier import DossierRequest, ProgressCallback
from sohoa.models.report import DossierReport, SourceFileReport
from sohoa.pipeline import process_dossier
from sohoa.services.artifacts import StoredSource
from sohoa.services.db import VIETNAM_TIME, DossierRecord, DossierStatus
from sohoa.services.db.lifecycle import ComponentState
from sohoa.services.runtime import Runtime


def receive_dossier(runtime: Runtime, procedure_code: str, variant: str | None, channel: int = 1,
                    received_at: datetime | None = None, actor: str = "system") -> DossierRecord:
    """Check the procedure, allocate a dossier code and record the dossier as newly registered (the CLI, which
    digitizes at once in-process; a queued dossier is recorded by :func:`accept_upload`)."""
    return _register(runtime, procedure_code, variant, channel, received_at, actor, ())[0]


def _register(runtime: Runtime, procedure_code: str, variant: str | None, channel: int, received_at: datetime | None,
              actor: str, originals: tuple[SourceFileReport, ...]) -> tuple[DossierRecord, WorkOrder]:
    """Record the dossier with its archived ``originals`` and the work order to digitize them, in one transaction."""
    check_procedure(runtime, procedure_code, variant)
    received_at = received_at or datetime.now().astimezone()
    code = runtime.database.allocate_dossier_code(runtime.config.agency_code, received_at)
    order = work_order(code, tuple(StoredSource(s.name, s.object_key, s.sha256) for s in originals))
    record = runtime.database.create_dossier(
        code, procedure_code, variant, channel, received_at, status=DossierStatus.RECEIVED_NEW, actor=actor,
        originals=[{"key": s.object_key, "sha256": s.sha256, "size": s.size} for s in originals],
        work=(order.job_id, order.rows()) if originals else None)
    return record, order


def check_procedure(runtime: Runtime, procedure_code: str, variant: str | None) -> None:
    """:class:`UnknownProcedureCode` unless the catalogue has this procedure (and variant)."""
    try:
        runtime.engines.catalog.get(procedure_code).variant(variant)
    except CatalogLookupError as error:
        raise UnknownProcedureCode(str(error)) from error


def digitize_dossier(runtime: Runtime, record: DossierRecord, files: tuple[Path, ...], actor: str,
                     progress: ProgressCallback = lambda stage, done, total: None,
                     recorded: bool = False) -> DossierReport:
    """Run the pipeline on a received dossier; record the outcome whatever it is. `recorded`: the files are the
    dossier's recorded originals (a worker's job), which passed the dossier caps when they were handed in."""
    request = DossierRequest(dossier_code=record.code, procedure_code=record.procedure_code, files=files,
                             variant=record.variant, received_at=record.received_at,
                             placements=placements_of(record.report))
    database = runtime.database
    try:
        with tempfile.TemporaryDirectory(prefix=f"sohoa-{record.code}-") as work_dir:
            settings = _accepted_already(runtime.settings) if recorded else runtime.settings
            report = process_dossier(request, settings, runtime.engines, Path(work_dir), progress)
    except InputRejected as error:
        _refuse_unreadable(runtime, record.code, actor, error)
        raise
    except SohoaError as error:
        database.set_status(record.code, database.get_dossier(record.code).status, error=str(error))
        database.record_access(record.code, actor, "digitize", None, f"failed: {error}")
        raise
    database.save_report(record.code, report.model_dump(mode="json"))
    database.save_components(record.code, component_states(report))
    database.record_access(record.code, actor, "digitize", report.manifest.key, "ok")
    record_verdict(runtime, record.code, report, actor)
    return report


def _accepted_already(settings):
    """The settings a recorded dossier is digitized with: its papers passed the dossier caps when they were handed
    in, so a cap lowered since (or a dossier older than the caps) does not refuse it now."""
    limits = dataclasses.replace(settings.limits, max_dossier_files=sys.maxsize, max_dossier_pages=sys.maxsize)
    return dataclasses.replace(settings, limits=limits)


def record_verdict(runtime: Runtime, code: str, report: DossierReport, actor: str) -> None:
    """The desk's decision on a dossier just digitized: received (with its promised date and department) when
    complete, a supplement requested when not. A dossier past the desk (a supplement during processing, a job
    run again) keeps its status: its new verdict is in its report and the history shows the supplement."""
    record = runtime.database.get_dossier(code)
    if record.status != DossierStatus.RECEIVED_NEW:
        return
    rules = load_rules(runtime.config.lifecycle_dir)
    checklist = report.checklist
    verdict = {"missing_required": [c.name for c in checklist.components if c.required and not c.present],
               "unexpected": [u.title for u in checklist.unexpected], "decision": checklist.decision}
    if not checklist.complete:
        apply_action(runtime.database, rules, code, "request_supplement", actor, reason="checklist incomplete",
                     details={**verdict, "at_desk": True})
        return
    now = runtime.database.now()
    procedure = runtime.engines.catalog.get(record.procedure_code, on=record.received_at.astimezone(VIETNAM_TIME).date())
    promised = rules.calendar.promised_at(now, procedure.processing_days)
    department = rules.departments.for_procedure(record.procedure_code)
    apply_action(runtime.database, rules, code, "receive", actor, at=now,
                 details={**verdict, "promised_at": promised.isoformat(), "department": department,
                          "processing_days": procedure.processing_days},
                 changes={"promised_at": promised, "department": department})


def component_states(report: DossierReport) -> list[ComponentState]:
    """State 1 (được số hóa) for each checklist component with a signed copy, 0 (chưa số hóa) for the others."""
    signed = {c.position: c.signed for c in report.components if c.signed is not None}
    return [ComponentState(position=c.position, name=c.name, required=c.required, state=1 if c.position in signed else 0,
                           signed_key=signed[c.position].key if c.position in signed else None,
                           signed_sha256=signed[c.position].sha256 if c.position in signed else None)
            for c in report.checklist.components]


def _refuse_unreadable(runtime: Runtime, code: str, actor: str, error: InputRejected) -> None:
    """A file the pipeline cannot read: the dossier is refused (Mẫu 03) when still at the desk; else the error
    is recorded on it. Logged either way."""
    database = runtime.database
    status = database.get_dossier(code).status
    if status in (DossierStatus.RECEIVED_NEW, DossierStatus.SUPPLEMENT_REQUESTED):
        apply_action(database, load_rules(runtime.config.lifecycle_dir), code, "refuse", actor, reason=str(error))
    database.set_status(code, database.get_dossier(code).status, error=str(error))
    database.record_access(code, actor, "digitize", None, f"rejected: {error}")


def accept_upload(runtime: Runtime, procedure_code: str, variant: str | None, files: tuple[Path, ...],
                  actor: str, channel: int = 1) -> tuple[DossierRecord, WorkOrder]:
    """Check the procedure, then the files; archive the originals; only then record the dossier with its work
    order, so a failure at any step leaves no dossier behind (the originals, content-addressed, are kept)."""
    check_procedure(runtime, procedure_code, variant)
    accepted = inspect_files(files, runtime.settings.limits)
    retention_years = runtime.engines.catalog.get(procedure_code).retention_years
    stored = archive_originals(accepted, runtime.engines.store, retention_lock(runtime.engines.store, retention_years))
    record, order = _register(runtime, procedure_code, variant, channel, None, actor, stored)
    runtime.database.record_access(record.code, actor, "upload", None, f"{len(stored)} file(s) archived")
    return record, order
