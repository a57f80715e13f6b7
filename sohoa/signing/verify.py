"""Verify signed PDFs with pyHanko's AdES validation and build a :class:`VerificationReport`.

    report = verify_pdf(data, TrustSettings.from_env(os.environ, data_dir), archive_lookup)
    report.model_dump_json(), render_html(report)

Per signature: pyHanko's ETSI EN 319 102-1 processes (``ades_basic_validation`` for B-B,
``ades_lta_validation`` when the file has a signature or document timestamp), plus pyHanko's
difference analysis of incremental updates made after signing. See docs/verification.md.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import io
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from asn1crypto import x509 as asn1_x509
from pyhanko.keys import load_certs_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import ades, async_validate_pdf_timestamp
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.errors import NoDSSFoundError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.policy_decl import (
    LocalKnowledge,
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.errors import InsufficientRevinfoError
from pyhanko_certvalidator.ltv.types import ValidationTimingInfo
from pyhanko_certvalidator.policy_decl import (
    NO_REVOCATION,
    REQUIRE_REVINFO,
    CertRevTrustPolicy,
    RevocationCheckingPolicy,
    RevocationCheckingRule,
)
from pyhanko_certvalidator.registry import SimpleTrustManager

from sohoa.errors import SettingInvalid
from sohoa.pdfa.check import check_signed_pdfa
from sohoa.signing.verify_findings import (
    certificate_info,
    message,
    signature_report,
    status_messages,
    subindication_message,
)
from sohoa.signing.verify_model import (
    ArchiveMatch,
    Indication,
    Message,
    PdfaInfo,
    RevocationInfo,
    SignatureReport,
    TimestampInfo,
    VerificationReport,
)

logger = logging.getLogger(__name__)

ArchiveLookup = Callable[[str], ArchiveMatch | None]
"""Given a file's SHA-256 (lower-case hex), the archived document with that digest, or None."""

RevocationMode = Literal["require", "if_declared", "none"]

_REVOCATION_POLICIES: dict[str, RevocationCheckingPolicy] = {
    "require": REQUIRE_REVINFO,
    "if_declared": RevocationCheckingPolicy(
        RevocationCheckingRule.CHECK_IF_DECLARED,
        RevocationCheckingRule.CHECK_IF_DECLARED,
    ),
    "none": NO_REVOCATION,
}


