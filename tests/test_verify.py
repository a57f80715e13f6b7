"""Verification reports against the offline test PKI (tests.conftest_pki): good files per PAdES
level, tamper cases, revoked/expired/untrusted signers, and independent cross-checks with
poppler's pdfsig and openssl cms. Real components only: certomancer over HTTP on 127.0.0.1,
pyHanko, pikepdf, poppler, openssl."""

from __future__ import annotations

import io
import json
import logging
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pikepdf
import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from typer.testing import CliRunner

from sohoa.signing import SigningError, SigningSettings, load_signer, sign_copy
from sohoa.tools.testpki import ORGANISATION, TestPki
from sohoa.signing.verify import TrustSettings, verify_pdf
from sohoa.signing.verify_model import ArchiveMatch, VerificationReport
from sohoa.signing.verify_render import render_html, render_json, render_pdf
from tests.test_signing import make_pdfa_scan

LEVELS = ("B-B", "B-T", "B-LT", "B-LTA")


@pytest.fixture(autouse=True, scope="module")
def _quiet_pyhanko():
    # pyHanko logs every failed path validation with a traceback; the report carries the reason.
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    yield


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("verify")


@pytest.fixture(scope="module")
def scan(workdir) -> bytes:
    return make_pdfa_scan(workdir / "scan.pdf")


def settings_for(pki: TestPki, label: str, **kwargs) -> SigningSettings:
    return SigningSettings(pki.pkcs12(label), passphrase_file=pki.passphrase_path,
                           organisation=ORGANISATION, timestamp_url=pki.tsa_url, **kwargs)


@pytest.fixture(scope="module")
def signer(test_pki):
    return load_signer(settings_for(test_pki, "signer"))


@pytest.fixture(scope="module")
def trust(test_pki) -> TrustSettings:
    return TrustSettings((test_pki.root_pem,))


@pytest.fixture(scope="module")
def signed(scan, signer) -> dict[str, bytes]:
    """The scan signed once at every level."""
    return {level: sign_copy(scan, signer, level=level).data for level in LEVELS}


def only_signature(report: VerificationReport):
    sigs = [s for s in report.signatures if s.kind == "signature"]
    assert len(sigs) == 1, report.signatures
    return sigs[0]


def codes(report: VerificationReport) -> set[str]:
    found = {m.code for m in report.messages}
    for sig in report.signatures:
        found |= {m.code for m in sig.messages}
    return found


# --- good files -------------------------------------------------------------------------------

@pytest.mark.parametrize("level", LEVELS)
def test_signed_file_passes_at_its_level(signed, trust, level):
    report = verify_pdf(signed[level], trust)
    sig = only_signature(report)
    assert (report.indication, sig.indication, sig.sub_indication) == ("TOTAL_PASSED", "TOTAL_PASSED", None)
    assert sig.pades_level == level
    assert sig.trusted and sig.intact and sig.crypto_valid and sig.covers_whole_file == (level in ("B-B", "B-T"))
    assert sig.revocation.status == "good"
    assert sig.revocation.embedded == (level in ("B-LT", "B-LTA"))
    assert [c.subject.split(",")[0] for c in sig.chain] == [
        "Common Name: TEST signer", "Common Name: sohoa TEST intermediate CA", "Common Name: sohoa TEST root CA"]
    assert sig.signer.subject.startswith("Common Name: TEST signer")
    assert sig.reason.startswith("Sao y bản chính điện tử")
    assert sig.modification_level == ("NONE" if level in ("B-B", "B-T") else "LTA_UPDATES")
    assert sig.modifications_permitted is True
    assert (sig.timestamp is not None) == (level != "B-B")
    if sig.timestamp:
        assert sig.timestamp.trusted and sig.timestamp.tsa.startswith("Common Name: sohoa TEST TSA")
        assert sig.best_signature_time == sig.timestamp.time
    assert report.pdfa is not None and report.pdfa.passed, report.pdfa.summary
    if level == "B-LTA":
        doc_ts = [s for s in report.signatures if s.kind == "document_timestamp"]
        assert len(doc_ts) == 1 and doc_ts[0].indication == "TOTAL_PASSED"


