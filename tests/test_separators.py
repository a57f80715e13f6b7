"""Separator sheets: printed with a QR code top-left and the component name; detected again from the scan."""

from __future__ import annotations

import cv2
import numpy as np
import pikepdf
import pypdfium2 as pdfium
import pytest

from sohoa.catalog import load_catalog
from sohoa.lifecycle.forms.separators import separator_sheets_pdf
from sohoa.ocr.qr import SeparatorMark, decode_payload
from sohoa.ocr.separators import detect_separator

CATALOG = load_catalog()
DOSSIER = "000.00.06.H56-231027-0361"


@pytest.fixture(scope="module")
def sheets() -> bytes:
    return separator_sheets_pdf(CATALOG.get("2.000620"), None, DOSSIER)


def _page_bgr(pdf: bytes, index: int, dpi: int = 200) -> np.ndarray:
    document = pdfium.PdfDocument(pdf)
    rgb = document[index].render(scale=dpi / 72).to_numpy()[:, :, :3]
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)


def test_cover_and_one_sheet_per_component_with_the_font_embedded(sheets):
    variant = CATALOG.get("2.000620").variant(None)
    with pikepdf.open(__import__("io").BytesIO(sheets)) as pdf:
        assert len(pdf.pages) == 1 + len(variant.components)
        fonts = [f for page in pdf.pages for f in page.Resources.Font.values()]
        assert fonts and all("/FontFile2" in f.DescendantFonts[0].FontDescriptor for f in fonts if "/DescendantFonts" in f)
    text = pdfium.PdfDocument(sheets)[2].get_textpage().get_text_range()
    assert variant.component(2).name.split(",")[0] in " ".join(text.split())


def test_each_sheet_is_detected_from_a_scan_even_upside_down(sheets):
    assert detect_separator(_page_bgr(sheets, 0)) == SeparatorMark("2.000620", 0, DOSSIER, "new")
    image = _page_bgr(sheets, 2)
    noisy = np.clip(image.astype(np.int16) + np.random.default_rng(1).normal(0, 8, image.shape), 0, 255).astype(np.uint8)
    assert detect_separator(noisy) == SeparatorMark("2.000620", 2, DOSSIER, "new")
    assert detect_separator(cv2.rotate(image, cv2.ROTATE_180)).position == 2
    grey = cv2.cvtColor(_page_bgr(sheets, 3, dpi=150), cv2.COLOR_BGR2GRAY)
    assert detect_separator(grey).position == 3


def test_ordinary_pages_and_foreign_qr_codes_are_not_separators():
    assert detect_separator(np.full((2339, 1654, 3), 255, np.uint8)) is None
    assert decode_payload("https://dichvucong.gov.vn/p/home") is None
    assert decode_payload("SOHOA1;SEP;p=2.000620;c=x") is None
    assert decode_payload(SeparatorMark("2.000620", 2, "D-1").payload()) == SeparatorMark("2.000620", 2, "D-1", "")


@pytest.mark.parametrize(("dpi", "colour", "skew", "rotation"), [(200, False, 2.5, 0), (300, True, -3.0, 180)])
def test_a_scanned_sheet_is_detected_through_skew_noise_blur_and_jpeg(sheets, dpi, colour, skew, rotation):
    import io

    from PIL import Image

    from sohoa.tools.corpus import ScanOptions
    from sohoa.tools.corpus.scan import scan_page

    rgb = pdfium.PdfDocument(sheets)[1].render(scale=dpi / 72).to_numpy()[:, :, :3]
    options = ScanOptions(dpi=dpi, colour=colour)
    scanned = scan_page(Image.fromarray(rgb), options, np.random.default_rng(7), skew, rotation)
    buffer = io.BytesIO()
    scanned.save(buffer, "JPEG", quality=85)
    image = np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"))[:, :, ::-1].copy()
    mark = detect_separator(image)
    assert mark is not None and mark.position == 1 and mark.dossier_code == DOSSIER
