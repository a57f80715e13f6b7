"""The statistical page model: char n-gram TF-IDF + logistic regression, trained on synthetic corpus texts.

Two heads on diacritic-folded text:
* `type`: which catalogue document type a page belongs to (first or later page), or `OTHER` for papers
  that no checklist asks for;
* `first`: is the page the first page of a document (header cues, title, "Trang 1/n")?

Trained by `sohoa-lab train` (`sohoa.tools.training`, part of `make setup` and of the Docker build) from
the synthetic corpus's train split with OCR noise, and saved in the model cache under a key of the
catalogue's document types, scikit-learn and `MODEL_VERSION`; the runtime only loads it (and keeps it in
memory). Never evaluated on its training data: the evaluation scores the TEST split of another seed.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sohoa.catalog import Catalog
from sohoa.errors import SohoaError
from sohoa.ocr.text import fold_diacritics

MODEL_VERSION = "1"
OTHER = "__other__"
"""The label of papers that no checklist asks for."""
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
    recipe: str = ""
    """What the training texts were made from (written by the trainer)."""

    def type_probabilities(self, texts: list[str]) -> np.ndarray:
        """Rows: pages; columns: `labels`."""
        return self.type_pipeline.predict_proba([page_features_text(t) for t in texts])

    def first_probabilities(self, texts: list[str]) -> np.ndarray:
        """P(first page of a document) per page."""
        return self.first_pipeline.predict_proba([first_features_text(t) for t in texts])[:, 1]


class PageModelMissing(SohoaError):
    """No trained page model for this catalogue in the model cache (a configuration problem)."""

    exit_code = 78  # EX_CONFIG
    http_status = 503


def model_key(catalog: Catalog) -> str:
    """Changes whenever the model must: catalogue document types, scikit-learn and model version."""
    import sklearn

    types = {k: v.model_dump(mode="json") for k, v in sorted(catalog.document_types().items())}
    blob = json.dumps([MODEL_VERSION, sklearn.__version__, types], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def model_path(catalog: Catalog, cache: Path) -> Path:
    """Where the model of `catalog` is kept under the model cache `cache`."""
    return cache / f"page-model-{model_key(catalog)}.joblib"


def read_model(path: Path) -> PageModel | None:
    """The model saved at `path`; None when there is none or it cannot be read (it is then trained again)."""
    import joblib

    if not path.exists():
        return None
    try:
        model = joblib.load(path)
    except Exception:  # noqa: BLE001 - a corrupt or incompatible cache is the same as none
        return None
    return model if isinstance(model, PageModel) else None


_LOCK = threading.Lock()
_MODELS: dict[Path, PageModel] = {}


def get_model(catalog: Catalog, cache: Path) -> PageModel:
    """The trained model of `catalog` from the model cache `cache`, loaded once per process."""
    path = model_path(catalog, cache)
    with _LOCK:
        if path not in _MODELS:
            model = read_model(path)
            if model is None:
                raise PageModelMissing(f"no trained page model for this catalogue in {cache}: run `sohoa-lab train` "
                                       "(or `make setup`) with the same SOHOA_MODEL_CACHE")
            _MODELS[path] = model
        return _MODELS[path]
