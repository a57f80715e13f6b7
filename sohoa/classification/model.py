"""The statistical page model: char n-gram TF-IDF + logistic regression, trained on synthetic corpus texts.

Two heads on diacritic-folded text:
* `type`: which catalogue document type a page belongs to (first or later page), or `OTHER` for papers
  that no checklist asks for;
* `first`: is the page the first page of a document (header cues, title, "Trang 1/n")?

Trained at first use from `plan_dossier` truths (the TRAIN split of corpus (`TRAIN_COUNT`, `TRAIN_SEED`))
with synthetic OCR noise, in a few seconds, and cached in memory and on disk (joblib, keyed by the
catalogue's document types, the generator and `MODEL_VERSION`). `python -m sohoa.classification.train`
builds the cache ahead of time. Never evaluated on its training data: `evaluate` scores the TEST split
of another corpus seed.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sohoa.catalog import Catalog, load_catalog
from sohoa.classification.dataset import TRAIN_OPTIONS, corpus_truths
from sohoa.classification.noise import HEAVY, LIGHT, MEDIUM, ocr_noise
from sohoa.ocr.text import fold_diacritics

MODEL_VERSION = "1"
TRAIN_SEED = 1
TRAIN_COUNT = 270
"""Dossiers in the training corpus (the 80% train split is used: 216 dossiers, ~800 pages, ×3 noise copies)."""
from sohoa.classify import OTHER  # noqa: E402  (label of papers outside every checklist)
HEAD_LINES = 8
TAIL_LINES = 3


def page_features_text(text: str) -> str:
    """Folded text the type head reads."""
    return fold_diacritics(text)


def first_features_text(text: str) -> str:
    """Folded head and tail of the page: where the first-page cues (header, title, 'Trang k/n') are."""
    lines = [line for line in fold_diacritics(text).split("\n") if line.strip()]
    return " | ".join(lines[:HEAD_LINES]) + " || " + " | ".join(lines[-TAIL_LINES:])


@dataclass
class PageModel:
    """The two fitted heads."""

    type_pipeline: object
    first_pipeline: object
    labels: tuple[str, ...]
    key: str

    def type_probabilities(self, texts: list[str]) -> np.ndarray:
        """Rows: pages; columns: `labels`."""
        return self.type_pipeline.predict_proba([page_features_text(t) for t in texts])

    def first_probabilities(self, texts: list[str]) -> np.ndarray:
        """P(first page of a document) per page."""
        return self.first_pipeline.predict_proba([first_features_text(t) for t in texts])[:, 1]


def training_texts(catalog: Catalog, count: int = TRAIN_COUNT, seed: int = TRAIN_SEED) -> tuple[list[str], list[str], list[int]]:
    """(texts, type labels, first-page labels) of the train split, each page clean and with two noise levels."""
    texts: list[str] = []
    types: list[str] = []
    firsts: list[int] = []
    for dossier in corpus_truths(catalog, count, seed, TRAIN_OPTIONS, split="train"):
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


def train(catalog: Catalog, count: int = TRAIN_COUNT, seed: int = TRAIN_SEED) -> PageModel:
    """Fit both heads (deterministic)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    texts, types, firsts = training_texts(catalog, count, seed)
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
    return PageModel(type_pipeline, first_pipeline, labels, model_key(catalog, count, seed))


def model_key(catalog: Catalog, count: int = TRAIN_COUNT, seed: int = TRAIN_SEED) -> str:
    """Changes whenever the model would: catalogue document types, generator, scikit-learn and model version."""
    import sklearn

    from sohoa.corpus.dossier import GENERATOR

    types = {k: v.model_dump(mode="json") for k, v in sorted(catalog.document_types().items())}
    blob = json.dumps([MODEL_VERSION, GENERATOR, sklearn.__version__, count, seed, types], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _default_cache() -> Path:
    from sohoa.config import default_model_cache

    return default_model_cache(os.environ)


_LOCK = threading.Lock()
_MODELS: dict[str, PageModel] = {}


def get_model(catalog: Catalog | None = None, cache: Path | None = None) -> PageModel:
    """The model for `catalog` (default catalogue): from memory, else the disk cache under `cache`
    (default: `sohoa.config.default_model_cache` of the process environment), else trained now and cached there."""
    import joblib

    catalog = catalog or load_catalog()
    key = model_key(catalog)
    with _LOCK:
        if key in _MODELS:
            return _MODELS[key]
        path = (cache or _default_cache()) / f"page-model-{key}.joblib"
        model: PageModel | None = None
        if path.exists():
            try:
                model = joblib.load(path)
            except Exception:  # a corrupt or incompatible cache is rebuilt
                model = None
        if model is None:
            model = train(catalog)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".tmp{os.getpid()}")
                joblib.dump(model, tmp, compress=3)
                tmp.replace(path)
            except OSError:
                pass
        _MODELS[key] = model
        return model
