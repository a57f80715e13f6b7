"""Typed errors of the object store. Every message names the bucket/key (or data dir) and the reason."""

from __future__ import annotations

from sohoa.errors import SohoaError


class StorageError(SohoaError):
    """The object store failed or refused an operation (unreachable, denied, misconfigured)."""

    exit_code = 74  # EX_IOERR
    http_status = 503

    def __init__(self, message: str, *, bucket: str = "", key: str = "") -> None:
        super().__init__(message)
        self.bucket = bucket
        self.key = key


class ObjectMissing(StorageError):
    """No object is stored under this key (or the bucket itself is missing)."""

    exit_code = 66  # EX_NOINPUT
    http_status = 404

    def __init__(self, bucket: str, key: str, reason: str = "no such key") -> None:
        super().__init__(f"s3://{bucket}/{key}: {reason}", bucket=bucket, key=key)
        self.reason = reason


class IntegrityError(StorageError):
    """Stored bytes do not match their recorded SHA-256, or a content-addressed key would change."""

    exit_code = 65  # EX_DATAERR
    http_status = 500

    def __init__(self, bucket: str, key: str, reason: str) -> None:
        super().__init__(f"s3://{bucket}/{key}: integrity check failed: {reason}", bucket=bucket, key=key)
        self.reason = reason


class EmbeddedServerError(StorageError):
    """The embedded SeaweedFS server could not be found, started, reached or stopped."""

    exit_code = 69  # EX_UNAVAILABLE
    http_status = 503


class LockRefused(StorageError):
    """A retention change was refused: by the store (it never shortens a lock or weakens its mode)
    or by the server (``AccessDenied`` from PutObjectRetention)."""

    exit_code = 77  # EX_NOPERM
    http_status = 409

    def __init__(self, bucket: str, key: str, reason: str) -> None:
        super().__init__(f"s3://{bucket}/{key}: object lock: {reason}", bucket=bucket, key=key)
        self.reason = reason
