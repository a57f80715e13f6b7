"""Pytest plugin: a real SeaweedFS for the whole test session.

Enable it from ``tests/conftest.py`` with ``pytest_plugins = ["tests.conftest_s3"]``.

* ``s3_server``  (session)  the :class:`EmbeddedSeaweedFS` started in a tmp dir, stopped at the end
* ``s3_settings`` (session) its :class:`StorageSettings` (bucket ``sohoa``) with Object Lock in
  GOVERNANCE mode for one day, so ``drop_bucket`` can remove what tests store (COMPLIANCE versions
  cannot be removed before they expire: tests of COMPLIANCE use retentions of seconds)
* session-wide ``SOHOA_S3_LOCK_MODE=GOVERNANCE`` / ``SOHOA_S3_RETENTION_DAYS=1`` in ``os.environ``, for
  tests that start the ``sohoa`` command with the S3 variables
* ``raw_s3_client`` (function) a plain minio client on the same server, for going behind the store
* ``object_store`` (function) an :class:`S3ObjectStore` on a fresh bucket, emptied and deleted
  afterwards (SeaweedFS backs each bucket with its own volume and the number of volumes is
  bounded by free disk, so buckets are not left behind)
"""

from __future__ import annotations

import time
import uuid
import warnings
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from minio import Minio
from minio.deleteobjects import DeleteObject

from sohoa.archive import GOVERNANCE, EmbeddedSeaweedFS, S3ObjectStore, StorageSettings


def minio_client(settings: StorageSettings) -> Minio:
    """A plain minio client (no checks of ours) for tests that need raw access to the bucket."""
    return Minio(
        settings.endpoint,
        access_key=settings.access_key,
        secret_key=settings.secret_key,
        secure=settings.secure,
        region=settings.region,
    )


def drop_bucket(settings: StorageSettings, *, wait_until: datetime | None = None) -> None:
    """Delete every version and delete marker in ``settings.bucket``, then the bucket itself.

    GOVERNANCE locks are bypassed; COMPLIANCE ones cannot be: pass ``wait_until`` (the latest
    retain-until date used in the bucket) to sleep until they have expired first."""
    client = minio_client(settings)
    if not client.bucket_exists(settings.bucket):
        return
    if wait_until is not None:
        time.sleep(max(0.0, (wait_until - datetime.now(UTC)).total_seconds() + 0.5))
    versions = [
        DeleteObject(obj.object_name, obj.version_id)
        for obj in client.list_objects(settings.bucket, recursive=True, include_version=True)
    ]
    errors = list(client.remove_objects(settings.bucket, versions, bypass_governance_mode=True))
    if errors:
        warnings.warn(f"could not empty test bucket {settings.bucket}: {errors[0]}", stacklevel=1)
        return
    client.remove_bucket(settings.bucket)


@pytest.fixture(scope="session", autouse=True)
def _governance_lock_in_subprocesses() -> Iterator[None]:
    """Tests that run the ``sohoa`` command with ``{**os.environ, SOHOA_S3_…}`` must not leave
    COMPLIANCE-locked (undeletable) objects behind: default their lock to GOVERNANCE for a day."""
    patch = pytest.MonkeyPatch()
    patch.setenv("SOHOA_S3_LOCK_MODE", GOVERNANCE)
    patch.setenv("SOHOA_S3_RETENTION_DAYS", "1")
    yield
    patch.undo()


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedSeaweedFS]:
    """One embedded SeaweedFS for the session."""
    server = EmbeddedSeaweedFS(tmp_path_factory.mktemp("seaweedfs"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def s3_settings(s3_server: EmbeddedSeaweedFS) -> StorageSettings:
    """Settings of the session's SeaweedFS (GOVERNANCE lock for a day, removable by drop_bucket)."""
    return replace(s3_server.settings, lock_mode=GOVERNANCE, retention=timedelta(days=1))


@pytest.fixture
def raw_s3_client(s3_settings: StorageSettings) -> Minio:
    """A plain minio client (none of the store's checks) on the session's SeaweedFS."""
    return minio_client(s3_settings)


@pytest.fixture
def object_store(s3_settings: StorageSettings) -> Iterator[S3ObjectStore]:
    """An S3ObjectStore on a fresh, uniquely named bucket (Object Lock + versioning)."""
    settings = replace(s3_settings, bucket=f"test-{uuid.uuid4().hex[:20]}")
    store = S3ObjectStore(settings)
    try:
        yield store
    finally:
        drop_bucket(settings)
