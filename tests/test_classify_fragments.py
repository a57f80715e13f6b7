"""Titles OCR cut or merged (a line lost, a title joined with the line after it) and shared types in shuffled dossiers."""

from __future__ import annotations

from sohoa.catalog import load_catalog
from sohoa.classification.fragments import fragment_scores
from sohoa.classification.rules import PageText, checklist_verdict, classify_pages
from sohoa.classification.titles import title_matches
from tests.conftest import page_model
from tests.test_classify import CONTRACT_PAGE_1, CONTRACT_PAGE_2, MOTTO

CATALOG = load_catalog()
TYPES = CATALOG.document_types()
HEADER = "UBND TỈNH THÁI NGUYÊN\nSỞ CÔNG THƯƠNG\nSố: 12/2025/SCT\n" + MOTTO + "Thái Nguyên, ngày 04 tháng 10 năm 2025\n"


def test_a_title_that_lost_one_of_its_lines_points_to_the_types_whose_phrase_it_begins_or_ends():
    text = HEADER + "ĐƠN ĐỀ NGHỊ CẤP LẠI GIẤY PHÉP\nKính gửi: Sở Công Thương tỉnh Thái Nguyên"
    scores = fragment_scores(text, TYPES)
    assert scores["van-ban-de-nghi-cap-lai-gp-thuoc-la"] >= 0.9
    assert title_matches(text, TYPES)[1] is None  # a part is never decisive
    ending = fragment_scores(HEADER + "phép bán lẻ sản phẩm thuốc lá\nKính gửi: Sở Công Thương", TYPES)
    # The end of three phrases: the same evidence for each, the page model tells them apart.
    assert ending["van-ban-de-nghi-sua-doi-gp-thuoc-la"] == ending["van-ban-de-nghi-cap-lai-gp-thuoc-la"] >= 0.8
    generic = fragment_scores(HEADER + "GIẤY CHỨNG NHẬN\nCăn cứ hồ sơ", TYPES)
    assert 0.7 <= generic["giay-chung-nhan-dkdn"] < 0.85 and generic["giay-chung-nhan-dkdn"] == generic["giay-chung-nhan-attp"]


def test_a_title_merged_with_the_next_or_the_previous_line_is_found_but_a_field_or_a_sentence_is_not():
    merged = HEADER + "Giấy phép xây dựng Căn cứ văn bản pháp luật chuyên ngành và hồ sơ do tổ chức nộp;"
    assert fragment_scores(merged, TYPES)["giay-phep-xay-dung"] >= 0.95
    after_date = MOTTO + "Khánh Hòa, ngày 11 tháng 9 năm 2025 Văn bản giới thiệu\nChúng tôi trân trọng giới thiệu"
    assert fragment_scores(after_date, TYPES)["van-ban-gioi-thieu"] >= 0.95
    not_titles = ("4. Giấy chứng nhận đăng ký doanh nghiệp, Mã số doanh nghiệp: 0454283013 do Phòng Đăng ký",
                  "Phạm vi: theo giấy chứng nhận đăng ký doanh nghiệp số 0454283013 Người đại diện",
                  "Loại phí, lệ phí: Phí thẩm định cấp giấy phép bán lẻ rượu")
    for line in not_titles:
        assert max(fragment_scores(MOTTO + line, TYPES).values(), default=0.0) < 0.7, line


def test_a_certificate_whose_title_ocr_merged_with_its_first_sentence_fills_its_component():
    variant = CATALOG.get("2.000620").variant(None)
    page = HEADER + ("Giấy chứng nhận đăng ký doanh nghiệp Căn cứ văn bản pháp luật chuyên ngành và hồ sơ;\n"
                     "Điều 1. Chứng nhận/cho phép: CÔNG TY CỔ PHẦN AN PHÁT, mã số 4668152921.")
    (assignment,) = classify_pages((PageText(page, False),), variant, TYPES, page_model())
    dkdn = next(c.position for c in variant.components if any(d.id == "giay-chung-nhan-dkdn" for d in c.document_types))
    assert (assignment.role, assignment.position, assignment.document_type) == ("component", dkdn, "giay-chung-nhan-dkdn")


def test_a_shared_type_moves_to_the_component_nothing_else_fills_in_a_shuffled_dossier():
    variant = CATALOG.get("SCT.RUOU-BB").variant(None)
    introduction = MOTTO + "VĂN BẢN GIỚI THIỆU\nCông ty CP Rượu Hà Nội trân trọng giới thiệu thương nhân Công ty TNHH Đức Thành"
    pages = tuple(PageText(t, False) for t in (CONTRACT_PAGE_1, CONTRACT_PAGE_2, introduction))
    assignments = classify_pages(pages, variant, TYPES, page_model())
    only_intro = next(c.position for c in variant.components if {d.id for d in c.document_types} >= {"van-ban-gioi-thieu"})
    other = next(c.position for c in variant.components if c.position != only_intro
                 and any(d.id == "hop-dong-nguyen-tac" for d in c.document_types))
    assert [(a.role, a.position) for a in assignments] == [("component", other), ("continuation", other),
                                                          ("component", only_intro)]
    verdict = checklist_verdict(assignments, variant)
    assert {only_intro, other} <= set(verdict.present_positions)
