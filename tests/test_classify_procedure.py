"""The procedure from the papers: ranked proposals, and a warning for a dossier handed in under the wrong one."""

from __future__ import annotations

from sohoa.catalog import load_catalog
import pytest

from sohoa.classification.procedure import CHOOSE_CONFIDENCE, check_procedure, choose_procedure, propose_procedures
from sohoa.errors import ProcedureNotClear
from sohoa.classification.rules import PageText, classify_pages
from sohoa.tools.training.dataset import corpus_truths
from tests.conftest import page_model

CATALOG = load_catalog()


def _complete_dossier(code: str):
    dossier = next(d for d in corpus_truths(CATALOG, 60, 31)
                   if d.truth.procedure_code == code and d.truth.complete
                   and all(x.component_position for x in d.truth.documents))
    return dossier.truth, tuple(PageText(p.text, p.blank) for p in dossier.truth.pages)


def test_the_papers_propose_their_own_procedure_first():
    truth, pages = _complete_dossier("2.000648")
    guesses = propose_procedures(pages, CATALOG, page_model())
    assert (guesses[0].procedure_code, guesses[0].variant) == (truth.procedure_code, truth.variant)
    assert guesses[0].fit == 1.0 and guesses[0].confidence > 0.5
    assert [g.fit for g in guesses] == sorted((g.fit for g in guesses), reverse=True)


def test_a_dossier_handed_in_under_the_wrong_procedure_is_warned_about():
    truth, pages = _complete_dossier("2.000620")          # giấy phép bán lẻ rượu papers ...
    wrong = CATALOG.get("2.000648").variant(None)          # ... filed as bán lẻ xăng dầu
    assignments = classify_pages(pages, wrong, CATALOG.document_types(), page_model())
    fit, guesses, warning = check_procedure(pages, assignments, "2.000648", wrong, CATALOG, page_model())
    assert fit < 0.5 and guesses[0].procedure_code == "2.000620"
    assert warning is not None and "2.000620" in warning and "wrong procedure" in warning
    right = CATALOG.get("2.000620").variant(truth.variant)
    assignments = classify_pages(pages, right, CATALOG.document_types(), page_model())
    assert check_procedure(pages, assignments, "2.000620", right, CATALOG, page_model())[2] is None


def test_a_clear_winner_is_chosen_and_a_tie_is_left_to_a_person():
    truth, pages = _complete_dossier("2.000648")
    chosen = choose_procedure(propose_procedures(pages, CATALOG, page_model()))
    assert (chosen.procedure_code, chosen.variant) == (truth.procedure_code, truth.variant)
    other = _complete_dossier("2.000620")[1]
    tie = tuple(g.model_copy(update={"fit": 1.0, "confidence": 0.5}) for g in propose_procedures(other, CATALOG, page_model())[:2])
    with pytest.raises(ProcedureNotClear, match=f"{tie[0].procedure_code}.*{tie[1].procedure_code}.*--procedure"):
        choose_procedure(tie)
    assert 0.5 < CHOOSE_CONFIDENCE  # two equally good checklists (0.5 each) never pass
    blank = tuple(type(p)("", True) for p in pages)
    with pytest.raises(ProcedureNotClear, match="no page points"):
        choose_procedure(propose_procedures(blank, CATALOG, page_model()))