def test_long_term_levels_verify_offline_from_embedded_revocation_data(signed, test_pki):
    offline = TrustSettings((test_pki.root_pem,), allow_fetching=False)
    for level in ("B-LT", "B-LTA"):
        assert verify_pdf(signed[level], offline).indication == "TOTAL_PASSED", level
    # B-B carries no revocation data: offline it cannot be decided, and never passes.
    report = verify_pdf(signed["B-B"], offline)
    sig = only_signature(report)
    assert (sig.indication, sig.sub_indication, sig.revocation.status) == ("INDETERMINATE", "TRY_LATER", "unavailable")


def test_signing_levels_need_a_timestamp_url(test_pki, scan):
    with pytest.raises(SigningError, match="timestamp_url"):
        SigningSettings(test_pki.pkcs12("signer"), passphrase_file=test_pki.passphrase_path,
                        organisation=ORGANISATION, level="B-T")
    settings = settings_for(test_pki, "signer")
    assert settings.level_for("copy") == "B-B" and settings.level_for("result") == "B-LTA"
    offline = SigningSettings(test_pki.pkcs12("signer"), passphrase_file=test_pki.passphrase_path,
                              organisation=ORGANISATION)
    assert offline.level_for("result") == "B-B"  # no TSA configured: the pipeline keeps working offline
    signer = load_signer(settings)
    result = verify_pdf(sign_copy(scan, signer, kind="result").data, TrustSettings((test_pki.root_pem,)))
    assert [s.pades_level for s in result.signatures] == ["B-LTA", None]  # signature + document timestamp
    assert result.indication == "TOTAL_PASSED"
    assert signer.level_for("copy") == "B-B" and load_signer(offline).level_for("result") == "B-B"


def test_archive_lookup_and_renderers(signed, trust):
    data = signed["B-B"]
    import hashlib

    digest = hashlib.sha256(data).hexdigest()
    archive = {digest: ArchiveMatch(dossier_code="000.00.06.H56-231027-0361", kind="signed", key=f"signed/{digest}")}
    report = verify_pdf(data, trust, archive.get, file_name="ban-sao.pdf")
    assert report.archive_checked and report.archive_match.dossier_code == "000.00.06.H56-231027-0361"
    assert json.loads(render_json(report))["signatures"][0]["indication"] == "TOTAL_PASSED"
    assert VerificationReport.model_validate_json(render_json(report)) == report
    page = render_html(report)
    assert "<script" not in page and "Hợp lệ / Valid" in page and "000.00.06.H56-231027-0361" in page
    pdf = render_pdf(report)
    assert pdf.startswith(b"%PDF-")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Hợp lệ / Valid" in text and "000.00.06.H56-231027-0361" in text
    other = verify_pdf(signed["B-T"], trust, archive.get)
    assert other.archive_checked and other.archive_match is None and "NO_ARCHIVE_MATCH" in codes(other)


def test_every_report_field_is_described():
    from pydantic import BaseModel

    from sohoa.signing import verify_model

    for model in vars(verify_model).values():
        if isinstance(model, type) and issubclass(model, BaseModel) and model.__module__ == verify_model.__name__:
            for name, info in model.model_fields.items():
                assert info.description, f"{model.__name__}.{name}"


# --- tamper cases -----------------------------------------------------------------------------

def flip_signed_byte(data: bytes) -> bytes:
    out = bytearray(data)
    out[out.index(b"\xff\xd8\xff") + 200] ^= 0xFF  # inside the scan's JPEG, first signed range
    return bytes(out)


