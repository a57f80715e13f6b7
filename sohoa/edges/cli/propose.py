"""The procedure from the papers at the command line: `sohoa propose`, and `sohoa process` without `--procedure`."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from rich.console import Console

from sohoa.edges.cli.console import err, out, progress_bar
from sohoa.models.report import ProcedureProposal
from sohoa.services.config import Config


def rank_files(files: tuple[Path, ...], config: Config, quiet: bool) -> tuple[ProcedureProposal, ...]:
    """Read the pages of `files` (kept in the page cache for the run that follows) and rank the procedures."""
    from sohoa.catalog import load_catalog
    from sohoa.pipeline import propose_from_files
    from sohoa.services.runtime import pipeline_settings

    config.data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sohoa-propose-") as work_dir, progress_bar(quiet) as progress:
        return propose_from_files(files, pipeline_settings(config), load_catalog(extra=config.catalog_dir),
                                  Path(work_dir), progress)


def print_proposals(proposals: tuple[ProcedureProposal, ...], console: Console = err) -> None:
    """The ranking, one line per candidate, best first (on stderr by default: `sohoa process` prints its report after)."""
    console.print("procedures the papers fit, best first:")
    for rank, g in enumerate(proposals, 1):
        console.print(f"  {rank}. {g.procedure_code} ({g.variant}) {g.procedure_name} — confidence {g.confidence:.2f}, "
                  f"fit {g.fit:.2f}, required found {g.required_found}/{g.required}", highlight=False)
    if not proposals:
        console.print("  none: no page points to a document type of the catalogue")


def procedure_from_papers(files: tuple[Path, ...], config: Config, quiet: bool) -> tuple[str, str]:
    """(code, variant) of the procedure the papers clearly fit, printed with the ranking; else ProcedureNotClear."""
    from sohoa.classification.procedure import choose_procedure

    proposals = rank_files(files, config, quiet)
    print_proposals(proposals)
    chosen = choose_procedure(proposals)
    err.print(f"procedure chosen from the papers: {chosen.procedure_code} ({chosen.variant}) {chosen.procedure_name}, "
              f"confidence {chosen.confidence:.2f}", highlight=False)
    return chosen.procedure_code, chosen.variant


def propose(files: Annotated[list[Path], typer.Argument(help="Scans in hand-in order: JPEG, PNG, TIFF, PDF.")],
            as_json: Annotated[bool, typer.Option("--json", help="Print the ranking as JSON.")] = False) -> None:
    """Rank the procedures (and variants) the papers fit, with their confidence; nothing is stored but the pages read."""
    proposals = rank_files(tuple(files), Config.from_env(), as_json)
    if as_json:
        print(json.dumps([g.model_dump(mode="json") for g in proposals], ensure_ascii=False, indent=2))
    else:
        print_proposals(proposals, out)
