"""`make faults`: the fault-injection suite. Every fault of docs/reliability.md on the real Redis, PostgreSQL and
SeaweedFS, then the checks, then the table: fault, runs, completed, failed with reason, lost, duplicated, time to
recover. Exits 1 when anything was lost or duplicated.

    python -m sohoa.tools.faults.suite [--quick] [--markdown docs-table.md]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from sohoa.tools.faults import scenarios
from sohoa.tools.faults.checks import chain_intact, check_dossier, leftovers, stored_twice
from sohoa.tools.faults.lab import Lab, close_lab, open_lab

HEADERS = ("fault", "runs", "completed", "failed with reason", "lost", "duplicated", "time to recover (median / max)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="Fewer runs of each fault (a smoke test).")
    parser.add_argument("--markdown", type=Path, help="Also write the table as Markdown to this file.")
    parser.add_argument("--keep", action="store_true", help="Keep the lab folder (logs of every worker).")
    args = parser.parse_args(argv)
    console = Console(stderr=True)
    root = Path(tempfile.mkdtemp(prefix="sohoa-faults-"))
    started = time.monotonic()
    lab = open_lab(root)
    try:
        runs = _run_all(lab, console, args.quick)
        rows, healthy = _table(lab, runs)
    finally:
        close_lab(lab)
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    _print(rows, healthy, time.monotonic() - started, lab, args.markdown)
    return 0 if healthy else 1


def _run_all(lab: Lab, console: Console, quick: bool) -> list[scenarios.Run]:
    sizes = {"worker_killed": {"dossiers": 4, "kills": 4}} if quick else {}
    done = []
    for scenario in scenarios.SCENARIOS:
        options = sizes.get(scenario.__name__, {"runs": 1} if quick and scenario is not scenarios.worker_killed else {})
        console.print(f"[bold]{scenario.__doc__.splitlines()[0]}[/]")
        begun = time.monotonic()
        run = scenario(lab, **options)
        console.print(f"  {run.faults} fault(s), {len(run.codes)} dossier(s), {time.monotonic() - begun:.0f} s"
                      + (f" — skipped: {run.skipped}" if run.skipped else ""))
        done.append(run)
    return done


def _table(lab: Lab, runs: list[scenarios.Run]) -> tuple[list[tuple[str, ...]], bool]:
    twice = set(stored_twice(lab.storage.settings))
    rows, healthy = [], True
    for run in runs:
        if run.skipped:
            rows.append((run.fault, "0", "—", "—", "—", "—", f"not run: {run.skipped}"))
            continue
        checks = [check_dossier(lab.runtime, code) for code in run.codes]
        completed = sum(c.completed for c in checks)
        failed = sum(c.failed_with_reason for c in checks)
        duplicated = sum(any("verdicts" in p for p in c.problems) for c in checks)
        lost = len(checks) - completed - failed - duplicated + run.phantoms
        healthy &= lost == 0 and duplicated == 0
        recover = f"{statistics.median(run.recover):.1f} s / {max(run.recover):.1f} s" if run.recover else "—"
        rows.append((run.fault, f"{run.faults} faults, {len(run.codes)} dossiers", str(completed), str(failed),
                     str(lost), str(duplicated), recover))
        for check in checks:
            if check.problems or not (check.completed or check.failed_with_reason):
                print(f"  {check.code}: {check.state} {check.reason or ''} {'; '.join(check.problems)}", file=sys.stderr)
    lab.summary = {"stored twice": len(twice), "leftover manifests": leftovers(lab.runtime, lab.storage.settings, lab.codes),
                   "audit chain intact": chain_intact(lab.runtime), "workers started": lab.workers.started}
    healthy &= not twice and lab.summary["audit chain intact"]
    return rows, healthy


def _print(rows: list[tuple[str, ...]], healthy: bool, seconds: float, lab: Lab, markdown: Path | None) -> None:
    table = Table(*HEADERS, title="sohoa fault-injection suite")
    for row in rows:
        table.add_row(*row)
    console = Console(width=max(Console().width, 150))
    console.print(table)
    facts = ", ".join(f"{name}: {value}" for name, value in lab.summary.items())
    database = "PostgreSQL" if lab.postgres is not None else "SQLite"
    console.print(f"{facts}; database {database}; {seconds:.0f} s in all — {'PASS' if healthy else 'FAIL'}")
    if markdown:
        lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        lines.append(f"\n{facts}; database {database}; {seconds:.0f} s in all.")
        markdown.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
