"""Stage 1, intake: identify each file by its content, reject bad input with a reason, list its pages.

Intake reads headers, with one exception: the entropy-coded data of a JPEG is decoded at 1/8 scale and a
PNG's chunk checksums are checked, so a scan cut short or damaged is refused at the desk, not later by a
worker (about 1 ms a page; the pixels themselves are decoded once, by the page stage).
Archiving the accepted originals is the pipeline's next step, before any page is processed.
"""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pikepdf
import simplejpeg
from PIL import Image, UnidentifiedImageError

from sohoa.errors import InputRejected
from sohoa.intake.active import active_content

MediaType = Literal["image/jpeg", "image/png", "image/tiff", "application/pdf"]

_EXTENSIONS: dict[str, MediaType] = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".pdf": "application/pdf",
}

# Text shorter than this on a PDF page is treated as no text layer (page numbers, stray marks).
_MIN_BORN_DIGITAL_CHARS = 40


@dataclass(frozen=True)
class IntakeLimits:
    """Bounds that protect the service from absurd or hostile files."""

    max_file_bytes: int = 300 * 1024 * 1024
    """Largest accepted file."""
    max_pixels: int = 120_000_000
    """Largest accepted page image, in pixels (A3 at 600 dpi is about 70 million)."""
    max_pages: int = 1000
    """Most pages accepted in one file."""
    max_page_side_inches: float = 60.0
    """Longest accepted PDF page side."""
    max_dossier_files: int = 500
    """Most files in one dossier, its supplements included (SOHOA_MAX_DOSSIER_FILES)."""
    max_dossier_pages: int = 2000
    """Most pages in one dossier, its supplements included (SOHOA_MAX_DOSSIER_PAGES)."""


@dataclass(frozen=True)
class PageSource:
    """A reference to one page of an accepted file; what a per-page task receives."""

    index: int
    """0-based position in the dossier's page stream."""
    file_name: str
    """Name of the source file, for reports and errors."""
    path: Path
    """Where the source file's bytes are on local disk."""
    media_type: MediaType
    """Media type of the source file."""
    frame: int
    """0-based page or frame number inside the file."""
    born_digital_text: str | None
    """The PDF page's own text when it has a text layer; None for raster pages."""


@dataclass(frozen=True)
class AcceptedFile:
    """A file that passed intake checks."""

    name: str
    """File name without directories."""
    path: Path
    """Local path of the bytes."""
    sha256: str
    """SHA-256 of the bytes, hex."""
    size: int
    """Size in bytes."""
    media_type: MediaType
    """Media type detected from the content."""
    page_count: int
    """Pages or frames in the file."""
    born_digital_texts: tuple[str | None, ...]
    """Per page: the PDF's own text when present, else None."""
    active_content: tuple[str, ...] = ()
    """Active content found in a PDF (JavaScript, launch actions, embedded files), named for the report; the
    copies never carry it."""


def sniff_media_type(head: bytes) -> MediaType | None:
    """Media type from the first bytes of a file, or None when it is none we accept."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "image/tiff"
    if b"%PDF-" in head[:1024]:
        return "application/pdf"
    return None


def sha256_file(path: Path) -> str:
    """SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def inspect_file(path: Path, limits: IntakeLimits) -> AcceptedFile:
    """Check one file and describe it; raise InputRejected naming the file and the reason."""
    name = path.name
    if not path.is_file():
        raise InputRejected(name, "no such file")
    size = path.stat().st_size
    if size == 0:
        raise InputRejected(name, "the file is empty (0 bytes)")
    if size > limits.max_file_bytes:
        raise InputRejected(name, f"the file is {size} bytes, over the limit of {limits.max_file_bytes}")
    with path.open("rb") as stream:
        head = stream.read(2048)
    media_type = sniff_media_type(head)
    if media_type is None:
        raise InputRejected(name, "unsupported file type: only JPEG, PNG, TIFF and PDF are accepted")
    expected = _EXTENSIONS.get(path.suffix.lower())
    if expected is not None and expected != media_type:
        raise InputRejected(name, f"the content is {media_type} but the extension says {expected}")
    if expected is None:
        raise InputRejected(name, f"unsupported extension {path.suffix or '(none)'!r}")
    _check_not_truncated(path, media_type, size)
    active: tuple[str, ...] = ()
    if media_type == "application/pdf":
        texts, active = _inspect_pdf(path, limits)
    else:
        texts = (None,) * _inspect_image(path, limits)
    return AcceptedFile(
        name=name, path=path, sha256=sha256_file(path), size=size, media_type=media_type,
        page_count=len(texts), born_digital_texts=texts, active_content=active,
    )


