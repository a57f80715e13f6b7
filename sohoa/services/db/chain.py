"""The hash chain of the access log: each entry's ``event_hash`` covers the previous entry's hash.

``event_hash = sha256(canonical JSON of [version, prev_hash, dossier_code, accessed_at, actor, action,
object_key, outcome])`` where ``accessed_at`` is ISO 8601 UTC with microseconds. Editing an entry
changes its hash; removing or reordering entries breaks the ``prev_hash`` links. Rewriting the whole
tail consistently is caught by the anchors in write-once storage (:mod:`sohoa.services.audit`).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

CHAIN_VERSION = 1
"""Version of the hashed form; bump it (and keep the old one verifiable) if the form ever changes."""
GENESIS = "0" * 64
"""``prev_hash`` of the first entry."""
PG_CHAIN_LOCK = 0x736F686F62
"""PostgreSQL advisory lock serialising appends so the chain stays linear under concurrency."""


def event_hash(prev_hash: str, dossier_code: str, accessed_at: datetime, actor: str, action: str,
               object_key: str | None, outcome: str) -> str:
    """The hash of one access-log entry chained to ``prev_hash``."""
    moment = accessed_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    form = [CHAIN_VERSION, prev_hash, dossier_code, moment, actor, action, object_key, outcome]
    data = json.dumps(form, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(data).hexdigest()
