"""Rich tables of an evaluation report (the JSON form is `report.model_dump_json()`)."""

from __future__ import annotations

from rich.table import Table

from sohoa.tools.evaluation.models import EvaluationReport


def percent(value: float | None, digits: int = 1) -> str:
    """0.1234 → '12.3%'; None → 'N/A' (zero denominator)."""
    return "N/A" if value is None else f"{100 * value:.{digits}f}%"


def _positions(values: tuple[int, ...]) -> str:
    return ",".join(map(str, values)) or "—"


def render_table(report: EvaluationReport) -> Table:
    """One row per dossier, then the corpus totals; the caption holds the throughput and secondary figures."""
    table = Table("dossier", "pages", "CER", "WER", "page→comp", "missing", "checklist", "bound. F1", "unexp.", "s", title=f"sohoa eval · {report.corpus} · split {report.split}",
                  caption=_caption(report))
    for row in report.dossiers:
        if row.error is not None:
            table.add_row(row.name, str(row.pages), f"[red]{row.error}[/]", *([""] * 6), f"{row.seconds:.1f}")
            continue
        table.add_row(
            row.name, str(row.pages), percent(row.cer), percent(row.wer), percent(row.page_accuracy),
            f"{_positions(row.truth_missing)} → {_positions(row.predicted_missing)}",
            "[green]✓[/]" if row.checklist_correct else "[red]✗[/]", percent(row.boundary_f1),
            f"{row.unexpected_found}/{row.unexpected_truth}" + (f" +{row.unexpected_false_alarms}" if row.unexpected_false_alarms else ""),
            f"{row.seconds:.1f}",
        )
    t = report.totals
    table.add_section()
    table.add_row(f"total {t.dossiers - t.failed}/{t.dossiers}", str(t.pages), percent(t.cer), percent(t.wer),
                  percent(t.page_accuracy), "", percent(t.checklist_accuracy), percent(t.boundary_f1),
                  f"{percent(t.unexpected_recall)} of {t.unexpected_truth}", f"{t.seconds:.1f}", style="bold")
    return table


def _caption(report: EvaluationReport) -> str:
    t = report.totals
    ppm = "N/A" if t.pages_per_minute is None else f"{t.pages_per_minute:.1f}"
    return (f"{ppm} pages/min with {report.jobs} job(s), load {report.load_average[0]:.2f} · missing: true → found\n"
            f"complete/incomplete verdict right {percent(t.completeness_accuracy)} · boundaries precision "
            f"{percent(t.boundary_precision)}, recall {percent(t.boundary_recall)}\n"
            f"unexpected: found/true (+false alarms), precision {percent(t.unexpected_precision)} · "
            f"blank detection errors {t.blank_errors}\n"
            f"needs review: {t.needs_review} dossier(s), {t.review_pages} page(s) · high-confidence decisions: "
            f"{t.high_confidence}, right {percent(t.high_confidence_accuracy)}")


def render_confusions(report: EvaluationReport, limit: int = 15) -> Table:
    """The most frequent page misassignments (truth → prediction)."""
    table = Table("pages", "true type", "true pos.", "predicted type", "pred. pos.", "as", title="Misassigned pages")
    for c in report.totals.confusions[:limit]:
        table.add_row(str(c.count), c.truth_document_type or "—", str(c.truth_position or "unexpected"),
                      c.predicted_document_type or "—", str(c.predicted_position or "—"), c.predicted_role)
    return table


__all__ = ["percent", "render_confusions", "render_table"]
