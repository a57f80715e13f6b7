"""A page a person moved stays where they put it when the dossier is digitized again (a supplement, a job run
again): found by its file's SHA-256 and page number, not by its place in the stream, and given to the
classification stage so the component's copies are built with it."""

from __future__ import annotations

from sohoa.catalog import load_catalog
from sohoa.classification.placements import page_keys, place_pages
from sohoa.classification.rules import PageAssignment
from sohoa.lifecycle.page_moves import UNEXPECTED, moved, placements_of
from sohoa.models.dossier import PagePlacement
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
    report["sources"][1]["page_count"] = 2  # scan2.pdf holds pages 2 and 3
    return moved(DossierReport.model_validate(report), 2, UNEXPECTED, VARIANT)


def test_a_move_names_who_made_it_and_completes_the_verdict():
    classified = _classified()
    assert not classified.checklist.complete and classified.pages[2].placed_by is None
    placed = moved(classified, 2, 3, VARIANT, "web:desk-1")
    assert placed.checklist.complete and placed.pages[2].component_position == 3
    assert placed.pages[2].placed_by == "web:desk-1" and classified.pages[2].component_position is None  # input kept


def test_the_next_digitization_is_given_the_placement_of_the_same_page_only():
    placed = moved(_classified(), 2, 3, VARIANT, "web:desk-1")
    report = placed.model_dump(mode="json")
    [placement] = placements_of(report)
    assert (placement.source_page, placement.source_copy, placement.position, placement.placed_by) == (2, 0, 3, "web:desk-1")
    assert placement.source_sha256 == placed.sources[1].sha256
    assert placements_of(None) == () and placements_of(_classified().model_dump(mode="json")) == ()


def test_a_placement_overrides_the_classifier_on_the_page_it_names():
    classified = _classified()
    assignments = tuple(PageAssignment(role=p.classification_role, position=p.component_position, document_type=None,
                                       confidence=0.9, title="") for p in classified.pages)
    keys = page_keys([s.sha256 for s in classified.sources], [1, 2])
    positions = {c.position for c in VARIANT.components}
    placement = PagePlacement(classified.sources[1].sha256, 2, 0, 3, "web:desk-1")
    result = place_pages(assignments, keys, (placement,), positions)
    assert (result[2].role, result[2].position, result[2].placed_by, result[2].confidence) == ("component", 3, "web:desk-1", 1.0)
    assert result[:2] == assignments[:2] and assignments[2].position is None  # the input is not changed
    elsewhere = PagePlacement("0" * 64, 2, 0, 3, "web:desk-1")  # another file: a different paper
    assert place_pages(assignments, keys, (elsewhere,), positions) == assignments
    off_list = PagePlacement(classified.sources[1].sha256, 2, 0, 99, "web:desk-1")  # not on this checklist
    assert place_pages(assignments, keys, (off_list,), positions) == assignments


def test_pages_are_named_by_content_and_copy_not_by_file_name():
    assert page_keys(["a", "b", "a"], [2, 1, 1]) == (("a", 0, 1), ("a", 0, 2), ("b", 0, 1), ("a", 1, 1))
    classified = _classified()
    twin = classified.sources[1].model_copy(update={"name": "scan1.pdf", "sha256": classified.sources[0].sha256})
    same = classified.model_copy(update={"sources": (classified.sources[0], twin)})  # two files, one name, one content
    placed = moved(same, 2, 3, VARIANT, "web:desk-1").model_dump(mode="json")
    [placement] = placements_of(placed)
    assert (placement.source_sha256, placement.source_copy, placement.source_page) == (classified.sources[0].sha256, 1, 2)
