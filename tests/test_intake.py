"""Intake: files identified by content; bad input rejected with the file's name and the reason."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from sohoa.errors import InputRejected
from sohoa.intake.files import IntakeLimits, inspect_file, inspect_files, list_pages, sha256_file

LIMITS = IntakeLimits()


def _jpeg(path: Path, size=(400, 300)) -> Path:
    Image.new("RGB", size, (240, 240, 240)).save(path, "JPEG", dpi=(300, 300))
    return path


def _png_header_only(path: Path, width: int, height: int) -> Path:
    """A valid PNG that claims huge dimensions: the shape of a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))
    return path


def _pdf_with_text(path: Path, text: str) -> Path:
    from fpdf import FPDF

    document = FPDF()
    document.add_page()
    document.add_font("serif", fname="/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")
    document.set_font("serif", size=12)
    document.multi_cell(0, 8, text)
    document.output(str(path))
    return path


def _rejected(path: Path) -> InputRejected:
    with pytest.raises(InputRejected) as caught:
        inspect_file(path, LIMITS)
    assert caught.value.file_name == path.name
    assert path.name in str(caught.value)
    return caught.value


def test_jpeg_is_accepted_with_its_digest(tmp_path):
    accepted = inspect_file(_jpeg(tmp_path / "scan.jpg"), LIMITS)
    assert accepted.media_type == "image/jpeg"
    assert accepted.page_count == 1
    assert accepted.sha256 == sha256_file(tmp_path / "scan.jpg")
    assert accepted.born_digital_texts == (None,)


def test_multipage_tiff_lists_every_frame_in_order(tmp_path):
    frames = [Image.new("RGB", (300, 400), colour) for colour in ("white", "gray", "white")]
    frames[0].save(tmp_path / "bundle.tiff", save_all=True, append_images=frames[1:], compression="tiff_lzw")
    first = inspect_file(_jpeg(tmp_path / "a.jpg"), LIMITS)
    bundle = inspect_file(tmp_path / "bundle.tiff", LIMITS)
    pages = list_pages((first, bundle))
    assert [(p.file_name, p.frame, p.index) for p in pages] == [
        ("a.jpg", 0, 0), ("bundle.tiff", 0, 1), ("bundle.tiff", 1, 2), ("bundle.tiff", 2, 3)]


def test_born_digital_pdf_keeps_its_own_text(tmp_path):
    text = "Đơn đề nghị cấp Giấy phép bán lẻ rượu của Công ty TNHH Thương mại Đức Thành, tỉnh Thái Nguyên."
    accepted = inspect_file(_pdf_with_text(tmp_path / "don.pdf", text), LIMITS)
    assert accepted.media_type == "application/pdf"
    assert "Giấy phép bán lẻ rượu" in accepted.born_digital_texts[0]


def test_empty_file(tmp_path):
    (tmp_path / "empty.jpg").write_bytes(b"")
    assert "empty" in _rejected(tmp_path / "empty.jpg").reason


