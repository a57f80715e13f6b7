"""The stages after classification: PDF/A per component, signing, archiving, and the report's page rows."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sohoa.archive import DEFAULT_RETENTION_YEARS, ObjectLock, ObjectStore, content_key, years
from sohoa.catalog import Variant
from sohoa.classify import PageAssignment
from sohoa.intake import AcceptedFile, sha256_file
from sohoa.models.report import (
    ArtifactReport,
    ComponentReport,
    OcrArtifact,
    PageReport,
    PdfaVerdict,
    SourceFileReport,
)
from sohoa.pages import PageResult
from sohoa.pdfa import DocumentMetadata, assemble_pdfa, check_signed_pdfa
from sohoa.signing import CopySigner, sign_copy

if TYPE_CHECKING:
    from sohoa.pipeline import DossierRequest, ProgressCallback

PDF = "application/pdf"


@dataclass(frozen=True)
class ComponentBuild:
    """A component's files on local disk, before archiving."""

    position: int
    """1-based component position."""
    name: str
    """Component name."""
    document_type: str | None
    """Matched document type id."""
    pages: tuple[int, ...]
    """Dossier page indexes."""
    confidence: float
    """Lowest page confidence."""
    pdfa_path: Path
    """The PDF/A-2b file."""
    pdfa_verdict: PdfaVerdict
    """Validator verdict on it."""
    signed_path: Path | None = None
    """The signed copy, once signed."""
    signed_verdict: PdfaVerdict | None = None
    """Validator verdict on the signed copy."""
    signer: str | None = None
    """Signing certificate subject."""


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
                                        media_type=source.media_type, page_count=source.page_count, object_key=key))
    return tuple(reports)


def build_components(pages: tuple[PageResult, ...], assignments: tuple[PageAssignment, ...], variant: Variant,
                     request: DossierRequest, procedure_name: str, organisation: str, work_dir: Path) -> tuple[ComponentBuild, ...]:
    """One PDF/A-2b per component found, pages in stream order, blank pages left out."""
    builds = []
    for component in variant.components:
        indexes = [i for i, a in enumerate(assignments) if a.position == component.position]
        if not indexes:
            continue
        first = assignments[indexes[0]]
        metadata = DocumentMetadata(
            title=component.name, author=organisation, created=request.received_at,
            subject=f"Hồ sơ {request.dossier_code} · TTHC {procedure_name} · thành phần {component.position}",
        )
        out = work_dir / f"component-{component.position:02d}.pdf"
        verdict = assemble_pdfa([_page_location(pages[i]) for i in indexes], metadata, out)
        builds.append(ComponentBuild(
            position=component.position, name=component.name, document_type=first.document_type,
            pages=tuple(indexes), confidence=round(min(assignments[i].confidence for i in indexes), 3),
            pdfa_path=out, pdfa_verdict=verdict,
        ))
    return tuple(builds)


def sign_components(builds: tuple[ComponentBuild, ...], signer: CopySigner | None,
                    progress: ProgressCallback) -> tuple[ComponentBuild, ...]:
    """Sign each component as the receiving organisation's electronic copy."""
    if signer is None:
        return builds
    signed = []
    for done, build in enumerate(builds, start=1):
        copy = sign_copy(build.pdfa_path.read_bytes(), signer)
        path = build.pdfa_path.with_suffix(".signed.pdf")
        path.write_bytes(copy.data)
        signed.append(dataclasses.replace(build, signed_path=path, signed_verdict=check_signed_pdfa(path), signer=copy.signer_subject))
        progress("sign", done, len(builds))
    return tuple(signed)


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


def page_reports(pages: tuple[PageResult, ...], assignments: tuple[PageAssignment, ...], min_dpi: int) -> tuple[PageReport, ...]:
    """The report's row for each page."""
    rows = []
    for page, assignment in zip(pages, assignments, strict=True):
        prepared, ocr = page.prepared, page.ocr
        rows.append(PageReport(
            index=prepared.source.index, source_file=prepared.source.file_name, source_page=prepared.source.frame + 1,
            born_digital=prepared.source.born_digital_text is not None, rotation=prepared.rotation, skew=prepared.skew,
            blank=prepared.blank, dpi=prepared.dpi, low_dpi=prepared.dpi is not None and prepared.dpi < min_dpi,
            text=page.text, mean_confidence=round(ocr.mean_confidence, 2) if ocr and ocr.mean_confidence is not None else None,
            word_count=len(ocr.words) if ocr else len(page.text.split()), component_position=assignment.position,
            document_type=assignment.document_type, classification_confidence=round(assignment.confidence, 3),
            classification_role=assignment.role,
            warnings=prepared.warnings + (("classification: needs review (candidate component "
                                           f"{assignment.candidate_position})",) if assignment.role == "review" else ()),
        ))
    return tuple(rows)


def _page_location(page: PageResult) -> tuple[Path, int]:
    if page.page_pdf is not None:
        return page.page_pdf, 0
    return page.prepared.source.path, page.prepared.source.frame


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
