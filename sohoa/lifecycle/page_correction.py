"""A page the classifier put in the wrong place, moved by the front desk: to another component of the checklist or
out of it (a paper the procedure does not ask for). The checklist verdict is computed again from the pages'
assignments with the classifier's own verdict rules (no page is decoded or read again), the report is stored with
it, and the desk's decision follows the new verdict while the dossier is still at the desk:

- new (status 1): received or asked to supplement, as after digitization;
- asked to supplement at the desk (status 5, never received): now complete, the request is closed (``supply``) and
  the dossier received; still incomplete, it keeps waiting with the new list of missing papers;
- received but not started (status 2): the page may move while the dossier stays complete; a move that would leave
  it incomplete is refused (its receipt is out: ask for a supplement instead).

Every correction is in the access log (who, when, page, from, to, why); a status change carries it in the history.
Every later digitization of the dossier keeps the move (`sohoa.lifecycle.page_moves.placements_of`), starting with
the one the move orders: it builds the components' PDF/A and signed copies again with the page where the desk put
it. No page may move while a digitization of the dossier is queued or running.
"""

from __future__ import annotations

from sohoa.errors import SohoaError
from sohoa.lifecycle.errors import IllegalTransition
from sohoa.lifecycle.orders import WorkOrder, work_order
from sohoa.lifecycle.page_moves import UNEXPECTED, moved
from sohoa.lifecycle.reception import record_verdict
from sohoa.lifecycle.rules import load_rules
from sohoa.lifecycle.supplement import earlier_sources
from sohoa.lifecycle.transitions import apply_action
from sohoa.models.report import DossierReport, PageReport
from sohoa.services.access import logged_access
from sohoa.services.db import VIETNAM_TIME, DossierRecord, DossierStatus
from sohoa.services.runtime import Runtime

MAX_REASON = 500
"""Longest reason kept with a correction."""


class PageNotFound(SohoaError):
    """The dossier has no page with this index (or no report yet)."""

    exit_code = 66  # EX_NOINPUT
    http_status = 404


class CorrectionRejected(SohoaError):
    """The target is not a component of the dossier's checklist."""

    exit_code = 65  # EX_DATAERR
    http_status = 422


def correct_page(runtime: Runtime, code: str, page_index: int, target: int | str, actor: str,
                 reason: str = "") -> tuple[DossierReport, WorkOrder]:
    """Put page `page_index` of dossier `code` in component `target` (its position) or ``"unexpected"``; the
    report with the verdict computed again, and the recorded order that builds the components' copies again with
    the move (every page from the page cache: none is decoded or read again), for the edge to queue. Nothing
    changes on a refusal. Logged as ``correct-page``, whatever comes of it."""
    with logged_access(runtime.database, code, actor, "correct-page") as outcome:
        corrected, note = _correct(runtime, code, page_index, target, actor, reason)
        outcome.ok = (f"ok: page {page_index + 1} from {note['from']} to {note['to']}; verdict {note['decision']}"
                      + (f"; reason: {note['reason']}" if note["reason"] else ""))
    return corrected, _rebuild_order(runtime, code)


def _rebuild_order(runtime: Runtime, code: str) -> WorkOrder:
    record = runtime.database.get_dossier(code)
    order = work_order(code, earlier_sources(record), again=True, rebuild=len(runtime.database.work_of(code)))
    runtime.database.queue_work(code, order.job_id, order.rows())
    return order


def _correct(runtime: Runtime, code: str, page_index: int, target: int | str, actor: str,
             reason: str) -> tuple[DossierReport, dict]:
    database = runtime.database
    record = database.get_dossier(code)
    if record.report is None or not 0 <= page_index < len(record.report.get("pages") or []):
        raise PageNotFound(f"dossier {code} has no page {page_index + 1}")
    busy = next((w for w in database.work_of(code) if w.state in ("queued", "working", "retrying")), None)
    if busy is not None:
        raise IllegalTransition(f"dossier {code} is being digitized (job {busy.job_id}, {busy.state}): move its "
                                "pages once its copies are built")
    if not pages_movable(record):
        raise IllegalTransition(f"dossier {code} is in status {int(record.status)} {record.status.vietnamese}: its "
                                "pages can be moved only while it is at the desk (status 1, 5 before reception, or 2)")
    report = DossierReport.model_validate(record.report)
    procedure = runtime.engines.catalog.get(record.procedure_code, on=record.received_at.astimezone(VIETNAM_TIME).date())
    variant = procedure.variant(report.variant)
    if target != UNEXPECTED and not any(c.position == target for c in variant.components):
        raise CorrectionRejected(f"dossier {code}: component {target} is not on the checklist of "
                                 f"{procedure.code} ({', '.join(str(c.position) for c in variant.components)})")
    before = _place(report.pages[page_index])
    corrected = moved(report, page_index, target, variant, actor)
    if record.status == DossierStatus.RECEIVED and not corrected.checklist.complete:
        raise IllegalTransition(f"dossier {code} is already received (status 2): moving page {page_index + 1} would "
                                "leave it incomplete; ask for a supplement instead")
    note = {"page": page_index, "from": before, "to": _place(corrected.pages[page_index]),
            "reason": (reason or "").strip()[:MAX_REASON], "decision": corrected.checklist.decision}
    database.save_report(code, corrected.model_dump(mode="json"))
    if record.status == DossierStatus.SUPPLEMENT_REQUESTED and corrected.checklist.complete:
        apply_action(database, load_rules(runtime.config.lifecycle_dir), code, "supply", actor,
                     reason="page moved at the desk: the paper was there",
                     details={"page_correction": note, "replaced_verdict": {
                         "decision": report.checklist.decision, "missing_positions": list(report.checklist.missing_positions)}})
    record_verdict(runtime, code, corrected, actor)
    return corrected, note


def pages_movable(record: DossierRecord) -> bool:
    """Whether the desk may still move the dossier's pages: new, asked to supplement before reception, or
    received and not started."""
    return record.status in (DossierStatus.RECEIVED_NEW, DossierStatus.RECEIVED) or (
        record.status == DossierStatus.SUPPLEMENT_REQUESTED and record.before_supplement == DossierStatus.RECEIVED_NEW)


def _place(page: PageReport) -> str:
    if page.component_position is not None:
        return f"component {page.component_position}"
    return page.classification_role or UNEXPECTED


__all__ = ["CorrectionRejected", "PageNotFound", "UNEXPECTED", "correct_page", "moved", "pages_movable"]
