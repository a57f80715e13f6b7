"""Reading a dossier's stored objects back: checked lookups, verified downloads, short-lived links, and
the archive match that verification reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sohoa.archive import ObjectStore
from sohoa.services.access import logged_access
from sohoa.services.db import Database
from sohoa.services.runtime import Runtime


@dataclass(frozen=True)
class StoredSource:
    """An accepted original already in storage: what a queued job carries instead of bytes."""

    name: str
    """File name as handed in."""
    key: str
    """Object key of the original."""
    sha256: str
    """SHA-256 of the original."""


def open_artifact(runtime: Runtime, code: str, key: str) -> tuple[ObjectStore, int, str]:
    """Check that key belongs to dossier code; return the store, size and media type (log with `logged_access`)."""
    artifact = runtime.database.find_artifact(code, key)
    media_type = "application/json" if key.endswith(".json") else "application/pdf"
    if artifact.kind == "original":
        media_type = "application/octet-stream"
    return runtime.engines.store, artifact.size, media_type


def presign_artifact(runtime: Runtime, code: str, key: str, actor: str,
                     expires: timedelta = timedelta(minutes=5)) -> tuple[str, str]:
    """A short-lived download URL (pinned to the current version) for one of the dossier's objects, and the
    object's SHA-256 for the client to check; logged."""
    with logged_access(runtime.database, code, actor, "presign", key, ok=f"ok: expires in {int(expires.total_seconds())} s"):
        artifact = runtime.database.find_artifact(code, key)
        return runtime.engines.store.presigned_get(key, expires), artifact.sha256


def fetch_sources(store: ObjectStore, sources: tuple[StoredSource, ...], directory: Path) -> tuple[Path, ...]:
    """Download archived originals (digests verified while streaming) to local files, keeping their names."""
    paths = []
    for index, source in enumerate(sources):
        target = directory / f"{index:03d}" / Path(source.name).name
        target.parent.mkdir(parents=True, exist_ok=True)
        download_verified(store, source.key, target)
        paths.append(target)
    return tuple(paths)


def download_verified(store: ObjectStore, key: str, target: Path) -> Path:
    """Write an object to target only once its digest has been verified; nothing is left behind on failure."""
    partial = target.with_name(target.name + ".partial")
    try:
        with partial.open("wb") as out:
            for chunk in store.iter_chunks(key):
                out.write(chunk)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def archive_lookup(database: Database):
    """For verification: which archived document (dossier, kind, key) has a given SHA-256."""
    from sohoa.signing.verify_model import ArchiveMatch

    def lookup(sha256: str) -> ArchiveMatch | None:
        artifact = database.find_by_sha256(sha256)
        if artifact is not None:
            return ArchiveMatch(dossier_code=artifact.dossier_code, kind=artifact.kind, key=artifact.key)
        result = database.find_result_by_sha256(sha256)
        if result is not None:
            return ArchiveMatch(dossier_code=result.dossier_code, kind=f"result:{result.kind}", key=result.signed_key)
        return None

    return lookup
