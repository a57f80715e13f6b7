"""A QR code drawn onto a page before it becomes PDF/A: what a signed result carries so that anyone holding the
paper or the file reaches its public verification address (Thông tư 01/2023/TT-VPCP: top-left corner).

The code is vector drawing (filled squares, no font, no transparency), so the page stays PDF/A-2b.
"""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

QR_SIZE = 22 * mm
"""Side of the printed code, quiet zone included."""
QR_MARGIN = 8 * mm
"""Distance from the page's top and left edges."""


def stamp_qr(page_pdf: Path, page_number: int, payload: str, out: Path) -> Path:
    """A one-page PDF: page `page_number` of `page_pdf` with a QR code of `payload` at its top left."""
    with pikepdf.open(page_pdf) as source, pikepdf.new() as target:
        target.pages.append(source.pages[page_number])
        page = target.pages[0]
        box = [float(v) for v in page.mediabox]
        width, height = box[2] - box[0], box[3] - box[1]
        with pikepdf.open(io.BytesIO(_qr_page(payload, width, height, page.obj.get("/Rotate", 0)))) as overlay:
            page.add_overlay(overlay.pages[0], pikepdf.Rectangle(*box))
        target.save(out)
    return out


def _qr_page(payload: str, width: float, height: float, rotate: int) -> bytes:
    """A transparent page of the same size holding only the code, placed top-left as the page is displayed."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height), invariant=1)
    widget = QrCodeWidget(payload, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(QR_SIZE, QR_SIZE, transform=[QR_SIZE / (x1 - x0), 0, 0, QR_SIZE / (y1 - y0), 0, 0])
    drawing.add(widget)
    turns = (int(rotate) // 90) % 4
    if turns:  # draw in display orientation; the page's /Rotate turns it back
        canvas.translate(*{1: (0, height), 2: (width, height), 3: (width, 0)}[turns])
        canvas.rotate(-90 * turns)
        width, height = (height, width) if turns % 2 else (width, height)
    renderPDF.draw(drawing, canvas, QR_MARGIN, height - QR_MARGIN - QR_SIZE)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


__all__ = ["QR_SIZE", "stamp_qr"]
