"""Decide everything about a synthetic dossier before any pixel is drawn.

A plan fixes the papers (one per component, alternatives chosen), omissions, the unexpected
paper, their laid-out pages, blank back sides, rotation, skew, noise seeds and file names. It is
cheap (no rasterising), so callers can search for seeds with wanted properties.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from sohoa.catalog import Component, Procedure
from sohoa.tools.corpus.blocks import DocumentSpec
from sohoa.tools.corpus.content import UNEXPECTED, build_document
from sohoa.tools.corpus.context import DossierContext
from sohoa.tools.corpus.family_b import UNEXPECTED_B, build_document_b
from sohoa.tools.corpus.fonts import FontBook, RenderSettings
from sohoa.tools.corpus.layout import Composer, PageGeometry, PageLayout
from sohoa.tools.corpus.models import ScanOptions

REGISTRATION_KINDS = {"giay-chung-nhan-dkdn": "dn", "giay-chung-nhan-dk-htx": "htx", "giay-chung-nhan-dk-hkd": "hkd"}
OPTIONAL_PRESENT = 0.6
"""Chance that a conditional component ('nếu có') is handed in."""


@dataclass(frozen=True)
class PlannedDocument:
    """One paper: its content, checklist position (None when unexpected) and laid-out pages."""

    index: int
    spec: DocumentSpec
    component_position: int | None
    pages: tuple[PageLayout, ...]


@dataclass(frozen=True)
class PlannedPage:
    """One scanned image (or TIFF frame): a document page or a blank back side."""

    document_index: int
    page_in_document: int  # 1-based; 0 for a blank back side
    layout: PageLayout | None  # None when blank
    rotation_deg: int
    skew_deg: float
    noise_seed: int
    file: str = ""
    frame: int = 0

    @property
    def blank(self) -> bool:
        return self.layout is None


@dataclass(frozen=True)
class DossierPlan:
    """Everything needed to render a dossier deterministically."""

    procedure: Procedure
    variant_id: str
    seed: int
    options: ScanOptions
    documents: tuple[PlannedDocument, ...]
    pages: tuple[PlannedPage, ...]
    missing_positions: tuple[int, ...]
    complete: bool
    ctx: DossierContext


def plan_dossier(procedure: Procedure, variant_id: str | None, seed: int, options: ScanOptions,
                 render: RenderSettings | None = None) -> DossierPlan:
    """Plan the dossier of ``procedure`` (variant ``variant_id``; None = default) for ``seed``."""
    variant = procedure.variant(variant_id)
    rng = random.Random(f"sohoa-corpus:{seed}:{procedure.code}:{variant.id}")
    ctx = DossierContext.create(rng, procedure, _applicant_kind(rng, variant.components))
    chosen, missing = _choose_components(rng, variant.components, options)
    papers: list[tuple[Component | None, str]] = [(c, _choose_type(rng, c, ctx.applicant.kind)) for c in chosen]
    strays = UNEXPECTED_B if options.family == "b" else UNEXPECTED
    if rng.random() < options.unexpected_probability:
        papers.insert(rng.randint(0, len(papers)), (None, rng.choice(sorted(strays))))
    if len(papers) > 1 and rng.random() < options.shuffle_probability:
        rng.shuffle(papers)
    fonts = FontBook(render or RenderSettings(), options.dpi)
    documents = []
    for index, (component, type_id) in enumerate(papers):
        doc_type = _document_type(component, type_id)
        build = build_document_b if options.family == "b" else build_document
        spec = build(ctx, doc_type, component)
        geometry = PageGeometry(left_mm=rng.uniform(28, 32), right_mm=rng.uniform(16, 20), top_mm=rng.uniform(18, 23))
        pages = Composer(fonts, geometry, rng.randint(0, 2**31)).layout(spec.blocks)
        documents.append(PlannedDocument(index, spec, component.position if component else None, tuple(pages)))
    pages = _name_files(_plan_pages(rng, documents, options), options)
    required = {c.position for c in variant.components if c.required}
    return DossierPlan(procedure, variant.id, seed, options, tuple(documents), pages, tuple(missing),
                       not (required & set(missing)), ctx)


def _applicant_kind(rng: random.Random, components: tuple[Component, ...]) -> str:
    allowed = {REGISTRATION_KINDS[d.id] for c in components for d in c.document_types if d.id in REGISTRATION_KINDS}
    if "hkd" in allowed and rng.random() < 0.3:
        return "hkd"
    if "htx" in allowed and rng.random() < 0.15:
        return "htx"
    return "dn"


def _choose_components(rng: random.Random, components: tuple[Component, ...],
                       options: ScanOptions) -> tuple[list[Component], list[int]]:
    required = [c.position for c in components if c.required]
    dropped = rng.choice(required) if required and rng.random() < options.missing_probability else None
    chosen, missing = [], []
    for component in components:
        present = component.position != dropped and (component.required or rng.random() < OPTIONAL_PRESENT)
        (chosen if present else missing).append(component if present else component.position)
    return chosen, missing


def _choose_type(rng: random.Random, component: Component, applicant_kind: str) -> str:
    ids = [d.id for d in component.document_types]
    matching = [i for i in ids if REGISTRATION_KINDS.get(i) == applicant_kind]
    return matching[0] if matching else rng.choice(ids)


def _document_type(component: Component | None, type_id: str):
    if component is None:
        return UNEXPECTED.get(type_id) or UNEXPECTED_B[type_id]
    return next(d for d in component.document_types if d.id == type_id)


def _plan_pages(rng: random.Random, documents: list[PlannedDocument], options: ScanOptions) -> list[PlannedPage]:
    pages: list[PlannedPage] = []
    for document in documents:
        for number, layout in enumerate(document.pages, start=1):
            pages.append(PlannedPage(document.index, number, layout, _rotation(rng, options),
                                     round(rng.uniform(-options.max_skew_deg, options.max_skew_deg), 2),
                                     rng.getrandbits(63)))
            if rng.random() < options.blank_back_probability:
                pages.append(PlannedPage(document.index, 0, None, 0, 0.0, rng.getrandbits(63)))
    return pages


def _rotation(rng: random.Random, options: ScanOptions) -> int:
    if rng.random() >= options.rotate_probability:
        return 0
    return rng.choice([180, 180, 180, 90, 270])


def _name_files(pages: list[PlannedPage], options: ScanOptions) -> tuple[PlannedPage, ...]:
    """page-NNN.jpg/.png per image; with tiff_multipage, a multi-page document shares page-NNN.tif."""
    extension = "jpg" if options.jpeg_quality is not None else "png"
    named: list[PlannedPage] = []
    counts: dict[int, int] = {}
    for page in pages:
        if not page.blank:
            counts[page.document_index] = counts.get(page.document_index, 0) + 1
    group_file: dict[int, str] = {}
    for number, page in enumerate(pages, start=1):
        if options.tiff_multipage and counts.get(page.document_index, 0) > 1:
            file = group_file.setdefault(page.document_index, f"page-{number:03d}.tif")
            frame = sum(1 for p in named if p.file == file)
            named.append(replace(page, file=file, frame=frame))
        else:
            named.append(replace(page, file=f"page-{number:03d}.{extension}"))
    return tuple(named)
