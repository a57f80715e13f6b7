"""Training the page model and saving it in the model cache: `sohoa-lab train` (deterministic).

The texts are the synthetic corpus's train split (`TRAIN_COUNT` dossiers of `TRAIN_SEED`), each page clean
and with three levels of OCR noise; the two heads are fitted with scikit-learn.
"""

from __future__ import annotations

import dataclasses
import os
import random
import time
from pathlib import Path

import numpy as np

from sohoa.catalog import Catalog
from sohoa.classification.model import OTHER, PageModel, first_features_text, model_key, model_path, page_features_text, read_model
from sohoa.tools.corpus import ScanOptions
from sohoa.tools.training.dataset import TRAIN_OPTIONS, corpus_truths
from sohoa.tools.training.noise import HEAVY, LIGHT, MEDIUM, ocr_noise

TRAIN_SEED = 1
TRAIN_COUNT = 270
"""Dossiers in the training corpus (the 80% train split is used: 216 dossiers, ~800 pages, ×3 noise copies)."""


def recipe() -> str:
    """What the texts are made from; a saved model of another recipe is trained again."""
    from sohoa.tools.corpus.dossier import GENERATOR

    return f"generator {GENERATOR}, count {TRAIN_COUNT}, seed {TRAIN_SEED}"


def training_texts(catalog: Catalog, count: int = TRAIN_COUNT, seed: int = TRAIN_SEED,
                   options: ScanOptions = TRAIN_OPTIONS) -> tuple[list[str], list[str], list[int]]:
    """(texts, type labels, first-page labels) of the train split, each page clean and with three noise levels."""
    texts: list[str] = []
    types: list[str] = []
    firsts: list[int] = []
    for dossier in corpus_truths(catalog, count, seed, options, split="train"):
        rng = random.Random(f"train-noise:{dossier.name}")
        for page in dossier.truth.pages:
            if page.blank:
                continue
            label = page.document_type_id if page.component_position is not None else OTHER
            for level in (None, LIGHT, MEDIUM, HEAVY):
                texts.append(page.text if level is None else ocr_noise(page.text, rng, level))
                types.append(label)
                firsts.append(int(page.is_first_page_of_document))
    return texts, types, firsts


def train(catalog: Catalog, count: int = TRAIN_COUNT, seed: int = TRAIN_SEED,
          options: ScanOptions = TRAIN_OPTIONS) -> PageModel:
    """Fit both heads (deterministic) on the train split of the corpus (`count`, `seed`, `options`)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    texts, types, firsts = training_texts(catalog, count, seed, options)
    type_pipeline = make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2, max_features=60000, dtype=np.float32),
        LogisticRegression(C=20.0, max_iter=2000),
    )
    type_pipeline.fit([page_features_text(t) for t in texts], types)
    first_pipeline = make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, min_df=2, max_features=30000, dtype=np.float32),
        LogisticRegression(C=5.0, max_iter=2000),
    )
    first_pipeline.fit([first_features_text(t) for t in texts], firsts)
    labels = tuple(str(label) for label in type_pipeline.classes_)
    return PageModel(type_pipeline, first_pipeline, labels, model_key(catalog))


def ensure_model(catalog: Catalog, cache: Path) -> tuple[PageModel, bool]:
    """The model of `catalog` in `cache`, trained and saved first when missing or of another recipe;
    (model, whether it was trained now)."""
    import joblib

    path = model_path(catalog, cache)
    model = read_model(path)
    if model is not None and getattr(model, "recipe", None) == recipe():
        return model, False
    model = dataclasses.replace(train(catalog), recipe=recipe())
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".tmp{os.getpid()}")
    joblib.dump(model, partial, compress=3)
    partial.replace(path)
    return model, True


def train_command(cache: Path, catalog: Catalog) -> str:
    """Train (when needed) and describe the model, for `sohoa-lab train`."""
    started = time.perf_counter()
    model, trained = ensure_model(catalog, cache)
    verb = "trained" if trained else "already trained"
    return (f"page model {model.key} {verb}: {len(model.labels)} labels, {recipe()} (train split), "
            f"cache {cache}, {time.perf_counter() - started:.1f} s")
