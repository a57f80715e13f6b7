"""Fixity audits: re-hash stored objects against the digests recorded in the database, on a rotating
basis, record every check as a preservation event, and repair from a replica when one is configured.

Order of checks (:meth:`sohoa.services.db.Database.fixity_due`): never-checked objects, then those whose last
check failed, then the longest unchecked. A run checks at most ``limit`` objects, so a scheduled job
(e.g. hourly, ``sohoa archive audit --limit 500``) cycles through the whole archive.

The expected digests come from the database (``fixity_state``, filled from ``artifacts``), not from
the object's own metadata: an object whose bytes *and* metadata were replaced is still caught.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sohoa.archive import digest as _digest
from sohoa.archive.errors import IntegrityError, ObjectMissing, StorageError
from sohoa.archive.lock import ObjectLock
from sohoa.archive.store import ObjectStore
from sohoa.services.db import Database, FixityRecord

log = logging.getLogger(__name__)

AGENT = "sohoa-fixity"
"""Agent recorded on preservation events written by the audit."""
OK, MISSING, CHANGED, REPAIRED, UNREPAIRED, UNTRACKED, ERROR = (
    "ok", "missing", "changed", "repaired", "unrepaired", "untracked", "error")


@dataclass(frozen=True)
class FixityFinding:
    """Result of one object's check."""

    key: str
    """Object key."""
    outcome: str
    """``ok``, ``missing``, ``changed``, ``error``, or ``untracked`` (stored but not in the database)."""
    detail: str = ""
    """What was found."""
    repair: str | None = None
    """``repaired`` / ``unrepaired`` when a repair from the replica was attempted."""


@dataclass(frozen=True)
class AuditSummary:
    """What a fixity audit found."""

    checked: int
    """Objects re-hashed."""
    findings: tuple[FixityFinding, ...] = field(default=())
    """Every finding, in check order (untracked objects last)."""

    def keys(self, outcome: str) -> tuple[str, ...]:
        """Keys whose finding has ``outcome``."""
        return tuple(f.key for f in self.findings if f.outcome == outcome)

    @property
    def missing(self) -> tuple[str, ...]:
        """Tracked objects not found in storage."""
        return self.keys(MISSING)

    @property
    def changed(self) -> tuple[str, ...]:
        """Tracked objects whose bytes differ from the recorded digests."""
        return self.keys(CHANGED)

    @property
    def untracked(self) -> tuple[str, ...]:
        """Objects in storage the database does not know."""
        return self.keys(UNTRACKED)

    @property
    def repaired(self) -> tuple[str, ...]:
        """Objects restored from the replica and verified."""
        return tuple(f.key for f in self.findings if f.repair == REPAIRED)

    @property
    def unrepaired(self) -> tuple[str, ...]:
        """Damaged objects still damaged after the audit."""
        return tuple(f.key for f in self.findings if f.outcome in (MISSING, CHANGED, ERROR) and f.repair != REPAIRED)

    @property
    def healthy(self) -> bool:
        """True when nothing is missing, changed or unreadable after repairs."""
        return not self.unrepaired


