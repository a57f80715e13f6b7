"""Measure the classifier on the held-out test split of the synthetic corpus (truth texts + synthetic OCR noise).

    .venv/bin/python -m sohoa.tools.evaluation.classifier --count 400 --seed 2 --noise medium

Figures: page→component accuracy (non-blank pages), checklist exact-match (the set of missing required
components exactly right), unexpected-document recall, and the count of dossiers reported complete at
high confidence although a required component is missing.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from dataclasses import dataclass, field

from sohoa.catalog import Catalog, load_catalog
from sohoa.tools.training.dataset import TRAIN_OPTIONS, corpus_truths
from sohoa.tools.training.noise import HEAVY, LIGHT, MEDIUM, NoiseLevel, ocr_noise
from sohoa.tools.corpus import DossierTruth
from sohoa.tools.evaluation.metrics import checklist_match, ratio, unexpected_count

LEVELS = {"none": None, "light": LIGHT, "medium": MEDIUM, "heavy": HEAVY}


@dataclass
class Figures:
    dossiers: int = 0
    pages: int = 0
    pages_correct: int = 0
    checklist_exact: int = 0
    unexpected_documents: int = 0
    unexpected_found: int = 0
    high_confidence_complete_while_missing: int = 0
    complete_while_missing: int = 0
    review_pages: int = 0
    needs_review_dossiers: int = 0
    high_confidence_dossiers: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, object]:
        def percent(a: int, b: int) -> float | None:
            share = ratio(a, b)
            return None if share is None else round(100 * share, 2)

        return {"dossiers": self.dossiers, "pages": self.pages,
                "page_accuracy_pct": percent(self.pages_correct, self.pages),
                "checklist_exact_pct": percent(self.checklist_exact, self.dossiers),
                "unexpected_recall_pct": percent(self.unexpected_found, self.unexpected_documents),
                "unexpected_documents": self.unexpected_documents,
                "high_confidence_complete_while_missing": self.high_confidence_complete_while_missing,
                "review_pages": self.review_pages, "needs_review_dossiers": self.needs_review_dossiers,
                "high_confidence_dossiers": self.high_confidence_dossiers}


def trained_model(catalog: Catalog):
    """The page model of `catalog` from the model cache (SOHOA_MODEL_CACHE), trained there first if missing."""
    import os

    from sohoa.classification.model import PageModelMissing, get_model
    from sohoa.services.config import default_model_cache
    from sohoa.tools.training.train import ensure_model

    cache = default_model_cache(os.environ)
    try:
        return get_model(catalog, cache)
    except PageModelMissing:
        ensure_model(catalog, cache)
        return get_model(catalog, cache)


def score_dossier(truth: DossierTruth, texts: list[str], catalog: Catalog, figures: Figures, name: str = "",
                  separators: list | None = None, model=None) -> list:
    """Classify one dossier's page texts with `model` (default: the cached page model), add it to `figures`;
    the page assignments."""
    from sohoa.classification.rules import PageText, checklist_verdict, classify_pages

    variant = catalog.get(truth.procedure_code).variant(truth.variant)
    pages = tuple(PageText(text=t, blank=p.blank, separator=(separators[i] if separators else None))
                  for i, (t, p) in enumerate(zip(texts, truth.pages, strict=True)))
    assignments = classify_pages(pages, variant, catalog.document_types(), model or trained_model(catalog))
    verdict = checklist_verdict(assignments, variant)
    figures.dossiers += 1
    for index, (page, assignment) in enumerate(zip(truth.pages, assignments, strict=True)):
        if page.blank:
            continue
        figures.pages += 1
        figures.review_pages += assignment.role == "review"
        if assignment.position == page.component_position:
            figures.pages_correct += 1
        else:
            figures.errors.append(f"{name} p{index}: truth {page.document_type_id}/{page.component_position} "
                                  f"got {assignment.role}/{assignment.document_type}/{assignment.position} "
                                  f"c={assignment.confidence:.2f}")
    required = {c.position for c in variant.components if c.required}
    truth_missing = tuple(sorted(required & set(truth.missing_positions)))
    if checklist_match(truth_missing, verdict.missing_positions):
        figures.checklist_exact += 1
    else:
        figures.errors.append(f"{name}: missing truth {truth_missing} got {verdict.missing_positions}")
    figures.needs_review_dossiers += verdict.decision == "needs_review"
    figures.high_confidence_dossiers += verdict.high_confidence
    if truth_missing and verdict.complete and verdict.high_confidence:
        figures.high_confidence_complete_while_missing += 1
    figures.complete_while_missing += bool(truth_missing) and verdict.decision == "complete"
    stray_papers = ([i for i, p in enumerate(truth.pages) if p.document_index == d.document_index and not p.blank]
                    for d in truth.documents if d.component_position is None)
    unexpected = unexpected_count(stray_papers, (document.pages for document in verdict.unexpected))
    figures.unexpected_documents += unexpected.truth
    figures.unexpected_found += unexpected.found
    return list(assignments)


def evaluate(count: int, seed: int, level: NoiseLevel | None, catalog: Catalog | None = None,
             noise_seed: int = 0) -> Figures:
    """Score the test split of the corpus (`count`, `seed`) with noisy truth texts."""
    catalog = catalog or load_catalog()
    figures = Figures()
    for dossier in corpus_truths(catalog, count, seed, TRAIN_OPTIONS, split="test"):
        rng = random.Random(f"eval-noise:{noise_seed}:{dossier.name}")
        texts = [p.text if level is None or p.blank else ocr_noise(p.text, rng, level) for p in dossier.truth.pages]
        score_dossier(dossier.truth, texts, catalog, figures, dossier.name)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=400)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--noise", choices=sorted(LEVELS), default="medium")
    parser.add_argument("--errors", type=int, default=20, help="print this many errors")
    args = parser.parse_args()
    started = time.perf_counter()
    figures = evaluate(args.count, args.seed, LEVELS[args.noise])
    summary = figures.summary() | {"corpus_count": args.count, "corpus_seed": args.seed, "noise": args.noise,
                                   "seconds": round(time.perf_counter() - started, 1)}
    print(json.dumps(summary, indent=2))
    for line in figures.errors[: args.errors]:
        print(line)


if __name__ == "__main__":
    main()
