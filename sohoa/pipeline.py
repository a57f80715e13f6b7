"""The orchestrator: the stage order of one dossier, in one short list.

intake → archive originals → pages (prepare, OCR, text layer; in parallel) → classify → PDF/A per
component → sign → archive results → report. The CLI, the API and the RQ workers all call
`process_dossier`; none of them knows more about the stages than this module.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sohoa.archive import ObjectStore
from sohoa.archive.dossier import archive_originals, archive_results, retention_lock
from sohoa.catalog import Catalog, CatalogLookupError
from sohoa.classification.placements import page_keys, place_pages
from sohoa.classification.procedure import check_procedure, propose_procedures
from sohoa.classification.report import page_reports
from sohoa.classification.rules import checklist_verdict, classifier_page, classify_pages
from sohoa.errors import UnknownProcedureCode
from sohoa.intake.files import IntakeLimits, inspect_files, list_pages
from sohoa.models.dossier import ComponentBuild, DossierRequest, ProgressCallback
from sohoa.models.report import DossierReport, ProcedureProposal, StageTiming
from sohoa.ocr.cache import PageCache, run_cached_page_tasks
from sohoa.ocr.pages import PageSettings
from sohoa.pdfa.components import build_components
from sohoa.signing.components import sign_components
from sohoa.signing.model import CopySigner


@dataclass(frozen=True)
class PipelineSettings:
    """How a dossier is processed; built once at the edge."""

    model_cache: Path
    """Where the trained page model is kept (`Config.model_cache`)."""

    pages: PageSettings = PageSettings()
    """Per-page preparation and OCR settings."""
    limits: IntakeLimits = IntakeLimits()
    """Bounds on accepted files."""
    jobs: int = 1
    """Pages processed at once; 1 runs serially in-process (for debugging)."""
    organisation: str = "Trung tâm Phục vụ hành chính công"
    """Receiving organisation, written into PDF/A metadata."""
    page_cache: Path | None = None
    """Folder of pages already read (`sohoa.ocr.cache`), so a supplemented dossier's old pages are not read
    again; None reads every page."""

@dataclass(frozen=True)
class Engines:
    """The engines a run talks to, built once at the edge."""

    store: ObjectStore
    """Object storage."""
    catalog: Catalog
    """Procedure catalogue."""
    signer: CopySigner | None
    """Signer of electronic copies; None leaves components unsigned."""


def _page_model(catalog: Catalog, cache: Path):
    from sohoa.classification.model import get_model  # scikit-learn loads only when a dossier is classified

    return get_model(catalog, cache)


def process_dossier(request: DossierRequest, settings: PipelineSettings, engines: Engines, work_dir: Path,
                    progress: ProgressCallback = lambda stage, done, total: None) -> DossierReport:
    """Run every stage of one dossier and return its report."""
    procedure, variant = _resolve_procedure(engines.catalog, request)
    timings: list[StageTiming] = []
    with _timed(timings, "intake", len(request.files)):
        accepted = inspect_files(request.files, settings.limits)
        page_sources = list_pages(accepted)
    lock = retention_lock(engines.store, procedure.retention_years)
    with _timed(timings, "archive_originals", len(accepted)):
        sources = archive_originals(accepted, engines.store, lock)
    with _timed(timings, "pages", len(page_sources)):
        pages = _read_pages(accepted, page_sources, settings, work_dir, progress)
    timings.extend(_page_substage_timings(pages))
    with _timed(timings, "classify", len(pages)):
        texts = tuple(classifier_page(page) for page in pages)
        assignments = place_pages(classify_pages(texts, variant, engines.catalog.document_types(),
                                                 _page_model(engines.catalog, settings.model_cache)),
                                  page_keys([f.sha256 for f in accepted], [f.page_count for f in accepted]),
                                  request.placements,
                                  {c.position for c in variant.components})
        checklist = checklist_verdict(assignments, variant, texts)
        fit, proposals, fit_note = check_procedure(texts, assignments, procedure.code, variant, engines.catalog,
                                                   _page_model(engines.catalog, settings.model_cache))
    with _timed(timings, "pdfa", len(pages)):
        builds = build_components(pages, assignments, variant, request, procedure.name, settings.organisation, work_dir)
    with _timed(timings, "sign", len(builds)):
        builds = sign_components(builds, engines.signer, progress)
    with _timed(timings, "archive_results", len(builds)):
        archived = archive_results(builds, pages, sources, request, engines.store, lock)
    return DossierReport(
        dossier_code=request.dossier_code, procedure_code=procedure.code, procedure_name=procedure.name,
        variant=variant.id, sources=sources, pages=page_reports(pages, assignments, settings.pages.prepare.min_dpi),
        components=archived.components, checklist=checklist, ocr=archived.ocr, manifest=archived.manifest,
        timings=tuple(timings), warnings=tuple(w for page in pages for w in page.prepared.warnings) + (
            (f"procedure: {fit_note}",) if fit_note else ()) + _active_content_warnings(accepted),
        procedure_fit=fit, procedure_proposals=proposals,
    )


def _active_content_warnings(accepted) -> tuple[str, ...]:
    return tuple(f"{file.name}: active content not carried into the copies: {', '.join(file.active_content)}"
                 for file in accepted if file.active_content)


def propose_from_files(files: tuple[Path, ...], settings: PipelineSettings, catalog: Catalog, work_dir: Path,
                       progress: ProgressCallback = lambda stage, done, total: None) -> tuple[ProcedureProposal, ...]:
    """The procedures `files` fit, best first (`propose_procedures`), before any dossier exists.

    The pages are read through the page cache (`settings.page_cache`), so a `process_dossier` of the same files
    that follows reads none of them again; nothing is archived.
    """
    accepted = inspect_files(files, settings.limits)
    pages = _read_pages(accepted, list_pages(accepted), settings, work_dir, progress)
    texts = tuple(classifier_page(page) for page in pages)
    return propose_procedures(texts, catalog, _page_model(catalog, settings.model_cache))


def _read_pages(accepted, page_sources, settings: PipelineSettings, work_dir: Path, progress: ProgressCallback):
    done = iter(range(1, len(page_sources) + 1))
    progress("pages", 0, len(page_sources))
    cache = PageCache(settings.page_cache) if settings.page_cache is not None else None
    return run_cached_page_tasks(page_sources, {file.path: file.sha256 for file in accepted}, work_dir,
                                 settings.pages, settings.jobs, cache,
                                 on_done=lambda _: progress("pages", next(done), len(page_sources)))


def _resolve_procedure(catalog: Catalog, request: DossierRequest):
    try:
        procedure = catalog.get(request.procedure_code, on=request.received_on)
        return procedure, procedure.variant(request.variant)
    except CatalogLookupError as error:
        raise UnknownProcedureCode(str(error)) from error


@contextmanager
def _timed(timings: list[StageTiming], stage: str, count: int) -> Iterator[None]:
    started = time.perf_counter()
    yield
    timings.append(StageTiming(stage=stage, seconds=round(time.perf_counter() - started, 4), pages=count))


def _page_substage_timings(pages) -> list[StageTiming]:
    """Per-page sub-stages summed over pages (CPU-side cost, not wall-clock)."""
    names = ("prepare", "ocr", "text_layer")
    return [
        StageTiming(stage=f"pages.{name}", seconds=round(sum(page.seconds[name] for page in pages), 4), pages=len(pages))
        for name in names
    ]


__all__ = ["ComponentBuild", "DossierRequest", "Engines", "PipelineSettings", "ProgressCallback", "process_dossier",
           "propose_from_files"]