def incremental(data: bytes, change) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    change(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def add_page_content(writer: IncrementalPdfFileWriter) -> None:
    stream = generic.StreamObject(stream_data=b"q 1 0 0 rg 100 400 300 60 re f Q")
    writer.add_stream_to_page(0, writer.add_object(stream))


def replace_page_content(writer: IncrementalPdfFileWriter) -> None:
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    contents = page.raw_get("/Contents")
    ref = contents[0] if isinstance(contents, generic.ArrayObject) else contents
    stream = ref.get_object()
    stream._data = b"q 0 0 1 rg 0 0 595 842 re f Q"  # a blank blue page instead of the scan
    stream._encoded_data = None
    stream.pop("/Filter", None)
    writer.update_container(stream)
    writer.mark_update(ref)


def append_page(writer: IncrementalPdfFileWriter) -> None:
    from pyhanko.pdf_utils.writer import PageObject

    page = PageObject(contents=writer.add_object(generic.StreamObject(stream_data=b"0 0 1 rg 50 50 100 100 re f")),
                      media_box=generic.ArrayObject(generic.NumberObject(v) for v in (0, 0, 595, 842)))
    writer.insert_page(page)


def make_shadow_document(path: Path) -> bytes:
    """PDF/A-2b whose page draws form /Fx0 (the genuine content) and also carries an unused form
    /Fx1 (the attacker's content), hidden: signed, then swapped in by an update (shadow attack,
    'replace' class: the signed bytes already hold the fake content)."""
    pdf = pikepdf.Pdf.new()
    genuine = pikepdf.Stream(pdf, b"0 0.5 0 rg 50 700 200 50 re f", Type=pikepdf.Name.XObject,
                             Subtype=pikepdf.Name.Form, BBox=[0, 0, 595, 842])
    fake = pikepdf.Stream(pdf, b"1 0 0 rg 50 700 400 50 re f", Type=pikepdf.Name.XObject,
                          Subtype=pikepdf.Name.Form, BBox=[0, 0, 595, 842])
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page, MediaBox=[0, 0, 595, 842],
        Contents=pikepdf.Stream(pdf, b"q /Fx0 Do Q"),
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Fx0=genuine, Fx1=fake)),
    )
    pdf.pages.append(pikepdf.Page(page))
    pikepdf.pdfa.save(pdf, path, "2b", output_intent="sRGB")
    return path.read_bytes()


def swap_shadow_content(writer: IncrementalPdfFileWriter) -> None:
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    resources = page["/Resources"]
    xobjects = resources["/XObject"]
    fake = xobjects.raw_get("/Fx1")
    xobjects["/Fx0"] = fake
    writer.update_container(page)
    writer.update_container(resources)
    writer.update_container(xobjects)


def test_flipped_signed_byte_is_hash_failure(signed, trust):
    report = verify_pdf(flip_signed_byte(signed["B-B"]), trust)
    sig = only_signature(report)
    assert (report.indication, sig.sub_indication, sig.intact) == ("TOTAL_FAILED", "HASH_FAILURE", False)
    assert "HASH_FAILURE" in codes(report)


@pytest.mark.parametrize("change", [add_page_content, replace_page_content, append_page],
                         ids=["content-added", "content-replaced", "page-appended"])
def test_incremental_update_after_signing_fails(signed, trust, change):
    report = verify_pdf(incremental(signed["B-B"], change), trust)
    sig = only_signature(report)
    assert (report.indication, sig.indication, sig.sub_indication) == ("TOTAL_FAILED", "TOTAL_FAILED", "FORMAT_FAILURE")
    assert sig.intact and sig.crypto_valid and sig.trusted  # the signed bytes are fine ...
    assert not sig.covers_whole_file and sig.revisions_after == 1  # ... but more was added
    assert sig.modification_level == "OTHER" and sig.modifications_permitted is False
    assert "MODIFIED_AFTER_SIGNING" in codes(report)
    # failure dominates: still TOTAL_FAILED when revocation data cannot be had (offline)
    offline = verify_pdf(incremental(signed["B-B"], change), TrustSettings(trust.trust_anchors, allow_fetching=False))
    assert (offline.indication, offline.sub_indication) == ("TOTAL_FAILED", "FORMAT_FAILURE")


def test_shadow_attack_content_swap_fails(workdir, signer, trust):
    original = make_shadow_document(workdir / "shadow.pdf")
    good = sign_copy(original, signer).data
    assert verify_pdf(good, trust).indication == "TOTAL_PASSED"
    report = verify_pdf(incremental(good, swap_shadow_content), trust)
    sig = only_signature(report)
    assert (report.indication, sig.sub_indication, sig.modification_level) == ("TOTAL_FAILED", "FORMAT_FAILURE", "OTHER")
    assert sig.modification_detail  # pyHanko's reason, shown to the auditor
    assert "MODIFIED_AFTER_SIGNING" in codes(report)