@dataclass(frozen=True)
class TrustSettings:
    """Which CAs to trust and how strictly to check revocation."""

    trust_anchors: tuple[Path, ...]
    """PEM/DER files (a PEM file may hold a bundle) with the trusted root (or intermediate) CAs."""

    revocation: RevocationMode = "require"
    """``require``: signer and CA certificates need OCSP/CRL data, else INDETERMINATE (the
    default; production). ``if_declared``: only where the certificate names an OCSP/CRL
    location (lets demo-identity signatures pass). ``none``: no revocation checks (tests only)."""

    allow_fetching: bool = True
    """Fetch OCSP responses and CRLs over the network when the file does not embed them."""

    validation_time: datetime | None = None
    """Validate as of this (aware) time instead of now."""

    extra_certificates: tuple[Path, ...] = field(default=())
    """Untrusted intermediate certificates to help path building (PEM/DER files)."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, data_dir: Path | None = None) -> TrustSettings:
        """``SOHOA_TRUST_ANCHORS`` (paths separated by ``os.pathsep``; default
        ``DATA_DIR/pki/demo-root.pem`` if it exists), ``SOHOA_VERIFY_REVOCATION``
        (require|if_declared|none, default require), ``SOHOA_VERIFY_FETCH`` (1/0, default 1)."""
        env = os.environ if env is None else env
        anchors = env.get("SOHOA_TRUST_ANCHORS")
        if anchors:
            paths = tuple(Path(p) for p in anchors.split(os.pathsep) if p)
        else:
            data_dir = data_dir or Path(env.get("SOHOA_DATA_DIR") or "~/.local/share/sohoa").expanduser()
            demo_root = data_dir / "pki" / "demo-root.pem"
            paths = (demo_root,) if demo_root.is_file() else ()
        revocation = env.get("SOHOA_VERIFY_REVOCATION") or "require"
        if revocation not in _REVOCATION_POLICIES:
            raise SettingInvalid("SOHOA_VERIFY_REVOCATION", revocation, "require, if_declared or none")
        fetch = (env.get("SOHOA_VERIFY_FETCH") or "1").strip().lower()
        if fetch not in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
            raise SettingInvalid("SOHOA_VERIFY_FETCH", fetch, "1 or 0 (true/false, yes/no, on/off)")
        return cls(trust_anchors=paths, revocation=revocation,  # type: ignore[arg-type]
                   allow_fetching=fetch in {"1", "true", "yes", "on"})

    def load_anchors(self) -> list[asn1_x509.Certificate]:
        """Read every certificate of every trust-anchor file."""
        return _read_certificates(self.trust_anchors)

    def load_extra(self) -> list[asn1_x509.Certificate]:
        """Read the extra (untrusted) certificates."""
        return _read_certificates(self.extra_certificates)


def _read_certificates(paths: tuple[Path, ...]) -> list[asn1_x509.Certificate]:
    certificates: list[asn1_x509.Certificate] = []
    for path in paths:
        try:
            certificates += load_certs_from_pemder([str(path)])
        except (OSError, ValueError) as exc:
            raise ValueError(f"cannot read certificates from {path}: {exc}") from None
    return certificates


def verify_pdf(
    data: bytes,
    trust: TrustSettings,
    archive_lookup: ArchiveLookup | None = None,
    *,
    file_name: str | None = None,
) -> VerificationReport:
    """Validate every signature of ``data`` and build the report (blocking; see module docs).

    From async code call it through ``asyncio.to_thread`` (pyHanko runs its own event loop).
    """
    data = bytes(data)
    now = (trust.validation_time or datetime.now(UTC)).astimezone(UTC)
    sha256 = hashlib.sha256(data).hexdigest()
    anchors = trust.load_anchors()
    messages: list[Message] = []
    signatures: list[SignatureReport] = []
    parsed = True
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=True)
        embedded = list(reader.embedded_signatures)
    except Exception as exc:  # noqa: BLE001 - any file may be handed in; all parse errors mean the same
        parsed = False
        embedded = []
        messages.append(message("UNREADABLE_PDF", "error",
                                f"Không đọc được tệp PDF (tệp hỏng hoặc bị cắt cụt): {exc}",
                                f"The PDF cannot be parsed (damaged or truncated file): {exc}"))
    if parsed:
        spec = _validation_spec(trust, anchors)
        for sig in embedded:
            signatures.append(_verify_one(sig, spec, trust, anchors, now, reader))
        if not anchors:
            messages.append(message("NO_TRUST_ANCHORS", "warning",
                                    "Chưa cấu hình chứng thư gốc tin cậy (SOHOA_TRUST_ANCHORS).",
                                    "No trust anchors are configured (SOHOA_TRUST_ANCHORS)."))
    pdfa = _pdfa(data) if parsed else None
    match = archive_lookup(sha256) if archive_lookup is not None else None
    if archive_lookup is not None:
        messages.append(
            message("ARCHIVE_MATCH", "info",
                    f"Tệp trùng khớp (SHA-256) với tài liệu lưu trữ của hồ sơ {match.dossier_code} ({match.kind}).",
                    f"The file matches (SHA-256) the archived document of dossier {match.dossier_code} ({match.kind}).")
            if match else
            message("NO_ARCHIVE_MATCH", "warning",
                    "Không có tài liệu nào trong kho lưu trữ có cùng SHA-256.",
                    "No archived document has this SHA-256."))
    indication, sub = _conclude(parsed, signatures)
    if parsed and not signatures:
        messages.append(message("NO_SIGNATURE", "error", "Tệp không có chữ ký số.", "The file has no digital signature."))
    return VerificationReport(
        file_name=file_name, file_size=len(data), sha256=sha256, verified_at=now,
        indication=indication, sub_indication=sub, messages=tuple(messages),
        signatures=tuple(signatures), pdfa=pdfa, archive_checked=archive_lookup is not None,
        archive_match=match, trust_anchors=tuple(c.subject.human_friendly for c in anchors),
    )


def _conclude(parsed: bool, signatures: list[SignatureReport]) -> tuple[Indication, str | None]:
    if not parsed:
        return "TOTAL_FAILED", "FORMAT_FAILURE"
    if not signatures:
        return "INDETERMINATE", "SIGNED_DATA_NOT_FOUND"
    for wanted in ("TOTAL_FAILED", "INDETERMINATE"):
        for sig in signatures:
            if sig.indication == wanted:
                return wanted, sig.sub_indication  # type: ignore[return-value]
    return "TOTAL_PASSED", None


def _validation_spec(trust: TrustSettings, anchors: list) -> PdfSignatureValidationSpec:
    policy = CertValidationPolicySpec(
        trust_manager=SimpleTrustManager.build(trust_roots=anchors),
        revinfo_policy=CertRevTrustPolicy(_REVOCATION_POLICIES[trust.revocation]),
    )
    fetching = (RevinfoOnlineFetchingRule.NO_HISTORICAL_FETCH if trust.allow_fetching
                else RevinfoOnlineFetchingRule.LOCAL_ONLY)
    return PdfSignatureValidationSpec(SignatureValidationSpec(
        cert_validation_policy=policy,
        revinfo_gathering_policy=RevocationInfoGatheringSpec(online_fetching_rule=fetching),
        local_knowledge=LocalKnowledge(known_certs=trust.load_extra()),
    ))


def _timing(now: datetime) -> ValidationTimingInfo:
    return ValidationTimingInfo(validation_time=now, best_signature_time=now, point_in_time_validation=False)


def _has_signature_timestamp(sig: EmbeddedPdfSignature) -> bool:
    unsigned = sig.signer_info["unsigned_attrs"]
    if not unsigned:
        return False
    return any(attr["type"].native == "signature_time_stamp_token" for attr in unsigned)


def _verify_one(sig: EmbeddedPdfSignature, spec: PdfSignatureValidationSpec, trust: TrustSettings,
                anchors: list, now: datetime, reader: PdfFileReader) -> SignatureReport:
    if sig.sig_object_type == "/DocTimeStamp":
        return _verify_doc_timestamp(sig, trust, anchors, now)
    has_doc_ts = any(s.sig_object_type == "/DocTimeStamp" and s.signed_revision > sig.signed_revision
                     for s in reader.embedded_signatures)
    has_ts = _has_signature_timestamp(sig)
    if not has_doc_ts:  # the LTA process reads the DSS itself; the others need it handed in
        spec = _with_dss_knowledge(spec, reader)
    try:
        result = _run_ades_process(sig, spec, now, has_ts=has_ts, has_doc_ts=has_doc_ts)
    except Exception as exc:  # noqa: BLE001 - pyHanko raises many types on malformed input
        logger.info("validation of %s failed: %r", sig.field_name, exc, exc_info=True)
        return _unvalidatable_report(sig, "signature", f"Không kiểm tra được chữ ký: {exc}",
                                     f"The signature cannot be validated: {exc}")
    status: PdfSignatureStatus | None = result.api_status
    indication, sub_name = _ades_verdict(result)
    embedded_revinfo = _has_embedded_revinfo(reader)
    revocation = _revocation_info(status, sig, trust, indication, embedded_revinfo)
    if status is not None and sub_name == "CERTIFICATE_CHAIN_GENERAL_FAILURE" and status.signing_cert:
        if _missing_revinfo(status, sig, trust, anchors, now):
            sub_name = "TRY_LATER"
            revocation = RevocationInfo(status="unavailable", embedded=embedded_revinfo)
    messages: list[Message] = []
    if status is not None:
        messages.extend(status_messages(status, sub_name))
        indication, sub_name = _fail_if_altered(status, indication, sub_name)
    if sub_name is not None and not any(m.code == sub_name for m in messages):
        messages.append(subindication_message(sub_name, result.failure_msg))
    return signature_report(sig, status, indication, sub_name, messages, revocation,
                            getattr(result, "best_signature_time", None) or now, has_ts, has_doc_ts, embedded_revinfo)


def _run_ades_process(sig: EmbeddedPdfSignature, spec: PdfSignatureValidationSpec, now: datetime, *,
                      has_ts: bool, has_doc_ts: bool):
    """Run the ETSI process the signature calls for: LTA when a later document timestamp covers
    it, with-time validation when it has a signature timestamp, else basic (B-B) validation."""
    if has_doc_ts:
        return asyncio.run(ades.ades_lta_validation(sig, spec, timing_info=_timing(now)))
    sig.compute_integrity_info()
    if has_ts:
        return asyncio.run(ades.ades_with_time_validation(
            sig.signed_data, spec.signature_validation_spec, timing_info=_timing(now),
            raw_digest=sig.compute_digest(), extra_status_kwargs=sig.summarise_integrity_info(),
            status_cls=PdfSignatureStatus))
    result = asyncio.run(ades.ades_basic_validation(
        sig.signed_data, spec.signature_validation_spec, timing_info=_timing(now),
        raw_digest=sig.compute_digest()))
    return _as_pdf_status(result, sig)


def _unvalidatable_report(sig: EmbeddedPdfSignature, kind: Literal["signature", "document_timestamp"],
                          vi: str, en: str) -> SignatureReport:
    """The FORMAT_FAILURE report of a signature or document timestamp pyHanko could not process."""
    return SignatureReport(
        field_name=sig.field_name or "?", kind=kind, indication="TOTAL_FAILED",
        sub_indication="FORMAT_FAILURE", revocation=RevocationInfo(status="not_checked"),
        messages=(message("FORMAT_FAILURE", "error", vi, en),))


def _ades_verdict(result) -> tuple[Indication, str | None]:
    """Indication and sub-indication (None when passed) of an AdES validation result."""
    sub = result.ades_subindic
    indication: Indication = {"PASSED": "TOTAL_PASSED", "FAILED": "TOTAL_FAILED"}.get(
        sub.status.name, "INDETERMINATE")  # type: ignore[assignment]
    return indication, None if indication == "TOTAL_PASSED" else sub.standard_name


def _has_embedded_revinfo(reader: PdfFileReader) -> bool:
    """Whether the file's DSS holds OCSP responses or CRLs."""
    dss = reader.root.get("/DSS")
    dss = dss.get_object() if dss is not None else None
    return bool(dss is not None and ("/OCSPs" in dss or "/CRLs" in dss))


