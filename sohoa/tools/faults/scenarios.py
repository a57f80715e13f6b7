"""The faults, one function each: break a component at a point of a dossier's way, bring it back, and note when the
dossiers settled. The checks come after all of them (:mod:`sohoa.tools.faults.checks`)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sohoa.archive import StorageError
from sohoa.tools.faults.lab import Lab
from sohoa.tools.faults.services import fill, small_disk, unmount


@dataclass
class Run:
    """What one scenario did."""

    fault: str
    """What was broken, and when."""
    codes: list[str] = field(default_factory=list)
    """The dossiers it recorded."""
    faults: int = 0
    """How many times the fault was injected."""
    recover: list[float] = field(default_factory=list)
    """Seconds from the component's return (or the kill) to the dossier settled, per affected dossier."""
    refused_cleanly: int = 0
    """Hand-ins refused at once with nothing recorded (the store was down)."""
    phantoms: int = 0
    """Dossiers recorded by a refused hand-in (must be 0)."""
    skipped: str | None = None
    """Why the scenario could not run here."""


def _recover_after(lab: Lab, run: Run, codes: list[str], since: float) -> None:
    settled = lab.settle(codes)
    run.recover += [settled[code] - since for code in codes if code in settled]


def worker_killed(lab: Lab, dossiers: int = 20, kills: int = 20) -> Run:
    """SIGKILL busy workers at random moments of their dossiers; a service manager starts new ones at once."""
    run = Run("worker SIGKILLed at a random point of a dossier")
    chance = random.Random(14)
    lab.workers.keep(lab.worker_count, lab.worker_env)
    while run.faults < kills and len(run.codes) < dossiers + kills:
        wave = [lab.submit()[0] for _ in range(lab.worker_count)]  # one per worker, so no queue wait is measured
        run.codes += wave
        for code in wave:
            lab.wait_for(code, "working")
        time.sleep(chance.uniform(0.0, 10.0))
        struck = [code for code in wave if "working" in lab.states(code)]
        for process in lab.busy_workers()[: kills - run.faults]:
            lab.workers.kill(process)
            run.faults += 1
        _recover_after(lab, run, struck, time.monotonic())
    return run


def storage_down_at_intake(lab: Lab, runs: int = 3) -> Run:
    """The object store stopped while the desk hands a dossier in; the officer hands it in again once it is back."""
    run = Run("S3 stopped during upload")
    for _ in range(runs):
        files = lab.dossier_files()
        before = len(lab.runtime.database.dossier_codes())
        lab.storage.stop()
        run.faults += 1
        try:
            lab.submit(files)
        except StorageError:
            run.refused_cleanly += 1
        run.phantoms += len(lab.runtime.database.dossier_codes()) - before
        lab.storage.start()
        back = time.monotonic()
        code, _ = lab.submit(files)
        run.codes.append(code)
        _recover_after(lab, run, [code], back)
    return run


def _break_while_working(lab: Lab, run: Run, runs: int, stop: Callable[[], None], start: Callable[[], None],
                         down_for: float) -> None:
    chance = random.Random(len(run.fault))
    lab.workers.keep(lab.worker_count, lab.worker_env)
    for _ in range(runs):
        code, _ = lab.submit()
        run.codes.append(code)
        lab.wait_for(code, "working")
        time.sleep(chance.uniform(0.0, 3.0))
        stop()
        run.faults += 1
        time.sleep(down_for)
        start()
        _recover_after(lab, run, [code], time.monotonic())


def storage_down_while_digitizing(lab: Lab, runs: int = 4) -> Run:
    """The object store stopped while a worker fetches originals, archives or signs."""
    run = Run("S3 stopped during archiving / signing")
    _break_while_working(lab, run, runs, lab.storage.stop, lab.storage.start, down_for=4.0)
    return run


def redis_down_at_intake(lab: Lab, runs: int = 3) -> Run:
    """Redis down when a dossier is handed in: it is recorded, and queued by a worker's sweep once Redis is back."""
    run = Run("Redis stopped at submit")
    for _ in range(runs):
        files = lab.dossier_files()
        lab.redis.stop()
        run.faults += 1
        code, _ = lab.submit(files)
        run.codes.append(code)
        time.sleep(2.0)
        lab.redis.start()
        _recover_after(lab, run, [code], time.monotonic())
    return run


def redis_down_while_digitizing(lab: Lab, runs: int = 3) -> Run:
    """Redis stopped (and everything it held lost) while a worker digitizes."""
    run = Run("Redis stopped during work")
    _break_while_working(lab, run, runs, lab.redis.stop, lab.redis.start, down_for=3.0)
    return run


def postgres_restarted(lab: Lab, runs: int = 3) -> Run:
    """PostgreSQL stopped at once (connections cut) and started again mid-dossier."""
    run = Run("PostgreSQL restarted mid-dossier")
    if lab.postgres is None:
        run.skipped = "PostgreSQL's server programs are not installed: the suite ran on SQLite"
        return run
    _break_while_working(lab, run, runs, lab.postgres.stop, lab.postgres.start, down_for=2.0)
    return run


def work_disk_full(lab: Lab, runs: int = 2) -> Run:
    """The worker's work folder fills up mid-dossier, then space is freed."""
    run = Run("work folder's disk full")
    disk = lab.root / "work-disk"
    why_not = small_disk(disk, 64)
    if why_not:
        run.skipped = why_not
        return run
    lab.workers.stop_all()
    lab.worker_env, lab.worker_count = {"TMPDIR": str(disk)}, 1
    try:
        for _ in range(runs):
            code, _ = lab.submit()
            run.codes.append(code)
            lab.wait_for(code, "working")
            filler = fill(disk)
            run.faults += 1
            time.sleep(4.0)
            filler.unlink()
            since = time.monotonic()
            settled = lab.settle([code])
            run.recover += [settled[code] - since] if code in settled else []
    finally:
        lab.workers.stop_all()
        lab.worker_env, lab.worker_count = {}, 2
        unmount(disk)
    return run


SCENARIOS = (worker_killed, storage_down_at_intake, storage_down_while_digitizing, redis_down_at_intake,
             redis_down_while_digitizing, postgres_restarted, work_disk_full)
"""In the order they run."""
