"""Procedure catalogue: administrative procedures and their ordered checklists, as validated data.

>>> from sohoa.catalog import load_catalog
>>> load_catalog().get("2.000620").variant(None).components[0].position
1
"""

from sohoa.catalog.errors import CatalogError, CatalogLookupError, UnknownProcedure, UnknownVariant
from sohoa.catalog.loader import DATA_DIR, INDUSTRY_TRADE_DIR, clear_cache, load_catalog
from sohoa.catalog.models import Catalog, Component, DocumentType, Fee, Procedure, Variant, Verification

__all__ = [
    "DATA_DIR",
    "INDUSTRY_TRADE_DIR",
    "Catalog",
    "CatalogError",
    "CatalogLookupError",
    "Component",
    "DocumentType",
    "Fee",
    "Procedure",
    "UnknownProcedure",
    "UnknownVariant",
    "Variant",
    "Verification",
    "clear_cache",
    "load_catalog",
]
