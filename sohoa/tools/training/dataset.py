"""Texts of the synthetic corpus without rendering: the same dossiers and train/test split as `generate_corpus`.

`corpus_truths(catalog, count, seed, options)` mirrors `sohoa.tools.corpus.generate_corpus` exactly (same
per-dossier seeds, names and split), but only plans (`plan_dossier` + `build_truth`, a few ms per page).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from sohoa.catalog import Catalog
from sohoa.tools.corpus import DossierTruth, ScanOptions, build_truth, plan_dossier

TRAIN_OPTIONS = ScanOptions(unexpected_probability=0.3, missing_probability=0.3, shuffle_probability=0.3,
                            blank_back_probability=0.1)
"""Options of the training/evaluation corpus: omissions, extra papers and shuffled order are common."""


@dataclass(frozen=True)
class CorpusDossier:
    name: str
    truth: DossierTruth
    test: bool


def corpus_truths(catalog: Catalog, count: int, seed: int, options: ScanOptions = TRAIN_OPTIONS,
                  test_fraction: float = 0.2, split: str | None = None) -> list[CorpusDossier]:
    """Truths of the `count` dossiers `generate_corpus(catalog, count, seed, ..., test_fraction)` would write;
    `split` "train" or "test" plans only that part."""
    pairs = [(p, v.id) for p in catalog.procedures for v in p.variants]
    rng = random.Random(f"sohoa-corpus-set:{seed}")
    seeds = [rng.getrandbits(32) for _ in range(count)]
    order = list(range(count))
    random.Random(f"sohoa-corpus-split:{seed}").shuffle(order)
    test = set(order[:round(count * test_fraction)])
    dossiers = []
    for index in range(count):
        if split is not None and (index in test) != (split == "test"):
            continue
        procedure, variant_id = pairs[index % len(pairs)]
        truth = build_truth(plan_dossier(procedure, variant_id, seeds[index], options))
        dossiers.append(CorpusDossier(f"{index:04d}-{procedure.code}-{variant_id}", truth, index in test))
    return dossiers
