"""Train the page model and write its cache: `python -m sohoa.classification.train` (deterministic)."""

from __future__ import annotations

import time

from sohoa.catalog import load_catalog
from sohoa.classification.model import TRAIN_COUNT, TRAIN_SEED, cache_dir, get_model


def main() -> None:
    started = time.perf_counter()
    model = get_model(load_catalog())
    print(f"page model {model.key}: {len(model.labels)} labels, corpus count={TRAIN_COUNT} seed={TRAIN_SEED} (train split), "
          f"cache {cache_dir()}, {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
