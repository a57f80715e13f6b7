"""Mẫu 01 (Giấy tiếp nhận hồ sơ và hẹn trả kết quả) and Mẫu 02 (Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ),
after Thông tư 01/2018/TT-VPCP, as PDF with the QR code top-left (Thông tư 01/2023/TT-VPCP)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from reportlab.lib.units import mm

from sohoa.catalog import Component, Procedure, Variant
from sohoa.lifecycle.forms._pdf import BOLD, ITALIC, MARGIN_LEFT, PAGE_W, REGULAR, Writer, draw_qr, header, new_canvas
from sohoa.ocr.qr import FormMark
from sohoa.lifecycle.workdays import add_working_days
from sohoa.models.report import ChecklistVerdict


@dataclass(frozen=True)
class DeskInfo:
    """The receiving one-stop desk."""

    organisation: str = "UBND TỈNH"
    """Upper body, first header line (e.g. 'UBND TỈNH THÁI NGUYÊN')."""
    desk: str = "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"
    """The desk, second header line."""
    place: str = ""
    """Place name for the date line."""
    officer: str = ""
    """Name of the officer who received the dossier."""
    phone: str = ""
    """Contact phone for questions."""


@dataclass(frozen=True)
class Applicant:
    """Who handed the dossier in."""

    name: str
    identifier: str = ""
    """Enterprise code or personal id number."""
    address: str = ""
    phone: str = ""
    email: str = ""


def promised_date(received_at: dt.datetime, procedure: Procedure, holidays: Iterable[dt.date] = ()) -> dt.date:
    """Received date + the procedure's processing days, counted in working days (weekends and `holidays` skipped)."""
    return add_working_days(received_at.date(), procedure.processing_days, holidays)


