"""Train the page model and write its cache: `python -m sohoa.classification.train` (deterministic)."""

from __future__ import annotations

import os
import time

from sohoa.catalog import load_catalog
from sohoa.classification.model import TRAIN_COUNT, TRAIN_SEED, get_model
from sohoa.config import default_model_cache


def main() -> None:
    started = time.perf_counter()
    model = get_model(load_catalog())
    print(f"page model {model.key}: {len(model.labels)} labels, corpus count={TRAIN_COUNT} seed={TRAIN_SEED} (train split), "
          f"cache {default_model_cache(os.environ)}, {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
