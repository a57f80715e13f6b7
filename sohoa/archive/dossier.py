"""Stage 6: a dossier's objects in write-once storage: the originals before any processing, then the PDF/As,
signed copies, OCR JSON and a manifest with the SHA-256 and SHA-512 of every object."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sohoa.archive.keys import content_key
from sohoa.archive.lock import DEFAULT_RETENTION_YEARS, ObjectLock, years
from sohoa.archive.store import ObjectStore
from sohoa.intake.files import AcceptedFile, sha256_file
from sohoa.models.dossier import ComponentBuild, DossierRequest
from sohoa.models.report import ArtifactReport, ComponentReport, OcrArtifact, SourceFileReport
from sohoa.ocr.pages import PageResult

PDF = "application/pdf"


@dataclass(frozen=True)
class ArchivedResults:
    """What archive_results stored."""

    components: tuple[ComponentReport, ...]
    """Components with their stored objects."""
    ocr: OcrArtifact
    """The stored OCR JSON."""
    manifest: ArtifactReport
    """The stored manifest."""


def retention_lock(store: ObjectStore, retention_years: int | None = None) -> ObjectLock | None:
    """The lock for a procedure's originals and results: the store's lock mode for ``retention_years``
    (the catalogue's ``Procedure.retention_years``; default :data:`DEFAULT_RETENTION_YEARS`). None when
    the store does not lock (``lock_mode=OFF``, or a store without Object Lock support)."""
    default_lock = getattr(store, "default_lock", None)
    if default_lock is None:
        return None
    return default_lock(years(retention_years or DEFAULT_RETENTION_YEARS))


def archive_originals(accepted: tuple[AcceptedFile, ...], store: ObjectStore,
                      lock: ObjectLock | None = None) -> tuple[SourceFileReport, ...]:
    """Store every accepted original under its SHA-256, before any processing, write-once: locked with
    ``lock`` (see :func:`retention_lock`; default the store's retention)."""
    reports = []
    for source in accepted:
        key = content_key("originals", source.sha256)
        store.put_file(key, source.path, source.media_type, {"file-name": _ascii(source.name)}, lock=lock)
        reports.append(SourceFileReport(name=source.name, sha256=source.sha256, size=source.size,
                                        media_type=source.media_type, page_count=source.page_count, object_key=key,
                                        active_content=source.active_content))
    return tuple(reports)


def archive_results(builds: tuple[ComponentBuild, ...], pages: tuple[PageResult, ...],
                    sources: tuple[SourceFileReport, ...], request: DossierRequest, store: ObjectStore,
                    lock: ObjectLock | None = None) -> ArchivedResults:
    """Store PDF/As, signed copies, the OCR JSON and a manifest with the SHA-256 and SHA-512 of every
    object, all write-once (``lock``, see :func:`retention_lock`; default the store's retention)."""
    components = []
    sha512s: dict[str, str] = {}
    for build in builds:
        pdfa = _put_file(store, "pdfa", build.pdfa_path, lock, sha512s)
        signed = _put_file(store, "signed", build.signed_path, lock, sha512s) if build.signed_path else None
        components.append(ComponentReport(
            position=build.position, name=build.name, document_type=build.document_type, pages=build.pages,
            confidence=build.confidence, pdfa=pdfa, pdfa_verdict=build.pdfa_verdict, signed=signed,
            signed_pdfa_verdict=build.signed_verdict, signer=build.signer,
        ))
    ocr = OcrArtifact(object=_put_json(store, "ocr", _ocr_document(request, pages), lock, sha512s), engine="tesseract vie")
    for source in sources:
        if source.object_key not in sha512s:
            stat = store.stat(source.object_key)
            sha512s[source.object_key] = stat.sha512 if stat is not None else ""
    manifest = _put_json(store, "manifests", _manifest(request, sources, components, ocr.object, sha512s), lock, {})
    return ArchivedResults(components=tuple(components), ocr=ocr, manifest=manifest)


def _put_file(store: ObjectStore, prefix: str, path: Path, lock: ObjectLock | None,
              sha512s: dict[str, str]) -> ArtifactReport:
    digest = sha256_file(path)  # streamed: the key is derived from the content before the upload
    stored = store.put_file(content_key(prefix, digest, ".pdf"), path, PDF, lock=lock)
    sha512s[stored.key] = stored.sha512
    return ArtifactReport(key=stored.key, sha256=stored.sha256, size=stored.size)


def _put_json(store: ObjectStore, prefix: str, document: dict, lock: ObjectLock | None,
              sha512s: dict[str, str]) -> ArtifactReport:
    data = json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1).encode()
    stored = store.put_bytes(content_key(prefix, hashlib.sha256(data).hexdigest(), ".json"), data, "application/json",
                             lock=lock)
    sha512s[stored.key] = stored.sha512
    return ArtifactReport(key=stored.key, sha256=stored.sha256, size=stored.size)


def _ocr_document(request: DossierRequest, pages: tuple[PageResult, ...]) -> dict:
    return {
        "dossier_code": request.dossier_code,
        "pages": [
            {
                "index": page.prepared.source.index,
                "source_file": page.prepared.source.file_name,
                "source_page": page.prepared.source.frame + 1,
                "text": page.text,
                "mean_confidence": page.ocr.mean_confidence if page.ocr else None,
                "words": [{"text": w.text, "box": list(w.box), "confidence": round(w.confidence, 1)}
                          for w in (page.ocr.words if page.ocr else ())],
            }
            for page in pages
        ],
    }


def _manifest(request: DossierRequest, sources: tuple[SourceFileReport, ...], components: list[ComponentReport],
              ocr: ArtifactReport, sha512s: dict[str, str]) -> dict:
    objects = [
        {"role": "original", "name": s.name, "key": s.object_key, "sha256": s.sha256, "size": s.size} for s in sources
    ]
    objects.append({"role": "ocr", "key": ocr.key, "sha256": ocr.sha256, "size": ocr.size})
    for component in components:
        objects.append({"role": "pdfa", "position": component.position, **component.pdfa.model_dump()})
        if component.signed:
            objects.append({"role": "signed", "position": component.position, **component.signed.model_dump()})
    for item in objects:
        if sha512s.get(item["key"]):
            item["sha512"] = sha512s[item["key"]]
    return {
        "manifest_version": "2",
        "dossier_code": request.dossier_code,
        "procedure_code": request.procedure_code,
        "received_at": request.received_at.isoformat(),
        "written_at": datetime.now().astimezone().isoformat(),
        "algorithm": "sha256",
        "algorithms": ["sha256", "sha512"],
        "objects": objects,
    }


def _ascii(text: str) -> str:
    """S3 user metadata must be ASCII; percent-encode the rest."""
    from urllib.parse import quote

    return quote(text, safe=" ._-()")