def inspect_files(paths: tuple[Path, ...], limits: IntakeLimits, files_before: int = 0,
                  pages_before: int = 0) -> tuple[AcceptedFile, ...]:
    """Check the files handed in for one dossier (`inspect_file` each) and the dossier's caps, counting the
    `files_before` files and `pages_before` pages it already holds; the count of files is checked before any
    file is read, the count of pages as each file is read."""
    if files_before + len(paths) > limits.max_dossier_files:
        first_over = paths[max(0, limits.max_dossier_files - files_before)]
        raise InputRejected(first_over.name, f"the dossier would have {files_before + len(paths)} files, over the "
                            f"limit of {limits.max_dossier_files} per dossier")
    accepted, pages = [], pages_before
    for path in paths:
        accepted.append(inspect_file(path, limits))
        pages += accepted[-1].page_count
        if pages > limits.max_dossier_pages:
            raise InputRejected(path.name, f"the dossier would have at least {pages} pages, over the limit of "
                                f"{limits.max_dossier_pages} per dossier")
    return tuple(accepted)


def list_pages(files: tuple[AcceptedFile, ...]) -> tuple[PageSource, ...]:
    """The dossier's page stream: every page of every file, in hand-in order."""
    pages: list[PageSource] = []
    for accepted in files:
        for frame, text in enumerate(accepted.born_digital_texts):
            pages.append(PageSource(
                index=len(pages), file_name=accepted.name, path=accepted.path,
                media_type=accepted.media_type, frame=frame, born_digital_text=text,
            ))
    return tuple(pages)


def _check_not_truncated(path: Path, media_type: MediaType, size: int) -> None:
    trailer_markers = {"image/jpeg": b"\xff\xd9", "image/png": b"IEND", "application/pdf": b"%%EOF"}
    marker = trailer_markers.get(media_type)
    if marker is None:
        return
    with path.open("rb") as stream:
        stream.seek(max(0, size - 1024))
        tail = stream.read()
    if marker not in tail:
        raise InputRejected(path.name, f"the file is truncated or corrupt (no {media_type} end marker at its end)")


def _inspect_image(path: Path, limits: IntakeLimits) -> int:
    """Frame count of an image, checking every frame's dimensions from its header."""
    try:
        with Image.open(path) as image:
            frames = getattr(image, "n_frames", 1)
            if frames > limits.max_pages:
                raise InputRejected(path.name, f"{frames} frames, over the limit of {limits.max_pages}")
            for frame in range(frames):
                image.seek(frame)
                width, height = image.size
                if width * height > limits.max_pixels:
                    raise InputRejected(
                        path.name,
                        f"page {frame + 1} is {width}x{height} pixels, over the limit of {limits.max_pixels} "
                        "(possible decompression bomb)",
                    )
                if width < 16 or height < 16:
                    raise InputRejected(path.name, f"page {frame + 1} is only {width}x{height} pixels")
                if image.format == "TIFF":
                    _check_tiff_data_present(path.name, frame, image.tag_v2, path.stat().st_size)
            image_format = image.format
        _verify_image_data(path, image_format)
        return frames
    except Image.DecompressionBombError as error:
        raise InputRejected(path.name, f"absurd pixel dimensions (possible decompression bomb): {error}") from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        # Pillow's messages carry the path it was given: on a server, a temporary folder nobody should see.
        raise InputRejected(path.name, f"corrupt image: {str(error).replace(str(path), path.name)}") from error


