"""The first classifier: catalogue titles and keywords, tolerant of OCR errors, against 2.000620's checklist."""

from __future__ import annotations

from sohoa.catalog import load_catalog
from sohoa.classification.rules import PageText, checklist_verdict, classify_pages
from tests.conftest import page_model

CATALOG = load_catalog()
VARIANT = CATALOG.get("2.000620").variant(None)
TYPES = CATALOG.document_types()

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
APPLICATION = MOTTO + "ĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP BÁN LẺ RƯỢU\nKính gửi: Sở Công Thương tỉnh Thái Nguyên\nTên thương nhân: Công ty TNHH Đức Thành"
# What Tesseract makes of a slightly blurred title: a lost accent, Ð for Đ, a broken letter.
APPLICATION_OCR = MOTTO + "ÐƠN ĐE NGHỊ CẤP GIAY PHÉP BÁN LE RUỢU\nKính gửi: Sở Công Thương tỉnh Thái Nguyên"
CERTIFICATE = "SỞ KẾ HOẠCH VÀ ĐẦU TƯ TỈNH THÁI NGUYÊN\nPHÒNG ĐĂNG KÝ KINH DOANH\n" + MOTTO + \
    "GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP\nCÔNG TY TRÁCH NHIỆM HỮU HẠN\nMã số doanh nghiệp: 4601234567"
CONTRACT_PAGE_1 = MOTTO + "HỢP ĐỒNG NGUYÊN TẮC\nSố: 12/2026/HĐNT\nBên A: Công ty CP Rượu Hà Nội\nBên B: Công ty TNHH Đức Thành"
CONTRACT_PAGE_2 = "Điều 4. Thời hạn hợp đồng\nHợp đồng có hiệu lực kể từ ngày ký.\nĐẠI DIỆN BÊN A    ĐẠI DIỆN BÊN B\nTrang 2/2"
STRAY = MOTTO + "GIẤY KHAI SINH\nHọ, chữ đệm, tên: Nguyễn Văn An\nNgày, tháng, năm sinh: 01/01/1990"


def _classify(*texts: str | None):
    pages = tuple(PageText(text=t or "", blank=t is None) for t in texts)
    return classify_pages(pages, VARIANT, TYPES, page_model())


def test_each_component_is_recognised_by_its_title():
    assignments = _classify(APPLICATION, CERTIFICATE, CONTRACT_PAGE_1)
    assert [a.position for a in assignments] == [1, 2, 3]
    assert [a.document_type for a in assignments] == ["don-de-nghi-ban-le-ruou", "giay-chung-nhan-dkdn", "hop-dong-nguyen-tac"]
    assert checklist_verdict(assignments, VARIANT).complete


def test_title_with_ocr_errors_still_matches():
    (assignment,) = _classify(APPLICATION_OCR)
    assert assignment.position == 1
    assert 0.8 <= assignment.confidence <= 1.0


def test_continuation_page_follows_its_document_and_blank_pages_are_not_assigned():
    assignments = _classify(CONTRACT_PAGE_1, None, CONTRACT_PAGE_2, APPLICATION)
    assert [a.role for a in assignments] == ["component", "blank", "continuation", "component"]
    assert [a.position for a in assignments] == [3, None, 3, 1]
    assert assignments[2].confidence < assignments[0].confidence


def test_components_in_any_order_and_missing_ones_reported():
    assignments = _classify(CONTRACT_PAGE_1, APPLICATION)
    verdict = checklist_verdict(assignments, VARIANT)
    assert not verdict.complete
    assert verdict.missing_positions == (2,)
    assert verdict.present_positions == (1, 3)


def test_a_paper_outside_the_checklist_is_flagged_unexpected():
    assignments = _classify(APPLICATION, STRAY, CERTIFICATE, CONTRACT_PAGE_1)
    verdict = checklist_verdict(assignments, VARIANT)
    assert assignments[1].role == "unexpected" and assignments[1].position is None
    assert verdict.complete
    assert len(verdict.unexpected) == 1
    assert verdict.unexpected[0].pages == (1,)
    assert "GIẤY KHAI SINH" in verdict.unexpected[0].title


def test_a_known_document_type_of_another_procedure_is_unexpected_here():
    other = MOTTO + "ĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP BÁN BUÔN RƯỢU\nKính gửi: Sở Công Thương"
    (assignment,) = _classify(other)
    assert assignment.role == "unexpected"
    assert assignment.document_type == "don-de-nghi-ban-buon-ruou"


def test_a_document_type_two_components_accept_fills_both_in_turn():
    variant = CATALOG.get("SCT.RUOU-BB").variant(None)
    sharing = [c.position for c in variant.components if any(d.id == "hop-dong-nguyen-tac" for d in c.document_types)]
    assert len(sharing) == 2
    assignments = classify_pages((PageText(CONTRACT_PAGE_1, False), PageText(CONTRACT_PAGE_1, False)), variant, TYPES, page_model())
    assert [a.position for a in assignments] == sharing
