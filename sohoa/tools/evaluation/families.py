"""Leave-one-family-out: train the page model on one template family, score it on the other.

    .venv/bin/sohoa-lab eval-families [--count 300] [--seed 11] [--noise medium] [--png docs/reliability.png]

For each family F of `FAMILIES` a model is trained on F's train split (the recipe of `sohoa-lab train`, other
family left out), then scored on the held-out TEST split of a corpus of another seed in *both* families:
F itself (seen) and the other (unseen, never trained on). Page texts are the truth texts with synthetic OCR
noise, or (`--ocr N`) N test dossiers per family rendered at 200 and 300 dpi and read by Tesseract.

Confidence calibration: an isotonic map from the classifier's page confidence to P(page right) is fitted on
the seen family's held-out pages and measured (expected calibration error, 10 bins) on the unseen family.
"""

from __future__ import annotations

import dataclasses
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sohoa.catalog import Catalog
from sohoa.tools.evaluation.classifier import Figures, score_dossier
from sohoa.tools.training.dataset import TRAIN_OPTIONS, corpus_truths
from sohoa.tools.training.noise import NoiseLevel, ocr_noise

FAMILIES = ("a", "b")
BINS = 10


@dataclass
class Scored:
    """Figures of one (trained on, scored on) pair, and every page's (confidence, right)."""

    trained_on: str
    scored_on: str
    figures: Figures
    confidences: list[float] = field(default_factory=list)
    right: list[int] = field(default_factory=list)


def family_options(family: str, dpi: int = 300):
    """The training/evaluation corpus options in template family `family`, scanned at `dpi`."""
    return dataclasses.replace(TRAIN_OPTIONS, family=family, dpi=dpi)


def score_family(model, catalog: Catalog, family: str, count: int, seed: int, level: NoiseLevel | None,
                 texts_of=None, dpi: int = 300) -> tuple[Figures, list[float], list[int]]:
    """The test split of corpus (`count`, `seed`) in `family`, classified by `model`."""
    figures = Figures()
    confidences: list[float] = []
    right: list[int] = []
    for dossier in corpus_truths(catalog, count, seed, family_options(family, dpi), split="test"):
        if texts_of is not None:
            texts = texts_of(dossier)
            if texts is None:
                continue
        else:
            rng = random.Random(f"eval-noise:{family}:{dossier.name}")
            texts = [p.text if level is None or p.blank else ocr_noise(p.text, rng, level) for p in dossier.truth.pages]
        assignments = score_dossier(dossier.truth, texts, catalog, figures, f"{family}:{dossier.name}", model=model)
        for page, assignment in zip(dossier.truth.pages, assignments, strict=True):
            if not page.blank:
                confidences.append(float(assignment.confidence))
                right.append(int(assignment.position == page.component_position))
    return figures, confidences, right