def test_unsupported_type(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    assert "unsupported file type" in _rejected(tmp_path / "notes.txt").reason


def test_content_that_does_not_match_the_extension(tmp_path):
    _jpeg(tmp_path / "scan.jpg")
    (tmp_path / "scan.pdf").write_bytes((tmp_path / "scan.jpg").read_bytes())
    reason = _rejected(tmp_path / "scan.pdf").reason
    assert "image/jpeg" in reason and "application/pdf" in reason


def test_truncated_jpeg(tmp_path):
    data = _jpeg(tmp_path / "full.jpg", (800, 600)).read_bytes()
    (tmp_path / "cut.jpg").write_bytes(data[: len(data) // 2])
    assert "truncated" in _rejected(tmp_path / "cut.jpg").reason


def test_truncated_pdf(tmp_path):
    data = _pdf_with_text(tmp_path / "full.pdf", "Giấy chứng nhận " * 40).read_bytes()
    (tmp_path / "cut.pdf").write_bytes(data[: len(data) - 200])
    assert "truncated" in _rejected(tmp_path / "cut.pdf").reason


def test_corrupt_pdf_body(tmp_path):
    (tmp_path / "junk.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 100 + b"\n%%EOF\n")
    assert "PDF" in _rejected(tmp_path / "junk.pdf").reason


def test_encrypted_pdf(tmp_path):
    source = _pdf_with_text(tmp_path / "plain.pdf", "Hợp đồng nguyên tắc " * 20)
    with pikepdf.open(source) as pdf:
        pdf.save(tmp_path / "locked.pdf", encryption=pikepdf.Encryption(owner="o", user="secret"))
    assert "encrypted" in _rejected(tmp_path / "locked.pdf").reason


def test_encrypted_pdf_without_user_password_is_still_rejected(tmp_path):
    source = _pdf_with_text(tmp_path / "plain.pdf", "Hợp đồng nguyên tắc " * 20)
    with pikepdf.open(source) as pdf:
        pdf.save(tmp_path / "restricted.pdf", encryption=pikepdf.Encryption(owner="owner", user=""))
    assert "encrypted" in _rejected(tmp_path / "restricted.pdf").reason


def test_decompression_bomb_is_refused_from_its_header(tmp_path):
    reason = _rejected(_png_header_only(tmp_path / "bomb.png", 60_000, 60_000)).reason
    assert "decompression bomb" in reason


def test_corrupt_image_header(tmp_path):
    (tmp_path / "bad.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64 + b"IEND\xaeB`\x82")
    assert "corrupt" in _rejected(tmp_path / "bad.png").reason


def test_oversized_file(tmp_path):
    path = _jpeg(tmp_path / "scan.jpg")
    with pytest.raises(InputRejected, match="over the limit"):
        inspect_file(path, IntakeLimits(max_file_bytes=100))


def _photo_like(path: Path, image_format: str) -> bytes:
    """A page with content (a flat page compresses to almost nothing and hides damage)."""
    import numpy as np

    pixels = (np.random.default_rng(7).random((600, 800)) * 255).astype("uint8")
    Image.fromarray(pixels).save(path, image_format)
    return path.read_bytes()


def test_a_jpeg_cut_in_half_with_its_end_marker_appended_is_refused_at_intake(tmp_path):
    data = _photo_like(tmp_path / "full.jpg", "JPEG")
    (tmp_path / "to-khai.jpg").write_bytes(data[: len(data) // 2] + b"\xff\xd9")
    assert "premature end of data" in _rejected(tmp_path / "to-khai.jpg").reason


def test_a_png_with_damaged_image_data_is_refused_at_intake(tmp_path):
    data = bytearray(_photo_like(tmp_path / "full.png", "PNG"))
    data[len(data) // 2] ^= 0xFF
    (tmp_path / "giay-phep.png").write_bytes(bytes(data))
    assert "checksum" in _rejected(tmp_path / "giay-phep.png").reason


def test_a_corrupt_image_error_names_the_file_not_its_folder(tmp_path):
    (tmp_path / "cut.tiff").write_bytes(b"II*\x00" + b"\xff" * 200)  # Pillow's message names the path it opened
    reason = _rejected(tmp_path / "cut.tiff").reason
    assert str(tmp_path) not in reason and "cut.tiff" in reason


def test_a_tiff_whose_strips_point_past_its_end_is_refused(tmp_path):
    _photo_like(tmp_path / "full.tiff", "TIFF")
    with Image.open(tmp_path / "full.tiff") as image:
        image.save(tmp_path / "strips.tiff", "TIFF", rows_per_strip=16)  # header first, strips after it
    data = (tmp_path / "strips.tiff").read_bytes()
    (tmp_path / "cut.tiff").write_bytes(data[: int(len(data) * 0.7)])
    assert "truncated" in _rejected(tmp_path / "cut.tiff").reason


def _pdf_with_active_content(path: Path) -> Path:
    source = _pdf_with_text(path.with_name("plain-" + path.name), "Đơn đề nghị cấp giấy phép kinh doanh " * 10)
    with pikepdf.open(source) as pdf:
        javascript = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
        pdf.Root.OpenAction = pdf.make_indirect(javascript)
        pdf.attachments["tool.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ", mime_type="application/octet-stream")
        page = pdf.pages[0].obj
        page.AA = pikepdf.Dictionary(O=pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe")))
        page.Annots = pdf.make_indirect(pikepdf.Array([pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 100, 100],
            A=pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(2)"))), pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 100, 100, 200],  # harmless, then JavaScript
            A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://example.org"),
                                 Next=pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(3)")))),
            pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Screen, Rect=[0, 200, 100, 300])]))
        pdf.save(path)
    return path


def test_active_content_in_a_pdf_is_named(tmp_path):
    accepted = inspect_file(_pdf_with_active_content(tmp_path / "to-khai.pdf"), LIMITS)
    found = " | ".join(accepted.active_content)
    for expected in ("JavaScript run on open", "embedded file 'tool.exe'", "launch action", "JavaScript in a link on page 1",
                     "a media screen on page 1"):
        assert expected in found, found
    assert inspect_file(_pdf_with_text(tmp_path / "clean.pdf", "Giấy chứng nhận " * 10), LIMITS).active_content == ()


def test_a_pdfa_copy_never_carries_active_content(tmp_path):
    from datetime import UTC, datetime

    from sohoa.pdfa.assemble import DocumentMetadata, assemble_pdfa

    source = _pdf_with_active_content(tmp_path / "to-khai.pdf")
    out = tmp_path / "copy.pdf"
    assemble_pdfa([(source, 0)], DocumentMetadata("Tờ khai", "d", "UBND", datetime.now(UTC)), out)
    with pikepdf.open(out) as copy:
        assert copy.attachments.keys() == set() or not list(copy.attachments.keys())
        assert "/OpenAction" not in copy.Root and "/AA" not in copy.pages[0].obj
        for obj in copy.objects:
            if isinstance(obj, pikepdf.Dictionary):
                assert obj.get("/S") not in (pikepdf.Name.JavaScript, pikepdf.Name.Launch), repr(obj)
                assert "/JS" not in obj and obj.get("/Subtype") != pikepdf.Name.Screen, repr(obj)


def test_a_malformed_annotation_list_is_no_crash(tmp_path):
    path = _pdf_with_text(tmp_path / "plain.pdf", "Đơn đề nghị cấp giấy phép kinh doanh " * 10)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.pages[0].obj.Annots = 5  # not an array: ignored, not a 500
        pdf.save(path)
    assert inspect_file(path, LIMITS).active_content == ()


def test_a_dossier_over_its_file_cap_is_refused_before_any_file_is_read(tmp_path):
    limits = IntakeLimits(max_dossier_files=3)
    files = tuple(tmp_path / f"scan-{n}.jpg" for n in range(3))  # none of them exists: none may be read
    with pytest.raises(InputRejected) as caught:
        inspect_files(files, limits, files_before=1)
    assert caught.value.file_name == "scan-2.jpg" and "4 files, over the limit of 3 per dossier" in caught.value.reason
    assert len(inspect_files(tuple(_jpeg(tmp_path / f"ok-{n}.jpg") for n in range(3)), limits)) == 3


def test_a_dossier_over_its_page_cap_is_refused_naming_the_file_that_crosses_it(tmp_path):
    limits = IntakeLimits(max_dossier_pages=5)
    first, second = tmp_path / "bon-trang.pdf", tmp_path / "hai-trang.pdf"
    for path, count in ((first, 4), (second, 2)):
        pdf = pikepdf.new()
        for _ in range(count):
            pdf.add_blank_page(page_size=(595, 842))
        pdf.save(path)
    assert sum(f.page_count for f in inspect_files((first,), limits, pages_before=1)) == 4
    with pytest.raises(InputRejected) as caught:
        inspect_files((first, second), limits)
    assert caught.value.file_name == "hai-trang.pdf" and "6 pages, over the limit of 5 per dossier" in caught.value.reason
    with pytest.raises(InputRejected):
        inspect_files((second,), limits, pages_before=4)  # a supplement counts the pages the dossier holds
