"""The fault suite's lab: its own Redis, PostgreSQL (when installed) and SeaweedFS in a temporary folder, `sohoa
worker` processes, and an in-process runtime that hands dossiers in as the API does."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from rq import Worker

from sohoa.edges.workers.jobs import queue_for, queue_order
from sohoa.edges.workers.settings import WorkerSettings
from sohoa.lifecycle.reception import accept_upload
from sohoa.services.config import Config
from sohoa.services.runtime import Runtime, build_runtime
from sohoa.tools.corpus.dossier import generate_dossier
from sohoa.tools.corpus.models import ScanOptions
from sohoa.tools.faults.services import PostgresCluster, RedisServer, Storage, Workers

PROCEDURE = "2.000620"
"""The procedure of every dossier the suite hands in (a small one: a few pages)."""
FAST_RECOVERY = {"SOHOA_RETRY_INTERVALS": "1,2,4,8,16", "SOHOA_HEARTBEAT_TTL": "6", "SOHOA_MAINTENANCE_INTERVAL": "2",
                 "SOHOA_SWEEP_AFTER": "5", "SOHOA_JOBS": "1", "SOHOA_S3_LOCK_MODE": "GOVERNANCE",
                 "SOHOA_S3_RETENTION_DAYS": "1"}
"""Short intervals, so that a run takes minutes; the defaults are longer (docs/reliability.md)."""
FINAL = ("done", "failed")


@dataclass
class Lab:
    """Everything a scenario needs to hand dossiers in, break components and watch the outcome."""

    root: Path
    redis: RedisServer
    storage: Storage
    postgres: PostgresCluster | None
    env: dict[str, str]
    runtime: Runtime
    settings: WorkerSettings
    workers: Workers
    worker_count: int = 2
    worker_env: dict[str, str] = field(default_factory=dict)
    seed: int = 0
    codes: list[str] = field(default_factory=list)
    summary: dict[str, object] = field(default_factory=dict)

    def dossier_files(self) -> tuple[Path, ...]:
        """The scans of a new synthetic dossier (never seen before, so every page is really read)."""
        self.seed += 1
        folder = self.root / "inputs" / f"d{self.seed:03d}"
        procedure = self.runtime.engines.catalog.get(PROCEDURE)
        generate_dossier(procedure, None, 7000 + self.seed, folder, ScanOptions(dpi=200, blank_back_probability=0.0))
        return tuple(sorted(folder.glob("page-*")))

    def submit(self, files: tuple[Path, ...] | None = None) -> tuple[str, bool]:
        """Hand a dossier in as the API does; its code and whether the queue took it."""
        record, order = accept_upload(self.runtime, PROCEDURE, None, files or self.dossier_files(), actor="faults")
        self.codes.append(record.code)
        return record.code, queue_order(queue_for(self.runtime.config), order, self.settings)

    def states(self, code: str) -> set[str]:
        """The states of a dossier's jobs."""
        return {work.state for work in self.runtime.database.work_of(code)}

    def wait_for(self, code: str, state: str, timeout: float = 60.0) -> bool:
        """Until one of the dossier's jobs is in ``state`` (workers kept alive meanwhile)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if state in self.states(code):
                return True
            self.workers.keep(self.worker_count, self.worker_env)
            time.sleep(0.2)
        return False

    def settle(self, codes: list[str], timeout: float = 240.0) -> dict[str, float]:
        """Until every job of ``codes`` is done or failed, keeping the workers alive like a service manager; when
        each dossier settled (monotonic seconds); the unsettled are left out."""
        settled: dict[str, float] = {}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(settled) < len(codes):
            for code in codes:
                if code not in settled and self._settled(code):
                    settled[code] = time.monotonic()
            self.workers.keep(self.worker_count, self.worker_env)
            time.sleep(0.3)
        return settled

    def _settled(self, code: str) -> bool:
        try:
            states = self.states(code)
        except Exception:  # the database is coming back
            return False
        return bool(states) and states <= set(FINAL)

    def busy_workers(self) -> list:
        """Worker processes of this lab that RQ says are running a job."""
        live = {process.pid: process for process in self.workers.processes if process.poll() is None}
        busy = []
        for worker in Worker.all(queue=queue_for(self.runtime.config)):
            if worker.get_state() == "busy" and worker.pid in live:
                busy.append(live[worker.pid])
        return busy


def open_lab(root: Path, use_postgres: bool = True) -> Lab:
    """Start the components in ``root`` and build the lab (PostgreSQL when installed and asked for, else SQLite)."""
    redis = RedisServer(root / "redis")
    redis.start()
    storage = Storage(root / "s3")
    s3 = storage.start()
    postgres = PostgresCluster(root / "pg") if use_postgres else None
    if postgres is not None and postgres.available:
        postgres.init()
        postgres.start()
        database_url = postgres.url
    else:
        postgres = None
        database_url = f"sqlite:///{root / 'sohoa.db'}"
    env = {**_base_env(), **FAST_RECOVERY, "SOHOA_DATA_DIR": str(root / "data"), "SOHOA_DATABASE_URL": database_url,
           "SOHOA_REDIS_URL": redis.url, "SOHOA_QUEUE": "faults", "SOHOA_S3_ENDPOINT": s3.endpoint,
           "SOHOA_S3_ACCESS_KEY": s3.access_key, "SOHOA_S3_SECRET_KEY": s3.secret_key, "SOHOA_S3_BUCKET": s3.bucket}
    runtime = build_runtime(Config.from_env(env))
    return Lab(root, redis, storage, postgres, env, runtime, WorkerSettings.from_env(env),
               Workers(env, root / "logs"))


def close_lab(lab: Lab) -> None:
    """Stop everything the lab started."""
    lab.workers.stop_all()
    lab.runtime.database.close()
    lab.redis.stop()
    lab.storage.stop()
    if lab.postgres is not None:
        lab.postgres.stop()


def _base_env() -> dict[str, str]:
    import os

    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TESSDATA_PREFIX", "SOHOA_MODEL_CACHE", "XDG_CACHE_HOME", "OMP_THREAD_LIMIT")
    return {name: os.environ[name] for name in keep if name in os.environ}
