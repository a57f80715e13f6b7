"""Digitization work: what a queue job does, kept in the database so that no fault loses a dossier.

Intake writes a work order in the same transaction as the dossier (or its supplement); the queue carries only
its id. A worker runs :func:`run_work`; the edge records each failure with :func:`record_failure`; an operator
(or a worker's sweep, after a lost queue) puts work back with :func:`retry_dossier`. Every step is idempotent:
objects are keyed by content hashes and a job already done is not done again.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from sohoa.errors import InputRejected
from sohoa.lifecycle.errors import IllegalTransition
from sohoa.lifecycle.orders import WorkOrder, order_of
from sohoa.lifecycle.reception import digitize_dossier
from sohoa.models.dossier import ProgressCallback
from sohoa.models.report import DossierReport
from sohoa.services.artifacts import fetch_sources
from sohoa.services.runtime import Runtime


@dataclass(frozen=True)
class WorkOutcome:
    """How a job ended in this worker."""

    job_id: str
    """The job."""
    dossier_code: str
    """Its dossier."""
    state: str
    """``done`` or ``failed`` (unreadable papers: the dossier was refused)."""
    ran: bool
    """False when the job was already done and nothing was run again."""
    report: DossierReport | None = None
    """The new report, when it ran to the end."""
    error: str | None = None
    """Why it failed."""

    def summary(self) -> dict:
        """What the queue keeps as the job's result."""
        done = self.report is not None
        return {"code": self.dossier_code, "job": self.job_id, "state": self.state, "ran": self.ran,
                "complete": self.report.checklist.complete if done else None,
                "manifest": self.report.manifest.key if done else None}


def run_work(runtime: Runtime, job_id: str, actor: str = "worker",
             progress: ProgressCallback = lambda stage, done, total: None) -> WorkOutcome:
    """Do job ``job_id``: fetch its originals, digitize the dossier, mark the job done. A job already done is
    not run again; unreadable papers end it as failed (the dossier refused), since running it again cannot help.
    Any other error is raised for the queue to retry (see :func:`record_failure`)."""
    database = runtime.database
    work = database.get_work(job_id)
    if work is None:
        raise IllegalTransition(f"job {job_id}: no such digitization work is recorded")
    if work.state == "done":
        return WorkOutcome(job_id, work.dossier_code, "done", ran=False)
    database.start_work(job_id)
    record = database.get_dossier(work.dossier_code)
    with tempfile.TemporaryDirectory(prefix=f"sohoa-in-{record.code}-") as directory:
        files = fetch_sources(runtime.engines.store, order_of(work).sources, Path(directory))
        try:
            report = digitize_dossier(runtime, record, files, actor=actor, progress=_recorded(database, record.code, progress),
                                      recorded=True)
        except InputRejected as error:
            database.fail_work(job_id, f"refused: {error}", final=True)
            return WorkOutcome(job_id, record.code, "failed", ran=True, error=str(error))
    database.finish_work(job_id)
    return WorkOutcome(job_id, record.code, "done", ran=True, report=report)


def _recorded(database, code: str, progress: ProgressCallback) -> ProgressCallback:
    """`progress`, with each step also recorded on the dossier (the front desk's page polls it)."""
    def both(stage: str, done: int, total: int) -> None:
        database.record_progress(code, stage, done, total)
        progress(stage, done, total)

    return both


def record_failure(runtime: Runtime, job_id: str, reason: str, final: bool, actor: str = "worker") -> None:
    """An attempt at ``job_id`` failed: keep the reason on the job (and, when no attempt is left, on the dossier,
    which then shows the failed state), in the dossier's access log too."""
    work = runtime.database.get_work(job_id)
    if work is None or work.state == "done":
        return
    runtime.database.fail_work(job_id, reason, final=final)
    outcome = "failed" if final else "will retry"
    runtime.database.record_access(work.dossier_code, actor, "digitize", None, f"{outcome}: {reason}")


def retry_dossier(runtime: Runtime, code: str, actor: str) -> list[WorkOrder]:
    """Put dossier ``code``'s failed work back on the queue (the orders to enqueue). Refused when nothing failed."""
    database = runtime.database
    database.get_dossier(code)
    work = database.work_of(code)
    if not any(item.state == "failed" for item in work):
        states = ", ".join(f"{item.job_id}: {item.state}" for item in work) or "no digitization work recorded"
        raise IllegalTransition(f"dossier {code}: nothing failed to run again ({states})")
    orders = [order_of(item) for item in database.retry_work(code)]
    database.record_access(code, actor, "retry", None, f"{len(orders)} job(s) queued again")
    return orders
