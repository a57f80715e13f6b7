"""A page a person moved stays where they put it when the dossier is digitized again (a supplement, a job run
again): found by its source file's SHA-256 and page number, not by its place in the stream."""

from __future__ import annotations

from sohoa.catalog import load_catalog
from sohoa.lifecycle.page_moves import UNEXPECTED, carry_page_moves, moved
from sohoa.models.report import DossierReport
from tests.test_db import make_report

VARIANT = load_catalog().get("2.000620").variant("new")


def _classified() -> DossierReport:
    """Three pages as the classifier left them: components 1 and 2, and the contract (component 3) called a stray
    paper, so the dossier looks incomplete."""
    report = make_report("000.00.00.H00-261207-0001")
    report["variant"] = "new"
    contract = {**report["pages"][1], "index": 2, "source_file": "scan2.pdf", "source_page": 3,
                "component_position": None, "classification_role": "unexpected"}
    report["pages"] = [{**page, "classification_role": "component"} for page in report["pages"]] + [contract]
    return moved(DossierReport.model_validate(report), 2, UNEXPECTED, VARIANT)


def test_a_move_names_who_made_it_and_completes_the_verdict():
    classified = _classified()
    assert not classified.checklist.complete and classified.pages[2].placed_by is None
    placed = moved(classified, 2, 3, VARIANT, "web:desk-1")
    assert placed.checklist.complete and placed.pages[2].component_position == 3
    assert placed.pages[2].placed_by == "web:desk-1" and classified.pages[2].component_position is None  # input kept


def test_a_new_digitization_keeps_the_move_of_the_same_page():
    placed = moved(_classified(), 2, 3, VARIANT, "web:desk-1")
    again = carry_page_moves(placed, _classified(), VARIANT)  # the classifier errs the same way on the new run
    assert again.pages[2].component_position == 3 and again.pages[2].placed_by == "web:desk-1"
    assert again.checklist.complete
    assert carry_page_moves(None, _classified(), VARIANT) == _classified()


def test_a_move_is_not_carried_to_a_different_paper():
    placed = moved(_classified(), 2, 3, VARIANT, "web:desk-1")
    fresh = _classified()
    changed = fresh.model_copy(update={"sources": (fresh.sources[0], fresh.sources[1].model_copy(update={"sha256": "0" * 64}))})
    again = carry_page_moves(placed, changed, VARIANT)
    assert again.pages[2].component_position is None and again.pages[2].placed_by is None
    assert not again.checklist.complete
