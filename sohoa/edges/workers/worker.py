"""`sohoa worker`: build the engines once, then digitize queued dossiers.

A SimpleWorker runs jobs in this process, so the signing key, the database pool and the storage
client are loaded once per worker; each job still spreads its pages over every core.
"""

from __future__ import annotations

from rq import SimpleWorker

from sohoa.services.config import Config
from sohoa.services.runtime import build_runtime
from sohoa.edges.workers.jobs import queue_for, use_runtime


def run_worker(config: Config, burst: bool = False) -> bool:
    """Work on the configured queue until stopped (or until it is empty, with burst)."""
    use_runtime(build_runtime(config))
    queue = queue_for(config)
    worker = SimpleWorker([queue], connection=queue.connection)
    return worker.work(burst=burst, logging_level="INFO")
