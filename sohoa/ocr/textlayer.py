"""Stage 2c, the text layer: one searchable page PDF, the page image (or its mixed-raster layers) over an
invisible text layer at the words' positions.

The text layer is drawn by OCRmyPDF's fpdf2 renderer from the normalised OCR tree, so Vietnamese
copies and searches with correct diacritics. The PDF/A stage (`sohoa.pdfa`) joins these pages.
"""

from __future__ import annotations

import functools
from pathlib import Path

import ocrmypdf
import pikepdf
from ocrmypdf.font import MultiFontManager
from ocrmypdf.fpdf_renderer import Fpdf2PdfRenderer

from sohoa.ocr.engine import OcrPage
from sohoa.ocr.prepare import PreparedPage


@functools.cache
def _font_manager() -> MultiFontManager:
    return MultiFontManager(Path(ocrmypdf.__file__).parent / "data")


def render_page_pdf(page: PreparedPage, ocr: OcrPage | None, work_dir: Path) -> Path:
    """One-page PDF: the page image (or its mixed-raster layers) over an invisible text layer at the words' positions."""
    if page.image is None or page.dpi is None:
        raise ValueError("born-digital pages are copied from their source, not rendered")
    out = work_dir / f"page-{page.source.index:04d}.pdf"
    with_text = ocr is not None and bool(ocr.words)
    if page.mask is None and not with_text:
        _image_only_page(page.image, page.dpi, out)
        return out
    # OCR may have read a downsampled copy (`sohoa.ocr.prepare.ocr_scale`): its layout is in that copy's pixels
    layout_dpi = (ocr.layout_dpi or page.dpi) if with_text else page.dpi
    if page.mask is None:
        Fpdf2PdfRenderer(ocr.layout, layout_dpi, _font_manager(), invisible_text=True, image=page.image).render(out)
        return out
    _mixed_raster_page(page, ocr.layout if with_text else None, layout_dpi, out)
    return out


def _mixed_raster_page(page: PreparedPage, layout, layout_dpi: float, out: Path) -> None:
    """Background JPEG, then the G4 ink mask painted as a stencil in its ink colour, over the invisible text.

    A stencil mask (/ImageMask) is plain opaque painting, not transparency, so PDF/A-2b needs no group.
    """
    width, height, g4 = _g4_strip(page.mask)
    width_pt, height_pt = width * 72 / page.dpi, height * 72 / page.dpi
    if layout is not None:
        text_pdf = out.with_name(out.stem + "-text.pdf")
        Fpdf2PdfRenderer(layout, layout_dpi, _font_manager(), invisible_text=True, image=None).render(text_pdf)
        pdf = pikepdf.open(text_pdf)
        text_pdf.unlink()
    else:
        pdf = pikepdf.new()
        pdf.add_blank_page(page_size=(width_pt, height_pt))
    with pdf:
        target = pdf.pages[0]
        media = [float(v) for v in target.mediabox]
        width_pt, height_pt = media[2] - media[0], media[3] - media[1]
        background = _jpeg_xobject(pdf, page.image)
        mask = pikepdf.Stream(pdf, g4)
        mask.Type, mask.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        mask.Width, mask.Height, mask.ImageMask, mask.BitsPerComponent = width, height, True, 1
        mask.Filter = pikepdf.Name.CCITTFaxDecode
        mask.DecodeParms = pikepdf.Dictionary(K=-1, Columns=width, Rows=height)
        # The TIFF is min-is-black with ink 0, so the fax codes call ink "white" and it decodes to 1;
        # /Decode [1 0] makes the stencil paint the 1 samples.
        mask.Decode = pikepdf.Array([1, 0])
        resources = target.obj.get("/Resources")
        if resources is None:
            target.obj.Resources = resources = pikepdf.Dictionary()
        if "/XObject" not in resources:
            resources.XObject = pikepdf.Dictionary()
        resources.XObject.SohoaBg = background
        resources.XObject.SohoaInk = mask
        red, green, blue = (channel / 255 for channel in page.ink)
        images = (f"q {width_pt:.4f} 0 0 {height_pt:.4f} 0 0 cm /SohoaBg Do Q\n"
                  f"q {red:.4f} {green:.4f} {blue:.4f} rg {width_pt:.4f} 0 0 {height_pt:.4f} 0 0 cm /SohoaInk Do Q\n")
        target.contents_add(pikepdf.Stream(pdf, images.encode()), prepend=False)
        pdf.save(out)


def _g4_strip(tiff: Path) -> tuple[int, int, bytes]:
    """Width, height and the raw CCITT G4 data of a single-strip G4 TIFF written by `prepare.encode_g4`."""
    from PIL import Image

    with Image.open(tiff) as image:
        width, height = image.size
        tags = image.tag_v2
        if tags.get(259) != 4 or len(tags[273]) != 1:
            raise ValueError(f"{tiff.name} is not a single-strip G4 TIFF")
        offset, length = tags[273][0], tags[279][0]
    with open(tiff, "rb") as handle:
        handle.seek(offset)
        return width, height, handle.read(length)


def _jpeg_xobject(pdf: pikepdf.Pdf, path: Path) -> pikepdf.Stream:
    from PIL import Image

    with Image.open(path) as image:
        width, height = image.size
        mode = image.mode
    stream = pikepdf.Stream(pdf, path.read_bytes())
    stream.Type, stream.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    stream.Width, stream.Height, stream.BitsPerComponent = width, height, 8
    stream.ColorSpace = pikepdf.Name.DeviceGray if mode == "L" else pikepdf.Name.DeviceRGB
    stream.Filter = pikepdf.Name.DCTDecode
    return stream


def _image_only_page(image: Path, dpi: float, out: Path) -> None:
    """A page with no recognised words (a photo, a blank back side): the image alone."""
    from fpdf import FPDF
    from PIL import Image

    with Image.open(image) as opened:
        width, height = opened.size
    width_pt, height_pt = width * 72 / dpi, height * 72 / dpi
    document = FPDF(unit="pt", format=(width_pt, height_pt))
    document.add_page()
    document.image(str(image), x=0, y=0, w=width_pt, h=height_pt)
    document.output(str(out))