def _revocation_info(status: PdfSignatureStatus | None, sig: EmbeddedPdfSignature, trust: TrustSettings,
                     indication: Indication, embedded_revinfo: bool) -> RevocationInfo:
    """Revocation outcome for the signer's certificate: revoked (when and why); good once it is
    trusted and its status had to be checked under ``trust.revocation``; otherwise not checked."""
    if status is not None and status.revocation_details is not None:
        details = status.revocation_details
        return RevocationInfo(status="revoked", revoked_at=details.revocation_date,
                              reason=str(details.revocation_reason.native),
                              ca_revoked=details.ca_revoked, embedded=embedded_revinfo)
    if indication == "TOTAL_PASSED" or (status is not None and status.trusted):
        cert = sig.signer_cert
        declared = bool(cert.crl_distribution_points or cert.ocsp_urls)
        checked = trust.revocation == "require" or (trust.revocation == "if_declared" and declared)
        return RevocationInfo(status="good" if checked else "not_checked", embedded=embedded_revinfo)
    return RevocationInfo(status="not_checked")


def _fail_if_altered(status: PdfSignatureStatus, indication: Indication,
                     sub_name: str | None) -> tuple[Indication, str | None]:
    """TOTAL_FAILED / FORMAT_FAILURE when the file was changed after signing in a way not
    permitted, or the signature does not cover its whole revision; else the verdict unchanged.

    Failure dominates INDETERMINATE whatever the certificate's status: the document shown is
    not the document signed.
    """
    if indication == "TOTAL_FAILED":
        return indication, sub_name
    if not status.docmdp_ok and status.modification_level is not None:
        return "TOTAL_FAILED", "FORMAT_FAILURE"
    if status.coverage not in (SignatureCoverageLevel.ENTIRE_FILE, SignatureCoverageLevel.ENTIRE_REVISION):
        return "TOTAL_FAILED", "FORMAT_FAILURE"
    return indication, sub_name


