"""Nothing lost, nothing stuck (issue 14): on the real SeaweedFS, Redis and database, a dossier is recorded only once
its originals are stored; a Redis outage at intake is made good by a worker's sweep; a SIGKILLed worker's job is
taken up by another worker within seconds; a job that exhausts its retries is failed with its reason, shown by the
API, and runs again on `retry`. The long fault runs are `make faults` (docs/reliability.md)."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rq.job import Job

from sohoa.archive import EmbeddedSeaweedFS, StorageError
from sohoa.edges.api.app import create_app
from sohoa.edges.workers.jobs import queue_for, queue_order, use_runtime
from sohoa.edges.workers.settings import WorkerSettings
from sohoa.edges.workers.sweep import sweep_lost_work
from sohoa.edges.workers.worker import SohoaWorker
from sohoa.lifecycle.errors import IllegalTransition
from sohoa.lifecycle.orders import WorkOrder
from sohoa.lifecycle.reception import accept_upload
from sohoa.lifecycle.work import retry_dossier
from sohoa.services.access import Role, issue_token
from sohoa.services.runtime import build_runtime
from tests.conftest import _free_port, sample_files

PROCEDURE = "2.000620"
QUICK = WorkerSettings(retry_intervals=(0, 0), heartbeat_ttl=4, maintenance_interval=1, sweep_after=0)


@pytest.fixture(scope="module")
def runtime(config_for):
    built = build_runtime(config_for())
    use_runtime(built)
    return built


def test_a_store_down_at_intake_records_no_dossier(tmp_path, config_for):
    server = EmbeddedSeaweedFS(tmp_path / "s3")
    settings = server.start()
    lonely = build_runtime(dataclasses.replace(config_for(), storage=settings), sign=False)
    server.stop()
    before = lonely.database.dossier_codes()
    with pytest.raises(StorageError):
        accept_upload(lonely, PROCEDURE, None, sample_files(), actor="test")
    assert lonely.database.dossier_codes() == before


def test_redis_down_at_intake_is_made_good_by_the_sweep(runtime):
    record, order = accept_upload(runtime, PROCEDURE, None, sample_files()[:1], actor="test")
    dead_queue = queue_for(dataclasses.replace(runtime.config, redis_url=f"redis://127.0.0.1:{_free_port()}/0"))
    assert queue_order(dead_queue, order, QUICK) is False
    assert [(w.job_id, w.state) for w in runtime.database.work_of(record.code)] == [(order.job_id, "queued")]
    assert len(runtime.database.list_artifacts(record.code)) == 1  # its original is recorded with it

    queue = queue_for(runtime.config)
    assert sweep_lost_work(runtime, queue, QUICK) >= 1
    assert Job.fetch(order.job_id, connection=queue.connection).get_status() == "queued"
    SohoaWorker([queue], QUICK, connection=queue.connection).work(burst=True)
    assert {w.state for w in runtime.database.work_of(record.code)} == {"done"}
    assert runtime.database.get_dossier(record.code).report is not None
    assert sweep_lost_work(runtime, queue, QUICK) == 0  # nothing left to sweep


def _worker_env(runtime) -> dict[str, str]:
    config, s3 = runtime.config, runtime.config.storage
    return {**os.environ, "SOHOA_DATA_DIR": str(config.data_dir), "SOHOA_DATABASE_URL": config.database_url,
            "SOHOA_REDIS_URL": config.redis_url, "SOHOA_QUEUE": config.queue_name, "SOHOA_S3_ENDPOINT": s3.endpoint,
            "SOHOA_S3_ACCESS_KEY": s3.access_key, "SOHOA_S3_SECRET_KEY": s3.secret_key, "SOHOA_S3_BUCKET": s3.bucket,
            "SOHOA_RETRY_INTERVALS": "1,1,1", "SOHOA_HEARTBEAT_TTL": "4", "SOHOA_MAINTENANCE_INTERVAL": "1",
            "SOHOA_JOBS": "1"}


def _start_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen([str(Path(sys.executable).with_name("sohoa")), "worker"], env=env,
                            stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)


def _wait(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_a_killed_workers_job_is_taken_up_by_another_within_seconds(runtime, tmp_path):
    record, order = accept_upload(runtime, PROCEDURE, None, sample_files(), actor="test")
    env = _worker_env(runtime)
    queue_order(queue_for(runtime.config), order, WorkerSettings.from_env(env))
    states = lambda: {w.state for w in runtime.database.work_of(record.code)}  # noqa: E731
    first = _start_worker(env, tmp_path / "first.log")
    second = None
    try:
        assert _wait(lambda: "working" in states(), 60), (tmp_path / "first.log").read_text()[-2000:]
        first.send_signal(signal.SIGKILL)
        first.wait()
        killed = time.monotonic()
        second = _start_worker(env, tmp_path / "second.log")
        assert _wait(lambda: states() == {"done"}, 120), (tmp_path / "second.log").read_text()[-2000:]
        recovered = time.monotonic() - killed
    finally:
        for process in (first, second):
            if process is not None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    work = runtime.database.work_of(record.code)[0]
    assert work.attempts == 2 and work.error is None
    outcomes = [entry.outcome for entry in runtime.database.access_log(record.code)]
    assert any(o.startswith("will retry: the worker stopped") for o in outcomes), outcomes
    assert runtime.database.get_dossier(record.code).report is not None
    assert recovered < 90  # the replacement found the job: heartbeat TTL + maintenance + retry, then the digitization


def test_exhausted_retries_fail_with_the_reason_and_retry_runs_it_again(runtime):
    record, _ = accept_upload(runtime, PROCEDURE, None, sample_files()[:1], actor="test")
    broken = "digitize-broken-" + record.code.replace(".", "_")
    runtime.database.queue_work(record.code, broken, [{"name": "gone.jpg", "key": "originals/00/" + "0" * 64,
                                                       "sha256": "0" * 64}])
    queue = queue_for(runtime.config)
    queue_order(queue, WorkOrder(broken, record.code, ()), QUICK)  # the queue carries only the id
    SohoaWorker([queue], QUICK, connection=queue.connection).work(burst=True)
    work = runtime.database.get_work(broken)
    assert work.state == "failed" and work.attempts == 3  # the first attempt and its two retries
    assert "0000000000" in work.error
    assert runtime.database.get_dossier(record.code).error == work.error

    token, digest = issue_token()
    runtime.database.add_api_user(f"admin-{digest[:8]}", Role.ADMIN, digest)
    client = TestClient(create_app(runtime, queue, QUICK))
    shown = client.get(f"/dossiers/{record.code}", headers={"Authorization": f"Bearer {token}"}).json()
    assert {"job_id": broken, "state": "failed"}.items() <= next(w for w in shown["work"] if w["job_id"] == broken).items()

    again = client.post(f"/dossiers/{record.code}/retry", headers={"Authorization": f"Bearer {token}"})
    assert again.status_code == 202 and again.json()["job_ids"] == [broken]
    assert runtime.database.get_work(broken).state == "queued"
    assert Job.fetch(broken, connection=queue.connection).get_status() == "queued"
    queue.empty()
    runtime.database.fail_work(broken, "given up in the test", final=True)
    retry_dossier(runtime, record.code, "test")
    with pytest.raises(IllegalTransition):
        retry_dossier(runtime, record.code, "test")  # nothing failed any more
