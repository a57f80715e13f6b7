"""Write-once storage on a real SeaweedFS: COMPLIANCE retention, legal hold, presigned downloads.

Every refusal below is the *server's* answer to a plain minio client (no checks of ours), so these
tests show what the storage itself enforces; docs/storage.md records the exact errors.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import urllib3
from minio.commonconfig import COMPLIANCE as MINIO_COMPLIANCE
from minio.commonconfig import GOVERNANCE as MINIO_GOVERNANCE
from minio.deleteobjects import DeleteObject
from minio.error import S3Error
from minio.retention import Retention

from sohoa.archive import COMPLIANCE, GOVERNANCE, IntegrityError, LockRefused, ObjectLock, S3ObjectStore, content_key
from tests.conftest_s3 import drop_bucket, minio_client

PDF = "application/pdf"
RETENTION = timedelta(seconds=4)


@pytest.fixture(scope="module")
def locked(s3_settings):
    """A store whose default lock is COMPLIANCE for a few seconds; the bucket is dropped once expired."""
    settings = dataclasses.replace(s3_settings, bucket=f"lock-{uuid.uuid4().hex[:16]}", lock_mode=COMPLIANCE,
                                   retention=RETENTION)
    store = S3ObjectStore(settings)
    latest: list[datetime] = [datetime.now(UTC) + RETENTION]
    yield store, latest
    drop_bucket(settings, wait_until=max(latest))


def _put(store: S3ObjectStore, data: bytes | None = None, lock: ObjectLock | None = None):
    data = data or os.urandom(2048)
    key = content_key("originals", hashlib.sha256(data).hexdigest(), ".pdf")
    return store.put_bytes(key, data, PDF, lock=lock), data


def _refused(call) -> str:
    with pytest.raises(S3Error) as caught:
        call()
    return f"{caught.value.code}: {caught.value.message}"


def test_compliance_version_cannot_be_deleted_or_shortened(locked) -> None:
    store, latest = locked
    stored, data = _put(store)
    state = store.lock_state(stored.key)
    assert state.mode == COMPLIANCE and state.version_id == stored.version_id
    assert state.retain_until > datetime.now(UTC)
    latest.append(state.retain_until)
    raw, bucket, version = minio_client(store.settings), store.settings.bucket, stored.version_id

    # DeleteObject of the locked version
    assert _refused(lambda: raw.remove_object(bucket, stored.key, version_id=version)).startswith("AccessDenied")
    # ... also with x-amz-bypass-governance-retention (works on GOVERNANCE only)
    errors = list(raw.remove_objects(bucket, [DeleteObject(stored.key, version)], bypass_governance_mode=True))
    assert [e.code for e in errors] == ["AccessDenied"]
    # PutObjectRetention with an earlier date, and switching to GOVERNANCE
    shorter = Retention(MINIO_COMPLIANCE, state.retain_until - timedelta(seconds=2))
    assert _refused(lambda: raw.set_object_retention(bucket, stored.key, shorter, version_id=version)).startswith("AccessDenied")
    weaker = Retention(MINIO_GOVERNANCE, state.retain_until + timedelta(seconds=2))
    assert _refused(lambda: raw.set_object_retention(bucket, stored.key, weaker, version_id=version)).startswith("AccessDenied")
    # the store itself refuses to weaken and never shortens
    with pytest.raises(LockRefused, match="cannot become GOVERNANCE"):
        store.extend_retention(stored.key, ObjectLock(GOVERNANCE, state.retain_until + timedelta(seconds=1)))
    same = store.extend_retention(stored.key, ObjectLock(COMPLIANCE, state.retain_until - timedelta(seconds=3)))
    assert same.retain_until == state.retain_until
    # a PUT to the same key never touches the locked version: the store refuses it, a raw client
    # only adds a newer version; a plain DELETE only adds a delete marker
    with pytest.raises(IntegrityError, match="different content"):
        store.put_bytes(stored.key, b"forged", PDF)
    raw.put_object(bucket, stored.key, io.BytesIO(b"forged"), 6)
    raw.remove_object(bucket, stored.key)
    assert raw.get_object(bucket, stored.key, version_id=version).read() == data
    assert store.lock_state(stored.key, version).mode == COMPLIANCE


def test_retention_is_extended_on_idempotent_put(locked) -> None:
    store, latest = locked
    stored, data = _put(store)
    before = store.lock_state(stored.key).retain_until
    later = ObjectLock(COMPLIANCE, before + timedelta(seconds=2))
    again = store.put_bytes(stored.key, data, PDF, lock=later)
    assert not again.created
    after = store.lock_state(stored.key)
    assert after.retain_until == later.retain_until
    latest.append(after.retain_until)


def test_legal_hold_blocks_deletion_after_retention(locked) -> None:
    store, latest = locked
    stored, _ = _put(store, lock=ObjectLock.for_period(COMPLIANCE, timedelta(seconds=1)))
    assert store.set_legal_hold(stored.key, True).legal_hold
    raw, bucket = minio_client(store.settings), store.settings.bucket
    time.sleep(max(0.0, (store.lock_state(stored.key).retain_until - datetime.now(UTC)).total_seconds() + 0.3))
    assert _refused(lambda: raw.remove_object(bucket, stored.key, version_id=stored.version_id)).startswith("AccessDenied")
    assert not store.set_legal_hold(stored.key, False).legal_hold


def test_presigned_download_pins_version_and_expires(locked) -> None:
    store, _ = locked
    stored, data = _put(store)
    http = urllib3.PoolManager()
    url = store.presigned_get(stored.key, expires=timedelta(seconds=1))
    assert f"versionId={stored.version_id}" in url
    response = http.request("GET", url)
    assert response.status == 200 and response.data == data
    assert response.headers["x-amz-meta-sha256"] == stored.sha256
    time.sleep(2.1)
    assert http.request("GET", url).status == 403
    with pytest.raises(ValueError, match="expiry"):
        store.presigned_get(stored.key, expires=timedelta(hours=2))


def test_lock_settings_from_env_and_procedure_retention(locked) -> None:
    from sohoa.archive import settings_from_env, years
    from sohoa.archive.settings import replica_settings_from_env
    from sohoa.archive.dossier import retention_lock

    env = {"SOHOA_S3_ENDPOINT": "127.0.0.1:9", "SOHOA_S3_ACCESS_KEY": "a", "SOHOA_S3_SECRET_KEY": "b"}
    production = settings_from_env(env)
    assert production.lock_mode == COMPLIANCE and production.retention == years(20) == timedelta(days=7320)
    staging = settings_from_env({**env, "SOHOA_S3_LOCK_MODE": "governance", "SOHOA_S3_RETENTION_DAYS": "3"})
    assert (staging.lock_mode, staging.retention) == (GOVERNANCE, timedelta(days=3))
    with pytest.raises(ValueError, match="lock_mode"):
        settings_from_env({**env, "SOHOA_S3_LOCK_MODE": "forever"})
    assert replica_settings_from_env(env, production) is None
    replica = replica_settings_from_env({**env, "SOHOA_S3_REPLICA_BUCKET": "copy"}, production)
    assert (replica.bucket, replica.endpoint, replica.lock_mode) == ("copy", "127.0.0.1:9", COMPLIANCE)
    assert "secret_key='***'" in repr(replica)

    store, _ = locked
    lock = retention_lock(store, 30)
    assert lock.mode == COMPLIANCE
    assert abs(lock.retain_until - (datetime.now(UTC) + timedelta(days=30 * 366))) < timedelta(seconds=5)
    assert retention_lock(store).retain_until > datetime.now(UTC) + timedelta(days=20 * 365)
    off = S3ObjectStore.__new__(S3ObjectStore)
    off._settings = dataclasses.replace(store.settings, lock_mode="OFF")
    assert retention_lock(off, 30) is None
