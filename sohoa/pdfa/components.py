"""Stage 4b: one PDF/A-2b per component found, from the searchable pages of the text layer."""

from __future__ import annotations

from pathlib import Path

from sohoa.catalog import Variant
from sohoa.classification.rules import PageAssignment
from sohoa.models.dossier import ComponentBuild, DossierRequest
from sohoa.ocr.pages import PageResult
from sohoa.pdfa.assemble import DocumentMetadata, assemble_pdfa


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


def _page_location(page: PageResult) -> tuple[Path, int]:
    if page.page_pdf is not None:
        return page.page_pdf, 0
    return page.prepared.source.path, page.prepared.source.frame
