"""Mixed-raster page PDFs: a G4 text mask in its ink colour over a 200-dpi cleaned colour background.

A synthetic page (black text, a red seal ring, a blue signature stroke on tinted, noisy paper) is split,
rendered into a one-page PDF and a PDF/A-2b, and rendered back with pdftoppm to check what a reader sees.
"""

from __future__ import annotations

import subprocess
from datetime import datetime, timezone

import cv2
import numpy as np
import pikepdf
import pytest
from pikepdf import pdfa

from sohoa.intake.files import PageSource
from sohoa.ocr.tesseract import TesseractEngine
from sohoa.ocr.textlayer import render_page_pdf
from sohoa.pdfa.assemble import DocumentMetadata, assemble_pdfa
from sohoa.ocr.prepare import PrepareSettings, PreparedPage, encode_g4, split_layers, write_page_image

DPI = 300


@pytest.fixture(scope="module")
def page_pixels() -> np.ndarray:
    rng = np.random.default_rng(3)
    page = np.empty((1200, 1700, 3), np.uint8)
    page[:] = (232, 240, 246)  # BGR: warm paper
    for row, words in enumerate(("CONG HOA XA HOI", "Doc lap Tu do Hanh phuc", "GIAY PHEP BAN LE RUOU")):
        cv2.putText(page, words, (120, 200 + row * 140), cv2.FONT_HERSHEY_SIMPLEX, 2.2, (30, 30, 30), 6, cv2.LINE_AA)
    cv2.circle(page, (1250, 850), 200, (40, 40, 210), 14, cv2.LINE_AA)  # red seal ring
    cv2.line(page, (250, 900), (800, 820), (170, 60, 30), 6, cv2.LINE_AA)  # blue signature stroke
    noise = rng.normal(0, 2.0, page.shape)
    return np.clip(page + noise, 0, 255).astype(np.uint8)


@pytest.fixture(scope="module")
def rendered(page_pixels, tmp_path_factory) -> dict:
    work = tmp_path_factory.mktemp("mixed")
    source_path = work / "scan.png"
    cv2.imwrite(str(source_path), page_pixels)
    source = PageSource(index=0, file_name="scan.png", path=source_path, media_type="image/png", frame=0,
                        born_digital_text=None)
    image, mask, ink = write_page_image(page_pixels, DPI, work / "page-0000", PrepareSettings())
    grey = work / "page-0000.pgm"
    cv2.imwrite(str(grey), cv2.cvtColor(page_pixels, cv2.COLOR_BGR2GRAY))
    prepared = PreparedPage(source, image, grey, DPI, 0, 0.0, False, (), mask, ink)
    ocr = TesseractEngine().recognize(grey, DPI, work)
    page_pdf = render_page_pdf(prepared, ocr, work)
    metadata = DocumentMetadata("Giấy phép", "test", "sohoa", datetime(2026, 1, 1, tzinfo=timezone.utc))
    out = work / "doc.pdf"
    verdict = assemble_pdfa([(page_pdf, 0)], metadata, out)
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", "-singlefile", str(out), str(work / "back")], check=True)
    back = cv2.imread(str(work / "back.png"))
    return {"prepared": prepared, "out": out, "verdict": verdict, "back": back, "ocr": ocr}


def test_layers_keep_text_in_the_mask_and_colour_in_a_200_dpi_background(page_pixels):
    layers = split_layers(page_pixels, DPI)
    assert layers.mask is not None and layers.mask.shape == page_pixels.shape[:2]  # full resolution
    assert layers.background.shape[1] == round(page_pixels.shape[1] * 200 / DPI)  # 200 dpi, not less
    assert max(layers.ink) < 80  # painted dark, like the printed text
    seal_ring = layers.mask[850 - 5:850 + 5, 1250 + 193:1250 + 207]
    assert not seal_ring.any()  # the red seal is not ink: it stays in the colour background
    bg = layers.background
    red = (bg[:, :, 2].astype(int) - bg[:, :, 1]) > 80
    blue = (bg[:, :, 0].astype(int) - bg[:, :, 2]) > 60
    assert red.sum() > 500 and blue.sum() > 100


def test_g4_mask_is_one_strip_and_compact(page_pixels):
    layers = split_layers(page_pixels, DPI)
    data = encode_g4(layers.mask)
    assert len(data) < layers.mask.size / 8 / 10  # ten times smaller than raw 1-bit


def test_page_is_pdfa_2b_with_a_g4_stencil_and_a_jpeg_background(rendered):
    assert rendered["verdict"].passed, rendered["verdict"].findings
    assert pdfa.validate_written(rendered["out"], "2b").passed
    with pikepdf.open(rendered["out"]) as pdf:
        xobjects = pdf.pages[0].Resources.XObject
        images = [xobjects[name] for name in xobjects.keys() if xobjects[name].get("/Subtype") == "/Image"]
        filters = {str(image.Filter) for image in images}
        assert filters == {"/CCITTFaxDecode", "/DCTDecode"}
        stencil = next(image for image in images if image.get("/ImageMask"))
        assert (int(stencil.Width), int(stencil.Height)) == (1700, 1200)


def test_rendered_back_text_is_dark_seal_red_and_paper_light(rendered, page_pixels):
    back = rendered["back"]
    assert back.shape == page_pixels.shape
    grey_back = cv2.cvtColor(back, cv2.COLOR_BGR2GRAY)
    grey_scan = cv2.cvtColor(page_pixels, cv2.COLOR_BGR2GRAY)
    text = grey_scan < 100
    assert np.median(grey_back[text]) < 90  # the stencil paints the ink where the text was
    paper = grey_scan > 200
    assert np.median(grey_back[paper]) > 200  # and not the paper (the mask is not inverted)
    b, g, r = (back[:, :, c].astype(int) for c in range(3))
    assert ((r - g > 80) & (r - b > 80)).sum() > 1000  # the seal is still red


def test_invisible_text_layer_is_searchable(rendered, tmp_path):
    text = subprocess.run(["pdftotext", str(rendered["out"]), "-"], capture_output=True, text=True, check=True).stdout
    assert "HOA" in text.upper() and "PHEP" in text.upper()
