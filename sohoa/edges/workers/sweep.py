"""The sweep: recorded work that the queue no longer holds is queued again.

The database is the record of what is to be done (:mod:`sohoa.services.db.work`); Redis keeps nothing on disk, and
it may have been down when a dossier came in. Every maintenance, a worker compares the two.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.queue import Queue

from sohoa.edges.workers.jobs import enqueue_order
from sohoa.edges.workers.settings import WorkerSettings
from sohoa.lifecycle.orders import order_of
from sohoa.lifecycle.work import record_failure
from sohoa.services.runtime import Runtime

log = logging.getLogger(__name__)

LIVE = (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED)
"""Statuses of a job the queue is still taking care of."""


def sweep_lost_work(runtime: Runtime, queue: Queue, settings: WorkerSettings) -> int:
    """Queue again every unfinished job that has waited ``sweep_after`` seconds with no live job on the queue; a job
    the queue gave up on while the database could not hear of it is marked failed. How many were queued again."""
    database = runtime.database
    queued = 0
    for work in database.unfinished_work(database.now() - timedelta(seconds=settings.sweep_after)):
        status, reason = _queue_status(queue, work.job_id)
        if status in LIVE:
            continue
        if status == JobStatus.FAILED:
            record_failure(runtime, work.job_id, reason or "the queue gave up on it", final=True, actor="worker:sweep")
            continue
        database.touch_work(work.job_id)
        enqueue_order(queue, order_of(work), settings)
        database.record_access(work.dossier_code, "worker:sweep", "digitize", None,
                               f"queued again: the queue had lost job {work.job_id} ({work.state})")
        log.warning("job %s of dossier %s was lost by the queue: queued again", work.job_id, work.dossier_code)
        queued += 1
    return queued


def _queue_status(queue: Queue, job_id: str) -> tuple[JobStatus | None, str | None]:
    try:
        job = Job.fetch(job_id, connection=queue.connection)
    except NoSuchJobError:
        return None, None
    status = job.get_status(refresh=False)
    reason = None
    if status == JobStatus.FAILED:
        result = job.latest_result()
        text = (getattr(result, "exc_string", None) or "").strip().splitlines()
        reason = text[-1] if text else None
    return status, reason
