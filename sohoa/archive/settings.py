"""Settings and results of the object store (frozen dataclasses, passed in explicitly)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import timedelta

from sohoa.archive.lock import COMPLIANCE, DEFAULT_RETENTION_YEARS, LOCK_MODES, years
from sohoa.errors import SettingInvalid

ENV_PREFIX = "SOHOA_S3_"
"""Prefix of the environment variables read by :func:`settings_from_env`."""

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class StorageSettings:
    """Where and how to reach the S3-compatible object store."""

    endpoint: str
    """``host:port`` of the S3 endpoint, without scheme (e.g. ``127.0.0.1:8333``, ``s3.amazonaws.com``)."""
    access_key: str
    """S3 access key id (an identifier; may appear in logs)."""
    secret_key: str
    """S3 secret key. Never printed: :meth:`__repr__` hides it."""
    bucket: str = "sohoa"
    """Bucket holding the archive; created with Object Lock and versioning when missing."""
    secure: bool = False
    """Use HTTPS. Required for anything that is not loopback."""
    region: str = "us-east-1"
    """Region sent in SigV4 signatures and used when creating the bucket."""
    verify_etag: bool = True
    """After each upload compare the server's ETag with the MD5 (or multipart MD5) computed locally.
    Turn off for back ends whose ETag is not an MD5 (AWS SSE-KMS / SSE-C buckets)."""
    lock_mode: str = COMPLIANCE
    """Object Lock mode put on every stored version: ``COMPLIANCE`` (production), ``GOVERNANCE``
    (tests/staging: removable with the bypass permission) or ``OFF``."""
    retention: timedelta = years(DEFAULT_RETENTION_YEARS)
    """Default retention period when the caller passes no lock (procedures override it)."""

    def __post_init__(self) -> None:
        if self.lock_mode not in LOCK_MODES:
            raise ValueError(f"lock_mode must be one of {', '.join(LOCK_MODES)}, got {self.lock_mode!r}")
        if self.retention <= timedelta(0):
            raise ValueError(f"retention must be positive, got {self.retention}")
        if not self.endpoint or "://" in self.endpoint or "/" in self.endpoint:
            raise ValueError(f"endpoint must be host:port without scheme or path, got {self.endpoint!r}")
        if not self.access_key or not self.secret_key:
            raise ValueError(f"access_key and secret_key must not be empty (endpoint {self.endpoint})")
        if not self.bucket:
            raise ValueError("bucket must not be empty")

    def __repr__(self) -> str:
        return (
            f"StorageSettings(endpoint={self.endpoint!r}, access_key={self.access_key!r}, "
            f"secret_key='***', bucket={self.bucket!r}, secure={self.secure!r}, "
            f"region={self.region!r}, verify_etag={self.verify_etag!r}, lock_mode={self.lock_mode!r}, "
            f"retention={self.retention!r})"
        )

    __str__ = __repr__


@dataclass(frozen=True)
class StoredObject:
    """What the store knows about one stored object."""

    key: str
    """Object key inside the bucket, e.g. ``originals/ab/ab12…``."""
    sha256: str
    """Lower-case hex SHA-256 of the content, as recorded in ``x-amz-meta-sha256`` ('' if none recorded)."""
    size: int
    """Content length in bytes."""
    content_type: str
    """MIME type recorded with the object."""
    created: bool
    """True when this call uploaded the object; False when an identical object was already stored
    (idempotent put) or when the value comes from :meth:`ObjectStore.stat`."""
    sha512: str = ""
    """Lower-case hex SHA-512, as recorded in ``x-amz-meta-sha512`` ('' if none recorded)."""
    version_id: str | None = None
    """S3 version id of the current version, when the back end reports one."""


def _parse_bool(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise SettingInvalid(name, value, "one of 1, 0, true, false, yes, no, on, off")


def _lock_mode(env: Mapping[str, str]) -> str:
    mode = (env.get(ENV_PREFIX + "LOCK_MODE") or COMPLIANCE).strip().upper()
    if mode not in LOCK_MODES:
        raise SettingInvalid(ENV_PREFIX + "LOCK_MODE", env[ENV_PREFIX + "LOCK_MODE"],
                             f"one of {', '.join(LOCK_MODES)} (the store's lock_mode)")
    return mode


def _retention(env: Mapping[str, str], default: timedelta) -> timedelta:
    raw = env.get(ENV_PREFIX + "RETENTION_DAYS", "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise SettingInvalid(ENV_PREFIX + "RETENTION_DAYS", raw, "a whole number of days, at least 1")
    return timedelta(days=int(raw))


def settings_from_env(env: Mapping[str, str]) -> StorageSettings | None:
    """Build settings from ``SOHOA_S3_*`` variables in ``env`` (pass ``os.environ`` explicitly).

    Returns None when ``SOHOA_S3_ENDPOINT`` is unset or empty (the caller then falls back to the
    embedded server). ``SOHOA_S3_ACCESS_KEY`` and ``SOHOA_S3_SECRET_KEY`` are required with it;
    ``SOHOA_S3_BUCKET``, ``SOHOA_S3_SECURE``, ``SOHOA_S3_REGION``, ``SOHOA_S3_VERIFY_ETAG``,
    ``SOHOA_S3_LOCK_MODE`` and ``SOHOA_S3_RETENTION_DAYS`` are optional.
    """
    endpoint = env.get(ENV_PREFIX + "ENDPOINT", "").strip()
    if not endpoint:
        return None
    missing = [n for n in ("ACCESS_KEY", "SECRET_KEY") if not env.get(ENV_PREFIX + n)]
    if missing:
        names = ", ".join(ENV_PREFIX + n for n in missing)
        raise ValueError(f"{ENV_PREFIX}ENDPOINT is set to {endpoint!r} but {names} missing")
    defaults = StorageSettings.__dataclass_fields__
    return StorageSettings(
        endpoint=endpoint,
        access_key=env[ENV_PREFIX + "ACCESS_KEY"],
        secret_key=env[ENV_PREFIX + "SECRET_KEY"],
        bucket=env.get(ENV_PREFIX + "BUCKET") or defaults["bucket"].default,
        secure=_parse_bool(ENV_PREFIX + "SECURE", env.get(ENV_PREFIX + "SECURE", "false")),
        region=env.get(ENV_PREFIX + "REGION") or defaults["region"].default,
        verify_etag=_parse_bool(ENV_PREFIX + "VERIFY_ETAG", env.get(ENV_PREFIX + "VERIFY_ETAG", "true")),
        lock_mode=_lock_mode(env),
        retention=_retention(env, defaults["retention"].default),
    )


def replica_settings_from_env(env: Mapping[str, str], primary: StorageSettings) -> StorageSettings | None:
    """Settings of the second copy used to repair damaged objects, or None when not configured.

    ``SOHOA_S3_REPLICA_BUCKET`` turns it on; ``SOHOA_S3_REPLICA_ENDPOINT``, ``…_ACCESS_KEY``,
    ``…_SECRET_KEY``, ``…_SECURE`` and ``…_REGION`` default to the primary's (same server, other bucket)."""
    bucket = env.get(ENV_PREFIX + "REPLICA_BUCKET", "").strip()
    if not bucket:
        return None
    prefix = ENV_PREFIX + "REPLICA_"
    secure = env.get(prefix + "SECURE")
    return replace(
        primary,
        bucket=bucket,
        endpoint=env.get(prefix + "ENDPOINT") or primary.endpoint,
        access_key=env.get(prefix + "ACCESS_KEY") or primary.access_key,
        secret_key=env.get(prefix + "SECRET_KEY") or primary.secret_key,
        secure=_parse_bool(prefix + "SECURE", secure) if secure is not None else primary.secure,
        region=env.get(prefix + "REGION") or primary.region,
    )
