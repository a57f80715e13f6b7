"""The bad-input corpus, generated: each case a few small files (or a raw HTTP request) that sohoa must refuse
with a clear reason (or, for active content, accept with a flag), and a name for the table."""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pikepdf
from PIL import Image, ImageDraw

GOOD_PROCEDURE = "2.000620"
"""A procedure of the default catalogue; every case but "wrong procedure" is handed in under it."""

Expectation = Literal["refused", "flagged"]


@dataclass(frozen=True)
class BadInput:
    """One case of the corpus: papers handed in through `sohoa process` and `POST /dossiers`."""

    name: str
    """What is wrong, as the table shows it."""
    files: tuple[Path, ...]
    """The papers, in hand-in order."""
    procedure: str = GOOD_PROCEDURE
    """The procedure code handed in with them."""
    expect: Expectation = "refused"
    """`refused` (a clear error, nothing recorded) or `flagged` (accepted, the problem named in the report)."""


@dataclass(frozen=True)
class BadRequest:
    """A malformed HTTP request to `POST /dossiers`, sent as raw bytes (the API only)."""

    name: str
    """What is wrong, as the table shows it."""
    content_type: str
    """The request's Content-Type."""
    body: bytes
    """The request's body."""
    extra_headers: tuple[tuple[str, str], ...] = ()
    """More headers (e.g. one far too large)."""


def _page(text: str = "ĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP", size=(1240, 1754)) -> Image.Image:
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    for line in range(30):
        draw.rectangle((120, 160 + line * 48, 1100 - (line % 5) * 90, 180 + line * 48), fill=0)
    draw.text((120, 80), text, fill=0)
    return image


def _jpeg_bytes() -> bytes:
    out = io.BytesIO()
    _page().save(out, "JPEG", quality=85)
    return out.getvalue()


def _png_bytes() -> bytes:
    out = io.BytesIO()
    _page().save(out, "PNG")
    return out.getvalue()


def _tiny_png() -> bytes:
    out = io.BytesIO()
    Image.new("L", (64, 64), 255).save(out, "PNG")
    return out.getvalue()


def _tiff_bytes() -> bytes:
    out = io.BytesIO()
    _page().save(out, "TIFF", compression="tiff_lzw")
    return out.getvalue()


def _flip_middle(data: bytes, count: int = 64) -> bytes:
    mutable = bytearray(data)
    start = len(data) // 2
    for offset in range(count):
        mutable[start + offset * 7] ^= 0x5A
    return bytes(mutable)


def _png_bomb_header(width: int = 100_000, height: int = 100_000) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 1024)) + chunk(b"IEND", b"")


def _pdf(path: Path, pages: int = 1, javascript: bool = False, encrypt: bool = False) -> Path:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    if javascript:
        action = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('x')")))
        pdf.Root.OpenAction = action
        attachment = pikepdf.AttachedFileSpec(pdf, b"MZ not really a program", mime_type="application/octet-stream")
        pdf.attachments["tool.exe"] = attachment
    encryption = pikepdf.Encryption(owner="o", user="u") if encrypt else False
    pdf.save(path, encryption=encryption)
    return path


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def build_corpus(folder: Path) -> tuple[BadInput, ...]:
    """Write every case's files under `folder` and describe the cases."""
    folder.mkdir(parents=True, exist_ok=True)
    jpeg, png, tiff = _jpeg_bytes(), _png_bytes(), _tiff_bytes()
    good = _write(folder, "don-de-nghi.jpg", jpeg)
    return (
        BadInput("JPEG cut in half, FF D9 appended", (_write(folder, "nua-trang.jpg", jpeg[: len(jpeg) // 2] + b"\xff\xd9"),)),
        BadInput("JPEG with flipped bits", (_write(folder, "lat-bit.jpg", _flip_middle(jpeg)),)),
        BadInput("PNG cut short", (_write(folder, "cut.png", png[: len(png) // 2]),)),
        BadInput("PNG with flipped bits", (_write(folder, "lat-bit.png", _flip_middle(png)),)),
        BadInput("TIFF cut short", (_write(folder, "cut.tiff", tiff[: len(tiff) // 2]),)),
        BadInput("PDF cut short", (_write(folder, "cut.pdf", _pdf(folder / "full.pdf").read_bytes()[:200]),)),
        BadInput("PDF content named .jpg", (_write(folder, "giay-phep.jpg", _pdf(folder / "named.pdf").read_bytes()),)),
        BadInput("Word document", (_write(folder, "to-khai.docx", b"PK\x03\x04" + b"\0" * 200),)),
        BadInput("empty file", (_write(folder, "rong.pdf", b""),)),
        BadInput("encrypted PDF", (_pdf(folder / "mat-khau.pdf", encrypt=True),)),
        BadInput("decompression bomb (100,000² PNG header)", (_write(folder, "bom.png", _png_bomb_header()),)),
        BadInput("1,001-page PDF", (_pdf(folder / "nghin-trang.pdf", pages=1001),)),
        BadInput("good scan, then a corrupt one", (good, _write(folder, "hong.jpg", _flip_middle(jpeg, 400)))),
        BadInput("unknown procedure code", (good,), procedure="9.999999"),
        BadInput("malformed procedure code", (good,), procedure="../../etc/passwd"),
        BadInput("501 files in one dossier", (_write(folder, "nho.png", _tiny_png()),) * 501),
        BadInput("2,100 pages in one dossier (three 700-page PDFs)",
                 tuple(_pdf(folder / f"bay-tram-{n}.pdf", pages=700) for n in (1, 2, 3))),
        BadInput("PDF with JavaScript on open and an embedded program", (_pdf(folder / "js.pdf", javascript=True),),
                 expect="flagged"),
    )


def bad_requests() -> tuple[BadRequest, ...]:
    """Malformed requests to `POST /dossiers`."""
    part = (b"--b\r\nContent-Disposition: form-data; name=\"procedure_code\"\r\n\r\n" + GOOD_PROCEDURE.encode()
            + b"\r\n--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.jpg\"\r\n\r\n\xff\xd8\xff")
    return (
        BadRequest("multipart cut off (no closing boundary)", "multipart/form-data; boundary=b", part),
        BadRequest("multipart without a boundary", "multipart/form-data", b"garbage"),
        BadRequest("no files field", "multipart/form-data; boundary=b",
                   b"--b\r\nContent-Disposition: form-data; name=\"procedure_code\"\r\n\r\n2.000620\r\n--b--\r\n"),
        BadRequest("JSON body instead of a form", "application/json", b'{"procedure_code": "2.000620"}'),
        BadRequest("a 64 KB header", "multipart/form-data; boundary=b", b"--b--\r\n",
                   extra_headers=(("X-Padding", "a" * 65536),)),
    )
