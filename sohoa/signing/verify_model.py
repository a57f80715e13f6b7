"""The verification report: what an auditor learns about one PDF (see docs/verification.md).

Vocabulary follows ETSI EN 319 102-1 (the EU DSS validator uses the same): every signature gets
an *indication* (TOTAL_PASSED, TOTAL_FAILED, INDETERMINATE) and, unless it passed, a
*sub-indication* saying why (HASH_FAILURE, SIG_CRYPTO_FAILURE, NO_CERTIFICATE_CHAIN_FOUND,
REVOKED_NO_POE, OUT_OF_BOUNDS_NO_POE, TRY_LATER, …). Messages come in Vietnamese and English.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from sohoa.models.base import FrozenModel

Indication = Literal["TOTAL_PASSED", "TOTAL_FAILED", "INDETERMINATE"]

INDICATION_LABELS: dict[str, tuple[str, str]] = {
    "TOTAL_PASSED": ("Hợp lệ", "Valid"),
    "TOTAL_FAILED": ("Không hợp lệ", "Invalid"),
    "INDETERMINATE": ("Chưa xác định được", "Indeterminate"),
}
"""Vietnamese and English labels of the three indications."""


class Message(FrozenModel):
    """One finding, in both languages."""

    code: str = Field(description="Stable machine-readable code, e.g. HASH_FAILURE or MODIFIED_AFTER_SIGNING.")
    severity: Literal["info", "warning", "error"] = Field(description="info: fact; warning: "
                                                          "limits trust; error: causes failure.")
    vi: str = Field(description="Message in Vietnamese.")
    en: str = Field(description="Message in English.")


class CertificateInfo(FrozenModel):
    """One X.509 certificate as shown in the report."""

    subject: str = Field(description="Subject, human-readable (pyHanko/asn1crypto form).")
    issuer: str = Field(description="Issuer, human-readable.")
    serial_number: str = Field(description="Serial number in hexadecimal.")
    sha256_fingerprint: str = Field(description="SHA-256 of the DER certificate, lower-case hex.")
    not_before: datetime = Field(description="Start of validity (UTC).")
    not_after: datetime = Field(description="End of validity (UTC).")


class RevocationInfo(FrozenModel):
    """Revocation status of the signer's certificate as established during validation."""

    status: Literal["good", "revoked", "unavailable", "not_checked"] = Field(
        description="good: OCSP/CRL said not revoked; revoked: it is (see revoked_at); unavailable: "
        "no usable OCSP/CRL could be obtained (never counted as passed); not_checked: the trust "
        "settings disable revocation checking or the chain was not established.")
    revoked_at: datetime | None = Field(default=None, description="Revocation time, if revoked.")
    reason: str | None = Field(default=None, description="CRL reason code, if revoked.")
    ca_revoked: bool = Field(default=False, description="True if a CA above the signer is the revoked one.")
    embedded: bool = Field(default=False, description="True if the file carries revocation data "
                           "(DSS or signed attribute), i.e. it is at least PAdES B-LT.")


class TimestampInfo(FrozenModel):
    """An RFC 3161 timestamp (on the signature, or a document timestamp)."""

    time: datetime = Field(description="Time asserted by the timestamping authority (UTC).")
    tsa: str | None = Field(default=None, description="Subject of the TSA certificate.")
    trusted: bool = Field(description="True if the token is intact, valid and chains to a trust anchor.")


