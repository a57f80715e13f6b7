"""Mẫu 01 (receipt with the promised date in working days) and Mẫu 02 (exactly what is missing), QR top-left."""

from __future__ import annotations

import datetime as dt

import cv2
import pypdfium2 as pdfium
import pytest

from sohoa.catalog import load_catalog
from sohoa.classification.rules import PageText, checklist_verdict, classify_pages
from sohoa.lifecycle.forms.receipt import Applicant, DeskInfo, receipt_pdf, supplement_pdf
from sohoa.lifecycle.workdays import add_working_days
from sohoa.ocr.qr import decode_payload
from sohoa.ocr.qr import FormMark
from sohoa.lifecycle.forms.receipt import missing_items, promised_date
from tests.conftest import page_model

CATALOG = load_catalog()
PROCEDURE = CATALOG.get("2.000620")
VARIANT = PROCEDURE.variant(None)
APPLICANT = Applicant("CÔNG TY TNHH ĐỨC THÀNH", "4601234567", "Số 5 đường Hoàng Văn Thụ, phường Phan Đình Phùng, tỉnh Thái Nguyên")
DESK = DeskInfo("UBND TỈNH THÁI NGUYÊN", "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", "Thái Nguyên", "Nguyễn Thị Hoa", "0208 3855 555")
RECEIVED = dt.datetime(2026, 8, 27, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=7)))  # a Thursday
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"


def _verdict(*texts: str):
    pages = tuple(PageText(t, False) for t in texts)
    return checklist_verdict(classify_pages(pages, VARIANT, CATALOG.document_types(), page_model()), VARIANT)


def _text(pdf: bytes) -> str:
    return " ".join(pdfium.PdfDocument(pdf)[0].get_textpage().get_text_range().split())


def _qr(pdf: bytes):
    rgb = pdfium.PdfDocument(pdf)[0].render(scale=200 / 72).to_numpy()[:, :, :3]
    crop = rgb[: rgb.shape[0] // 3, : rgb.shape[1] // 2]
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY))
    return decode_payload(text)


def test_working_days_skip_weekends_and_fixed_holidays():
    friday = dt.date(2026, 3, 6)
    assert add_working_days(friday, 1) == dt.date(2026, 3, 9)
    assert add_working_days(friday, 5) == dt.date(2026, 3, 13)
    assert add_working_days(friday, 0) == friday
    # Thu 27/8/2026 + 10 working days: 1/9 and 2/9 are holidays.
    assert promised_date(RECEIVED, PROCEDURE) == dt.date(2026, 9, 14)
    assert add_working_days(dt.date(2026, 2, 13), 1, holidays=[dt.date(2026, 2, 16)]) == dt.date(2026, 2, 17)


def test_receipt_has_promised_date_components_and_qr_top_left():
    verdict = _verdict(MOTTO + "ĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP BÁN LẺ RƯỢU",
                       MOTTO + "GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP\nMã số doanh nghiệp: 4601234567",
                       MOTTO + "HỢP ĐỒNG NGUYÊN TẮC\nBên A: Công ty CP Rượu Hà Nội")
    assert verdict.complete
    pdf = receipt_pdf(PROCEDURE, VARIANT, verdict, "000.00.06.H56-260827-0001", APPLICANT, RECEIVED, DESK)
    text = _text(pdf)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "14/09/2026" in text and "10 ngày làm việc" in text
    assert all(c.name.split(",")[0] in text for c in VARIANT.components)
    assert _qr(pdf) == FormMark("MAU01", "2.000620", "000.00.06.H56-260827-0001", "4601234567",
                                "Giay tiep nhan ho so va hen tra ket qua")


def test_request_to_supplement_lists_exactly_what_is_missing():
    verdict = _verdict(MOTTO + "ĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP BÁN LẺ RƯỢU", MOTTO + "HỢP ĐỒNG NGUYÊN TẮC\nBên A: Công ty")
    assert verdict.missing_positions == (2,)
    items = missing_items(VARIANT, verdict)
    assert len(items) == 1 and items[0].startswith(VARIANT.component(2).name)
    assert "Giấy chứng nhận đăng ký hộ kinh doanh" in items[0] or "một trong" in items[0]
    pdf = supplement_pdf(PROCEDURE, VARIANT, verdict, "D-2", APPLICANT, RECEIVED, DESK)
    text = _text(pdf)
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert VARIANT.component(2).name.split(",")[0] in text
    assert VARIANT.component(1).name not in text
    assert _qr(pdf).form == "MAU02"
    with pytest.raises(ValueError):
        supplement_pdf(PROCEDURE, VARIANT, verdict.model_copy(update={"missing_positions": ()}), "D-2", APPLICANT, RECEIVED)
