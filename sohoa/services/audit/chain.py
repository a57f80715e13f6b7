"""Verifying the hash-chained access log and anchoring its head in write-once storage.

Every entry written by :meth:`sohoa.services.db.Database.record_access` carries ``prev_hash`` (the previous
entry's hash) and ``event_hash`` (:func:`sohoa.services.db.chain.event_hash`). :func:`verify_audit_chain`
walks the log in id order and names the first entry that does not fit:

* an edited entry no longer matches its own ``event_hash`` (``edited``);
* after a removed entry, or at a reordered one, ``prev_hash`` does not link to the entry before
  (``broken link``);
* entries removed from the end, or a chain rewritten consistently from some point on, are caught
  only by anchors: :func:`anchor_chain_head` writes ``(last_event_id, head_hash)`` as a locked object;
  verification checks that every anchored entry still exists with the anchored hash.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sohoa.archive import ObjectStore
from sohoa.services.db import Database
from sohoa.services.db.chain import GENESIS, event_hash

log = logging.getLogger(__name__)

ANCHOR_PREFIX = "audit/anchors"
"""Key prefix of anchor objects: ``audit/anchors/<yyyymmddTHHMMSSZ>-<last_event_id>.json``."""


@dataclass(frozen=True)
class ChainVerdict:
    """Outcome of :func:`verify_audit_chain`."""

    ok: bool
    """True when every entry links and matches, and every anchor checked agrees."""
    checked: int
    """Entries checked."""
    head_id: int | None
    """Id of the newest entry (None for an empty log)."""
    head_hash: str | None
    """Its hash."""
    first_bad_id: int | None = None
    """Id of the first entry that does not verify (or the anchored id that is gone)."""
    reason: str = ""
    """Why it does not verify, naming the entry."""
    anchors_checked: int = 0
    """Anchors compared with the log."""
    problems: tuple[str, ...] = field(default=())
    """Every problem found (the first one is ``reason``); capped at 100."""


def verify_audit_chain(database: Database, store: ObjectStore | None = None) -> ChainVerdict:
    """Walk the whole access log and check every link; with ``store``, also the anchors written there
    (else the anchors recorded in the database). Never raises for a broken chain: read the verdict."""
    prev, count, head = GENESIS, 0, None
    problems: list[tuple[int, str]] = []  # (entry id, text)
    hashes: dict[int, str] = {}

    def bad(entry_id: int, text: str) -> None:
        if len(problems) < 100:
            problems.append((entry_id, text))

    for entry in database.iter_access_log():
        count += 1
        head = entry
        if entry.event_hash is None:
            bad(entry.id, f"event {entry.id}: no hash recorded (written outside the chain)")
            prev = GENESIS
            continue
        if entry.prev_hash != prev:
            bad(entry.id, f"event {entry.id}: broken link: prev_hash {entry.prev_hash} != hash of the entry before "
                          f"({prev}); an entry before it was removed, inserted or reordered")
        expected = event_hash(entry.prev_hash or GENESIS, entry.dossier_code, entry.accessed_at, entry.actor,
                              entry.action, entry.object_key, entry.outcome)
        if expected != entry.event_hash:
            bad(entry.id, f"event {entry.id}: edited: its content hashes to {expected}, recorded {entry.event_hash}")
        hashes[entry.id] = entry.event_hash
        prev = entry.event_hash
    anchors = _anchors(database, store)
    for last_id, head_hash, where in anchors:
        if last_id not in hashes:
            bad(last_id, f"event {last_id}: anchored in {where} but no longer in the log (removed)")
        elif hashes[last_id] != head_hash:
            bad(last_id, f"event {last_id}: hash {hashes[last_id]} differs from the one anchored in {where} ({head_hash}); "
                         "the chain was rewritten")
    problems.sort(key=lambda problem: problem[0])
    verdict = ChainVerdict(
        ok=not problems, checked=count, head_id=head.id if head else None, head_hash=head.event_hash if head else None,
        first_bad_id=problems[0][0] if problems else None,
        reason=problems[0][1] if problems else "", anchors_checked=len(anchors),
        problems=tuple(text for _, text in problems),
    )
    if not verdict.ok:
        log.error("audit chain does not verify: %s", verdict.reason)
    return verdict


def _anchors(database: Database, store: ObjectStore | None) -> list[tuple[int, str, str]]:
    if store is None or not hasattr(store, "list_objects"):
        return [(a.last_event_id, a.head_hash, f"database anchor {a.id}") for a in database.audit_anchors()]
    found = []
    for listed in store.list_objects(ANCHOR_PREFIX + "/"):
        document = json.loads(store.get_bytes(listed.key))
        found.append((int(document["last_event_id"]), str(document["head_hash"]), listed.key))
    return found


def anchor_chain_head(database: Database, store: ObjectStore, actor: str = "sohoa-audit") -> str | None:
    """Write the current chain head to write-once storage (locked with the store's default retention)
    and record it; returns the object key, or None when the log is empty. Run it periodically
    (e.g. hourly from cron / the worker) and after every audit."""
    head = database.access_log_head()
    if head is None or head.event_hash is None:
        return None
    now = datetime.now(UTC)
    document = {
        "anchor_version": "1",
        "anchored_at": now.isoformat(),
        "last_event_id": head.id,
        "head_hash": head.event_hash,
        "database": database.url,
    }
    data = json.dumps(document, sort_keys=True, indent=1).encode()
    key = f"{ANCHOR_PREFIX}/{now.strftime('%Y%m%dT%H%M%S%fZ')}-{head.id}.json"
    stored = store.put_bytes(key, data, "application/json")
    database.record_anchor(head.id, head.event_hash, key)
    database.track_object(key, stored.sha256, stored.size, stored.sha512 or None)
    database.record_event(actor, "anchor", "ok", object_key=key)
    return key
