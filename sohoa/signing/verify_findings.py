"""What a pyHanko validation status means for the verification report.

Bilingual (Vietnamese/English) messages for the status findings and ETSI sub-indications, and
the :class:`SignatureReport` of one validated signature. :mod:`sohoa.signing.verify` runs the
validation; the functions here only read its results.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from asn1crypto import x509 as asn1_x509
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel

from sohoa.signing.verify_model import (
    CertificateInfo,
    Indication,
    Message,
    RevocationInfo,
    SignatureReport,
    TimestampInfo,
)


def message(code: str, severity: str, vi: str, en: str) -> Message:
    """A report message; ``severity`` is ``error``, ``warning`` or ``info``."""
    return Message(code=code, severity=severity, vi=vi, en=en)  # type: ignore[arg-type]


def certificate_info(cert: asn1_x509.Certificate) -> CertificateInfo:
    """Report form of an asn1crypto certificate."""
    validity = cert["tbs_certificate"]["validity"]
    return CertificateInfo(
        subject=cert.subject.human_friendly,
        issuer=cert.issuer.human_friendly,
        serial_number=format(cert.serial_number, "x"),
        sha256_fingerprint=hashlib.sha256(cert.dump()).hexdigest(),
        not_before=validity["not_before"].native,
        not_after=validity["not_after"].native,
    )


def status_messages(status: PdfSignatureStatus, sub_name: str | None) -> list[Message]:
    """Messages for what ``status`` found: altered content, a bad signature value, changes made
    after signing (permitted or not) and incomplete coverage."""
    out: list[Message] = []
    if not status.intact:
        out.append(message("HASH_FAILURE", "error",
                           "Nội dung đã ký bị thay đổi: giá trị băm không khớp (tệp bị sửa sau khi ký).",
                           "The signed content changed: its digest does not match (the file was altered after signing)."))
    elif not status.valid:
        out.append(message("SIG_CRYPTO_FAILURE", "error",
                           "Giá trị chữ ký không khớp với khóa công khai của người ký.",
                           "The signature value does not verify with the signer's public key."))
    level = status.modification_level
    if level is not None and level != ModificationLevel.NONE:
        detail = str(status.diff_result) if not hasattr(status.diff_result, "modification_level") else None
        permitted = status.docmdp_ok
        if permitted is None:  # document timestamps: no DocMDP verdict; DSS/timestamp updates are fine
            permitted = level <= ModificationLevel.LTA_UPDATES
        if permitted:
            out.append(message("MODIFIED_AFTER_SIGNING_ALLOWED", "info",
                               f"Có cập nhật sau khi ký, ở mức được phép ({level.name}).",
                               f"The file was updated after signing, in a permitted way ({level.name})."))
        else:
            out.append(message("MODIFIED_AFTER_SIGNING", "error",
                               f"Tệp bị sửa đổi sau khi ký theo cách không được phép ({level.name})"
                               + (f": {detail}" if detail else "") + ".",
                               f"The file was modified after signing in a way that is not permitted ({level.name})"
                               + (f": {detail}" if detail else "") + "."))
    if status.coverage not in (SignatureCoverageLevel.ENTIRE_FILE, SignatureCoverageLevel.ENTIRE_REVISION):
        out.append(message("INCOMPLETE_COVERAGE", "error",
                           "Chữ ký không bao phủ toàn bộ phiên bản tài liệu.",
                           "The signature does not cover its whole document revision."))
    return out


_SUB_MESSAGES: dict[str, tuple[str, str, str]] = {
    "HASH_FAILURE": ("error", "Nội dung đã ký bị thay đổi sau khi ký.", "The signed content changed after signing."),
    "SIG_CRYPTO_FAILURE": ("error", "Chữ ký không hợp lệ về mặt mật mã.", "The signature is cryptographically invalid."),
    "NO_CERTIFICATE_CHAIN_FOUND": ("error", "Chứng thư người ký không dẫn tới chứng thư gốc tin cậy nào.",
                                   "The signer's certificate does not chain to any trusted root."),
    "REVOKED_NO_POE": ("error", "Chứng thư người ký đã bị thu hồi và không có bằng chứng chữ ký tồn tại trước khi thu hồi.",
                       "The signer's certificate is revoked and there is no proof the signature existed before."),
    "REVOKED_CA_NO_POE": ("error", "Chứng thư của CA cấp trên đã bị thu hồi.", "A CA certificate in the chain is revoked."),
    "REVOKED": ("error", "Chứng thư người ký đã bị thu hồi trước thời điểm ký.",
                "The signer's certificate was revoked before the signing time."),
    "OUT_OF_BOUNDS_NO_POE": ("error", "Chứng thư người ký đã hết hạn (hoặc chưa có hiệu lực) và không có dấu thời gian chứng minh thời điểm ký.",
                             "The signer's certificate is expired (or not yet valid) and no timestamp proves when it signed."),
    "TRY_LATER": ("warning", "Không lấy được thông tin thu hồi (OCSP/CRL) của chứng thư; chưa thể kết luận.",
                  "Revocation information (OCSP/CRL) for the certificate could not be obtained; no conclusion yet."),
    "FORMAT_FAILURE": ("error", "Cấu trúc chữ ký hoặc tài liệu không hợp lệ.", "The signature or document structure is invalid."),
    "EXPIRED": ("error", "Chứng thư đã hết hạn trước thời điểm ký được chứng minh.", "The certificate expired before the proven signing time."),
}


def subindication_message(sub_name: str, failure_msg: str | None) -> Message:
    """The message explaining an ETSI sub-indication, with pyHanko's failure text appended to the English."""
    severity, vi, en = _SUB_MESSAGES.get(sub_name, ("warning", f"Kết quả kiểm tra: {sub_name}.", f"Validation result: {sub_name}."))
    if failure_msg:
        en = f"{en} ({failure_msg})"
    return message(sub_name, severity, vi, en)


