"""Synthetic scanned dossiers for testing intake, OCR and classification.

>>> from sohoa.catalog import load_catalog
>>> from sohoa.corpus import ScanOptions, generate_dossier
>>> truth = generate_dossier(load_catalog().get("2.000620"), None, 7, Path("out"), ScanOptions())  # doctest: +SKIP
"""

from sohoa.corpus.dossier import build_truth, generate_corpus, generate_dossier, write_plan
from sohoa.corpus.fonts import FontError, RenderSettings
from sohoa.corpus.models import DocumentTruth, DossierTruth, PageTruth, ScanOptions
from sohoa.corpus.plan import DossierPlan, plan_dossier

__all__ = [
    "DocumentTruth",
    "DossierPlan",
    "DossierTruth",
    "FontError",
    "PageTruth",
    "RenderSettings",
    "ScanOptions",
    "build_truth",
    "generate_corpus",
    "generate_dossier",
    "plan_dossier",
    "write_plan",
]