def expected_calibration_error(confidences: list[float], right: list[int], bins: int = BINS) -> float | None:
    """Σ_bins |accuracy − mean confidence| × share of pages (equal-width bins on [0, 1])."""
    if not confidences:
        return None
    conf, hit = np.asarray(confidences, dtype=float), np.asarray(right, dtype=float)
    index = np.minimum((conf * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        mask = index == b
        if mask.any():
            total += abs(hit[mask].mean() - conf[mask].mean()) * mask.mean()
    return round(float(total), 4)


def fit_calibrator(confidences: list[float], right: list[int]):
    """Isotonic map confidence → P(right), fitted on held-out pages of the seen family."""
    from sklearn.isotonic import IsotonicRegression

    calibrator = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
    calibrator.fit(np.asarray(confidences, dtype=float), np.asarray(right, dtype=float))
    return calibrator


def reliability(confidences: list[float], right: list[int], bins: int = BINS) -> list[dict[str, float | int]]:
    """Per bin: pages, mean confidence, share right."""
    rows = []
    for b in range(bins):
        pairs = [(c, r) for c, r in zip(confidences, right, strict=True) if min(int(c * bins), bins - 1) == b]
        if pairs:
            rows.append({"bin": f"{b / bins:.1f}-{(b + 1) / bins:.1f}", "pages": len(pairs),
                         "confidence": round(sum(c for c, _ in pairs) / len(pairs), 3),
                         "right": round(sum(r for _, r in pairs) / len(pairs), 3)})
    return rows


def leave_one_family_out(catalog: Catalog, count: int, seed: int, level: NoiseLevel | None, train_count: int,
                         train_seed: int, texts_of=None, log=print, dpi: int = 300) -> dict[str, object]:
    """Both directions (train a → score a and b; train b → score b and a), with calibration on the seen family."""
    from sohoa.tools.training.train import train

    results: dict[str, object] = {"corpus_count": count, "corpus_seed": seed, "train_count": train_count,
                                  "train_seed": train_seed, "runs": []}
    for trained_on in FAMILIES:
        started = time.perf_counter()
        model = train(catalog, train_count, train_seed, family_options(trained_on))
        log(f"model trained on family {trained_on} in {time.perf_counter() - started:.1f} s")
        seen = score_family(model, catalog, trained_on, count, seed, level, texts_of and texts_of(trained_on), dpi)
        calibrator = fit_calibrator(seen[1], seen[2])
        for scored_on in FAMILIES:
            figures, conf, right = seen if scored_on == trained_on else score_family(
                model, catalog, scored_on, count, seed, level, texts_of and texts_of(scored_on), dpi)
            calibrated = [float(x) for x in calibrator.predict(np.asarray(conf, dtype=float))] if conf else []
            summary = figures.summary()
            summary |= {"trained_on": trained_on, "scored_on": scored_on,
                        "unseen": scored_on != trained_on,
                        "complete_while_missing": figures.complete_while_missing,
                        "ece_raw": expected_calibration_error(conf, right),
                        "ece_calibrated": expected_calibration_error(calibrated, right) if scored_on != trained_on else None,
                        "reliability_calibrated": reliability(calibrated, right) if scored_on != trained_on else [],
                        "errors": figures.errors[:15]}
            results["runs"].append(summary)
    return results


def draw_reliability(runs: list[dict], path: Path) -> None:
    """A small reliability diagram (PNG) of the calibrated confidence on the unseen families."""
    from PIL import Image, ImageDraw

    size, margin = 320, 36
    image = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(image)
    plot = size - 2 * margin
    draw.rectangle([margin, margin, margin + plot, margin + plot], outline="black")
    draw.line([margin, margin + plot, margin + plot, margin], fill=(160, 160, 160))
    colours = {"a": (200, 40, 40), "b": (40, 90, 200)}
    for run in (r for r in runs if r["unseen"]):
        points = [(margin + row["confidence"] * plot, margin + plot - row["right"] * plot)
                  for row in run["reliability_calibrated"]]
        colour = colours[run["trained_on"]]
        if len(points) > 1:
            draw.line(points, fill=colour, width=2)
        for x, y in points:
            draw.ellipse([x - 3, y - 3, x + 3, y + 3], fill=colour)
        draw.text((margin + 4, margin + 4 + 12 * FAMILIES.index(run["trained_on"])),
                  f"train {run['trained_on']} -> score {run['scored_on']}", fill=colour)
    draw.text((margin, size - margin + 8), "calibrated confidence (0..1)", fill="black")
    draw.text((4, 4), "share of pages right (0..1)", fill="black")
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, optimize=True)


def ocr_texts(catalog: Catalog, family: str, out: Path, dpi: int, limit: int):
    """For `--ocr`: a function giving each test dossier's Tesseract texts (rendered at `dpi` into `out` once,
    then read from `ocr.json`), None past the first `limit` dossiers."""
    import json

    from sohoa.tools.corpus import generate_dossier
    from sohoa.tools.evaluation.classifier_ocr import ocr_image

    done: list[str] = []

    def texts_of(dossier) -> list[str] | None:
        if dossier.name not in done and len(done) >= limit:
            return None
        done.append(dossier.name)
        directory = out / f"{family}-{dpi}" / dossier.name
        cached = directory / "ocr.json"
        if cached.exists():
            return json.loads(cached.read_text(encoding="utf-8"))
        truth = generate_dossier(catalog.get(dossier.truth.procedure_code), dossier.truth.variant, dossier.truth.seed,
                                 directory, family_options(family, dpi))
        texts = ["" if p.blank else ocr_image(directory / p.file, p.frame, p.rotation_deg, directory, dpi)
                 for p in truth.pages]
        cached.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        return texts

    return texts_of