_TIFF_DATA_TAGS = ((273, 279), (324, 325))
"""(offsets, byte counts) of a TIFF page's strips and of its tiles."""


def _check_tiff_data_present(name: str, frame: int, tags, size: int) -> None:
    """Refuse a TIFF page whose strips or tiles point past the end of the file (a file cut short)."""
    for offsets_tag, counts_tag in _TIFF_DATA_TAGS:
        offsets, counts = tags.get(offsets_tag), tags.get(counts_tag)
        if offsets is None or counts is None:
            continue
        ends = [int(o) + int(c) for o, c in zip(_as_tuple(offsets), _as_tuple(counts), strict=False)]
        if ends and max(ends) > size:
            raise InputRejected(name, f"page {frame + 1} is truncated: its image data ends at byte {max(ends)} "
                                      f"of a {size}-byte file")


def _as_tuple(value) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def _verify_image_data(path: Path, image_format: str | None) -> None:
    """Refuse a JPEG whose entropy-coded data is cut or damaged, or a PNG with a chunk failing its checksum."""
    if image_format == "JPEG":
        data = path.read_bytes()
        if simplejpeg.decode_jpeg_header(data)[2] in ("CMYK", "YCCK"):
            return
        try:
            simplejpeg.decode_jpeg(data, colorspace="GRAY", strict=True, min_width=1, min_height=1)
        except ValueError as error:
            raise InputRejected(path.name, f"page 1 cannot be decoded: {error}") from error
    elif image_format == "PNG":
        with Image.open(path) as image:
            image.verify()


def _inspect_pdf(path: Path, limits: IntakeLimits) -> tuple[tuple[str | None, ...], tuple[str, ...]]:
    """Each page's own text (None where it has none) and the PDF's active content."""
    try:
        with pikepdf.open(path) as pdf:
            if pdf.is_encrypted:
                raise InputRejected(path.name, "the PDF is encrypted; hand in an unprotected copy")
            count = len(pdf.pages)
            if count == 0:
                raise InputRejected(path.name, "the PDF has no pages")
            if count > limits.max_pages:
                raise InputRejected(path.name, f"{count} pages, over the limit of {limits.max_pages}")
            for number, page in enumerate(pdf.pages, start=1):
                _check_pdf_page(path.name, number, page, limits)
            active = active_content(pdf)
    except pikepdf.PasswordError as error:
        raise InputRejected(path.name, "the PDF is encrypted with a password") from error
    except pikepdf.PdfError as error:
        raise InputRejected(path.name, f"corrupt PDF: {error}") from error
    return _pdf_page_texts(path, count), active


def _check_pdf_page(name: str, number: int, page: pikepdf.Page, limits: IntakeLimits) -> None:
    box = page.mediabox
    width, height = abs(float(box[2]) - float(box[0])) / 72, abs(float(box[3]) - float(box[1])) / 72
    if max(width, height) > limits.max_page_side_inches or min(width, height) < 0.5:
        raise InputRejected(name, f"page {number} measures {width:.1f}x{height:.1f} inches")
    for image_name, image in page.get_images().items():
        pixels = int(image.get("/Width", 0)) * int(image.get("/Height", 0))
        if pixels > limits.max_pixels:
            raise InputRejected(name, f"page {number} image {image_name} has {pixels} pixels (possible decompression bomb)")


def _pdf_page_texts(path: Path, count: int) -> tuple[str | None, ...]:
    """Each page's own text layer (via poppler's pdftotext), None where the page has none."""
    result = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
        capture_output=True, timeout=300, check=False,
    )
    if result.returncode != 0:
        raise InputRejected(path.name, f"unreadable PDF: {result.stderr.decode(errors='replace').strip()}")
    pages = result.stdout.decode("utf-8", errors="replace").split("\f")
    texts = [page.strip() for page in pages[:count]] + [""] * max(0, count - len(pages))
    return tuple(text if len(text) >= _MIN_BORN_DIGITAL_CHARS else None for text in texts)