def test_truncated_file_fails(signed, trust):
    data = signed["B-B"]
    for cut in (len(data) - 200, len(data) // 2):
        report = verify_pdf(data[:cut], trust)
        assert report.indication == "TOTAL_FAILED", (cut, report.signatures)
        assert report.sub_indication in {"FORMAT_FAILURE", "HASH_FAILURE"}


def test_untrusted_ca_is_indeterminate(test_pki, scan, trust):
    stranger = load_signer(settings_for(test_pki, "stranger"))
    report = verify_pdf(sign_copy(scan, stranger).data, trust)
    sig = only_signature(report)
    assert (report.indication, sig.sub_indication, sig.trusted) == ("INDETERMINATE", "NO_CERTIFICATE_CHAIN_FOUND", False)
    assert sig.intact and sig.crypto_valid


def test_revoked_signer_is_not_passed(test_pki, scan, trust):
    revoked = load_signer(settings_for(test_pki, "revoked"))
    report = verify_pdf(sign_copy(scan, revoked).data, trust)
    sig = only_signature(report)
    assert (report.indication, sig.sub_indication) == ("INDETERMINATE", "REVOKED_NO_POE")
    assert sig.revocation.status == "revoked"
    assert sig.revocation.revoked_at == datetime(2026, 1, 1, tzinfo=UTC)
    assert sig.revocation.reason == "key_compromise"


def test_expired_certificate_without_timestamp_is_indeterminate(test_pki, scan, trust):
    expired = load_signer(settings_for(test_pki, "expired"))
    data = sign_copy(scan, expired, datetime(2021, 6, 1, tzinfo=UTC)).data
    report = verify_pdf(data, trust)
    sig = only_signature(report)
    assert (report.indication, sig.sub_indication) == ("INDETERMINATE", "OUT_OF_BOUNDS_NO_POE")
    assert sig.claimed_signing_time == datetime(2021, 6, 1, 7, tzinfo=sig.claimed_signing_time.tzinfo)


def test_unsigned_file_is_not_passed(scan, trust):
    report = verify_pdf(scan, trust)
    assert (report.indication, report.sub_indication, report.signatures) == ("INDETERMINATE", "SIGNED_DATA_NOT_FOUND", ())
    assert report.pdfa.passed


# --- independent cross-checks -----------------------------------------------------------------

def pdfsig_report(path: Path) -> str:
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout


def signature_contents(data: bytes) -> list[tuple[list[int], bytes]]:
    """(ByteRange, DER CMS) of every signature, read with regular expressions (no PDF library)."""
    found = []
    for match in re.finditer(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data):
        ranges = [int(v) for v in match.groups()]
        hex_contents = data[ranges[0] + ranges[1]: ranges[2]].strip(b"<>")
        found.append((ranges, bytes.fromhex(hex_contents.decode()).rstrip(b"\0")))
    return found


@pytest.mark.parametrize("level", LEVELS)
def test_pdfsig_and_openssl_agree(signed, test_pki, workdir, level):
    path = workdir / f"{level}.pdf"
    path.write_bytes(signed[level])
    report = pdfsig_report(path)
    verdicts = re.findall(r"Signature Validation: (.+)", report)
    # poppler 22+ checks CAdES signatures but not RFC 3161 document timestamps ("not yet verified"):
    # the B-LTA document timestamp is checked with `openssl ts -verify` below instead.
    expected = ["Signature is Valid."] + (["Signature has not yet been verified."] if level == "B-LTA" else [])
    assert verdicts == expected, report
    data = signed[level]
    contents = signature_contents(data)
    assert len(contents) == len(expected)
    for index, (ranges, der) in enumerate(contents):
        start1, length1, start2, length2 = ranges
        (workdir / "content.bin").write_bytes(data[start1:start1 + length1] + data[start2:start2 + length2])
        (workdir / "sig.der").write_bytes(der)
        if index == 0:
            command = ["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", str(workdir / "sig.der"),
                       "-content", str(workdir / "content.bin"), "-CAfile", str(test_pki.root_pem),
                       "-purpose", "any", "-out", "/dev/null"]
        else:  # document timestamp: a timestamp token over the byte ranges
            command = ["openssl", "ts", "-verify", "-token_in", "-in", str(workdir / "sig.der"),
                       "-data", str(workdir / "content.bin"), "-CAfile", str(test_pki.root_pem)]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        assert result.returncode == 0, (index, result.stdout, result.stderr)
        assert re.search(r"Verification( successful|: OK)", result.stderr + result.stdout), (index, result.stderr)
    # and the tampered copy fails both ways
    tampered = workdir / f"{level}-tampered.pdf"
    tampered.write_bytes(flip_signed_byte(data))
    assert "Signature is Valid." not in re.findall(r"Signature Validation: (.+)", pdfsig_report(tampered))[0]
    ranges, der = signature_contents(tampered.read_bytes())[0]
    (workdir / "content.bin").write_bytes(tampered.read_bytes()[:ranges[1]] + tampered.read_bytes()[ranges[2]:ranges[2] + ranges[3]])
    (workdir / "sig.der").write_bytes(der)
    bad = subprocess.run(["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", str(workdir / "sig.der"),
                          "-content", str(workdir / "content.bin"), "-CAfile", str(test_pki.root_pem),
                          "-purpose", "any", "-out", "/dev/null"], capture_output=True, text=True, check=False)
    assert bad.returncode != 0


# --- CLI --------------------------------------------------------------------------------------

def test_verify_command(signed, test_pki, workdir, monkeypatch):
    import typer

    from sohoa.edges.cli.verify import make_verify_command, verify_command

    app = typer.Typer()
    app.command("verify")(verify_command)
    app.command("other")(lambda: None)
    path = workdir / "cli.pdf"
    path.write_bytes(signed["B-LT"])
    monkeypatch.setenv("SOHOA_TRUST_ANCHORS", str(test_pki.root_pem))
    html = workdir / "report.html"
    result = CliRunner().invoke(app, ["verify", str(path), "--json", "--html", str(html)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["indication"] == "TOTAL_PASSED"
    assert "Báo cáo kiểm tra chữ ký số" in html.read_text(encoding="utf-8")
    path.write_bytes(flip_signed_byte(signed["B-LT"]))
    result = CliRunner().invoke(app, ["verify", str(path)])
    assert result.exit_code == 1 and "HASH_FAILURE" in result.stdout
    monkeypatch.setenv("SOHOA_TRUST_ANCHORS", str(test_pki.stranger_root_pem))
    path.write_bytes(signed["B-B"])
    assert CliRunner().invoke(app, ["verify", str(path)]).exit_code == 2
    # with an archive lookup (the lead backs it with the database)
    seen: list[str] = []

    def lookup(digest: str) -> ArchiveMatch | None:
        seen.append(digest)
        return ArchiveMatch(dossier_code="000.00.06.H56-231027-0361", kind="signed", key="k")

    app.command("verify-db")(make_verify_command(lambda: lookup))
    result = CliRunner().invoke(app, ["verify-db", str(path), "--json", "--trust", str(test_pki.root_pem)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["archive_match"]["dossier_code"] == "000.00.06.H56-231027-0361"
    assert len(seen) == 1


def test_second_signature_keeps_the_first_valid(signed, signer, trust):
    twice = sign_copy(signed["B-B"], signer).data
    report = verify_pdf(twice, trust)
    first, second = report.signatures
    assert report.indication == "TOTAL_PASSED", report.signatures
    assert (first.field_name, second.field_name) == ("SohoaBanSao1", "SohoaBanSao2")
    assert first.revisions_after == 1 and not first.covers_whole_file and first.modifications_permitted
    assert first.modification_level == "FORM_FILLING" and second.covers_whole_file


def test_trust_settings_from_env(tmp_path, test_pki):
    assert TrustSettings.from_env({"SOHOA_DATA_DIR": str(tmp_path)}).trust_anchors == ()
    (tmp_path / "pki").mkdir()
    (tmp_path / "pki" / "demo-root.pem").write_bytes(test_pki.root_pem.read_bytes())
    default = TrustSettings.from_env({"SOHOA_DATA_DIR": str(tmp_path)})
    assert default.trust_anchors == (tmp_path / "pki" / "demo-root.pem",)
    assert (default.revocation, default.allow_fetching) == ("require", True)
    env = {"SOHOA_TRUST_ANCHORS": f"{test_pki.root_pem}:{test_pki.stranger_root_pem}",
           "SOHOA_VERIFY_REVOCATION": "if_declared", "SOHOA_VERIFY_FETCH": "0"}
    custom = TrustSettings.from_env(env)
    assert len(custom.load_anchors()) == 2 and (custom.revocation, custom.allow_fetching) == ("if_declared", False)
    with pytest.raises(ValueError, match="cannot read certificates"):
        verify_pdf(b"%PDF-1.7", TrustSettings((tmp_path / "missing.pem",)))
    with pytest.raises(ValueError, match="SOHOA_VERIFY_REVOCATION"):
        TrustSettings.from_env({"SOHOA_VERIFY_REVOCATION": "maybe"})


def test_not_a_pdf_fails(trust):
    report = verify_pdf(b"%PDF-1.7\nthis is not a PDF", trust)
    assert (report.indication, report.sub_indication, report.pdfa) == ("TOTAL_FAILED", "FORMAT_FAILURE", None)
    assert "UNREADABLE_PDF" in codes(report)
