"""The object store interface and its S3 implementation on the minio SDK (7.2.x).

Every object carries the SHA-256 and SHA-512 of its content in ``x-amz-meta-sha256`` /
``x-amz-meta-sha512``; reads verify both (SHA-512 when recorded). Every stored version gets an
Object Lock retention (COMPLIANCE by default, see :mod:`sohoa.archive.lock`) that the store only
ever extends. Puts are
idempotent for identical content and refuse to replace different content under the same key.
Uploads send ``Content-MD5`` per request (the server rejects corrupted bodies with BadDigest) and
are checked afterwards with a ``stat`` (size, sha256 metadata and, optionally, the MD5 ETag).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, timedelta
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable

import urllib3
from minio import Minio
from minio.commonconfig import ENABLED
from minio.retention import Retention
from minio.error import MinioException, S3Error
from minio.versioningconfig import VersioningConfig

from sohoa.archive import digest as _digest
from sohoa.archive.digest import PART_SIZE, ContentChanged, Digest, VerifyingReader
from sohoa.archive.errors import IntegrityError, LockRefused, ObjectMissing, StorageError
from sohoa.archive.keys import SHA256_HEX, SHA256_META, SHA512_HEX, SHA512_META, user_metadata
from sohoa.archive.lock import COMPLIANCE, OFF, LockState, ObjectLock
from sohoa.archive.settings import StorageSettings, StoredObject

log = logging.getLogger(__name__)

_SHA256_HEADER = "x-amz-meta-" + SHA256_META
_SHA512_HEADER = "x-amz-meta-" + SHA512_META
MAX_PRESIGN_EXPIRY = timedelta(hours=1)
"""Longest lifetime of a presigned download URL handed out by :meth:`S3ObjectStore.presigned_get`."""
_MISSING_CODES = {"NoSuchKey", "NoSuchBucket", "NoSuchVersion"}
_NO_LOCK_CODES = {"NoSuchObjectLockConfiguration", "ObjectLockConfigurationNotFoundError", "NoSuchObjectLegalHold",
                  "InvalidRequest"}


@runtime_checkable
class ObjectStore(Protocol):
    """Content store the pipeline archives originals, PDF/A results and manifests in."""

    def put_bytes(
        self, key: str, data: bytes, content_type: str, metadata: Mapping[str, str] | None = None,
        *, lock: ObjectLock | None = None,
    ) -> StoredObject:
        """Store ``data`` under ``key`` (idempotent; IntegrityError if different content is there) and
        lock the version (``lock``, else the store's default retention; an existing one is extended)."""
        ...

    def put_file(
        self, key: str, path: Path, content_type: str, metadata: Mapping[str, str] | None = None,
        *, lock: ObjectLock | None = None,
    ) -> StoredObject:
        """Like :meth:`put_bytes`, streaming the file instead of holding it in memory."""
        ...

    def get_bytes(self, key: str) -> bytes:
        """The whole content, verified against its recorded SHA-256."""
        ...

    def iter_chunks(self, key: str, chunk_size: int = 1 << 20) -> Iterator[bytes]:
        """The content in chunks; raises IntegrityError after the last chunk if it does not verify."""
        ...

    def stat(self, key: str) -> StoredObject | None:
        """What is stored under ``key``, or None."""
        ...

    def exists(self, key: str) -> bool:
        """Whether an object is stored under ``key``."""
        ...


class _ContentMd5Minio(Minio):
    """minio 7.2 sends Content-MD5 only over HTTPS and has no checksum arguments (8.x will).
    This adds Content-MD5 to every PutObject/UploadPart request, so the server verifies each body
    also over plain HTTP (SeaweedFS does not verify the signed x-amz-content-sha256 payload hash).
    Relies on the private ``Minio._put_object`` (stable through 7.2.x, pinned ``<8`` in pyproject)."""

    def _put_object(self, bucket_name, object_name, data, headers=None, query_params=None):  # noqa: ANN001
        headers = dict(headers or {})
        if isinstance(data, (bytes, bytearray)) and "Content-MD5" not in headers:
            headers["Content-MD5"] = _digest.content_md5(bytes(data))
        return super()._put_object(bucket_name, object_name, data, headers, query_params)


def make_client(settings: StorageSettings, http_client: urllib3.PoolManager | None = None) -> Minio:
    """A minio client for ``settings`` that sends Content-MD5 on every upload request."""
    return _ContentMd5Minio(
        settings.endpoint,
        access_key=settings.access_key,
        secret_key=settings.secret_key,
        secure=settings.secure,
        region=settings.region,
        http_client=http_client,
    )


def _retention(lock: ObjectLock) -> Retention:
    """The minio form of ``lock`` (retain-until in UTC)."""
    return Retention(lock.mode, lock.retain_until.astimezone(UTC))


@dataclass(frozen=True)
class ListedObject:
    """One current object found by :meth:`S3ObjectStore.list_objects`."""

    key: str
    """Object key."""
    size: int
    """Size in bytes."""
    version_id: str | None
    """Current version id."""


class S3ObjectStore:
    """:class:`ObjectStore` on an S3-compatible endpoint (SeaweedFS, MinIO, AWS S3)."""

    def __init__(self, settings: StorageSettings, *, client: Minio | None = None) -> None:
        """Connects and creates the bucket if missing (Object Lock enabled, versioning on)."""
        self._settings = settings
        self._bucket = settings.bucket
        self._client = client or make_client(settings)
        self._ensure_bucket()

    @property
    def settings(self) -> StorageSettings:
        """The settings this store was built with."""
        return self._settings

    def __repr__(self) -> str:
        return f"S3ObjectStore({self._settings!r})"

    def _where(self, key: str) -> str:
        return f"s3://{self._bucket}/{key}"

    def _fail(self, exc: Exception, key: str, action: str) -> StorageError:
        """Translate an SDK/transport exception into a typed error naming bucket and key."""
        if isinstance(exc, S3Error) and exc.code in _MISSING_CODES:
            reason = "no such bucket" if exc.code == "NoSuchBucket" else "no such key"
            return ObjectMissing(self._bucket, key, reason)
        if isinstance(exc, S3Error):
            detail = f"{exc.code}: {exc.message}"
        elif isinstance(exc, urllib3.exceptions.HTTPError):
            detail = f"cannot reach {self._settings.endpoint}: {type(exc).__name__}: {exc}"
        else:
            detail = f"{type(exc).__name__}: {exc}"
        return StorageError(f"{action} {self._where(key)} failed: {detail}", bucket=self._bucket, key=key)

    def _ensure_bucket(self) -> None:
        try:
            if self._client.bucket_exists(self._bucket):
                return
            try:
                self._client.make_bucket(self._bucket, location=self._settings.region, object_lock=True)
            except S3Error as exc:
                if exc.code not in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}:
                    raise
            self._client.set_bucket_versioning(self._bucket, VersioningConfig(ENABLED))
            log.info("created bucket %s on %s with object lock and versioning", self._bucket, self._settings.endpoint)
        except (MinioException, urllib3.exceptions.HTTPError, ValueError) as exc:
            raise self._fail(exc, "", "creating bucket") from exc

    # ---- writes -------------------------------------------------------------------------------

    def default_lock(self, period: timedelta | None = None) -> ObjectLock | None:
        """The lock :meth:`put_bytes` applies when given none: the settings' mode for ``period``
        (default: the settings' retention); None when the settings turn locking off."""
        if self._settings.lock_mode == OFF:
            return None
        return ObjectLock.for_period(self._settings.lock_mode, period or self._settings.retention)

    def put_bytes(
        self, key: str, data: bytes, content_type: str, metadata: Mapping[str, str] | None = None,
        *, lock: ObjectLock | None = None,
    ) -> StoredObject:
        """Store ``data`` under ``key``; see :meth:`ObjectStore.put_bytes`. ``lock`` (default
        :meth:`default_lock`) is put on the new version, or extended on an identical existing one."""
        expected = _digest.digest_bytes(bytes(data))
        return self._put(key, lambda: io.BytesIO(data), expected, content_type, metadata, lock)

    def put_file(
        self, key: str, path: Path, content_type: str, metadata: Mapping[str, str] | None = None,
        *, lock: ObjectLock | None = None,
    ) -> StoredObject:
        """Store the file at ``path``: one pass hashes it, a second streams it while re-hashing
        (the upload is aborted if the file changed in between)."""
        path = Path(path)
        try:
            with path.open("rb") as fh:
                expected = _digest.digest_stream(fh)
        except OSError as exc:
            reason = f"cannot read {path} for {self._where(key)}: {exc}"
            raise StorageError(reason, bucket=self._bucket, key=key) from exc
        return self._put(key, lambda: path.open("rb"), expected, content_type, metadata, lock)

    def _put(
        self,
        key: str,
        open_stream: Callable[[], AbstractContextManager[BinaryIO]],
        expected: Digest,
        content_type: str,
        metadata: Mapping[str, str] | None,
        lock: ObjectLock | None,
        *,
        replace: bool = False,
    ) -> StoredObject:
        meta = user_metadata(metadata, expected, self._where(key))
        lock = lock or self.default_lock()
        existing = self.stat(key)
        if existing is not None and not replace:
            stored = self._check_existing(key, existing, expected)
            if lock is not None:
                self.extend_retention(key, lock, version_id=stored.version_id)
            return stored
        try:
            with open_stream() as stream:
                result = self._client.put_object(
                    self._bucket, key, VerifyingReader(stream, expected), expected.size,
                    content_type=content_type, metadata=meta, part_size=PART_SIZE,
                    retention=_retention(lock) if lock else None,
                )
        except ContentChanged as exc:
            raise IntegrityError(self._bucket, key, f"source {exc}; nothing stored") from exc
        except (MinioException, urllib3.exceptions.HTTPError, OSError, ValueError) as exc:
            raise self._fail(exc, key, "uploading") from exc
        self._verify_upload(key, expected, result.version_id, locked=lock is not None)
        log.info("stored %s (%d bytes, sha256 %s)", self._where(key), expected.size, expected.sha256)
        return StoredObject(key, expected.sha256, expected.size, content_type, created=True,
                            sha512=expected.sha512, version_id=result.version_id)

    def restore(
        self, key: str, data: bytes, content_type: str, metadata: Mapping[str, str] | None = None,
        *, lock: ObjectLock | None = None,
    ) -> StoredObject:
        """Write ``data`` as a *new current version* of ``key`` even though a version exists (repair of
        a damaged or missing current version from a replica). Older versions stay as they are (locked
        ones cannot be removed); the caller must have checked ``data`` against the recorded digests."""
        expected = _digest.digest_bytes(bytes(data))
        return self._put(key, lambda: io.BytesIO(data), expected, content_type, metadata, lock, replace=True)

    # ---- object lock --------------------------------------------------------------------------

    def _set_retention(self, key: str, lock: ObjectLock, version_id: str | None) -> None:
        try:
            self._client.set_object_retention(self._bucket, key, _retention(lock), version_id=version_id)
        except S3Error as exc:
            if exc.code == "AccessDenied":
                raise LockRefused(self._bucket, key, f"retention {lock.mode} until {lock.retain_until.isoformat()}: "
                                  f"{exc.code}: {exc.message}") from exc
            raise self._fail(exc, key, "setting retention of") from exc
        except (MinioException, urllib3.exceptions.HTTPError, ValueError) as exc:
            raise self._fail(exc, key, "setting retention of") from exc

    def _current_version(self, key: str) -> str | None:
        """Version id of the current version of ``key`` (ObjectMissing if there is none)."""
        stat = self.stat(key)
        if stat is None:
            raise ObjectMissing(self._bucket, key)
        return stat.version_id

    def lock_state(self, key: str, version_id: str | None = None, *, with_hold: bool = True) -> LockState:
        """Retention and legal hold of ``version_id`` (default: the current version) of ``key``."""
        if version_id is None:
            version_id = self._current_version(key)
        mode, until, hold = None, None, False
        try:
            try:
                retention = self._client.get_object_retention(self._bucket, key, version_id=version_id)
                mode, until = (retention.mode or None, retention.retain_until_date) if retention else (None, None)
            except S3Error as exc:
                if exc.code not in _NO_LOCK_CODES:
                    raise
            if with_hold:
                try:
                    hold = bool(self._client.is_object_legal_hold_enabled(self._bucket, key, version_id=version_id))
                except S3Error as exc:
                    if exc.code not in _NO_LOCK_CODES:
                        raise
        except (MinioException, urllib3.exceptions.HTTPError, ValueError) as exc:
            raise self._fail(exc, key, "reading the lock of") from exc
        if until is not None and until.tzinfo is None:
            until = until.replace(tzinfo=UTC)
        return LockState(key=key, version_id=version_id, mode=mode, retain_until=until, legal_hold=hold)

    def extend_retention(self, key: str, lock: ObjectLock, version_id: str | None = None) -> LockState:
        """Make the version's retention at least ``lock``: never shortens it and never turns COMPLIANCE
        into GOVERNANCE (:class:`LockRefused` if asked to). Returns the resulting state."""
        state = self.lock_state(key, version_id, with_hold=False)
        if state.covers(lock):
            return state
        if state.mode == COMPLIANCE and lock.mode != COMPLIANCE:
            raise LockRefused(self._bucket, key, "COMPLIANCE retention cannot become GOVERNANCE")
        if state.retain_until is not None and state.retain_until > lock.retain_until:
            lock = ObjectLock(lock.mode, state.retain_until)  # keep the later date (mode upgrade only)
        self._set_retention(key, lock, state.version_id)
        log.info("retention of %s (version %s) set to %s until %s", self._where(key), state.version_id,
                 lock.mode, lock.retain_until.isoformat())
        return self.lock_state(key, state.version_id)

    def set_legal_hold(self, key: str, on: bool, version_id: str | None = None) -> LockState:
        """Turn the legal hold of a version (default: current) on or off; returns the new state."""
        if version_id is None:
            version_id = self._current_version(key)
        try:
            if on:
                self._client.enable_object_legal_hold(self._bucket, key, version_id=version_id)
            else:
                self._client.disable_object_legal_hold(self._bucket, key, version_id=version_id)
        except (MinioException, urllib3.exceptions.HTTPError, ValueError) as exc:
            raise self._fail(exc, key, "setting the legal hold of") from exc
        return self.lock_state(key, version_id)

    # ---- retrieval ----------------------------------------------------------------------------

    def presigned_get(self, key: str, expires: timedelta = timedelta(minutes=5)) -> str:
        """A URL that downloads the *current version* of ``key`` (pinned by version id) without
        credentials until ``expires`` from now (at most :data:`MAX_PRESIGN_EXPIRY`). The receiver
        must check the SHA-256 itself (sent as ``x-amz-meta-sha256``). Log the hand-out."""
        if not timedelta(seconds=1) <= expires <= MAX_PRESIGN_EXPIRY:
            raise ValueError(f"presigned URL expiry must be 1 s .. {MAX_PRESIGN_EXPIRY}, got {expires}")
        version_id = self._current_version(key)
        extra = {"versionId": version_id} if version_id else None
        try:
            return self._client.presigned_get_object(self._bucket, key, expires=expires, extra_query_params=extra)
        except (MinioException, urllib3.exceptions.HTTPError, ValueError) as exc:
            raise self._fail(exc, key, "presigning") from exc

    def list_objects(self, prefix: str = "") -> Iterator[ListedObject]:
        """Every current object (no delete markers) whose key starts with ``prefix``."""
        try:
            for obj in self._client.list_objects(self._bucket, prefix=prefix or None, recursive=True):
                if obj.is_dir or obj.is_delete_marker:
                    continue
                yield ListedObject(obj.object_name, int(obj.size or 0), obj.version_id)
        except (MinioException, urllib3.exceptions.HTTPError, ValueError) as exc:
            raise self._fail(exc, prefix, "listing") from exc

    def _check_existing(self, key: str, existing: StoredObject, expected: Digest) -> StoredObject:
        if not existing.sha256:
            raise IntegrityError(self._bucket, key, "already exists without sha256 metadata; refusing to overwrite")
        if existing.sha256 != expected.sha256 or existing.size != expected.size:
            raise IntegrityError(
                self._bucket, key,
                f"already holds different content (sha256 {existing.sha256}, {existing.size} bytes) than "
                f"the new one (sha256 {expected.sha256}, {expected.size} bytes); content-addressed keys never change",
            )
        log.debug("%s already stored with the same sha256; not uploading again", self._where(key))
        return existing

    def _verify_upload(self, key: str, expected: Digest, version_id: str | None, *, locked: bool = False) -> None:
        """Stat the new version; on any mismatch remove that version (a locked one cannot be removed:
        it is hidden behind a delete marker instead) and raise IntegrityError."""
        try:
            stat = self._client.stat_object(self._bucket, key, version_id=version_id)
        except (MinioException, urllib3.exceptions.HTTPError) as exc:
            raise self._fail(exc, key, "verifying upload of") from exc
        problems = []
        if stat.size != expected.size:
            problems.append(f"size {stat.size} != {expected.size}")
        if (stat.metadata or {}).get(_SHA256_HEADER, "") != expected.sha256:
            problems.append("sha256 metadata not stored as sent")
        if expected.sha512 and (stat.metadata or {}).get(_SHA512_HEADER, "") != expected.sha512:
            problems.append("sha512 metadata not stored as sent")
        etag = (stat.etag or "").strip('"')
        if self._settings.verify_etag and etag != expected.etag:
            problems.append(f"ETag {etag} != expected {expected.etag}")
        if not problems:
            return
        try:
            self._client.remove_object(self._bucket, key, version_id=None if locked else version_id)
        except (MinioException, urllib3.exceptions.HTTPError) as exc:  # pragma: no cover - best effort
            log.error("could not remove bad version %s of %s: %s", version_id, self._where(key), exc)
        if locked:
            problems.append(f"the bad version {version_id} is locked and stays, hidden behind a delete marker")
        raise IntegrityError(self._bucket, key, "upload verification failed: " + "; ".join(problems))

    # ---- reads --------------------------------------------------------------------------------

    def stat(self, key: str) -> StoredObject | None:
        """What is stored under ``key`` (``created`` is False), or None when nothing is."""
        try:
            stat = self._client.stat_object(self._bucket, key)
        except S3Error as exc:
            if exc.code in {"NoSuchKey", "NoSuchVersion"}:
                return None
            raise self._fail(exc, key, "stat of") from exc
        except (MinioException, urllib3.exceptions.HTTPError, ValueError) as exc:
            raise self._fail(exc, key, "stat of") from exc
        meta = stat.metadata or {}
        return StoredObject(key, meta.get(_SHA256_HEADER, ""), int(stat.size or 0), stat.content_type or "",
                            created=False, sha512=meta.get(_SHA512_HEADER, ""), version_id=stat.version_id)

    def exists(self, key: str) -> bool:
        """Whether an object is stored under ``key``."""
        return self.stat(key) is not None

    def _open(self, key: str) -> tuple[urllib3.BaseHTTPResponse, tuple[str, str]]:
        try:
            response = self._client.get_object(self._bucket, key)
        except (MinioException, urllib3.exceptions.HTTPError, ValueError) as exc:
            raise self._fail(exc, key, "reading") from exc
        expected = response.headers.get(_SHA256_HEADER, "").lower()
        expected512 = response.headers.get(_SHA512_HEADER, "").lower()
        if not SHA256_HEX.match(expected) or (expected512 and not SHA512_HEX.match(expected512)):
            response.close()
            response.release_conn()
            raise IntegrityError(self._bucket, key, "no sha256 metadata recorded (or a malformed digest); cannot verify content")
        return response, (expected, expected512)

    def _check(self, key: str, expected: tuple[str, str], builder: _digest.DigestBuilder) -> None:
        actual = builder.sha256_hex()
        if actual != expected[0]:
            raise IntegrityError(self._bucket, key,
                                 f"content sha256 {actual} ({builder.size} bytes) != recorded {expected[0]}")
        if expected[1] and builder.sha512_hex() != expected[1]:
            raise IntegrityError(self._bucket, key, f"content sha512 ({builder.size} bytes) != recorded {expected[1]}")

    def get_bytes(self, key: str) -> bytes:
        """The whole content; IntegrityError if it does not match the recorded SHA-256."""
        response, expected = self._open(key)
        try:
            data = response.read()
        except urllib3.exceptions.HTTPError as exc:
            raise self._fail(exc, key, "reading") from exc
        finally:
            response.close()
            response.release_conn()
        builder = _digest.DigestBuilder()
        builder.update(data)
        self._check(key, expected, builder)
        return data

    def iter_chunks(self, key: str, chunk_size: int = 1 << 20) -> Iterator[bytes]:
        """Stream the content. ObjectMissing is raised by this call; IntegrityError after the last
        chunk, so treat the chunks as unverified until the iteration ends (e.g. write to a
        temporary file and rename it afterwards). Consume or ``close()`` the iterator."""
        response, expected = self._open(key)
        return self._chunks(key, response, expected, chunk_size)

    def _chunks(
        self, key: str, response: urllib3.BaseHTTPResponse, expected: tuple[str, str], chunk_size: int
    ) -> Iterator[bytes]:
        builder = _digest.DigestBuilder()
        try:
            for chunk in response.stream(chunk_size):
                builder.update(chunk)
                yield chunk
        except urllib3.exceptions.HTTPError as exc:
            raise self._fail(exc, key, "reading") from exc
        finally:
            response.close()
            response.release_conn()
        self._check(key, expected, builder)
