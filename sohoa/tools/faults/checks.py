"""What the fault suite checks once the components are back: every dossier digitized exactly once or failed with
its reason, no object missing or stored twice, every manifest complete, the audit chain intact."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass

from minio import Minio

from sohoa.archive import StorageSettings
from sohoa.services.audit.chain import verify_audit_chain
from sohoa.services.runtime import Runtime

VERDICT_ACTIONS = ("receive", "request_supplement", "refuse")
"""History actions that record the desk's verdict on a digitized dossier: one per dossier."""


@dataclass(frozen=True)
class DossierCheck:
    """How one dossier ended."""

    code: str
    """The dossier."""
    state: str
    """``done``, ``failed`` or the unfinished state it was left in."""
    reason: str | None
    """Why it failed."""
    problems: tuple[str, ...]
    """What is wrong with it (missing or changed objects, a second verdict …); empty when all is well."""

    @property
    def completed(self) -> bool:
        """Digitized, all its objects in place, one verdict."""
        return self.state == "done" and not self.problems

    @property
    def failed_with_reason(self) -> bool:
        """Given up, with a reason a person can read."""
        return self.state == "failed" and bool(self.reason) and not self.problems


def check_dossier(runtime: Runtime, code: str) -> DossierCheck:
    """Check one dossier against the database and the object store."""
    database = runtime.database
    work = database.work_of(code)
    states = {item.state for item in work}
    state = "done" if states == {"done"} else "failed" if "failed" in states else ",".join(sorted(states)) or "none"
    reason = next((item.error for item in work if item.state == "failed"), None)
    problems: list[str] = []
    verdicts = [e for e in database.dossier_history(code) if e.action in VERDICT_ACTIONS]
    record = database.get_dossier(code)
    if state == "done":
        if len(verdicts) != 1:
            problems.append(f"{len(verdicts)} verdicts recorded, not 1")
        if not record.report:
            problems.append("done without a report")
        else:
            problems += manifest_problems(runtime, record.report["manifest"]["key"])
    return DossierCheck(code, state, reason, tuple(problems))


def manifest_problems(runtime: Runtime, key: str) -> list[str]:
    """Objects a manifest lists that are missing or whose SHA-256 differs."""
    store = runtime.engines.store
    manifest = json.loads(store.get_bytes(key))
    problems = []
    for item in manifest["objects"]:
        if not store.exists(item["key"]):
            problems.append(f"missing {item['key']}")
        elif hashlib.sha256(store.get_bytes(item["key"])).hexdigest() != item["sha256"]:
            problems.append(f"changed {item['key']}")
    return problems


def stored_twice(settings: StorageSettings) -> list[str]:
    """Keys stored more than once (several versions of one write-once object)."""
    client = Minio(settings.endpoint, access_key=settings.access_key, secret_key=settings.secret_key,
                   secure=settings.secure, region=settings.region)
    versions = Counter(obj.object_name for obj in client.list_objects(settings.bucket, recursive=True, include_version=True)
                       if not obj.is_delete_marker)
    return sorted(key for key, count in versions.items() if count > 1)


def leftovers(runtime: Runtime, settings: StorageSettings, codes: list[str]) -> int:
    """Manifests in the store that no dossier's report points to: what an attempt cut short left behind (its
    signed copies too are unreferenced; they are kept, write-once, and harm nothing)."""
    client = Minio(settings.endpoint, access_key=settings.access_key, secret_key=settings.secret_key,
                   secure=settings.secure, region=settings.region)
    stored = {obj.object_name for obj in client.list_objects(settings.bucket, prefix="manifests/", recursive=True)}
    referenced = set()
    for code in codes:
        report = runtime.database.get_dossier(code).report
        if report:
            referenced.add(report["manifest"]["key"])
    return len(stored - referenced)


def chain_intact(runtime: Runtime) -> bool:
    """Whether the hash-chained audit log verifies end to end."""
    return verify_audit_chain(runtime.database).ok
