"""A dossier's report as ``sohoa process`` and ``sohoa supplement`` print it for the front desk.

A verdict the classifier is not sure of reads NEEDS REVIEW, never COMPLETE: the front desk must not hand out a
receipt (Mẫu 01) on a guess, and ``sohoa form`` prints one only with ``--confirmed`` (lifecycle/front_desk.py).
Object keys are printed whole on lines of their own (no table folds them at 80 columns).
"""

from __future__ import annotations

from pathlib import Path

from rich.markup import escape
from rich.table import Table

from sohoa.edges.cli.console import out
from sohoa.models.report import ChecklistVerdict


def verdict_line(verdict: ChecklistVerdict, code: str) -> str:
    """COMPLETE, INCOMPLETE — missing …, or NEEDS REVIEW — why, and what to run after checking (plain text)."""
    from sohoa.classification.rules import HIGH_CONFIDENCE

    confirm = f"check the papers, then: sohoa form {code} --out mau.pdf --confirmed"
    if verdict.decision == "needs_review":
        pages = ", ".join(str(page + 1) for page in verdict.review_pages) or "-"
        return f"NEEDS REVIEW — pages {pages} need a person's look (confidence {verdict.confidence:.2f}); {confirm}"
    if not verdict.complete:
        return f"INCOMPLETE — missing {list(verdict.missing_positions)}"
    if not verdict.high_confidence:
        return (f"NEEDS REVIEW — checklist COMPLETE but not high-confidence ({verdict.confidence:.2f} < "
                f"{HIGH_CONFIDENCE}); {confirm}")
    return "COMPLETE"


_COLOURS = {"COMPLETE": "green", "INCOMPLETE": "red", "NEEDS REVIEW": "yellow"}


def print_report(report, out_dir: Path | None) -> None:
    """The verdict, one row per component, then the signed keys, warnings, timings and manifest, each whole."""
    verdict = report.checklist
    line = verdict_line(verdict, report.dossier_code)
    head = next(word for word in _COLOURS if line.startswith(word))
    out.print(f"Dossier [bold]{report.dossier_code}[/] · {escape(report.procedure_code)} {escape(report.procedure_name)}: "
              f"[{_COLOURS[head]}]{head}[/]{escape(line[len(head):])}")
    table = Table("#", "component", "pages", "conf.", "PDF/A", "signed")
    for c in report.components:
        pdfa = "pass" if c.pdfa_verdict.passed and (c.signed_pdfa_verdict is None or c.signed_pdfa_verdict.passed) else "FAIL"
        table.add_row(str(c.position), escape(c.name), ",".join(str(p + 1) for p in c.pages), f"{c.confidence:.2f}", pdfa,
                      "yes" if c.signed else "—")
    out.print(table)
    for c in report.components:
        if c.signed:
            out.print(f"  signed {c.position}: {c.signed.key}", markup=False, highlight=False)
    for document in verdict.unexpected:
        out.print(f"[yellow]Unexpected document[/] on pages {[p + 1 for p in document.pages]}: "
                  f"{escape(document.title or '(no title)')}")
    for warning in report.warnings:
        out.print(f"[yellow]warning:[/] {escape(warning)}")
    out.print("Timings: " + ", ".join(f"{t.stage} {t.seconds:.2f}s" for t in report.timings), highlight=False)
    out.print(f"Manifest: {report.manifest.key}", markup=False, highlight=False)
    if out_dir is not None:
        out.print(f"Files written to {out_dir}", markup=False, highlight=False)
