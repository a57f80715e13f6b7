"""Command functions for `sohoa eval` and `sohoa corpus generate`, mounted by sohoa/edges/cli/main.py:

    app.command("eval")(eval_command)
    app.add_typer(corpus_app, name="corpus")      # or: corpus_app.command("generate")(corpus_command)

Both are thin: the work is in `sohoa.tools.evaluation.evaluate_corpus` and `sohoa.tools.corpus.generate_corpus`.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from sohoa.services.config import Config
from sohoa.tools.evaluation.models import EvaluationReport

out = Console()
err = Console(stderr=True)

corpus_app = typer.Typer(help="The synthetic scanned-dossier corpus.", no_args_is_help=True)


def eval_command(
    corpus_dir: Annotated[Path, typer.Argument(help="Corpus directory (with split.json), or one dossier directory.")],
    split: Annotated[str, typer.Option(help="Dossiers to evaluate: test, train or all.")] = "test",
    limit: Annotated[int | None, typer.Option(help="Evaluate at most this many dossiers of the split.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the evaluation report as JSON.")] = False,
    jobs: Annotated[int, typer.Option(help="Pages at once (0: one per core; 1: serial).")] = 0,
    save: Annotated[Path | None, typer.Option(help="Also write the JSON report to this file.")] = None,
) -> None:
    """Run the pipeline over a generated corpus and score it: CER/WER, page→component accuracy, checklist
    decisions, document boundary F1, unexpected-document recall, pages per minute (components unsigned)."""
    run_eval(Config.from_env(), corpus_dir, split=split, limit=limit, as_json=as_json, jobs=jobs, save=save)


def run_eval(config: Config, corpus_dir: Path, split: str = "test", limit: int | None = None, as_json: bool = False,
             jobs: int = 0, save: Path | None = None) -> EvaluationReport:
    """`sohoa eval` on an explicit configuration: build the engines once (no signer), evaluate, print."""
    from sohoa.tools.evaluation.runner import evaluate_corpus, load_dossiers
    from sohoa.tools.evaluation.table import render_confusions, render_table
    from sohoa.services.runtime import build_runtime

    load_dossiers(corpus_dir, split, limit)  # fail on a bad corpus before starting storage
    if jobs:
        config = dataclasses.replace(config, jobs=jobs)
    with _status("Starting storage and loading the catalogue…"):
        runtime = build_runtime(config, sign=False)
    with _progress() as progress:
        report = evaluate_corpus(corpus_dir, runtime.settings, runtime.engines, split=split, limit=limit, progress=progress)
    if save is not None:
        save.write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")
    if as_json:
        print(report.model_dump_json(indent=2))
        return report
    console = out if out.is_terminal else Console(width=160)  # a pipe or file gets the whole table
    console.print(render_table(report))
    if report.totals.confusions:
        console.print(render_confusions(report))
    return report


@corpus_app.command("generate")
def corpus_command(
    out_dir: Annotated[Path, typer.Argument(help="Where to write NNNN-<code>-<variant>/ directories and split.json.")],
    count: Annotated[int, typer.Option("--count", "-n", help="Dossiers, cycling over every procedure variant.")] = 30,
    seed: Annotated[int, typer.Option(help="Seed of the whole corpus (same seed and options: same files).")] = 2026,
    test_fraction: Annotated[float, typer.Option(help="Share of dossiers in the test split.")] = 0.2,
    dpi: Annotated[int, typer.Option(help="Scan resolution (NĐ 30/2020 asks at least 200).")] = 300,
    grey: Annotated[bool, typer.Option("--grey", help="Greyscale instead of colour.")] = False,
    png: Annotated[bool, typer.Option("--png", help="Lossless PNG instead of JPEG.")] = False,
    tiff: Annotated[bool, typer.Option("--tiff", help="Multi-page documents as one multi-page TIFF.")] = False,
    unexpected: Annotated[float, typer.Option(help="Per dossier: probability of a paper outside the checklist.")] = 0.0,
    missing: Annotated[float, typer.Option(help="Per dossier: probability of a required component left out.")] = 0.0,
    shuffle: Annotated[float, typer.Option(help="Per dossier: probability that papers are not in checklist order.")] = 0.0,
) -> None:
    """Generate a synthetic corpus of scanned dossiers with ground truth and a train/test split."""
    from sohoa.catalog import load_catalog
    from sohoa.tools.corpus import ScanOptions, generate_corpus

    try:
        options = ScanOptions(dpi=dpi, colour=not grey, jpeg_quality=None if png else 85, tiff_multipage=tiff,
                              unexpected_probability=unexpected, missing_probability=missing,
                              shuffle_probability=shuffle)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from error
    started = time.perf_counter()
    with _status(f"Rendering {count} dossier(s)…"):
        paths = generate_corpus(load_catalog(), count, seed, out_dir, options, test_fraction=test_fraction)
    images = sum(1 for p in paths for _ in p.glob("page-*"))
    err.print(f"{len(paths)} dossiers, {images} images in {time.perf_counter() - started:.1f} s → {out_dir} "
              f"(split.json: {round(count * test_fraction)} test)")


@contextmanager
def _progress() -> Iterator[Callable[[str, int, int], None]]:
    if not err.is_terminal:
        yield lambda what, done, total: None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        tasks: dict[str, int] = {}

        def advance(what: str, done: int, total: int) -> None:
            if what not in tasks:
                tasks[what] = bar.add_task(what, total=total)
            bar.update(tasks[what], completed=done, total=total)

        yield advance


@contextmanager
def _status(message: str) -> Iterator[None]:
    if not err.is_terminal:
        yield
        return
    with err.status(message):
        yield


__all__ = ["corpus_app", "corpus_command", "eval_command", "run_eval"]
