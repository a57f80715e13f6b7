"""pyHanko engine: PAdES B-B/B-T/B-LT/B-LTA signature (ETSI.CAdES.detached) with the copy mark.

The signature is appended as an incremental update (B-LT adds the DSS, B-LTA a document
timestamp, each as a further update), so the input bytes stay a prefix of the output, and the
PDF/A-2b conformance of the input carries over (the mark's font is embedded, nothing
transparent is drawn, the widget is printable with a normal appearance only; the document
timestamp's widget is zero-size, which PDF/A-2 exempts from needing an appearance).
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import io
from collections.abc import Mapping, Sequence
from datetime import datetime

import aiohttp
from cryptography import x509
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko_certvalidator import ValidationContext
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import LayoutError
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields
from pyhanko.sign.fields import SigFieldSpec, SigSeedSubFilter
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes, Signer

from sohoa.signing.copy_mark import CopyMark
from sohoa.signing.errors import SigningError, SigningInputError, SigningKeyError
from sohoa.signing.keys import to_asn1_certificate
from sohoa.signing.model import SignedCopy
from sohoa.signing.settings import PADES_LEVELS
from sohoa.signing.placement import copy_mark_rect, read_page_frame

TIMESTAMP_FIELD_PREFIX = "SohoaDocTS-"
"""B-LTA document timestamps are named after the signature they protect."""

FIELD_NAME_PREFIX = "SohoaBanSao"
"""Signature fields are named SohoaBanSao1, SohoaBanSao2, … (first free number)."""

DIGEST_ALGORITHM = "sha256"


class PyHankoCopySigner:
    """:class:`~sohoa.signing.model.CopySigner` built on pyHanko.

    ``key_signer`` is any pyHanko :class:`Signer` holding a loaded key (today
    :class:`~sohoa.signing.keys.InMemoryKeySigner`; a ``PKCS11Signer`` fits as well).
    """

    def __init__(
        self,
        key_signer: Signer,
        certificate: x509.Certificate,
        copy_mark: CopyMark,
        reason: str,
        location: str,
        level: str = "B-B",
        timestamp_url: str | None = None,
        trust_roots: Sequence[x509.Certificate] = (),
        levels_by_kind: Mapping[str, str] | None = None,
    ):
        self._key_signer = key_signer
        self._certificate = certificate
        self._copy_mark = copy_mark
        self._reason = reason
        self._location = location
        self._level = level
        self._levels_by_kind = dict(levels_by_kind or {})
        self._timestamper = HTTPTimeStamper(timestamp_url, timeout=10) if timestamp_url else None
        self._trust_roots = [to_asn1_certificate(c) for c in trust_roots]
        self._bytes_reserved: dict[str, int] = {}  # CMS size estimate per level, constant per key

    def close(self) -> None:
        """Release the key's resources (PKCS#11 sessions); a PKCS#12 key needs nothing."""
        close = getattr(self._key_signer, "close", None)
        if close is not None:
            close()

    @property
    def level(self) -> str:
        """Default PAdES level of this signer."""
        return self._level

    def level_for(self, kind: str | None) -> str:
        """Level for documents of ``kind`` (``SigningSettings.levels_by_kind``), B-B without a TSA."""
        if self._timestamper is None:
            return "B-B"
        return self._levels_by_kind.get(kind, self._level) if kind else self._level

    def with_copy_form(self, copy_form: str) -> PyHankoCopySigner:
        """The same key and settings with another first line in the visible mark (a result is no copy: it
        reads e.g. "KẾT QUẢ ĐIỆN TỬ" instead of "SAO Y")."""
        mark = self._copy_mark
        twin = copy.copy(self)
        twin._copy_mark = CopyMark(copy_form, mark.organisation, mark.font_path, mark.layout)
        twin._bytes_reserved = {}
        return twin

    @property
    def signer_subject(self) -> str:
        """RFC 4514 subject of the signing certificate."""
        return self._certificate.subject.rfc4514_string()

    @property
    def certificate(self) -> x509.Certificate:
        """The signing certificate."""
        return self._certificate

    @property
    def copy_mark(self) -> CopyMark:
        """The prepared copy mark (text, font program, box size)."""
        return self._copy_mark

    def sign(self, pdf: bytes, signing_time: datetime, level: str | None = None) -> SignedCopy:
        """Append the signature and copy mark to ``pdf``; see :func:`sohoa.signing.sign_copy`."""
        _refuse_inside_event_loop()
        level = level or self._level
        if level not in PADES_LEVELS:
            raise SigningError(f"unknown PAdES level {level!r}; expected one of {PADES_LEVELS}")
        if level != "B-B" and self._timestamper is None:
            raise SigningError(f"PAdES level {level} needs a timestamp_url")
        self._check_certificate_valid_at(signing_time)
        label = _PdfLabel(pdf)  # hashed only if an error message needs it
        try:
            writer = _open_for_update(pdf, label)
            field_name = _free_field_name(writer)
            pdf_signer = self._pdf_signer(writer, field_name, level)
            text_params = self._copy_mark.text_params(signing_time)
            output, self._bytes_reserved[level] = asyncio.run(
                _sign(pdf_signer, writer, signing_time, text_params, self._bytes_reserved.get(level))
            )
        except SigningError:
            raise
        except (PdfError, PyHankoSigningError, LayoutError, ValueError, KeyError) as exc:
            raise SigningInputError(f"cannot sign {label}: {type(exc).__name__}: {exc}") from exc
        except (OSError, aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise SigningError(f"cannot sign {label} at {level}: timestamp/revocation service: "
                               f"{type(exc).__name__}: {exc}") from exc
        data = output.getvalue()
        return SignedCopy(
            data=data,
            sha256=hashlib.sha256(data).hexdigest(),
            signer_subject=self.signer_subject,
            signing_time=signing_time,
            field_name=field_name,
        )

    def _pdf_signer(self, writer: IncrementalPdfFileWriter, field_name: str, level: str) -> PdfSigner:
        frame = read_page_frame(writer, 0)
        mark = self._copy_mark
        rect = copy_mark_rect(frame, mark.width, mark.height, mark.layout.page_margin)
        long_term = level in ("B-LT", "B-LTA")
        metadata = PdfSignatureMetadata(
            field_name=field_name,
            md_algorithm=DIGEST_ALGORITHM,
            subfilter=SigSeedSubFilter.PADES,
            reason=self._reason,
            location=self._location,
            embed_validation_info=long_term,
            use_pades_lta=level == "B-LTA",
            timestamp_field_name=f"{TIMESTAMP_FIELD_PREFIX}{field_name}" if level == "B-LTA" else None,
            validation_context=self._validation_context() if long_term else None,
        )
        return PdfSigner(
            metadata,
            signer=self._key_signer,
            timestamper=self._timestamper if level != "B-B" else None,
            stamp_style=mark.stamp_style(frame.quarter_turns),
            new_field_spec=SigFieldSpec(field_name, on_page=0, box=rect),
        )

    def _validation_context(self) -> ValidationContext:
        """Fresh per signature: OCSP responses and CRLs fetched now are embedded (B-LT)."""
        registry = self._key_signer.cert_registry
        roots = self._trust_roots or [c for c in registry if c.self_signed]
        return ValidationContext(trust_roots=roots, other_certs=list(registry), allow_fetching=True,
                                 revocation_mode="require")

    def _check_certificate_valid_at(self, moment: datetime) -> None:
        cert = self._certificate
        if not cert.not_valid_before_utc <= moment <= cert.not_valid_after_utc:
            raise SigningKeyError(
                f"certificate {self.signer_subject} is valid from {cert.not_valid_before_utc} "
                f"to {cert.not_valid_after_utc}, not at the signing time {moment.isoformat()}"
            )


def _refuse_inside_event_loop() -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise SigningError(
        "sign_copy blocks (it runs pyHanko's event loop); from async code call it through "
        "asyncio.to_thread(sign_copy, ...)"
    )


class _PdfLabel:
    """Names the input in error messages by its digest, computed only when formatted."""

    def __init__(self, pdf: bytes):
        self._pdf = pdf

    def __str__(self) -> str:
        return f"input PDF (sha256 {hashlib.sha256(self._pdf).hexdigest()[:16]}…)"


def _open_for_update(pdf: bytes, label: _PdfLabel) -> IncrementalPdfFileWriter:
    if not pdf.startswith(b"%PDF-"):  # PDF/A: the header is at byte 0
        raise SigningInputError(f"{label} is not a PDF (no %PDF- header at byte 0)")
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    except (PdfError, ValueError, KeyError) as exc:
        raise SigningInputError(f"cannot parse {label}: {exc}") from None
    if writer.security_handler is not None:
        raise SigningInputError(f"{label} is encrypted; PDF/A forbids encryption")
    return writer


def _free_field_name(writer: IncrementalPdfFileWriter) -> str:
    taken = {name for name, _value, _ref in fields.enumerate_sig_fields(writer)}
    number = 1
    while f"{FIELD_NAME_PREFIX}{number}" in taken:
        number += 1
    return f"{FIELD_NAME_PREFIX}{number}"


async def _sign(
    pdf_signer: PdfSigner,
    writer: IncrementalPdfFileWriter,
    signing_time: datetime,
    text_params: dict[str, str],
    bytes_reserved: int | None,
) -> tuple[io.BytesIO, int]:
    """pyHanko's ``async_sign_pdf`` with the signing time fixed by the caller.

    pyHanko reads the clock itself; the copy mark, /M and the returned ``SignedCopy`` must agree.
    The CMS size estimate (a dry-run CMS build) is done once and reused via ``bytes_reserved``.
    """
    session = pdf_signer.init_signing_session(writer)
    session.system_time = signing_time
    validation_info = await session.perform_presign_validation(writer)
    if bytes_reserved is None:
        bytes_reserved = await session.estimate_signature_container_size(validation_info)
    tbs_document = session.prepare_tbs_document(
        validation_info=validation_info,
        bytes_reserved=bytes_reserved,
        appearance_text_params=text_params,
    )
    prepared_digest, output = tbs_document.digest_tbs_document(output=io.BytesIO())
    signed = await tbs_document.perform_signature(
        document_digest=prepared_digest.document_digest,
        pdf_cms_signed_attrs=PdfCMSSignedAttributes(signing_time=signing_time),
    )
    await signed.post_signature_processing(output)
    context = pdf_signer.signature_meta.validation_context
    if context is not None:
        await context.aclose()  # the HTTP session it opened for OCSP/CRL fetching
    return output, bytes_reserved
