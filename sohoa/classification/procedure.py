"""The procedure from the papers: which procedure (and variant) of the catalogue the pages fit, ranked.

Every variant's checklist is tried on the pages (`classify_pages` + `checklist_verdict`, the same rules and
model as the real run). A variant's **fit** is the share of its required components found times the share of
the dossier's documents it explains (a paper it does not accept, or one only under review, explains nothing):
1.0 when every required component is there and no paper is left over. **Confidence** is fit² normalised over
all variants, so one clear winner scores near 1 and two equally good checklists share it.

`fit_warning` says when the procedure a dossier was handed in under does not fit its papers: another
procedure fits clearly better, or the chosen one explains less than half of them (a dossier filed under the
wrong procedure is a common front-desk mistake). `choose_procedure` picks the procedure of a dossier handed in
without one, when the best proposal is clear enough.
"""

from __future__ import annotations

from sohoa.catalog import Catalog, Variant
from sohoa.classification.model import PageModel
from sohoa.classification.rules import PageAssignment, PageText, classify_pages, document_spans
from sohoa.classification.titles import title_matches
from sohoa.errors import ProcedureNotClear
from sohoa.models.report import ProcedureProposal

MIN_FIT = 0.5
"""Below this fit the chosen procedure is reported as not fitting the papers."""
BETTER_BY = 0.25
"""Another procedure whose fit is higher by this much is named in the warning."""
CHOOSE_CONFIDENCE = 0.6
"""When no procedure is given, the best proposal is used only with this confidence (and a fit of `MIN_FIT`)
or more: above 0.5, no other variant can be as likely; below, a person picks."""


def variant_fit(assignments: tuple[PageAssignment, ...], variant: Variant) -> tuple[float, int, int, int, int]:
    """(fit, required found, required, documents explained, documents) of `assignments` made for `variant`."""
    spans = document_spans(assignments)
    explained = sum(1 for span in spans if assignments[span[0]].role in ("component", "continuation"))
    present = {a.position for a in assignments if a.position is not None}
    required = [c.position for c in variant.components if c.required]
    found = sum(1 for p in required if p in present)
    fit = (found / len(required) if required else 1.0) * (explained / len(spans) if spans else 0.0)
    return round(fit, 4), found, len(required), explained, len(spans)


def propose_procedures(pages: tuple[PageText, ...], catalog: Catalog, model: PageModel, limit: int = 5,
                       include: tuple[str, str] | None = None) -> tuple[ProcedureProposal, ...]:
    """The `limit` best-fitting procedure variants for `pages`, best first.

    Only variants that accept a type some page points to (its decisive title or the model's best guess) are
    tried, and `include` = (code, variant) always; the others would fit 0.
    """
    types = catalog.document_types()
    seen = _types_seen(pages, types, model)
    rows = []
    for procedure in catalog.procedures:
        for variant in procedure.variants:
            accepted = {d.id for c in variant.components for d in c.document_types}
            if not accepted & seen and include != (procedure.code, variant.id):
                continue
            assignments = classify_pages(pages, variant, types, model)
            rows.append((procedure, variant, *variant_fit(assignments, variant)))
    total = sum(row[2] ** 2 for row in rows) or 1.0
    guesses = [ProcedureProposal(procedure_code=p.code, variant=v.id, procedure_name=p.name, fit=fit,
                                 confidence=round(fit ** 2 / total, 4), required_found=found, required=required,
                                 documents_explained=explained, documents=docs)
               for p, v, fit, found, required, explained, docs in rows]
    guesses.sort(key=lambda g: (-g.fit, g.required - g.required_found, g.procedure_code, g.variant))
    return tuple(guesses[:limit])


def _types_seen(pages: tuple[PageText, ...], types, model: PageModel) -> set[str]:
    live = [p.text for p in pages if not p.blank and p.separator is None]
    if not live:
        return set()
    seen = {model.labels[int(row.argmax())] for row in model.type_probabilities(live)}
    for text in live:
        match = title_matches(text, types)[1]
        if match is not None:
            seen.add(match.document_type)
    return seen


def fit_warning(chosen_code: str, chosen_variant: str, chosen_fit: float,
                guesses: tuple[ProcedureProposal, ...]) -> str | None:
    """A warning when the chosen procedure does not fit the papers; None when it does."""
    better = next((g for g in guesses if g.procedure_code != chosen_code and g.fit >= chosen_fit + BETTER_BY), None)
    if better is not None:
        return (f"the papers fit procedure {better.procedure_code} ({better.variant}, fit {better.fit:.2f}) better than "
                f"{chosen_code} ({chosen_variant}, fit {chosen_fit:.2f}): was the dossier handed in under the wrong procedure?")
    if chosen_fit < MIN_FIT:
        return f"the papers fit procedure {chosen_code} ({chosen_variant}) poorly (fit {chosen_fit:.2f})"
    return None


def choose_procedure(guesses: tuple[ProcedureProposal, ...]) -> ProcedureProposal:
    """The best proposal when it is clear enough to digitize under (`CHOOSE_CONFIDENCE`, `MIN_FIT`);
    otherwise :class:`ProcedureNotClear` naming the candidates."""
    best = guesses[0] if guesses else None
    if best is not None and best.confidence >= CHOOSE_CONFIDENCE and best.fit >= MIN_FIT:
        return best
    candidates = "; ".join(f"{g.procedure_code} ({g.variant}) confidence {g.confidence:.2f}, fit {g.fit:.2f}"
                           for g in guesses)
    found = f"candidates: {candidates}" if guesses else "no page points to a document type of the catalogue"
    raise ProcedureNotClear(f"the papers do not point clearly enough to one procedure ({found}); pass --procedure CODE")


def check_procedure(pages: tuple[PageText, ...], assignments: tuple[PageAssignment, ...], procedure_code: str,
                    variant: Variant, catalog: Catalog, model: PageModel
                    ) -> tuple[float, tuple[ProcedureProposal, ...], str | None]:
    """(fit of the chosen procedure, the best proposals, a warning when it does not fit) for a classified dossier."""
    fit = variant_fit(assignments, variant)[0]
    guesses = propose_procedures(pages, catalog, model, include=(procedure_code, variant.id))
    return fit, guesses, fit_warning(procedure_code, variant.id, fit, guesses)
