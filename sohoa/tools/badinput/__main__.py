"""`make bad-input`: the bad-input corpus through `sohoa process` and `POST /dossiers`, and its table.

    python -m sohoa.tools.badinput [--markdown FILE]

Runs on a fresh data folder (SQLite, embedded SeaweedFS unless SOHOA_S3_* are set). Exits 1 when any input was
accepted wrongly or not refused cleanly.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.table import Table

from sohoa.tools.badinput.corpus import bad_requests, build_corpus
from sohoa.tools.badinput.run import CaseResult, run_corpus

HEADERS = ("input", "CLI (`sohoa process`)", "API (`POST /dossiers`)")


def _cell(outcome) -> str:
    if outcome is None:
        return "—"
    mark = "ok" if outcome.clean else ("ACCEPTED WRONGLY" if outcome.wrongly_accepted else "NOT CLEAN")
    return f"{mark} · {outcome.summary}"


def summary(results: list[CaseResult]) -> tuple[int, int, int]:
    """(inputs tried, refused cleanly, accepted wrongly) over both edges."""
    outcomes = [o for r in results for o in (r.cli, r.api) if o is not None]
    return len(outcomes), sum(o.clean for o in outcomes), sum(o.wrongly_accepted for o in outcomes)


def markdown(results: list[CaseResult]) -> str:
    """The table as Markdown, with its summary line."""
    rows = ["| " + " | ".join(HEADERS) + " |", "|---|---|---|"]
    rows += [f"| {r.name} | {_cell(r.cli)} | {_cell(r.api)} |".replace("\n", " ") for r in results]
    tried, clean, wrong = summary(results)
    return "\n".join(rows) + f"\n\ninputs tried: {tried}, handled cleanly: {clean}, accepted wrongly: {wrong}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--markdown", type=Path, help="Also write the table as Markdown to this file.")
    args = parser.parse_args(argv)
    console = Console(stderr=True)
    root = Path(tempfile.mkdtemp(prefix="sohoa-badinput-"))
    env = {k: v for k, v in os.environ.items() if k != "SOHOA_DATABASE_URL"} | {"SOHOA_DATA_DIR": str(root / "data")}
    with console.status("bad input") as status:
        results = run_corpus(build_corpus(root / "corpus"), bad_requests(), env,
                             progress=lambda name: status.update(f"bad input: {name}"))
    table = Table(*HEADERS)
    for result in results:
        table.add_row(result.name, _cell(result.cli), _cell(result.api))
    Console().print(table)
    tried, clean, wrong = summary(results)
    Console().print(f"inputs tried: {tried}, handled cleanly: {clean}, accepted wrongly: {wrong}")
    if args.markdown:
        args.markdown.write_text(markdown(results), encoding="utf-8")
    return 0 if clean == tried and wrong == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
