"""The queued job and how it is enqueued: a thin shell over sohoa.lifecycle.work.

The queue carries only the job id; the originals to read and the job's state are in the database, written by
intake before anything is queued (docs/reliability.md).
"""

from __future__ import annotations

import logging

from redis import Redis
from redis.exceptions import RedisError
from rq import Callback, Queue, Retry
from rq.exceptions import AbandonedJobError
from rq.job import Job

from sohoa.edges.workers.settings import WorkerSettings
from sohoa.lifecycle.orders import WorkOrder
from sohoa.lifecycle.work import record_failure, run_work
from sohoa.services.config import Config
from sohoa.services.runtime import Runtime, build_runtime
from sohoa.supervision.reuse_service import propose_after_digitization

log = logging.getLogger(__name__)
_runtime: Runtime | None = None


def use_runtime(runtime: Runtime) -> None:
    """Install the runtime this worker process built once at start (engines, signer key, DB pool)."""
    global _runtime
    _runtime = runtime


def current_runtime() -> Runtime:
    """The worker's runtime (built from the environment when none was installed)."""
    global _runtime
    if _runtime is None:
        _runtime = build_runtime(Config.from_env())
    return _runtime


def digitize_job(job_id: str) -> dict:
    """Digitize the dossier of recorded job ``job_id``. Idempotent: keys are content hashes, a done job is skipped."""
    outcome = run_work(current_runtime(), job_id)
    if outcome.ran and outcome.state == "done":  # earlier signed copies of the same papers, for a person to confirm
        propose_after_digitization(current_runtime().database, outcome.dossier_code, "worker")
    return outcome.summary()


def job_failed(job: Job, connection: Redis, exc_type: type, exc_value: BaseException, traceback: object) -> None:
    """RQ's failure callback, for an exception and for a job abandoned by a dead worker alike: the reason is kept
    on the job and, when no retry is left, on the dossier."""
    final = not (job.retries_left and job.retries_left > 0)
    record_failure(current_runtime(), job.id, failure_reason(exc_type, exc_value), final=final)


def failure_reason(exc_type: type, exc_value: BaseException | None) -> str:
    """One line a person can act on."""
    if exc_type is AbandonedJobError or isinstance(exc_value, AbandonedJobError):
        return "the worker stopped while digitizing (killed, crashed or cut off from Redis)"
    text = str(exc_value).strip().splitlines()[0] if exc_value is not None and str(exc_value).strip() else ""
    return f"{exc_type.__name__}: {text}" if text else exc_type.__name__


def enqueue_order(queue: Queue, order: WorkOrder, settings: WorkerSettings) -> Job:
    """Put a recorded work order on the queue; its job id is the order's, so it is queued once."""
    intervals = list(settings.retry_intervals)
    return queue.enqueue_call(
        digitize_job, args=(order.job_id,), timeout=settings.job_timeout, job_id=order.job_id,
        retry=Retry(max=len(intervals), interval=intervals) if intervals else None,
        on_failure=Callback(job_failed), result_ttl=7 * 24 * 3600, failure_ttl=30 * 24 * 3600,
        description=f"digitize dossier {order.dossier_code}",
    )


def queue_order(queue: Queue, order: WorkOrder, settings: WorkerSettings) -> bool:
    """Queue a recorded order; False when the queue is unreachable (the order waits for a worker's sweep)."""
    try:
        enqueue_order(queue, order, settings)
    except RedisError as error:
        log.warning("queue unreachable, job %s waits for a worker's sweep: %s", order.job_id, type(error).__name__)
        return False
    return True


def queue_for(config: Config) -> Queue:
    """The RQ queue named in the configuration."""
    return Queue(config.queue_name, connection=Redis.from_url(config.redis_url, socket_timeout=10,
                                                             socket_connect_timeout=5, health_check_interval=30))
