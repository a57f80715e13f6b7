"""Export a dossier as a BagIt bag (RFC 8493): every stored object, verified while downloaded.

Layout of ``<target_dir>/<dossier code>/``::

    bagit.txt                   BagIt-Version 1.0, UTF-8
    bag-info.txt                dossier metadata (code, procedure, status, received, …), Payload-Oxum
    manifest-sha256.txt         payload digests, computed while streaming from storage and checked
    manifest-sha512.txt         against the database (sha256 always, sha512 when recorded)
    tagmanifest-sha256.txt      digests of the four files above
    tagmanifest-sha512.txt
    data/originals/…            scanned originals under their hand-in names
    data/pdfa/NN-<name>.pdf     PDF/A per component
    data/signed/NN-<name>.pdf   signed copy per component
    data/ocr.json, data/manifest.json, data/report.json

The bag is written to a temporary sibling directory and renamed into place, so a failed export
leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

from sohoa.archive.errors import IntegrityError
from sohoa.archive.store import ObjectStore
from sohoa.services.db import ArtifactRecord, Database

BAGIT_VERSION = "1.0"
ALGORITHMS = ("sha256", "sha512")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|%]+")


def export_bag(code: str, target_dir: Path, store: ObjectStore, database: Database, *,
               actor: str = "sohoa-archive", organisation: str = "") -> Path:
    """Write the dossier's bag to ``target_dir/<code>`` (which must not exist) and return its path.
    Raises DossierNotFound, IntegrityError (a stored object does not match the database) or StorageError."""
    record = database.get_dossier(code)
    artifacts = database.list_artifacts(code)
    target_dir = Path(target_dir)
    bag_dir = target_dir / code
    if bag_dir.exists():
        raise FileExistsError(f"{bag_dir} already exists; export into another directory")
    target_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{code}.", dir=target_dir))
    try:
        payload = _write_payload(work, record.report or {}, artifacts, store)
        report = json.dumps(record.report, ensure_ascii=False, sort_keys=True, indent=1).encode() if record.report else None
        if report is not None:
            (work / "data" / "report.json").write_bytes(report)
            payload.append(("data/report.json", _digests(report)))
        _write_tags(work, record, payload, organisation)
        work.rename(bag_dir)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        database.record_access(code, actor, "export", None, "failed")
        raise
    database.record_access(code, actor, "export", None, f"ok: bag of {len(payload)} files")
    return bag_dir


def _digests(data: bytes) -> dict[str, str]:
    return {name: hashlib.new(name, data).hexdigest() for name in ALGORITHMS} | {"size": str(len(data))}


def _safe(name: str, fallback: str) -> str:
    cleaned = _UNSAFE.sub("_", unicodedata.normalize("NFC", name)).strip(" .")
    return cleaned[:150] or fallback


def _names(report: dict, artifacts: list[ArtifactRecord]) -> dict[tuple[str, str], str]:
    """Payload path per (kind, key)."""
    source_names = {s.get("object_key"): s.get("name") for s in report.get("sources", []) if isinstance(s, dict)}
    component_names = {c.get("position"): c.get("name") for c in report.get("components", []) if isinstance(c, dict)}
    paths: dict[tuple[str, str], str] = {}
    used: set[str] = set()
    for artifact in artifacts:
        base = artifact.key.rsplit("/", 1)[-1]
        if artifact.kind == "original":
            path = f"originals/{_safe(source_names.get(artifact.key) or base, base)}"
        elif artifact.kind in ("pdfa", "signed"):
            title = _safe(component_names.get(artifact.position) or "component", "component")[:80]
            path = f"{artifact.kind}/{artifact.position or 0:02d}-{title}.pdf"
        else:
            path = f"{artifact.kind}.json" if artifact.kind in ("ocr", "manifest") else f"{artifact.kind}/{base}"
        stem, dot, ext = path.rpartition(".")
        candidate, n = path, 1
        while candidate.lower() in used:
            n += 1
            candidate = f"{stem}-{n}{dot}{ext}" if dot else f"{path}-{n}"
        used.add(candidate.lower())
        paths[(artifact.kind, artifact.key)] = "data/" + candidate
    return paths


def _write_payload(work: Path, report: dict, artifacts: list[ArtifactRecord],
                   store: ObjectStore) -> list[tuple[str, dict[str, str]]]:
    payload = []
    names = _names(report, artifacts)
    for artifact in artifacts:
        relative = names[(artifact.kind, artifact.key)]
        target = work / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        hashers = {name: hashlib.new(name) for name in ALGORITHMS}
        size = 0
        with target.open("wb") as out:
            for chunk in store.iter_chunks(artifact.key):  # verified against the object's metadata
                out.write(chunk)
                size += len(chunk)
                for hasher in hashers.values():
                    hasher.update(chunk)
        digests = {name: hasher.hexdigest() for name, hasher in hashers.items()}
        if digests["sha256"] != artifact.sha256 or (artifact.sha512 and digests["sha512"] != artifact.sha512) \
                or size != artifact.size:
            raise IntegrityError(getattr(getattr(store, "settings", None), "bucket", "?"), artifact.key,
                                 f"does not match the database record of dossier {artifact.dossier_code}")
        payload.append((relative, digests | {"size": str(size)}))
    return payload


def _manifest_line(digest: str, path: str) -> str:
    encoded = path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return f"{digest}  {encoded}\n"


def _write_tags(work: Path, record, payload: list[tuple[str, dict[str, str]]], organisation: str) -> None:
    (work / "bagit.txt").write_text(f"BagIt-Version: {BAGIT_VERSION}\nTag-File-Character-Encoding: UTF-8\n",
                                    encoding="utf-8")
    octets = sum(int(d["size"]) for _, d in payload)
    info = [
        ("Bag-Software-Agent", "sohoa"),
        ("Bagging-Date", datetime.now(UTC).date().isoformat()),
        ("Payload-Oxum", f"{octets}.{len(payload)}"),
        ("External-Identifier", record.code),
        ("Dossier-Code", record.code),
        ("Procedure-Code", record.procedure_code),
        ("Procedure-Variant", record.variant or ""),
        ("Channel", f"{int(record.channel)} {record.channel.vietnamese}"),
        ("Status", f"{int(record.status)} {record.status.vietnamese}"),
        ("Received-At", record.received_at.isoformat()),
        ("Updated-At", record.updated_at.isoformat()),
    ]
    if organisation:
        info.insert(0, ("Source-Organization", organisation))
    (work / "bag-info.txt").write_text("".join(f"{k}: {v}\n" for k, v in info if v), encoding="utf-8")
    for name in ALGORITHMS:
        lines = "".join(_manifest_line(d[name], path) for path, d in sorted(payload))
        (work / f"manifest-{name}.txt").write_text(lines, encoding="utf-8")
    tags = ["bagit.txt", "bag-info.txt", *(f"manifest-{n}.txt" for n in ALGORITHMS)]
    for name in ALGORITHMS:
        lines = "".join(_manifest_line(hashlib.new(name, (work / t).read_bytes()).hexdigest(), t) for t in tags)
        (work / f"tagmanifest-{name}.txt").write_text(lines, encoding="utf-8")