def run_fixity_audit(store: ObjectStore, database: Database, replica: ObjectStore | None = None, limit: int = 100,
                     *, scan_untracked: bool = True, agent: str = AGENT) -> AuditSummary:
    """Check up to ``limit`` tracked objects (see module doc), repair damaged ones from ``replica``,
    and (``scan_untracked``) list the bucket for objects the database does not track."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"limit must be a positive integer, got {limit!r}")
    database.track_artifacts()
    findings: list[FixityFinding] = []
    due = database.fixity_due(limit)
    for record in due:
        finding, sha512 = _check(store, record)
        database.record_preservation_event("fixity_check", record.object_key, finding.outcome, agent, finding.detail,
                                           sha512=sha512 if finding.outcome == OK else None)
        if finding.outcome != OK:
            log.error("fixity: %s %s: %s", record.object_key, finding.outcome, finding.detail)
            if replica is not None:
                outcome, detail = _repair(store, replica, record)
                database.record_preservation_event("repair", record.object_key, outcome, agent, detail)
                finding = FixityFinding(finding.key, finding.outcome, f"{finding.detail}; {detail}", outcome)
        findings.append(finding)
    if scan_untracked and hasattr(store, "list_objects"):
        tracked = database.tracked_keys()
        for listed in store.list_objects():
            if listed.key in tracked:
                continue
            findings.append(FixityFinding(listed.key, UNTRACKED, f"{listed.size} bytes, not in the database"))
            if not database.preservation_events(listed.key, limit=1):
                database.record_preservation_event("untracked", listed.key, UNTRACKED, agent,
                                                   f"{listed.size} bytes stored, not recorded in the database")
    summary = AuditSummary(checked=len(due), findings=tuple(findings))
    database.record_event(agent, "fixity_audit",
                          f"checked {summary.checked}; missing {len(summary.missing)}; changed {len(summary.changed)}; "
                          f"repaired {len(summary.repaired)}; untracked {len(summary.untracked)}")
    return summary


def _check(store: ObjectStore, record: FixityRecord) -> tuple[FixityFinding, str | None]:
    builder = _digest.DigestBuilder()
    metadata_problem = ""
    try:
        for chunk in store.iter_chunks(record.object_key):
            builder.update(chunk)
    except ObjectMissing as exc:
        return FixityFinding(record.object_key, MISSING, str(exc)), None
    except IntegrityError as exc:
        metadata_problem = exc.reason  # the bytes were all read; compare with the database below
    except StorageError as exc:
        return FixityFinding(record.object_key, ERROR, str(exc)), None
    problems = []
    if builder.sha256_hex() != record.sha256:
        problems.append(f"sha256 {builder.sha256_hex()} != recorded {record.sha256}")
    if record.sha512 and builder.sha512_hex() != record.sha512:
        problems.append("sha512 differs from the recorded one")
    if builder.size != record.size:
        problems.append(f"size {builder.size} != recorded {record.size}")
    if metadata_problem and not problems:
        problems.append(f"object metadata disagrees: {metadata_problem}")
    if problems:
        return FixityFinding(record.object_key, CHANGED, "; ".join(problems)), None
    return FixityFinding(record.object_key, OK, f"sha256 and sha512 verified, {builder.size} bytes"), builder.sha512_hex()


def _repair(store: ObjectStore, replica: ObjectStore, record: FixityRecord) -> tuple[str, str]:
    key = record.object_key
    try:
        data = replica.get_bytes(key)
    except StorageError as exc:
        return UNREPAIRED, f"replica unusable: {exc}"
    digest = _digest.digest_bytes(data)
    if digest.sha256 != record.sha256 or (record.sha512 and digest.sha512 != record.sha512):
        return UNREPAIRED, f"replica copy differs too (sha256 {digest.sha256})"
    try:
        stat = replica.stat(key)
        lock = _lock_for_repair(store, key)
        restore = getattr(store, "restore", None)
        if restore is None:
            return UNREPAIRED, "store cannot write a new version over a damaged one"
        restore(key, data, stat.content_type if stat else "application/octet-stream", lock=lock)
        again = _digest.digest_bytes(store.get_bytes(key))
    except StorageError as exc:
        return UNREPAIRED, f"restore failed: {exc}"
    if again.sha256 != record.sha256:
        return UNREPAIRED, "restored copy does not verify"
    return REPAIRED, "restored from the replica as a new version (damaged version kept, locked)"


def _lock_for_repair(store: ObjectStore, key: str) -> ObjectLock | None:
    """The store's default retention, or the damaged version's own when that ends later."""
    default = store.default_lock() if hasattr(store, "default_lock") else None
    try:
        state = store.lock_state(key, with_hold=False) if hasattr(store, "lock_state") else None
    except StorageError:
        state = None
    if state is None or state.mode is None or state.retain_until is None or state.retain_until <= datetime.now(UTC):
        return default
    if default is None or state.retain_until > default.retain_until:
        return ObjectLock(state.mode, state.retain_until)
    return default


def sync_replica(store: ObjectStore, replica: ObjectStore, database: Database, limit: int | None = None) -> list[str]:
    """Copy tracked objects the replica lacks into it (verified both ways, locked with the replica's
    default retention); returns the keys copied. For deployments without server-side replication."""
    database.track_artifacts()
    copied = []
    for key in sorted(database.tracked_keys()):
        if limit is not None and len(copied) >= limit:
            break
        if replica.exists(key):
            continue
        stat = store.stat(key)
        if stat is None:
            continue
        replica.put_bytes(key, store.get_bytes(key), stat.content_type or "application/octet-stream")
        copied.append(key)
    return copied
