"""Tests of sohoa.signing with real components: cryptography, pyHanko, pikepdf, poppler."""

from __future__ import annotations

import asyncio
import hashlib
import io
import re
import shutil
import stat
import subprocess
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pikepdf
import pikepdf.pdfa
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from PIL import Image
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from sohoa.signing import (
    CopyMarkError,
    CopySigner,
    SigningError,
    SigningInputError,
    SigningKeyError,
    SigningSettings,
    init_demo_identity,
    load_signer,
    check_signed_pdfa,
    sign_copy,
)

ORGANISATION = "Sở Công Thương tỉnh Thái Nguyên"
# Inside the validity of the demo identity the session makes (it starts a day before now): an hour ago,
# whole minutes, and the same instant as printed in Vietnam time.
SIGNING_TIME = (datetime.now(UTC) - timedelta(hours=1)).replace(second=0, microsecond=0)
PRINTED_TIME = SIGNING_TIME.astimezone(timezone(timedelta(hours=7))).isoformat()
A4 = (0, 0, 595, 842)


def make_pdfa_scan(path: Path, media_box=A4, rotate: int = 0) -> bytes:
    """A one-page PDF/A-2b 'scan': a JPEG drawn over the whole page, like the scanner makes."""
    pixels = np.full((283, 200, 3), 255, np.uint8)
    pixels[20:30, 10:190] = (180, 20, 20)
    jpeg = io.BytesIO()
    Image.fromarray(pixels).save(jpeg, "JPEG", quality=85)
    pdf = pikepdf.Pdf.new()
    image = pikepdf.Stream(pdf, jpeg.getvalue(), Type=pikepdf.Name.XObject,
                           Subtype=pikepdf.Name.Image, Width=200, Height=283,
                           ColorSpace=pikepdf.Name.DeviceRGB, BitsPerComponent=8,
                           Filter=pikepdf.Name.DCTDecode)  # fmt: skip
    x0, y0, x1, y1 = media_box
    draw = f"q {x1 - x0} 0 0 {y1 - y0} {x0} {y0} cm /Im0 Do Q".encode()
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=pikepdf.Array(list(media_box)),
        Contents=pikepdf.Stream(pdf, draw),
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image)),
    )
    if rotate:
        page.Rotate = rotate
    pdf.pages.append(pikepdf.Page(page))
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:  # as sohoa.pdfa.assemble writes it
        meta["dc:title"] = "Giấy chứng nhận đăng ký doanh nghiệp"
        meta["dc:creator"] = ["Trung tâm Phục vụ hành chính công"]
        meta["xmp:CreateDate"] = "2026-11-22T10:00:00+07:00"
        meta["xmp:CreatorTool"] = "sohoa"
    report = pikepdf.pdfa.save(pdf, path, "2b", output_intent="sRGB")
    assert report.passed, report.summary()
    return path.read_bytes()


def pdfsig_validations(path: Path) -> list[str]:
    """The 'Signature Validation:' verdicts pdfsig prints (it exits 0 even on failure)."""
    result = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)
    return re.findall(r"Signature Validation: (.+)", result.stdout)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("signing")


@pytest.fixture(scope="module")
def demo(workdir):
    return init_demo_identity(workdir / "identity", ORGANISATION)


@pytest.fixture(scope="module")
def settings(demo) -> SigningSettings:
    return SigningSettings(
        pkcs12_path=demo.pkcs12_path,
        passphrase_file=demo.passphrase_path,
        organisation=ORGANISATION,
    )


@pytest.fixture(scope="module")
def signer(settings) -> CopySigner:
    return load_signer(settings)


@pytest.fixture(scope="module")
def original(workdir) -> bytes:
    return make_pdfa_scan(workdir / "scan.pdf")


@pytest.fixture(scope="module")
def signed_path(workdir, original, signer) -> Path:
    copy = sign_copy(original, signer, SIGNING_TIME)
    path = workdir / "signed.pdf"
    path.write_bytes(copy.data)
    return path


def test_signed_copy_result(original, signer, demo):
    copy = sign_copy(original, signer, SIGNING_TIME)
    assert isinstance(signer, CopySigner)
    assert copy.signing_time.isoformat() == PRINTED_TIME
    assert copy.signer_subject == demo.subject
    assert copy.field_name == "SohoaBanSao1"
    assert copy.sha256 == hashlib.sha256(copy.data).hexdigest()


def test_signed_file_starts_with_the_original_bytes(original, signed_path):
    signed = signed_path.read_bytes()
    assert signed.startswith(original) and len(signed) > len(original)
    assert signed.count(b"%%EOF") == original.count(b"%%EOF") + 1


def test_pdfsig_says_valid(signed_path):
    assert pdfsig_validations(signed_path) == ["Signature is Valid."]
    report = subprocess.run(["pdfsig", str(signed_path)], capture_output=True, text=True).stdout
    assert "Signature Type: ETSI.CAdES.detached" in report
    assert "Total document signed" in report


