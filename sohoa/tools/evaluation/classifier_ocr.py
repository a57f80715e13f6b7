"""Score the classifier on really OCR'd pages: render held-out test dossiers of the corpus, OCR them with
Tesseract `vie` (OMP_THREAD_LIMIT=1), classify the OCR text.

    .venv/bin/python -m sohoa.tools.evaluation.classifier_ocr /tmp/ocr-eval --count 30 --seed 5 --limit 6

Renders only the TEST-split dossiers of corpus (`count`, `seed`) (the same seeds `generate_corpus` uses),
at most `limit` of them. Pages are turned upright from the truth (the pipeline's prepare stage does this
from Tesseract's OSD); blank back sides are kept blank.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import time
from pathlib import Path

from PIL import Image

from sohoa.catalog import load_catalog
from sohoa.tools.training.dataset import TRAIN_OPTIONS, corpus_truths
from sohoa.tools.evaluation.classifier import Figures, score_dossier
from sohoa.tools.corpus import generate_dossier
from sohoa.ocr.text import normalize_vietnamese


def ocr_image(path: Path, frame: int, rotation: int, work: Path, dpi: int = 300) -> str:
    with Image.open(path) as image:
        image.seek(frame)
        upright = image.convert("L").rotate(-rotation, expand=True) if rotation else image.convert("L")
        pgm = work / f"{path.stem}-{frame}.png"
        upright.save(pgm)
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    result = subprocess.run(["tesseract", str(pgm), "stdout", "-l", "vie", "--dpi", str(dpi)], capture_output=True,
                            text=True, env=env, check=True)
    return normalize_vietnamese(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--limit", type=int, default=6)
    args = parser.parse_args()
    catalog = load_catalog()
    figures = Figures()
    started = time.perf_counter()
    for dossier in corpus_truths(catalog, args.count, args.seed, TRAIN_OPTIONS, split="test")[:max(args.limit, 0)]:
        directory = args.out / dossier.name
        texts_file = directory / "ocr.json"
        if texts_file.exists():
            texts = json.loads(texts_file.read_text(encoding="utf-8"))
        else:
            procedure = catalog.get(dossier.truth.procedure_code)
            truth = generate_dossier(procedure, dossier.truth.variant, dossier.truth.seed, directory, TRAIN_OPTIONS)
            assert truth.pages == dossier.truth.pages
            texts = ["" if p.blank else ocr_image(directory / p.file, p.frame, p.rotation_deg, directory)
                     for p in truth.pages]
            texts_file.write_text(json.dumps(texts, ensure_ascii=False, indent=1), encoding="utf-8")
        score_dossier(dossier.truth, texts, catalog, figures, dossier.name)
    summary = figures.summary() | {"corpus_count": args.count, "corpus_seed": args.seed, "ocr": "tesseract vie",
                                   "seconds": round(time.perf_counter() - started, 1)}
    print(json.dumps(summary, indent=2))
    for line in figures.errors:
        print(line)


if __name__ == "__main__":
    main()