def receipt_pdf(procedure: Procedure, variant: Variant, verdict: ChecklistVerdict, dossier_code: str,
                applicant: Applicant, received_at: dt.datetime, desk: DeskInfo = DeskInfo(),
                holidays: Iterable[dt.date] = (), number: str = "", promised: dt.date | None = None,
                lookup: tuple[str, str] | None = None) -> bytes:
    """Mẫu 01 for a complete dossier: the components received and the promised date of the result (`promised`,
    the one the lifecycle stored on receipt; computed from `holidays` when not given). With `lookup` (the public
    lookup address and the check code), the QR code holds that address and the check code is printed."""
    promised = promised or promised_date(received_at, procedure, holidays)
    canvas, buffer, w = _form_top(
        _FormTitle("MAU01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "Giay tiep nhan ho so va hen tra ket qua", "TNHS"),
        procedure, dossier_code, applicant, desk, received_at, number, qr_payload=lookup[0] if lookup else None)
    if lookup:
        w.text(f"Mã kiểm tra (tra cứu tại {lookup[0].split('?')[0]}): {lookup[1]}", 12, BOLD, "center", space_after=2 * mm)
    w.text(f"{desk.desk.capitalize()} tiếp nhận hồ sơ của: {applicant.name}")
    if applicant.identifier:
        w.text(f"Mã số doanh nghiệp / số định danh: {applicant.identifier}")
    if applicant.address:
        w.text(f"Địa chỉ: {applicant.address}")
    w.text(f"Số điện thoại: {applicant.phone or '…'}    Email: {applicant.email or '…'}")
    w.text(f"Nội dung yêu cầu giải quyết: {procedure.name} ({variant.name}), mã thủ tục {procedure.code}.", space_after=2 * mm)
    w.text("1. Thành phần hồ sơ nộp gồm:")
    present = {e.position: e for e in verdict.components}
    for component in variant.components:
        evidence = present.get(component.position)
        if evidence is not None and not evidence.present:
            continue
        w.text(f"{component.position}. {component.name} — {_counts(component)}", 12, indent=6 * mm)
    w.text("2. Số lượng hồ sơ: 01 (bộ)")
    w.text(f"3. Thời gian giải quyết hồ sơ theo quy định là: {procedure.processing_days} ngày làm việc")
    w.text(f"4. Thời gian nhận hồ sơ: {received_at:%H} giờ {received_at:%M} phút, ngày {received_at:%d/%m/%Y}")
    w.text(f"5. Thời gian trả kết quả giải quyết hồ sơ: ngày {promised:%d/%m/%Y}")
    w.text("6. Đăng ký nhận kết quả tại: Bộ phận Một cửa", space_after=10 * mm)
    _signatures(w, ("NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ"), (applicant.name, desk.officer))
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def missing_items(variant: Variant, verdict: ChecklistVerdict) -> list[str]:
    """One line per required component the verdict found missing, alternatives and counts spelled out."""
    items = []
    for position in verdict.missing_positions:
        component = variant.component(position)
        alternatives = component.document_types
        what = component.name
        if len(alternatives) > 1:
            what += " (một trong: " + "; ".join(d.name for d in alternatives) + ")"
        items.append(f"{what} — {_counts(component)}")
    return items


def supplement_pdf(procedure: Procedure, variant: Variant, verdict: ChecklistVerdict, dossier_code: str,
                   applicant: Applicant, received_at: dt.datetime, desk: DeskInfo = DeskInfo(), number: str = "",
                   reason: str = "Hồ sơ chưa đủ thành phần theo quy định.") -> bytes:
    """Mẫu 02: exactly the required components that are missing (from the verdict), and why."""
    items = missing_items(variant, verdict)
    if not items:
        raise ValueError("the dossier has no missing required component: issue the receipt (Mẫu 01) instead")
    canvas, buffer, w = _form_top(
        _FormTitle("MAU02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", "Phieu yeu cau bo sung hoan thien ho so", "YCBS"),
        procedure, dossier_code, applicant, desk, received_at, number)
    w.text(f"Hồ sơ của: {applicant.name}")
    w.text(f"Nội dung yêu cầu giải quyết: {procedure.name} ({variant.name}), mã thủ tục {procedure.code}.")
    w.text(f"Ngày {received_at:%d/%m/%Y}, {desk.desk.capitalize()} đã tiếp nhận hồ sơ của {applicant.name}.")
    w.text("Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:", space_after=1 * mm)
    for index, item in enumerate(items, start=1):
        w.text(f"{index}. {item}", indent=6 * mm)
    w.text(f"Lý do: {reason}", space_after=2 * mm)
    contact = f", số điện thoại {desk.phone}" if desk.phone else ""
    w.text(f"Trong quá trình hoàn thiện hồ sơ nếu có vướng mắc, ông/bà liên hệ với {desk.officer or 'cán bộ tiếp nhận'}"
           f"{contact} để được hướng dẫn.", space_after=10 * mm)
    _signatures(w, ("", "NGƯỜI HƯỚNG DẪN"), ("", desk.officer))
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _counts(component: Component) -> str:
    parts = []
    if component.originals:
        parts.append(f"bản chính: {component.originals:02d}")
    if component.copies:
        parts.append(f"bản sao: {component.copies:02d}")
    return (" hoặc " if component.original_or_copy else ", ").join(parts)


class _FormTitle(NamedTuple):
    """What tells one standard form (Thông tư 01/2018/TT-VPCP) from another."""

    code: str
    title: str
    ascii_title: str
    number_suffix: str


def _form_top(form: _FormTitle, procedure: Procedure, dossier_code: str, applicant: Applicant, desk: DeskInfo,
              received_at: dt.datetime, number: str, qr_payload: str | None = None) -> tuple[object, object, Writer]:
    """Canvas, QR code top-left (the form's mark, or `qr_payload`), issuing-body header, title and dossier code:
    the top of every form."""
    canvas, buffer = new_canvas(form.title, desk.desk)
    mark = FormMark(form.code, procedure.code, dossier_code, applicant.identifier, form.ascii_title)
    draw_qr(canvas, qr_payload or mark.payload())
    y = header(canvas, (desk.organisation, desk.desk), number or f"{dossier_code}/{form.number_suffix}",
               _date_line(desk.place, received_at.date()), top=50 * mm)
    w = Writer(canvas, top=0)
    w.y = y
    w.text(form.title.upper(), 14, BOLD, "center")
    w.text(f"Mã hồ sơ: {dossier_code}", 13, ITALIC, "center", space_after=4 * mm)
    return canvas, buffer, w


def _date_line(place: str, day: dt.date) -> str:
    return f"{place + ', ' if place else ''}ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def _signatures(w: Writer, titles: tuple[str, str], names: tuple[str, str]) -> None:
    centres = (MARGIN_LEFT + 40 * mm, PAGE_W - 60 * mm)
    c = w.canvas
    for centre, title, name in zip(centres, titles, names, strict=True):
        if not title:
            continue
        c.setFont(BOLD, 13)
        c.drawCentredString(centre, w.y - 13, title)
        c.setFont(ITALIC, 12)
        c.drawCentredString(centre, w.y - 28, "(Ký và ghi rõ họ tên)")
        if name:
            c.setFont(REGULAR, 13)
            c.drawCentredString(centre, w.y - 95, name)
    w.y -= 110


__all__ = ["Applicant", "DeskInfo", "missing_items", "promised_date", "receipt_pdf", "supplement_pdf"]