def test_flipping_a_signed_byte_invalidates(workdir, signed_path):
    data = bytearray(signed_path.read_bytes())
    jpeg_start = data.index(b"\xff\xd8\xff")  # inside the scan, in the first signed range
    data[jpeg_start + 200] ^= 0xFF
    tampered = workdir / "tampered.pdf"
    tampered.write_bytes(bytes(data))
    verdicts = pdfsig_validations(tampered)
    assert len(verdicts) == 1 and verdicts != ["Signature is Valid."]


def test_pyhanko_validates_against_the_demo_root(signed_path, demo):
    context = ValidationContext(trust_roots=[load_cert_from_pemder(str(demo.root_cert_path))])
    with signed_path.open("rb") as handle:
        signature = PdfFileReader(handle).embedded_signatures[0]
        status = validate_pdf_signature(signature, context)
        assert status.bottom_line, status.pretty_print_details()
        assert status.coverage.name == "ENTIRE_FILE"
        assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
        assert signature.sig_object["/M"] == SIGNING_TIME.astimezone(timezone(timedelta(hours=7))).strftime("D:%Y%m%d%H%M%S+07'00'")
        assert signature.sig_object["/Reason"].startswith("Sao y bản chính điện tử")


def test_copy_mark_text_extracts_with_vietnamese_diacritics(signed_path):
    text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(signed_path), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    flat = " ".join(text.split())
    assert ORGANISATION in flat  # exact code points: ở, ư, ơ, ỉ, á, ê
    assert "SAO Y" in flat and PRINTED_TIME in flat and "+07:00" in flat


# (media box, /Rotate, user-space quarter that is displayed top right: x high?, y high?)
GEOMETRIES = [
    (A4, 0, (True, True)),
    (A4, 90, (False, True)),
    ((50, 100, 662, 892), 270, (True, False)),  # Letter with an offset origin
    ((0, 0, 595, 420), 180, (False, False)),  # A5 landscape
]


