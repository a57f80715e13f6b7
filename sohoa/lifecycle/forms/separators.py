"""Separator sheets: a cover sheet for the dossier and one sheet per checklist component.

Each sheet has a QR code top-left (`SeparatorMark.payload`) and the component's name in large type, so
staff put the right papers behind it; the pipeline detects the QR (`detect_separator`), splits the page
stream on it and leaves the sheet out of the component PDF/As.
"""

from __future__ import annotations

from sohoa.catalog import Procedure
from sohoa.lifecycle.forms._pdf import BOLD, ITALIC, PAGE_H, REGULAR, Writer, draw_qr, new_canvas
from sohoa.ocr.qr import SeparatorMark
from reportlab.lib.units import mm


def separator_sheets_pdf(procedure: Procedure, variant_id: str | None = None, dossier_code: str = "",
                         include_cover: bool = True) -> bytes:
    """PDF: optional cover sheet, then one separator sheet per component of the variant's checklist."""
    variant = procedure.variant(variant_id)
    canvas, buffer = new_canvas(f"Tờ phân cách hồ sơ - {procedure.code}", "sohoa")
    total = len(variant.components)
    if include_cover:
        mark = SeparatorMark(procedure.code, 0, dossier_code, variant.id)
        draw_qr(canvas, mark.payload(), size=45 * mm)
        writer = Writer(canvas, top=70 * mm)
        writer.text("TỜ BÌA HỒ SƠ", 30, BOLD, "center", space_after=8 * mm)
        writer.text(procedure.name, 20, BOLD, "center", space_after=4 * mm)
        writer.text(f"Mã thủ tục: {procedure.code}  ·  Trường hợp: {variant.name}", 14, REGULAR, "center")
        if dossier_code:
            writer.text(f"Mã hồ sơ: {dossier_code}", 14, REGULAR, "center")
        writer.gap(10 * mm)
        writer.text("Thành phần hồ sơ:", 14, BOLD)
        for component in variant.components:
            flag = "" if component.required else " (nếu có)"
            writer.text(f"{component.position}. {component.name}{flag}", 13, REGULAR, indent=6 * mm)
        writer.gap(8 * mm)
        writer.text("Đặt tờ phân cách của từng thành phần ngay trước giấy tờ của thành phần đó.", 12, ITALIC)
        canvas.showPage()
    for component in variant.components:
        mark = SeparatorMark(procedure.code, component.position, dossier_code, variant.id)
        draw_qr(canvas, mark.payload(), size=45 * mm)
        canvas.setFont(REGULAR, 12)
        canvas.drawRightString(190 * mm, PAGE_H - 20 * mm, f"{procedure.code} · {variant.id}")
        if dossier_code:
            canvas.drawRightString(190 * mm, PAGE_H - 26 * mm, f"Mã hồ sơ: {dossier_code}")
        writer = Writer(canvas, top=80 * mm)
        writer.text("TỜ PHÂN CÁCH THÀNH PHẦN HỒ SƠ", 16, BOLD, "center", space_after=6 * mm)
        writer.text(f"Thành phần {component.position}/{total}", 40, BOLD, "center", space_after=10 * mm)
        writer.text(component.name, 28, BOLD, "center", leading=1.25, space_after=8 * mm)
        counts = []
        if component.originals:
            counts.append(f"bản chính: {component.originals}")
        if component.copies:
            counts.append(f"bản sao: {component.copies}")
        joiner = " hoặc " if component.original_or_copy else ", "
        detail = joiner.join(counts) + ("" if component.required else " — nếu có")
        writer.text(detail, 16, ITALIC, "center", space_after=6 * mm)
        if len(component.document_types) > 1:
            writer.text("Chấp nhận một trong các giấy tờ:", 14, REGULAR, "center")
            for doc in component.document_types:
                writer.text(doc.name, 14, REGULAR, "center")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
