"""Papers added to a dossier that waits for them (status 5): the new originals checked and archived, the supplement
recorded (with the verdict it replaces), then the whole dossier digitized again from all its originals. Pages
already read come from the page cache (``sohoa.ocr.cache``): only the new ones are decoded and OCR'd.
"""

from __future__ import annotations

from pathlib import Path

from sohoa.archive.dossier import archive_originals, retention_lock
from sohoa.intake.files import inspect_files
from sohoa.lifecycle.errors import IllegalTransition
from sohoa.lifecycle.orders import WorkOrder, work_order
from sohoa.lifecycle.rules import load_rules
from sohoa.lifecycle.transitions import apply_action
from sohoa.services.artifacts import StoredSource
from sohoa.services.db import DossierRecord, DossierStatus
from sohoa.services.runtime import Runtime


def accept_supplement(runtime: Runtime, code: str, files: tuple[Path, ...],
                      actor: str) -> tuple[DossierRecord, WorkOrder]:
    """Check and archive the new papers of dossier `code` and record the supplement; the dossier and all its
    originals (the earlier ones first, in hand-in order), ready to digitize. Nothing changes on a refusal."""
    database = runtime.database
    record = database.get_dossier(code)
    if record.status != DossierStatus.SUPPLEMENT_REQUESTED:
        raise IllegalTransition(f"dossier {code} is in status {int(record.status)} {record.status.vietnamese}: papers "
                                "can be added only while it waits for a supplement (status 5)")
    if not files:
        raise IllegalTransition(f"dossier {code}: a supplement needs at least one file")
    earlier = earlier_sources(record)
    accepted = inspect_files(files, runtime.settings.limits, files_before=len(earlier),
                             pages_before=len((record.report or {}).get("pages") or []))
    retention_years = runtime.engines.catalog.get(record.procedure_code).retention_years
    stored = archive_originals(accepted, runtime.engines.store, retention_lock(runtime.engines.store, retention_years))
    database.record_originals(code, [{"key": s.object_key, "sha256": s.sha256, "size": s.size} for s in stored])
    known = {source.key for source in earlier}
    added = tuple(StoredSource(s.name, s.object_key, s.sha256) for s in stored if s.object_key not in known)
    order = work_order(code, earlier + added, again=True)
    database.queue_work(code, order.job_id, order.rows())
    apply_action(database, load_rules(runtime.config.lifecycle_dir), code, "supply", actor,
                 details={"files": [{"name": s.name, "sha256": s.sha256} for s in added],
                          "replaced_verdict": _verdict_summary(record)})
    database.record_access(code, actor, "supplement", None, f"{len(added)} new file(s) archived")
    return database.get_dossier(code), order


def earlier_sources(record: DossierRecord) -> tuple[StoredSource, ...]:
    """The dossier's originals as its last report lists them."""
    sources = (record.report or {}).get("sources") or []
    return tuple(StoredSource(s["name"], s["object_key"], s["sha256"]) for s in sources)


def _verdict_summary(record: DossierRecord) -> dict:
    checklist = (record.report or {}).get("checklist") or {}
    return {key: checklist.get(key) for key in ("complete", "decision", "present_positions", "missing_positions")}


__all__ = ["accept_supplement", "earlier_sources"]
