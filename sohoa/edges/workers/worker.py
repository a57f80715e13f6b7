"""`sohoa worker`: build the engines once, then digitize queued dossiers, and watch over the others' work.

A SimpleWorker runs jobs in this process, so the signing key, the database pool and the storage client are loaded
once per worker; each job still spreads its pages over every core. RQ's SimpleWorker would declare its job alive
for the whole job timeout (an hour), so a killed worker's dossier would wait that long: :class:`SohoaWorker` beats
from a thread every few seconds instead, so another worker finds an abandoned job within
``heartbeat_ttl + maintenance_interval`` and retries it. The scheduler runs retries when they are due, and the
sweep (:mod:`sohoa.edges.workers.sweep`) queues again recorded work the queue has lost.
"""

from __future__ import annotations

import logging
import threading

from rq import SimpleWorker
from rq.job import Job
from rq.queue import Queue
from rq.worker.base import WorkerStatus

from sohoa.edges.workers.jobs import current_runtime, queue_for, use_runtime
from sohoa.edges.workers.settings import WorkerSettings
from sohoa.edges.workers.sweep import sweep_lost_work
from sohoa.services.config import Config
from sohoa.services.runtime import build_runtime

log = logging.getLogger(__name__)


class SohoaWorker(SimpleWorker):
    """A SimpleWorker with short heartbeats while a job runs and a sweep of lost work at each maintenance."""

    def __init__(self, queues, settings: WorkerSettings, **kwargs) -> None:  # noqa: ANN001 - RQ's own signature
        super().__init__(queues, worker_ttl=settings.maintenance_interval + 15, job_monitoring_interval=settings.heartbeat_ttl,
                         maintenance_interval=settings.maintenance_interval, **kwargs)
        self.settings = settings

    def get_heartbeat_ttl(self, job: Job, working_time: float = 0.0) -> int:
        return self.settings.heartbeat_ttl

    def execute_job(self, job: Job, queue: Queue) -> None:
        execution = self.prepare_execution(job)
        stop = threading.Event()
        beat = threading.Thread(target=self._beat, args=(job, execution, stop), name=f"heartbeat-{job.id}", daemon=True)
        beat.start()
        try:
            self.perform_job(job, queue, execution)
        finally:
            stop.set()
            beat.join()
        self.set_state(WorkerStatus.IDLE)

    def _beat(self, job: Job, execution, stop: threading.Event) -> None:  # noqa: ANN001 - an rq Execution
        while not stop.wait(max(1.0, self.settings.heartbeat_ttl / 3)):
            try:
                self.maintain_heartbeats(job, execution)
            except Exception as error:  # Redis away for a moment: the next beat tries again
                log.warning("heartbeat of job %s failed: %s", job.id, error)

    def run_maintenance_tasks(self) -> None:
        super().run_maintenance_tasks()
        try:
            sweep_lost_work(current_runtime(), self.queues[0], self.settings)
        except Exception as error:  # the database or Redis away: the next maintenance tries again
            log.warning("sweep of lost work failed: %s", error)


def run_worker(config: Config, settings: WorkerSettings, burst: bool = False) -> bool:
    """Work on the configured queue until stopped (or until it is empty, with burst), with RQ's scheduler so that
    retries run when they are due."""
    use_runtime(build_runtime(config))
    queue = queue_for(config)
    worker = SohoaWorker([queue], settings, connection=queue.connection)
    return worker.work(burst=burst, logging_level="INFO", with_scheduler=True)
