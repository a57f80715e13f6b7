"""The queued job and how it is enqueued. The job is a thin shell over sohoa.services.runtime."""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import asdict
from pathlib import Path

from redis import Redis
from rq import Queue, Retry

from sohoa.services.config import Config
from sohoa.lifecycle.reception import digitize_dossier
from sohoa.services.artifacts import StoredSource, fetch_sources
from sohoa.services.runtime import Runtime, build_runtime

JOB_TIMEOUT_SECONDS = 3600
"""A dossier of a few hundred pages fits well inside this."""
RETRY = Retry(max=3, interval=[10, 60, 300])
"""A job whose worker died (even SIGKILL) is retried only if it has a Retry."""

_runtime: Runtime | None = None


def use_runtime(runtime: Runtime) -> None:
    """Install the runtime this worker process built once at start (engines, signer key, DB pool)."""
    global _runtime
    _runtime = runtime


def digitize_job(code: str, sources: list[dict]) -> dict:
    """Digitize a received dossier whose originals are already archived. Idempotent: keys are content hashes."""
    runtime = _runtime or build_runtime(Config.from_env())
    record = runtime.database.get_dossier(code)
    stored = tuple(StoredSource(**source) for source in sources)
    with tempfile.TemporaryDirectory(prefix=f"sohoa-in-{code}-") as directory:
        files = fetch_sources(runtime.engines.store, stored, Path(directory))
        report = digitize_dossier(runtime, record, files, actor="worker")
    return {"code": code, "complete": report.checklist.complete, "manifest": report.manifest.key}


def enqueue_digitize(queue: Queue, code: str, sources: tuple[StoredSource, ...], again: bool = False):
    """Queue a dossier for digitization; the job id is derived from the dossier code so it is queued once
    (`again`: a supplement's run, whose id also names its originals)."""
    job_id = "digitize-" + code.replace(".", "_")
    if again:
        job_id += "-" + hashlib.sha256("|".join(s.sha256 for s in sources).encode()).hexdigest()[:12]
    return queue.enqueue_call(
        digitize_job, args=(code, [asdict(s) for s in sources]), timeout=JOB_TIMEOUT_SECONDS,
        retry=RETRY, job_id=job_id, result_ttl=7 * 24 * 3600, failure_ttl=30 * 24 * 3600,
        description=f"digitize dossier {code}",
    )


def queue_for(config: Config) -> Queue:
    """The RQ queue named in the configuration."""
    return Queue(config.queue_name, connection=Redis.from_url(config.redis_url))