def _pades_level(has_ts: bool, revinfo: bool, has_doc_ts: bool) -> str:
    if not has_ts:
        return "B-B"
    if not revinfo:
        return "B-T"
    return "B-LTA" if has_doc_ts else "B-LT"


def signature_report(sig: EmbeddedPdfSignature, status: PdfSignatureStatus | None, indication: Indication,
                     sub_name: str | None, messages: list[Message], revocation: RevocationInfo,
                     best_time: datetime | None, has_ts: bool, has_doc_ts: bool,
                     embedded_revinfo: bool) -> SignatureReport:
    """The report of an ordinary (not document-timestamp) signature, from its validation status
    and the verdict, messages and revocation outcome already worked out for it."""
    sig_obj = sig.sig_object
    claimed = sig.self_reported_timestamp
    chain: tuple[CertificateInfo, ...] = ()
    anchor = None
    if status is not None and status.validation_path is not None:
        path = status.validation_path
        chain = tuple(certificate_info(c) for c in reversed(list(path.iter_certs(include_root=True))))
        anchor = path.trust_anchor.authority.name.human_friendly
    ts = None
    if status is not None and status.timestamp_validity is not None:
        tsv = status.timestamp_validity
        ts = TimestampInfo(time=tsv.timestamp, tsa=tsv.signing_cert.subject.human_friendly if tsv.signing_cert else None,
                           trusted=bool(tsv.intact and tsv.valid and tsv.trusted))
    docmdp = sig.docmdp_level
    coverage = status.coverage if status is not None else None
    level = status.modification_level if status is not None else None
    detail = None
    if status is not None and status.diff_result is not None and not hasattr(status.diff_result, "modification_level"):
        detail = str(status.diff_result)
    total_revisions = sig.reader.xrefs.total_revisions
    return SignatureReport(
        field_name=sig.field_name or "?", kind="signature", indication=indication, sub_indication=sub_name,
        messages=tuple(messages), pades_level=_pades_level(has_ts, embedded_revinfo, has_doc_ts),
        signer=certificate_info(sig.signer_cert) if sig.signer_cert is not None else None,
        chain=chain, trust_anchor=anchor, trusted=bool(status is not None and status.trusted),
        revocation=revocation, claimed_signing_time=claimed, timestamp=ts,
        best_signature_time=best_time,
        intact=bool(status is not None and status.intact), crypto_valid=bool(status is not None and status.valid),
        digest_algorithm=status.md_algorithm if status is not None else None,
        signature_mechanism=status.pkcs7_signature_mechanism if status is not None else None,
        coverage=coverage.name if coverage is not None else None,
        covers_whole_file=coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signed_revision=sig.signed_revision, revisions_after=max(0, total_revisions - 1 - sig.signed_revision),
        modification_level=level.name if level is not None else None, modification_detail=detail,
        modifications_permitted=status.docmdp_ok if status is not None else None,
        docmdp_permission=docmdp.name if docmdp is not None else None,
        reason=_text(sig_obj.get("/Reason")), location=_text(sig_obj.get("/Location")),
    )


def _text(value) -> str | None:
    return None if value is None else str(value)

