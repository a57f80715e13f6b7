"""Moving a page of a dossier's report by hand, as pure functions on reports: the move itself (the checklist verdict
computed again from the pages' assignments, no page read again) and the placements a later digitization of the
same dossier keeps (a supplement or a job run again classifies the pages afresh; a page a person placed stays
where they put it, found again by its file's SHA-256 and its page number in that file, and its component's PDF/A
and signed copy are built with it).
"""

from __future__ import annotations

from sohoa.classification.placements import UNEXPECTED, page_keys, placed
from sohoa.classification.rules import PageAssignment, checklist_verdict
from sohoa.models.dossier import PagePlacement
from sohoa.models.report import DossierReport


def moved(report: DossierReport, page_index: int, target: int | str, variant, actor: str | None = None) -> DossierReport:
    """`report` with page `page_index` assigned to `target` by `actor` (None: as the classifier would) and the
    verdict computed again (the key fields read at digitization are kept)."""
    assignments = placed(_assignments(report), page_index, target, actor)
    verdict = checklist_verdict(assignments, variant).model_copy(update={"documents": report.checklist.documents})
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


def placements_of(report: dict | None) -> tuple[PagePlacement, ...]:
    """The pages a person placed in a saved report (`DossierReport` as JSON), for the next digitization."""
    if not report:
        return ()
    sources = report.get("sources", ())
    keys = page_keys([s["sha256"] for s in sources], [s["page_count"] for s in sources])
    pages = report.get("pages", ())
    if len(keys) != len(pages):
        return ()  # a report whose pages do not follow its files cannot name them
    return tuple(PagePlacement(key[0], key[2], key[1], page.get("component_position"), page["placed_by"])
                 for key, page in zip(keys, pages, strict=True) if page.get("placed_by"))


__all__ = ["UNEXPECTED", "moved", "placements_of"]