@pytest.mark.parametrize(("media_box", "rotate", "quarter"), GEOMETRIES)
def test_mark_sits_top_right_as_displayed(workdir, signer, media_box, rotate, quarter):
    path = workdir / f"geometry-{rotate}.pdf"
    signed = sign_copy(make_pdfa_scan(path, media_box, rotate), signer, SIGNING_TIME)
    path.write_bytes(signed.data)
    with pikepdf.open(path) as pdf:
        (widget,) = pdf.pages[0].obj.Annots
        left, bottom, right, top = (float(v) for v in widget.Rect)
    x0, y0, x1, y1 = media_box
    mid_x, mid_y = (x0 + x1) / 2, (y0 + y1) / 2
    x_high, y_high = quarter
    assert (left >= mid_x) if x_high else (right <= mid_x)
    assert (bottom >= mid_y) if y_high else (top <= mid_y)
    # Independent check through poppler: text upright, in the displayed top-right quarter.
    bbox = subprocess.run(["pdftotext", "-bbox", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout  # fmt: skip
    width, height = x1 - x0, y1 - y0
    shown_w, shown_h = (height, width) if rotate % 180 else (width, height)
    words = re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">', bbox)
    assert len(words) >= 3
    for x_min, y_min, x_max, y_max in (map(float, w) for w in words):
        assert x_min >= shown_w / 2 and x_max <= shown_w and y_max <= shown_h / 2
        assert x_max - x_min > y_max - y_min  # horizontal text, not turned with the page


def test_widget_follows_pdfa_annotation_rules(signed_path):
    with pikepdf.open(signed_path) as pdf:
        (widget,) = pdf.pages[0].obj.Annots
        flags = int(widget.F)
        assert flags & 4 and not flags & (1 | 2 | 32)  # Print; not Invisible/Hidden/NoView
        assert set(widget.AP.keys()) == {"/N"}
        assert "/A" not in widget and "/AA" not in widget
        assert not pdf.Root.AcroForm.get("/NeedAppearances", False)
        font = widget.AP.N.Resources.Font.F1
        assert "/FontFile2" in font.DescendantFonts[0].FontDescriptor  # embedded TrueType
        assert "/ToUnicode" in font
        widget.F = 0  # not printable: check_signed_pdfa must notice
        broken = io.BytesIO()
        pdf.save(broken)
    assert "6.3.2" in " ".join(check_signed_pdfa(broken.getvalue()).widget_findings)


def test_pdfa_check_finds_no_violation(signed_path):
    """pikepdf's validator does not support /AcroForm (which every signature needs): it stops
    at the catalog with an 'unsupported' finding. That must be the only finding."""
    with pikepdf.open(signed_path) as pdf:
        report = pikepdf.pdfa.check(pdf, "2b")
    assert not report.violations, report.summary()
    assert report.unsupported, "pikepdf now checks /AcroForm: tighten this test to .passed"
    assert all(f.where.endswith("(Catalog) /AcroForm") for f in report.unsupported), (
        report.summary()
    )


def test_pdfa_check_passes_on_everything_else(signed_path):
    """check_signed_pdfa lets the validator see what it skips: signature widgets become page
    content (their appearance streams drawn in place), the PAdES /ESIC mark is dropped, and the
    whole file must then pass (fonts, metadata, colour, the incremental update's objects)."""
    report = check_signed_pdfa(signed_path)
    assert report.without_form.passed, report.summary()
    assert report.passed, report.summary()
    assert report.passed == check_signed_pdfa(signed_path.read_bytes()).passed


def test_second_signature_keeps_both_valid(workdir, signed_path, signer):
    again = sign_copy(signed_path.read_bytes(), signer, SIGNING_TIME)
    assert again.field_name == "SohoaBanSao2"
    path = workdir / "signed-twice.pdf"
    path.write_bytes(again.data)
    assert pdfsig_validations(path) == ["Signature is Valid."] * 2


def test_key_is_loaded_once(workdir, demo, original):
    copied = workdir / "once"
    copied.mkdir()
    p12 = Path(shutil.copy(demo.pkcs12_path, copied))
    passphrase = demo.passphrase_path.read_text().strip()
    signer = load_signer(SigningSettings(p12, organisation=ORGANISATION),
                         environ={"SOHOA_SIGNING_PASSPHRASE": passphrase})  # fmt: skip
    p12.unlink()
    assert sign_copy(original, signer, SIGNING_TIME).data.startswith(original)


def test_wrong_passphrase_names_the_file_not_the_secret(demo):
    settings = SigningSettings(demo.pkcs12_path, passphrase_env="TEST_PASS", organisation="X")
    with pytest.raises(SigningKeyError) as caught:
        load_signer(settings, environ={"TEST_PASS": "hunter2-wrong"})
    message = str(caught.value)
    assert str(demo.pkcs12_path) in message and "wrong passphrase" in message
    assert "hunter2" not in message
    assert demo.passphrase_path.read_text().strip() not in message


def test_missing_passphrase_and_missing_or_corrupt_file(workdir, demo):
    with pytest.raises(SigningKeyError, match="SOHOA_SIGNING_PASSPHRASE"):
        load_signer(SigningSettings(demo.pkcs12_path, organisation="X"), environ={})
    missing = workdir / "nope.p12"
    with pytest.raises(SigningKeyError, match=re.escape(str(missing))):
        load_signer(SigningSettings(missing, passphrase_file=demo.passphrase_path,
                                    organisation="X"))  # fmt: skip
    corrupt = workdir / "corrupt.p12"
    corrupt.write_bytes(demo.pkcs12_path.read_bytes()[:300])
    with pytest.raises(SigningKeyError, match=re.escape(str(corrupt))):
        load_signer(SigningSettings(corrupt, passphrase_file=demo.passphrase_path,
                                    organisation="X"))  # fmt: skip


def test_font_without_the_needed_glyphs_is_refused(settings):
    with pytest.raises(CopyMarkError, match="no glyph"):
        load_signer(SigningSettings(settings.pkcs12_path, passphrase_file=settings.passphrase_file,
                                    organisation="Sở 東京"))  # fmt: skip


def test_bad_inputs_are_refused(original, signer):
    with pytest.raises(SigningInputError, match="timezone-aware"):
        sign_copy(original, signer, datetime(2026, 11, 22, 11, 5))
    with pytest.raises(SigningInputError, match="not a PDF"):
        sign_copy(b"GIF89a", signer, SIGNING_TIME)
    with pytest.raises(SigningInputError):
        sign_copy(original[: len(original) // 2], signer, SIGNING_TIME)


def test_refuses_to_block_an_event_loop(original, signer):
    async def from_async_code():
        sign_copy(original, signer, SIGNING_TIME)

    with pytest.raises(SigningError, match="to_thread"):
        asyncio.run(from_async_code())


def test_demo_identity_is_idempotent_and_private(workdir, demo):
    files = (demo.pkcs12_path, demo.root_cert_path, demo.passphrase_path)
    before = {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in files}
    again = init_demo_identity(demo.pkcs12_path.parent, "another name is ignored")
    assert again == demo
    assert {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in files} == before
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_demo_certificates(demo):
    root = x509.load_pem_x509_certificate(demo.root_cert_path.read_bytes())
    assert "NOT FOR PRODUCTION" in root.subject.rfc4514_string()
    passphrase = demo.passphrase_path.read_text().strip().encode()
    key, cert, chain = pkcs12.load_key_and_certificates(demo.pkcs12_path.read_bytes(), passphrase)
    assert key.key_size == 2048 and chain == [root]
    common_name = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value
    assert "DEMO - NOT FOR PRODUCTION" in common_name
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    assert (cert.not_valid_after_utc - cert.not_valid_before_utc).days >= 2 * 365


def test_demo_identity_with_given_passphrase(tmp_path):
    made = init_demo_identity(tmp_path, ORGANISATION, passphrase="correct horse")
    assert made.passphrase_path.read_text() == "correct horse\n"
    with pytest.raises(SigningKeyError, match=re.escape(str(made.pkcs12_path))):
        init_demo_identity(tmp_path, ORGANISATION, passphrase="wrong horse")