def _with_dss_knowledge(spec: PdfSignatureValidationSpec, reader: PdfFileReader) -> PdfSignatureValidationSpec:
    """Add the file's DSS (certificates, OCSP responses, CRLs) to the validation's local knowledge,
    as pyHanko's LTA process does (it uses the same helper)."""
    dss = ades._dss_to_local_knowledge(reader)
    known = spec.signature_validation_spec.local_knowledge
    merged = dataclasses.replace(
        known, known_ocsps=list(known.known_ocsps) + list(dss.known_ocsps),
        known_crls=list(known.known_crls) + list(dss.known_crls),
        known_certs=list(known.known_certs) + list(dss.known_certs))
    return dataclasses.replace(spec, signature_validation_spec=dataclasses.replace(
        spec.signature_validation_spec, local_knowledge=merged))


def _as_pdf_status(result, sig: EmbeddedPdfSignature):
    """pyHanko 0.38's ``ades_basic_validation`` ignores ``status_cls``: add the PDF integrity info."""
    status = result.api_status
    if status is None or isinstance(status, PdfSignatureStatus):
        return result
    values = {f.name: getattr(status, f.name) for f in dataclasses.fields(status) if f.init}
    pdf_status = PdfSignatureStatus(**values, **sig.summarise_integrity_info())
    return dataclasses.replace(result, api_status=pdf_status)


