"""Page images for the people who check a dossier: a small JPEG of one page, drawn from its archived original.

The report says which original file and which frame each page came from and how it was turned upright; the
original is read from storage (its digest verified), the frame decoded, turned and shrunk. Pages of a PDF are
rendered with pypdfium2 when it is installed; otherwise they have no image (None).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image

from sohoa.errors import SohoaError

THUMBNAIL_PX = 260
"""Longest side of a thumbnail under its component."""
VIEW_PX = 900
"""Longest side of the page image beside its text."""


class PageNotFound(SohoaError):
    """The dossier has no page with this index (or no report yet)."""

    exit_code = 66
    http_status = 404


@dataclass(frozen=True)
class PageText:
    """What the specialist reads beside a page image."""

    index: int
    """0-based page index."""
    text: str
    """The page's OCR (or born-digital) text."""
    component_position: int | None
    """The component it was matched to."""
    blank: bool
    """Detected as a blank back side."""


def page_texts(report: dict) -> list[PageText]:
    """Every page of the report with its text."""
    return [PageText(p["index"], p.get("text", ""), p.get("component_position"), bool(p.get("blank")))
            for p in report.get("pages", [])]


def page_image(store, report: dict | None, index: int, max_px: int = THUMBNAIL_PX) -> bytes | None:
    """A JPEG of page `index` of the dossier whose report is `report`, at most `max_px` on its longest side."""
    pages = (report or {}).get("pages", [])
    page = next((p for p in pages if p.get("index") == index), None)
    if page is None:
        raise PageNotFound(f"page {index + 1}: the dossier has no such page")
    source = next((s for s in report.get("sources", []) if s.get("name") == page["source_file"]), None)
    if source is None:
        raise PageNotFound(f"page {index + 1}: its original file is not in the report")
    data = store.get_bytes(source["object_key"])
    image = _frame(data, source.get("media_type", ""), page["source_page"] - 1)
    if image is None:
        return None
    image = image.convert("RGB").rotate(-int(page.get("rotation") or 0), expand=True)
    image.thumbnail((max_px, max_px))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def _frame(data: bytes, media_type: str, frame: int) -> Image.Image | None:
    if media_type == "application/pdf":
        try:
            import pypdfium2
        except ImportError:
            return None
        document = pypdfium2.PdfDocument(data)
        return document[frame].render(scale=1.0).to_pil()
    image = Image.open(io.BytesIO(data))
    image.seek(frame)
    image.load()
    return image


__all__ = ["THUMBNAIL_PX", "VIEW_PX", "PageNotFound", "PageText", "page_image", "page_texts"]