class SignatureReport(FrozenModel):
    """Validation of one signature (or document timestamp) in the file."""

    field_name: str = Field(description="Name of the signature form field.")
    kind: Literal["signature", "document_timestamp"] = Field(description="Approval/certification "
                                                              "signature or a document timestamp.")
    indication: Indication = Field(description="ETSI EN 319 102-1 main indication.")
    sub_indication: str | None = Field(default=None, description="ETSI sub-indication when not passed.")
    messages: tuple[Message, ...] = Field(default=(), description="Why, in Vietnamese and English.")
    pades_level: str | None = Field(default=None, description="PAdES baseline level the signature "
                                    "reaches structurally: B-B, B-T, B-LT or B-LTA.")
    signer: CertificateInfo | None = Field(default=None, description="The signing certificate.")
    chain: tuple[CertificateInfo, ...] = Field(default=(), description="Validated path from the "
                                               "signer (first) to the trust anchor (last); empty if none was built.")
    trust_anchor: str | None = Field(default=None, description="Subject of the trust anchor reached, if any.")
    trusted: bool = Field(default=False, description="True if the chain reaches a configured trust anchor.")
    revocation: RevocationInfo = Field(description="Revocation status of the signer's certificate.")
    claimed_signing_time: datetime | None = Field(default=None, description="The signer's own claim "
                                                  "(/M of the signature dictionary); not proof.")
    timestamp: TimestampInfo | None = Field(default=None, description="Signature timestamp (B-T and above).")
    best_signature_time: datetime | None = Field(default=None, description="Earliest time the "
                                                 "signature is proven to have existed (timestamp or validation time).")
    intact: bool = Field(default=False, description="The signed bytes' digest matches the signed digest.")
    crypto_valid: bool = Field(default=False, description="The signature value verifies with the signer's key.")
    digest_algorithm: str | None = Field(default=None, description="Digest algorithm, e.g. sha256.")
    signature_mechanism: str | None = Field(default=None, description="Signature mechanism, e.g. sha256_rsa.")
    coverage: str | None = Field(default=None, description="pyHanko SignatureCoverageLevel: "
                                 "ENTIRE_FILE, ENTIRE_REVISION, CONTIGUOUS_BLOCK_FROM_START or UNCLEAR.")
    covers_whole_file: bool = Field(default=False, description="The /ByteRange covers every byte of the file but the signature value.")
    signed_revision: int | None = Field(default=None, description="Revision (0-based) the signature belongs to.")
    revisions_after: int = Field(default=0, description="Incremental updates added after this signature.")
    modification_level: str | None = Field(default=None, description="pyHanko ModificationLevel of "
                                           "later updates: NONE, LTA_UPDATES, FORM_FILLING, ANNOTATIONS, OTHER.")
    modification_detail: str | None = Field(default=None, description="Why later changes were judged "
                                            "suspicious (pyHanko's diff analysis), if they were.")
    modifications_permitted: bool | None = Field(default=None, description="Later changes are allowed "
                                                 "by the document's modification policy (DocMDP); None if unknown.")
    docmdp_permission: str | None = Field(default=None, description="DocMDP level if the document is "
                                          "certified: NO_CHANGES, FILL_FORMS or ANNOTATE.")
    reason: str | None = Field(default=None, description="/Reason of the signature.")
    location: str | None = Field(default=None, description="/Location of the signature.")


class PdfaInfo(FrozenModel):
    """PDF/A-2b verdict (sohoa.signing.check_signed_pdfa)."""

    passed: bool = Field(description="True if the file conforms to PDF/A-2b as far as it can be checked.")
    summary: str = Field(description="The checker's multi-line summary.")


class ArchiveMatch(FrozenModel):
    """An archived document whose SHA-256 equals the file's."""

    dossier_code: str = Field(description="Mã hồ sơ of the dossier holding the document.")
    kind: str = Field(description="Kind of archived object: original, pdfa, signed, result, …")
    key: str = Field(description="Object key in the archive.")


class VerificationReport(FrozenModel):
    """One report per file: signatures, PDF/A, archive match, and a conclusion."""

    file_name: str | None = Field(default=None, description="Name of the file as handed in, if known.")
    file_size: int = Field(description="Size in bytes.")
    sha256: str = Field(description="SHA-256 of the whole file, lower-case hex.")
    verified_at: datetime = Field(description="Validation time (UTC).")
    indication: Indication = Field(description="Conclusion for the file: TOTAL_PASSED only if it has "
                                   "at least one signature and every signature passed.")
    sub_indication: str | None = Field(default=None, description="Sub-indication of the conclusion.")
    messages: tuple[Message, ...] = Field(default=(), description="File-level findings.")
    signatures: tuple[SignatureReport, ...] = Field(default=(), description="Signatures and document "
                                                    "timestamps, in file order.")
    pdfa: PdfaInfo | None = Field(default=None, description="PDF/A verdict; None if the file could not be parsed.")
    archive_checked: bool = Field(default=False, description="True if an archive lookup was configured and ran.")
    archive_match: ArchiveMatch | None = Field(default=None, description="The archived document with "
                                               "the same SHA-256, or None.")
    trust_anchors: tuple[str, ...] = Field(default=(), description="Subjects of the configured trust anchors.")
