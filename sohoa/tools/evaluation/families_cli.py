"""`sohoa-lab eval-families`: the leave-one-family-out evaluation as a command (the work is in `families.py`)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from sohoa.tools.evaluation.families import draw_reliability, leave_one_family_out, ocr_texts
from sohoa.tools.training.noise import HEAVY, LIGHT, MEDIUM

_LEVELS = {"none": None, "light": LIGHT, "medium": MEDIUM, "heavy": HEAVY}


def eval_families_command(
    count: Annotated[int, typer.Option(help="Dossiers in each scoring corpus (its 20% test split is scored).")] = 300,
    seed: Annotated[int, typer.Option(help="Seed of the scoring corpus (not the training seed).")] = 11,
    noise: Annotated[str, typer.Option(help="Synthetic OCR noise on the truth texts: none, light, medium, heavy.")] = "medium",
    train_count: Annotated[int, typer.Option(help="Dossiers in each training corpus (its 80% train split).")] = 270,
    train_seed: Annotated[int, typer.Option(help="Seed of the training corpora.")] = 1,
    ocr: Annotated[Path | None, typer.Option(help="Render the test dossiers into this folder at --dpi and read them "
                                                  "with Tesseract instead of using noisy truth texts.")] = None,
    dpi: Annotated[int, typer.Option(help="Scan resolution with --ocr.")] = 300,
    limit: Annotated[int, typer.Option(help="With --ocr: at most this many test dossiers per family.")] = 6,
    png: Annotated[Path | None, typer.Option(help="Write the reliability diagram of the unseen families here.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole result as JSON.")] = False,
) -> None:
    """Train the page model on one template family and score it on both (seen and unseen), both ways round;
    calibrated confidence and its expected calibration error on the unseen family."""
    from sohoa.catalog import load_catalog

    if noise not in _LEVELS:
        raise typer.BadParameter(f"--noise must be one of {', '.join(_LEVELS)}")
    console = Console(stderr=True)
    started = time.perf_counter()
    catalog = load_catalog()
    texts_of = (lambda family: ocr_texts(catalog, family, ocr, dpi, limit)) if ocr is not None else None
    result = leave_one_family_out(catalog, count, seed, _LEVELS[noise], train_count, train_seed, texts_of,
                                  log=console.print, dpi=dpi)
    result |= {"noise": noise if ocr is None else f"tesseract vie, {dpi} dpi", "seconds": round(time.perf_counter() - started, 1)}
    if png is not None:
        draw_reliability(result["runs"], png)
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"leave-one-family-out ({result['noise']}, {result['seconds']} s)")
    for column in ("trained on", "scored on", "", "dossiers", "pages", "page→comp", "checklist", "complete while missing",
                   "ECE raw", "ECE calibrated"):
        table.add_column(column)
    for run in result["runs"]:
        table.add_row(run["trained_on"], run["scored_on"], "unseen" if run["unseen"] else "seen", str(run["dossiers"]),
                      str(run["pages"]), f"{run['page_accuracy_pct']}%", f"{run['checklist_exact_pct']}%",
                      str(run["complete_while_missing"]), str(run["ece_raw"]), str(run["ece_calibrated"] or "-"))
    Console().print(table)
