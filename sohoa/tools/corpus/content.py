"""Choose the builder that writes a document of a given type."""

from __future__ import annotations

from collections.abc import Callable

from sohoa.catalog import Component, DocumentType
from sohoa.tools.corpus.blocks import DocumentSpec
from sohoa.tools.corpus.context import DossierContext
from sohoa.tools.corpus.docs_contract import build_contract
from sohoa.tools.corpus.docs_forms import REQUESTS, build_application
from sohoa.tools.corpus.docs_official import GRANTS, build_decision, build_grant, build_letter, build_registration
from sohoa.tools.corpus.docs_prose import UNEXPECTED, build_authorisation, build_id_copy, build_prose, build_site_plan
from sohoa.tools.corpus.docs_tables import TABLES, build_table_document

Builder = Callable[[DossierContext, DocumentType, Component | None], DocumentSpec]

BUILDERS: dict[str, Builder] = {
    **{type_id: build_application for type_id in REQUESTS},
    **{type_id: build_grant for type_id in GRANTS},
    **{type_id: build_table_document for type_id in TABLES},
    "giay-chung-nhan-dkdn": build_registration,
    "giay-chung-nhan-dk-htx": build_registration,
    "giay-chung-nhan-dk-hkd": build_registration,
    "quyet-dinh-phe-duyet-dtm": build_decision,
    "van-ban-gioi-thieu": build_letter,
    "thu-xac-nhan": build_letter,
    "hop-dong-nguyen-tac": build_contract,
    "hop-dong-thue-dia-diem": build_contract,
    "ban-ve-hoan-cong": build_site_plan,
    "ban-sao-cccd": build_id_copy,
    "giay-uy-quyen": build_authorisation,
}
"""Builders by document type id; ids not listed fall back by their prefix (see :func:`builder_for`)."""

PREFIXES: tuple[tuple[str, Builder], ...] = (
    ("don-de-nghi", build_application), ("van-ban-de-nghi", build_application), ("dang-ky", build_application),
    ("giay-chung-nhan", build_grant), ("giay-phep", build_grant), ("giay-xac-nhan", build_grant),
    ("hop-dong", build_contract), ("danh-sach", build_table_document), ("ban-ke", build_table_document),
)


def builder_for(doc_type_id: str) -> Builder:
    """The builder for a document type; unknown types get a prose document."""
    if doc_type_id in BUILDERS:
        return BUILDERS[doc_type_id]
    for prefix, builder in PREFIXES:
        if doc_type_id.startswith(prefix):
            return builder
    return build_prose


def build_document(ctx: DossierContext, doc_type: DocumentType, component: Component | None) -> DocumentSpec:
    """Content of one paper of the dossier."""
    return builder_for(doc_type.id)(ctx, doc_type, component)


__all__ = ["BUILDERS", "UNEXPECTED", "build_document", "builder_for"]
