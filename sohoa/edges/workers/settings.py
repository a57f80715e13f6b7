"""How the queue retries and how workers watch each other, read once from the environment at the edge."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from sohoa.errors import SohoaError


class WorkerSettingError(SohoaError):
    """A worker setting in the environment cannot be read."""

    exit_code = 64  # EX_USAGE
    http_status = 500


@dataclass(frozen=True)
class WorkerSettings:
    """Retries, heartbeats and the sweep of lost work (docs/reliability.md)."""

    retry_intervals: tuple[int, ...] = (10, 60, 300)
    """Seconds before each retry of a failed or abandoned job (``SOHOA_RETRY_INTERVALS``, comma-separated); as many
    retries as intervals."""
    heartbeat_ttl: int = 20
    """Seconds a worker's silence is tolerated before its job counts as abandoned (``SOHOA_HEARTBEAT_TTL``); a
    thread beats at a third of it while a job runs."""
    maintenance_interval: int = 10
    """Seconds between a worker's look for abandoned jobs and lost work (``SOHOA_MAINTENANCE_INTERVAL``)."""
    sweep_after: int = 60
    """Seconds a recorded job may wait with no job on the queue before a worker queues it again
    (``SOHOA_SWEEP_AFTER``): the queue lost it (Redis restarted, or was down when the dossier came in)."""
    job_timeout: int = 3600
    """Seconds a job may run (``SOHOA_JOB_TIMEOUT``); a dossier of a few hundred pages fits well inside."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> WorkerSettings:
        """Settings from ``SOHOA_*`` variables; :class:`WorkerSettingError` naming the variable when one is wrong."""
        env = os.environ if environ is None else environ
        default = cls()
        return cls(
            retry_intervals=_seconds_list(env, "SOHOA_RETRY_INTERVALS", default.retry_intervals),
            heartbeat_ttl=_seconds(env, "SOHOA_HEARTBEAT_TTL", default.heartbeat_ttl, minimum=3),
            maintenance_interval=_seconds(env, "SOHOA_MAINTENANCE_INTERVAL", default.maintenance_interval),
            sweep_after=_seconds(env, "SOHOA_SWEEP_AFTER", default.sweep_after),
            job_timeout=_seconds(env, "SOHOA_JOB_TIMEOUT", default.job_timeout, minimum=10),
        )


def _seconds(env: Mapping[str, str], name: str, default: int, minimum: int = 1) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < minimum:
        raise WorkerSettingError(f"{name}={raw!r}: expected a whole number of seconds, at least {minimum}")
    return int(raw)


def _seconds_list(env: Mapping[str, str], name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    parts = [part.strip() for part in raw.split(",")]
    if not all(part.isdigit() for part in parts):
        raise WorkerSettingError(f"{name}={raw!r}: expected seconds separated by commas, e.g. 10,60,300")
    return tuple(int(part) for part in parts)
