"""Moving a page of a dossier's report by hand, as pure functions on reports: the move itself (the checklist verdict
computed again from the pages' assignments, no page read again) and its carrying over to a later digitization of
the same dossier (a supplement or a job run again classifies the pages afresh; a page a person placed stays where
they put it, found again by its source file's SHA-256 and its page number in that file).
"""

from __future__ import annotations

from sohoa.classification.rules import PageAssignment, checklist_verdict
from sohoa.models.report import DossierReport, PageReport

UNEXPECTED = "unexpected"
"""The target meaning: a paper outside the procedure's checklist."""


def moved(report: DossierReport, page_index: int, target: int | str, variant, actor: str | None = None) -> DossierReport:
    """`report` with page `page_index` assigned to `target` by `actor` (None: as the classifier would) and the verdict computed again
    (the key fields read at digitization are kept)."""
    assignments = list(_assignments(report))
    previous = next((a for a in reversed(assignments[:page_index]) if a.role not in ("blank", "separator")), None)
    old = assignments[page_index]
    if target == UNEXPECTED:
        assignments[page_index] = PageAssignment(role="unexpected", position=None, document_type=None, confidence=1.0,
                                                 title=old.title, document_start=True)
    else:
        continues = previous is not None and previous.position == target
        assignments[page_index] = PageAssignment(role="continuation" if continues else "component", position=int(target),
                                                 document_type=old.document_type if old.position == target else None,
                                                 confidence=1.0, title=old.title, document_start=not continues)
    verdict = checklist_verdict(tuple(assignments), variant).model_copy(update={"documents": report.checklist.documents})
    new = assignments[page_index]
    pages = list(report.pages)
    pages[page_index] = pages[page_index].model_copy(update={
        "component_position": new.position, "document_type": new.document_type, "classification_confidence": 1.0,
        "classification_role": new.role, "candidate_position": None, "placed_by": actor,
        "warnings": tuple(w for w in pages[page_index].warnings if not w.startswith("classification:"))})
    return report.model_copy(update={"pages": tuple(pages), "checklist": verdict})


def _assignments(report: DossierReport) -> tuple[PageAssignment, ...]:
    """The classifier's assignments as the report keeps them (an unexpected paper keeps its title and first page)."""
    titles = {u.pages[0]: u.title for u in report.checklist.unexpected if u.pages}
    out = []
    for page in report.pages:
        role = page.classification_role or ("blank" if page.blank else "component" if page.component_position else "unknown")
        starts = role == "component" or page.index in titles or role in ("review", "unknown")
        out.append(PageAssignment(role=role, position=page.component_position, document_type=page.document_type,
                                  confidence=page.classification_confidence, title=titles.get(page.index, ""),
                                  document_start=starts, candidate_position=page.candidate_position))
    return tuple(out)


def carry_page_moves(earlier: DossierReport | None, report: DossierReport, variant) -> DossierReport:
    """`report` (a new digitization of a dossier) with every page a person placed in `earlier` put back where
    they placed it, when the same page of the same file is in `report`."""
    if earlier is None:
        return report
    placed = {_page_key(earlier, page): page for page in earlier.pages if page.placed_by}
    for page in report.pages:
        before = placed.get(_page_key(report, page))
        if before is not None and (_target(before), page.placed_by) != (_target(page), before.placed_by):
            report = moved(report, page.index, _target(before), variant, before.placed_by)
    return report


def _target(page: PageReport) -> int | str:
    return page.component_position if page.component_position is not None else UNEXPECTED


def _page_key(report: DossierReport, page: PageReport) -> tuple[str, int]:
    digests = {source.name: source.sha256 for source in report.sources}
    return digests.get(page.source_file, page.source_file), page.source_page


__all__ = ["UNEXPECTED", "carry_page_moves", "moved"]
