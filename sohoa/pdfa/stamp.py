"""A QR code drawn onto a page before it becomes PDF/A: what a signed result carries so that anyone holding the
paper or the file reaches its public verification address (Thông tư 01/2023/TT-VPCP: top-left corner).

The code is plain vector content (filled squares in DeviceRGB black, no font, no image, no transparency), so
the page stays PDF/A-2b; the page's own content is wrapped in q … Q so nothing it leaves set can move the code.
"""

from __future__ import annotations

from pathlib import Path

import pikepdf
import qrcode

MM = 72 / 25.4
QR_SIZE = 20 * MM
"""Side of the printed code, quiet zone included, in points."""
QR_LEFT, QR_TOP = 5 * MM, 10 * MM
"""Distance from the page's left and top edges, in points: the code sits in the left margin, which NĐ 30/2020
sets at 30-35 mm for official documents, so it covers none of the text."""
PRESENTATION_KEYS = ("/Trans", "/Dur", "/PresSteps")
"""Slide-show keys an office program may leave on a page; meaningless in an archive, so they are dropped."""


def qr_matrix(payload: str) -> list[list[bool]]:
    """The modules of a QR code (ISO/IEC 18004, error correction M) with its 4-module quiet zone."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(payload)
    code.make(fit=True)
    return code.get_matrix()


def stamp_qr(page_pdf: Path, page_number: int, payload: str, out: Path) -> Path:
    """A one-page PDF: page `page_number` of `page_pdf` with a QR code of `payload` at its top left."""
    with pikepdf.open(page_pdf) as source, pikepdf.new() as target:
        target.pages.append(source.pages[page_number])
        page = target.pages[0]
        for key in PRESENTATION_KEYS:
            if key in page.obj:
                del page.obj[key]
        left, bottom, _right, top = (float(v) for v in page.mediabox)
        page.contents_add(pikepdf.Stream(target, b"q\n"), prepend=True)
        page.contents_add(pikepdf.Stream(target, b"Q\n" + _qr_content(payload, left + QR_LEFT, top - QR_TOP)))
        target.save(out)
    return out


def _qr_content(payload: str, x: float, y_top: float) -> bytes:
    matrix = qr_matrix(payload)
    module = QR_SIZE / len(matrix)
    squares = [f"{x + col * module:.3f} {y_top - (row + 1) * module:.3f} {module:.3f} {module:.3f} re"
               for row, line in enumerate(matrix) for col, dark in enumerate(line) if dark]
    return ("q 1 1 1 rg " + f"{x:.3f} {y_top - QR_SIZE:.3f} {QR_SIZE:.3f} {QR_SIZE:.3f} re f\n"
            + "0 0 0 rg\n" + "\n".join(squares) + "\nf Q\n").encode("ascii")


__all__ = ["QR_SIZE", "qr_matrix", "stamp_qr"]
