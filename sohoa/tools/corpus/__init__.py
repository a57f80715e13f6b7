"""Synthetic scanned dossiers for testing intake, OCR and classification.

>>> from sohoa.catalog import load_catalog
>>> from sohoa.tools.corpus import ScanOptions, generate_dossier
>>> truth = generate_dossier(load_catalog().get("2.000620"), None, 7, Path("out"), ScanOptions())  # doctest: +SKIP
"""

from sohoa.tools.corpus.dossier import build_truth, generate_corpus, generate_dossier, write_plan
from sohoa.tools.corpus.fonts import FontError, RenderSettings
from sohoa.tools.corpus.models import DocumentTruth, DossierTruth, PageTruth, ScanOptions
from sohoa.tools.corpus.plan import DossierPlan, plan_dossier

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
