"""The department catalogue (sohoa/catalog/data/cong_thuong): at least 30 Sở Công Thương procedures with the shipped
ones, each with its source and verified flags, and what it does to the procedure proposals."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from sohoa.catalog import DATA_DIR, INDUSTRY_TRADE_DIR, Catalog, load_catalog
from sohoa.classification.procedure import fit_warning, propose_procedures
from sohoa.classification.rules import PageText
from sohoa.tools.training.dataset import corpus_truths
from tests.conftest import page_model

FULLY_VERIFIED = {"2.000004", "2.000150", "2.000162", "2.000187", "2.000207"}
"""National code, name, days and components read in a source: the list changes only on purpose."""


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(extra=INDUSTRY_TRADE_DIR)


def _procedure_files() -> list[Path]:
    return sorted(p for folder in (DATA_DIR, INDUSTRY_TRADE_DIR) for p in folder.glob("*.yaml")
                  if p.name != "document_types.yaml")


def test_at_least_30_procedures_each_once(catalog: Catalog) -> None:
    codes = [p.code for p in catalog.procedures]
    assert len(codes) >= 30
    assert len(set(codes)) == len(codes), "one checklist version per code in the shipped data"
    assert len(_procedure_files()) == len(codes)
    assert set(load_catalog().codes()) < set(codes)  # the default catalogue is a part of it


def test_each_has_a_source_and_verified_flags(catalog: Catalog) -> None:
    folder_codes = {yaml.safe_load(f.read_text(encoding="utf-8"))["code"] for f in INDUSTRY_TRADE_DIR.glob("*.yaml")
                    if f.name != "document_types.yaml"}
    for procedure in catalog.procedures:
        assert len(procedure.source) > 20, procedure.code
        assert procedure.verified.note, procedure.code
        if procedure.code in folder_codes:
            assert procedure.checked_on == dt.date(2026, 12, 6), procedure.code
        if procedure.fully_verified:
            assert "http" in procedure.source or "shared/domain/README.md" in procedure.source, procedure.code
        else:
            assert not procedure.is_national_code or not (procedure.verified.processing_days
                                                          and procedure.verified.components), procedure.code


def test_verified_count(catalog: Catalog) -> None:
    verified = {p.code for p in catalog.procedures if p.fully_verified}
    assert verified == FULLY_VERIFIED
    assert len(catalog.procedures) - len(verified) >= 25


def test_every_component_document_type_is_defined(catalog: Catalog) -> None:
    shared = {}
    for folder in (DATA_DIR, INDUSTRY_TRADE_DIR):
        for item in yaml.safe_load((folder / "document_types.yaml").read_text(encoding="utf-8"))["document_types"]:
            assert item["id"] not in shared, f"document type {item['id']} defined twice"
            shared[item["id"]] = item
    for procedure in catalog.procedures:
        for variant in procedure.variants:
            for component in variant.components:
                for doc_type in component.document_types:
                    assert doc_type.id in shared, (procedure.code, component.position, doc_type.id)
                    assert doc_type.title_phrases[0] == doc_type.title_phrases[0].upper()


def _complete_dossier(code: str) -> tuple[str, str, tuple[PageText, ...]]:
    dossier = next(d for d in corpus_truths(load_catalog(), 60, 31)
                   if d.truth.procedure_code == code and d.truth.complete
                   and all(x.component_position for x in d.truth.documents))
    return dossier.truth.procedure_code, dossier.truth.variant, tuple(PageText(p.text, p.blank) for p in dossier.truth.pages)


@pytest.mark.parametrize("code", ["2.000648", "2.000004", "2.000162", "SCT.RUOU-SX"])
def test_the_papers_still_propose_their_procedure_first(catalog: Catalog, code: str) -> None:
    """With 37 procedures instead of 9, a complete dossier's own procedure still comes first with fit 1.0."""
    truth_code, truth_variant, pages = _complete_dossier(code)
    guesses = propose_procedures(pages, catalog, page_model())
    assert (guesses[0].procedure_code, guesses[0].variant) == (truth_code, truth_variant)
    assert guesses[0].fit == 1.0 and guesses[0].confidence > 0.85  # 9 procedures: > 0.98; diluted by weak fits
    assert all(g.fit < 0.5 for g in guesses[1:])


def test_a_new_retail_permit_and_its_reissue_on_expiry_share_the_papers(catalog: Catalog) -> None:
    """Cấp lại on expiry asks for the new grant's papers: both fit 1.0 and split the confidence; the papers cannot
    tell them apart (whether a permit existed can), so the chosen one is not warned about."""
    _, _, pages = _complete_dossier("2.000620")
    guesses = propose_procedures(pages, catalog, page_model())
    assert [(g.procedure_code, g.variant, g.fit) for g in guesses[:2]] == [
        ("2.000620", "new", 1.0), ("SCT.RUOU-BL-CAPLAI", "expired", 1.0)]
    assert guesses[0].confidence == guesses[1].confidence < 0.5
    assert fit_warning("2.000620", "new", 1.0, guesses) is None
    assert propose_procedures(pages, load_catalog(), page_model())[0].confidence > 0.9  # default catalogue