def _missing_revinfo(status, sig, trust, anchors, now) -> bool:
    """Re-run path validation to tell 'no revocation data' from other chain failures."""
    context = _legacy_context(sig.reader, trust, anchors, now, list(sig.other_embedded_certs))
    try:
        asyncio.run(_closing(context, CertificateValidator(
            status.signing_cert, validation_context=context).async_validate_usage(set())))
    except InsufficientRevinfoError:
        return True
    except Exception:  # noqa: BLE001 - any other failure keeps pyHanko's sub-indication
        return False
    return False


def _verify_doc_timestamp(sig: EmbeddedPdfSignature, trust: TrustSettings, anchors: list, now: datetime) -> SignatureReport:
    context = _legacy_context(sig.reader, trust, anchors, now, [])
    try:
        status = asyncio.run(_closing(context, async_validate_pdf_timestamp(sig, validation_context=context)))
    except Exception as exc:  # noqa: BLE001
        return _unvalidatable_report(sig, "document_timestamp", f"Không kiểm tra được dấu thời gian: {exc}",
                                     f"The document timestamp cannot be validated: {exc}")
    sub = None
    messages: list[Message] = []
    if not status.intact:
        sub = "HASH_FAILURE"
    elif not status.valid:
        sub = "SIG_CRYPTO_FAILURE"
    elif not status.trusted:
        sub = status.trust_problem_indic.standard_name if status.trust_problem_indic else "NO_CERTIFICATE_CHAIN_FOUND"
    elif status.docmdp_ok is False or (status.modification_level or ModificationLevel.NONE) > ModificationLevel.LTA_UPDATES:
        sub = "FORMAT_FAILURE"
    messages.extend(status_messages(status, sub))
    if sub and not any(m.code == sub for m in messages):
        messages.append(subindication_message(sub, None))
    ok = sub is None
    indication: Indication = "TOTAL_PASSED" if ok else ("TOTAL_FAILED" if sub in {"HASH_FAILURE", "SIG_CRYPTO_FAILURE", "FORMAT_FAILURE"} else "INDETERMINATE")
    chain = ()
    if status.validation_path is not None:
        chain = tuple(certificate_info(c) for c in reversed(list(status.validation_path.iter_certs(include_root=True))))
    coverage = status.coverage
    level = status.modification_level
    return SignatureReport(
        field_name=sig.field_name or "?", kind="document_timestamp", indication=indication, sub_indication=sub,
        messages=tuple(messages), signer=certificate_info(sig.signer_cert) if sig.signer_cert else None,
        chain=chain, trusted=bool(status.trusted),
        trust_anchor=status.validation_path.trust_anchor.authority.name.human_friendly if status.validation_path else None,
        revocation=RevocationInfo(status="good" if status.trusted and trust.revocation != "none" else "not_checked"),
        timestamp=TimestampInfo(time=status.timestamp, tsa=sig.signer_cert.subject.human_friendly if sig.signer_cert else None,
                                trusted=bool(ok)),
        best_signature_time=status.timestamp, intact=status.intact, crypto_valid=status.valid,
        digest_algorithm=status.md_algorithm,
        coverage=coverage.name if coverage else None, covers_whole_file=coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signed_revision=sig.signed_revision,
        revisions_after=max(0, sig.reader.xrefs.total_revisions - 1 - sig.signed_revision),
        modification_level=level.name if level is not None else None, modifications_permitted=status.docmdp_ok,
    )


async def _closing(context: ValidationContext, coroutine):
    """Await ``coroutine``, then release the HTTP session ``context`` opened for fetching."""
    try:
        return await coroutine
    finally:
        await context.aclose()


def _legacy_context(reader: PdfFileReader, trust: TrustSettings, anchors: list, now: datetime,
                    other_certs: list) -> ValidationContext:
    """A pyhanko-certvalidator context for the checks outside the AdES processes, with the
    file's DSS (certificates, OCSP responses, CRLs) as local knowledge."""
    kwargs = {
        "trust_roots": anchors, "other_certs": other_certs + trust.load_extra(), "moment": now,
        "allow_fetching": trust.allow_fetching,
        "revocation_mode": {"require": "require", "if_declared": "hard-fail", "none": "soft-fail"}[trust.revocation],
    }
    try:
        return DocumentSecurityStore.read_dss(reader).as_validation_context(kwargs)
    except NoDSSFoundError:
        return ValidationContext(crls=[], ocsps=[], **kwargs)


def _pdfa(data: bytes) -> PdfaInfo | None:
    try:
        report = check_signed_pdfa(data)
    except Exception as exc:  # noqa: BLE001 - pikepdf/qpdf errors on damaged files
        return PdfaInfo(passed=False, summary=f"PDF/A check failed: {exc}")
    return PdfaInfo(passed=report.passed, summary=report.summary())
