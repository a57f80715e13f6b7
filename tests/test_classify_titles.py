"""Rules before the model: an exact catalogue title of an accepted type decides; a contradiction is reviewed."""

from __future__ import annotations

from sohoa.catalog import load_catalog
from sohoa.classification.rules import PageText, checklist_verdict, classify_pages
from sohoa.classification.titles import normalise_heading, title_matches
from sohoa.tools.training.dataset import corpus_truths
from tests.conftest import page_model
from tests.test_classify import CERTIFICATE, CONTRACT_PAGE_1

CATALOG = load_catalog()
TYPES = CATALOG.document_types()
VARIANT = CATALOG.get("2.000620").variant(None)

# An application laid out unlike any generator template: no Quốc hiệu, no 'Số:', the title in sentence
# case below the addressee, an individual's wording full of ID and authorisation words the model learnt
# from stray papers (CCCD copies, giấy ủy quyền). Its heading is exactly the catalogue's phrase of component 1.
FOREIGN_APPLICATION = """Phụ lục
Mẫu đơn (kèm theo Nghị định của Chính phủ)
Kính gửi: Phòng Kinh tế - Ủy ban nhân dân phường Tân Định
Đơn đề nghị cấp Giấy phép bán lẻ rượu
Người làm đơn: ông Trần Văn Bình, sinh năm 1979
Căn cước số 079079001234, cấp ngày 12/3/2021 tại Cục Cảnh sát quản lý hành chính về trật tự xã hội
Nơi cư trú: tổ 4, khu phố 2, phường Tân Định
Tôi được ủy quyền của chủ hộ bà Lê Thị Hoa theo giấy ủy quyền ngày 02/01/2026
Mặt hàng: rượu vang, rượu trái cây đóng chai
Xin chân thành cảm ơn.
Người làm đơn
(ký và ghi rõ họ tên)
Trần Văn Bình
"""


def test_heading_normalisation_keeps_diacritics_and_ignores_case_punctuation_and_spacing():
    assert normalise_heading("ĐƠN  ĐỀ NGHỊ: cấp Giấy phép\tbán lẻ rượu.") == "đơn đề nghị cấp giấy phép bán lẻ rượu"
    assert normalise_heading("ÐƠN ĐỀ NGHỊ") == normalise_heading("đơn đề nghị")  # Tesseract's Ð
    assert normalise_heading("BÁN LẺ") != normalise_heading("BAN LE")


def test_exact_title_in_any_case_is_found_and_the_most_specific_phrase_wins():
    _, match = title_matches("Kính gửi: Sở Công Thương\nĐơn đề nghị cấp Giấy phép bán lẻ rượu\nTên: A", TYPES)
    assert match is not None and match.exact and match.document_type == "don-de-nghi-ban-le-ruou"
    _, match = title_matches("ĐƠN ĐỀ NGHỊ CẤP LẠI\nGIẤY PHÉP BÁN LẺ SẢN PHẨM THUỐC LÁ", TYPES)
    assert match is not None and match.document_type == "van-ban-de-nghi-cap-lai-gp-thuoc-la"
    # A phrase in a lower-case sentence is a mention, not a title.
    _, match = title_matches("Kèm theo bản sao Giấy chứng nhận đăng ký doanh nghiệp của công ty.", TYPES)
    assert match is None


def test_application_with_the_exact_catalogue_title_in_a_foreign_layout_fills_its_component():
    probs = dict(zip(page_model().labels, page_model().type_probabilities([FOREIGN_APPLICATION])[0], strict=True))
    # The model alone would call it a stray paper: the title rule must be what decides.
    assert max(probs, key=probs.get) == "__other__"
    pages = tuple(PageText(t, False) for t in (FOREIGN_APPLICATION, CERTIFICATE, CONTRACT_PAGE_1))
    assignments = classify_pages(pages, VARIANT, TYPES, page_model())
    assert (assignments[0].role, assignments[0].position) == ("component", 1)
    assert (assignments[0].rule_type, assignments[0].model_type) == ("don-de-nghi-ban-le-ruou", "__other__")
    verdict = checklist_verdict(assignments, VARIANT)
    assert verdict.decision != "incomplete" and verdict.missing_positions == () and not verdict.unexpected


def test_a_title_the_content_clearly_contradicts_is_reviewed_with_both_guesses():
    dossier = next(d for d in corpus_truths(CATALOG, 20, 77, split="test")
                   if any(p.document_type_id == "hop-dong-nguyen-tac" for p in d.truth.pages))
    page = next(p for p in dossier.truth.pages if p.document_type_id == "hop-dong-nguyen-tac" and p.is_first_page_of_document)
    # A contract page whose title line was replaced by the registration certificate's title.
    text = page.text.replace("HỢP ĐỒNG NGUYÊN TẮC", "Giấy chứng nhận đăng ký doanh nghiệp", 1)
    variant = CATALOG.get(dossier.truth.procedure_code).variant(dossier.truth.variant)
    (assignment,) = classify_pages((PageText(text, False),), variant, TYPES, page_model())
    assert assignment.role == "review" and assignment.position is None
    assert (assignment.rule_type, assignment.model_type) == ("giay-chung-nhan-dkdn", "hop-dong-nguyen-tac")
    assert assignment.candidate_position == variant_position(variant, "giay-chung-nhan-dkdn")
    assert checklist_verdict((assignment,), variant).decision == "needs_review"


def test_an_accepted_title_the_model_calls_stray_is_never_silently_unexpected():
    # A near title (OCR damage below the decisive ratio) that the model takes for a stray paper.
    damaged = FOREIGN_APPLICATION.replace("Đơn đề nghị cấp Giấy phép bán lẻ rượu", "ĐƠN ĐỀ NGH CAP GIAY PHFP BAN LF RUOU")
    (assignment,) = classify_pages((PageText(damaged, False),), VARIANT, TYPES, page_model())
    assert assignment.role in ("component", "review")
    assert assignment.role == "component" or assignment.candidate_position == 1


def variant_position(variant, doc_id: str) -> int:
    return next(c.position for c in variant.components if any(d.id == doc_id for d in c.document_types))
