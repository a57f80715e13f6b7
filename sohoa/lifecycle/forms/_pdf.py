"""Shared PDF drawing: Vietnamese fonts embedded (Liberation Serif 2, else Tinos), QR codes top-left, text wrapping."""

from __future__ import annotations

import io
from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

FONT_DIRS = (Path("/usr/share/fonts/truetype/liberation2"), Path("/usr/share/fonts/truetype/croscore"))
FAMILIES = (("LiberationSerif", "LiberationSerif"), ("Tinos", "Tinos"))
REGULAR = "SohoaSerif"
BOLD = "SohoaSerif-Bold"
ITALIC = "SohoaSerif-Italic"
PAGE_W, PAGE_H = A4
QR_SIZE = 32 * mm
MARGIN_LEFT = 25 * mm
MARGIN_RIGHT = 18 * mm
MARGIN_TOP = 15 * mm


class FontMissing(RuntimeError):
    """No Times-metric font with Vietnamese letters is installed (fonts-liberation2 or fonts-croscore)."""


def register_fonts() -> None:
    """Register the serif family once (reportlab embeds a subset of each TrueType font it uses)."""
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return
    for directory in FONT_DIRS:
        for stem, _ in FAMILIES:
            files = {name: directory / f"{stem}-{style}.ttf" for name, style in
                     ((REGULAR, "Regular"), (BOLD, "Bold"), (ITALIC, "Italic"))}
            if all(path.exists() for path in files.values()):
                for name, path in files.items():
                    pdfmetrics.registerFont(TTFont(name, str(path)))
                return
    raise FontMissing("install fonts-liberation2 (Liberation Serif 2) or fonts-croscore (Tinos)")


def new_canvas(title: str, author: str) -> tuple[Canvas, io.BytesIO]:
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setCreator("sohoa")
    return canvas, buffer


def draw_qr(canvas: Canvas, payload: str, size: float = QR_SIZE, x: float = 12 * mm, y_top: float = 12 * mm) -> None:
    """A QR code (ISO/IEC 18004, error correction M) with its quiet zone, top-left of the page."""
    widget = QrCodeWidget(payload, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    width, height = x1 - x0, y1 - y0
    drawing = Drawing(size, size, transform=[size / width, 0, 0, size / height, 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, x, PAGE_H - y_top - size)


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap by the font's real widths."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split():
            trial = f"{current} {word}".strip()
            if current and pdfmetrics.stringWidth(trial, font, size) > width:
                lines.append(current)
                current = word
            else:
                current = trial
        lines.append(current)
    return lines


class Writer:
    """Top-to-bottom text flow on a canvas, with page breaks."""

    def __init__(self, canvas: Canvas, top: float, left: float = MARGIN_LEFT, right: float = PAGE_W - MARGIN_RIGHT):
        self.canvas = canvas
        self.y = PAGE_H - top
        self.left = left
        self.right = right

    def text(self, text: str, size: float = 13, font: str = REGULAR, align: str = "left", leading: float = 1.3,
             indent: float = 0.0, space_after: float = 0.0) -> None:
        width = self.right - self.left - indent
        for line in wrap(text, font, size, width):
            if self.y < 20 * mm:
                self.canvas.showPage()
                self.y = PAGE_H - 20 * mm
            self.canvas.setFont(font, size)
            if align == "center":
                self.canvas.drawCentredString((self.left + self.right) / 2, self.y - size, line)
            elif align == "right":
                self.canvas.drawRightString(self.right, self.y - size, line)
            else:
                self.canvas.drawString(self.left + indent, self.y - size, line)
            self.y -= size * leading
        self.y -= space_after

    def gap(self, height: float) -> None:
        self.y -= height


def header(canvas: Canvas, left_lines: tuple[str, ...], number: str, place_date: str, top: float) -> float:
    """NĐ 30/2020 header: body and 'Số:' left, Quốc hiệu, Tiêu ngữ and place/date right. Returns the y below it."""
    col_left = (MARGIN_LEFT + 20 * mm, MARGIN_LEFT + 62 * mm)
    col_right = (PAGE_W - MARGIN_RIGHT - 58 * mm)
    y = PAGE_H - top
    for i, line in enumerate(left_lines):
        font = BOLD if i == len(left_lines) - 1 else REGULAR
        canvas.setFont(font, 12)
        canvas.drawCentredString(col_left[0] + 10 * mm, y - 12 - i * 15, line)
    canvas.setFont(BOLD, 12)
    canvas.drawCentredString(col_right, y - 12, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    canvas.setFont(BOLD, 13)
    canvas.drawCentredString(col_right, y - 28, "Độc lập - Tự do - Hạnh phúc")
    width = pdfmetrics.stringWidth("Độc lập - Tự do - Hạnh phúc", BOLD, 13)
    canvas.line(col_right - width / 2, y - 31, col_right + width / 2, y - 31)
    low = y - 12 - len(left_lines) * 15 - 6
    canvas.setFont(REGULAR, 13)
    if number:
        canvas.drawCentredString(col_left[0] + 10 * mm, low - 6, f"Số: {number}")
    canvas.setFont(ITALIC, 13)
    canvas.drawCentredString(col_right, min(low, y - 50) - 6, place_date)
    return min(low, y - 50) - 30
