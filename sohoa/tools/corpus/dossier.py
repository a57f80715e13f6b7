"""Render planned dossiers to scanned page images plus truth.json, and whole corpora with a split."""

from __future__ import annotations

import json
import random
import unicodedata
from pathlib import Path

import numpy as np
from PIL import Image

from sohoa.catalog import Catalog, Procedure
from sohoa.tools.corpus.fonts import FontBook, RenderSettings
from sohoa.tools.corpus.models import DocumentTruth, DossierTruth, PageTruth, ScanOptions
from sohoa.tools.corpus.plan import DossierPlan, PlannedPage, plan_dossier
from sohoa.tools.corpus.render import render_page
from sohoa.tools.corpus.scan import blank_page, scan_page

GENERATOR = "sohoa.corpus 1"
TRUTH_FILE = "truth.json"
SPLIT_FILE = "split.json"


def generate_dossier(procedure: Procedure, variant_id: str | None, seed: int, out_dir: Path,
                     options: ScanOptions = ScanOptions(), render: RenderSettings | None = None) -> DossierTruth:
    """Write the scanned pages of one synthetic dossier and its truth.json into ``out_dir``."""
    plan = plan_dossier(procedure, variant_id, seed, options, render)
    return write_plan(plan, Path(out_dir), render)


def write_plan(plan: DossierPlan, out_dir: Path, render: RenderSettings | None = None) -> DossierTruth:
    """Rasterise, scan and save a plan; returns (and writes) its truth."""
    out_dir.mkdir(parents=True, exist_ok=True)
    options = plan.options
    fonts = FontBook(render or RenderSettings(), options.dpi)
    size = (fonts.px(210), fonts.px(297))
    images: dict[str, list[Image.Image]] = {}
    previous_clean: Image.Image | None = None
    for page in plan.pages:
        rng = np.random.default_rng(page.noise_seed)
        if page.layout is None:
            image = blank_page(size, options, rng, previous_clean)
        else:
            document = plan.documents[page.document_index]
            clean = render_page(page.layout, fonts, size, document.spec.photocopy, page.noise_seed)
            image = scan_page(clean, options, rng, page.skew_deg, page.rotation_deg)
            previous_clean = clean
        images.setdefault(page.file, []).append(image)
    for file, frames in images.items():
        _save(out_dir / file, frames, options)
    truth = build_truth(plan)
    (out_dir / TRUTH_FILE).write_text(truth.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return truth


def _save(path: Path, frames: list[Image.Image], options: ScanOptions) -> None:
    dpi = (options.dpi, options.dpi)
    if path.suffix == ".tif":
        if options.jpeg_quality:  # JPEG-in-TIFF; colour as YCbCr, which compresses about twice as well as RGB
            frames = [f.convert("YCbCr") if f.mode == "RGB" else f for f in frames]
            compression = {"compression": "jpeg", "quality": options.jpeg_quality}
        else:
            compression = {"compression": "tiff_deflate"}
        frames[0].save(path, "TIFF", save_all=True, append_images=frames[1:], dpi=dpi, **compression)
    elif path.suffix == ".jpg":
        frames[0].save(path, "JPEG", quality=options.jpeg_quality, dpi=dpi)
    else:
        frames[0].save(path, "PNG", dpi=dpi)


def build_truth(plan: DossierPlan) -> DossierTruth:
    """The truth of a plan (what write_plan renders)."""
    pages = [_page_truth(plan, page) for page in plan.pages]
    documents = [
        DocumentTruth(document_index=d.index, document_type_id=d.spec.document_type_id,
                      component_position=d.component_position, title=_nfc(d.spec.title), pages=len(d.pages),
                      photocopy=d.spec.photocopy, number=_nfc(d.spec.number), issue_date=d.spec.issue_date,
                      issuer=_nfc(d.spec.issuer), signer=_nfc(d.spec.signer),
                      facts={k: _nfc(v) for k, v in d.spec.facts.items()})
        for d in plan.documents
    ]
    applicant = plan.ctx.applicant
    return DossierTruth(procedure_code=plan.procedure.code, variant=plan.variant_id, seed=plan.seed, pages=pages,
                        documents=documents, missing_positions=list(plan.missing_positions), complete=plan.complete,
                        applicant=_nfc(applicant.name), applicant_id=applicant.tax_code,
                        options=plan.options.as_dict(), generator=GENERATOR)


def _page_truth(plan: DossierPlan, page: PlannedPage) -> PageTruth:
    document = plan.documents[page.document_index]
    text = "" if page.layout is None else _nfc("\n".join(page.layout.lines))
    return PageTruth(file=page.file, frame=page.frame, text=text,
                     document_type_id=None if page.blank else document.spec.document_type_id,
                     component_position=None if page.blank else document.component_position,
                     document_index=page.document_index, page_in_document=page.page_in_document,
                     is_first_page_of_document=page.page_in_document == 1, rotation_deg=page.rotation_deg,
                     skew_deg=page.skew_deg, blank=page.blank, dpi=plan.options.dpi, colour=plan.options.colour)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def generate_corpus(catalog: Catalog, count: int, seed: int, out_dir: Path, options: ScanOptions = ScanOptions(),
                    test_fraction: float = 0.2, render: RenderSettings | None = None) -> list[Path]:
    """``count`` dossiers cycling over every procedure variant, plus split.json (deterministic train/test)."""
    if count < 1 or not 0 <= test_fraction <= 1:
        raise ValueError(f"count must be >= 1 and test_fraction in [0, 1], got {count}, {test_fraction}")
    out_dir = Path(out_dir)
    pairs = [(p, v.id) for p in catalog.procedures for v in p.variants]
    rng = random.Random(f"sohoa-corpus-set:{seed}")
    paths = []
    for index in range(count):
        procedure, variant_id = pairs[index % len(pairs)]
        directory = out_dir / f"{index:04d}-{procedure.code}-{variant_id}"
        generate_dossier(procedure, variant_id, rng.getrandbits(32), directory, options, render)
        paths.append(directory)
    order = list(range(count))
    random.Random(f"sohoa-corpus-split:{seed}").shuffle(order)
    test = set(order[:round(count * test_fraction)])
    split = {"seed": seed, "test_fraction": test_fraction,
             "train": [p.name for i, p in enumerate(paths) if i not in test],
             "test": [p.name for i, p in enumerate(paths) if i in test]}
    (out_dir / SPLIT_FILE).write_text(json.dumps(split, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return paths
