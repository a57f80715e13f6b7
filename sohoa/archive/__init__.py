"""Object storage of the archive: the :class:`ObjectStore` interface, its S3 implementation and the
embedded SeaweedFS used when no S3 endpoint is configured. See ``docs/storage.md``."""

from sohoa.archive.embedded import EmbeddedSeaweedFS, ensure_embedded_storage
from sohoa.archive.errors import EmbeddedServerError, IntegrityError, LockRefused, ObjectMissing, StorageError
from sohoa.archive.keys import content_key
from sohoa.archive.lock import COMPLIANCE, DEFAULT_RETENTION_YEARS, GOVERNANCE, LockState, ObjectLock, years
from sohoa.archive.settings import StorageSettings, StoredObject, settings_from_env
from sohoa.archive.store import ListedObject, ObjectStore, S3ObjectStore

__all__ = [
    "COMPLIANCE",
    "DEFAULT_RETENTION_YEARS",
    "GOVERNANCE",
    "ListedObject",
    "LockRefused",
    "LockState",
    "ObjectLock",
    "years",
    "EmbeddedSeaweedFS",
    "EmbeddedServerError",
    "IntegrityError",
    "ObjectMissing",
    "ObjectStore",
    "S3ObjectStore",
    "StorageError",
    "StorageSettings",
    "StoredObject",
    "content_key",
    "ensure_embedded_storage",
    "settings_from_env",
]
