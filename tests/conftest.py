"""Shared fixtures: real SeaweedFS (tests.conftest_s3), real Redis, real PostgreSQL, a runtime on them."""

from __future__ import annotations

import dataclasses
import functools
import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from redis import Redis

from sohoa.services.config import Config, default_model_cache

pytest.register_assert_rewrite("tests.conftest_s3", "tests.conftest_pki")
pytest_plugins = ["tests.conftest_s3", "tests.conftest_pki"]

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = ROOT / "samples" / "2.000620"
POSTGRES_ADMIN_URL = os.environ.get("SOHOA_TEST_POSTGRES_URL", "postgresql://127.0.0.1:5432/postgres")
MODEL_CACHE = default_model_cache(os.environ)
"""The page model cache the tests share with `make setup` (which trains the model into it)."""


@functools.cache
def page_model():
    """The trained page model of the default catalogue, trained now if `make setup` has not."""
    from sohoa.catalog import load_catalog
    from sohoa.tools.training.train import ensure_model

    return ensure_model(load_catalog(), MODEL_CACHE)[0]


@pytest.fixture(scope="session", autouse=True)
def trained_page_model():
    """Every pipeline run loads the page model from the cache; it is there before the first test."""
    return page_model()


def sample_files() -> tuple[Path, ...]:
    """The bundled sample dossier (procedure 2.000620), in hand-in order."""
    return tuple(sorted(p for p in SAMPLE_DIR.iterdir() if p.suffix.lower() in {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".pdf"}))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The machine's Redis on 6379 when it answers; otherwise a redis-server started for the session."""
    try:
        Redis.from_url("redis://127.0.0.1:6379/0", socket_connect_timeout=1).ping()
        yield "redis://127.0.0.1:6379/15"
        return
    except Exception:  # noqa: BLE001 - any failure means: start our own
        pass
    binary = shutil.which("redis-server")
    assert binary, "no Redis answers on 127.0.0.1:6379 and redis-server is not installed (run `make setup`)"
    port, directory = _free_port(), tmp_path_factory.mktemp("redis")
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(directory)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    for _ in range(50):
        try:
            Redis.from_url(url).ping()
            break
        except Exception:  # noqa: BLE001
            time.sleep(0.1)
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def fresh_postgres_database(prefix: str = "sohoa_test") -> Iterator[str]:
    """A new, empty PostgreSQL database (its SQLAlchemy URL), dropped afterwards."""
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for the session, dropped at the end."""
    with fresh_postgres_database() as url:
        yield url


@pytest.fixture(scope="module")
def config_for(tmp_path_factory: pytest.TempPathFactory, s3_settings, redis_url: str):
    """Build a Config on the test servers: a fresh bucket, a fresh data dir, the chosen database URL."""

    buckets = []
    data_dir = tmp_path_factory.mktemp("data")

    def build(database_url: str | None = None, jobs: int = 2) -> Config:
        base = Config.from_env({"SOHOA_DATA_DIR": str(data_dir)})
        storage = dataclasses.replace(s3_settings, bucket=f"e2e-{uuid.uuid4().hex[:16]}")
        buckets.append(storage)
        return dataclasses.replace(base, storage=storage, redis_url=redis_url, jobs=jobs,
                                   queue_name=f"test-{uuid.uuid4().hex[:8]}",
                                   database_url=database_url or base.database_url)

    yield build
    from tests.conftest_s3 import drop_bucket

    for storage in buckets:
        drop_bucket(storage)
