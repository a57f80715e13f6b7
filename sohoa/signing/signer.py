"""Public entry points: load the organisation's signer once, then sign many copies with it."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from datetime import datetime

from cryptography import x509

from sohoa.signing.copy_mark import CopyMark, CopyMarkLayout
from sohoa.signing.engine import PyHankoCopySigner
from sohoa.signing.errors import SigningError, SigningInputError, SigningKeyError
from sohoa.signing.keys import InMemoryKeySigner, load_pkcs12_identity, read_passphrase
from sohoa.signing.model import CopySigner, SignedCopy
from sohoa.signing.pkcs11 import load_pkcs11_key
from sohoa.signing.settings import VIETNAM_TIME, SigningSettings, resolve_font_path

logger = logging.getLogger(__name__)


def load_signer(
    settings: SigningSettings,
    *,
    environ: Mapping[str, str] | None = None,
    mark_layout: CopyMarkLayout | None = None,
) -> CopySigner:
    """Decrypt the PKCS#12 key once and prepare the copy mark; reuse the result for every PDF.

    ``environ`` is where ``settings.passphrase_env`` is looked up (default: ``os.environ``).
    Raises :class:`~sohoa.signing.errors.SigningKeyError` (file missing or corrupt, wrong or
    missing passphrase) or :class:`~sohoa.signing.errors.CopyMarkError` (font problems).
    """
    environ = os.environ if environ is None else environ
    if settings.pkcs11 is not None:
        key_signer, certificate = load_pkcs11_key(settings.pkcs11, environ)
        source = f"PKCS#11 token {settings.pkcs11.token_label!r} key {settings.pkcs11.key_label!r}"
    else:
        p12 = settings.pkcs12_path
        passphrase = read_passphrase(settings.passphrase_file, settings.passphrase_env, environ, p12)
        identity = load_pkcs12_identity(p12, passphrase)
        key_signer, certificate, source = InMemoryKeySigner(identity), identity.certificate, str(p12)
    font_path = resolve_font_path(settings.font_path)
    copy_mark = CopyMark(
        copy_form=settings.copy_form,
        organisation=settings.organisation,
        font_path=font_path,
        mark_layout=mark_layout or CopyMarkLayout(),
    )
    logger.info(
        "signing key loaded from %s: %s, valid until %s; copy-mark font %s; level %s",
        source,
        certificate.subject.rfc4514_string(),
        certificate.not_valid_after_utc.isoformat(),
        font_path,
        settings.level,
    )
    return PyHankoCopySigner(
        key_signer=key_signer,
        certificate=certificate,
        copy_mark=copy_mark,
        reason=settings.reason,
        location=settings.location or settings.organisation,
        level=settings.level,
        timestamp_url=settings.timestamp_url,
        trust_roots=[_load_pem(p) for p in settings.trust_anchors],
        levels_by_kind=settings.levels_by_kind,
    )


def _load_pem(path) -> x509.Certificate:
    try:
        return x509.load_pem_x509_certificate(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise SigningKeyError(f"cannot read trust anchor {path}: {exc}") from None


def sign_copy(
    pdf: bytes,
    signer: CopySigner,
    signing_time: datetime | None = None,
    *,
    level: str | None = None,
    kind: str | None = None,
) -> SignedCopy:
    """Sign ``pdf`` (a PDF/A-2b scan) as an electronic copy of the receiving organisation.

    Adds a PAdES signature (ETSI.CAdES.detached, SHA-256) and the NĐ 30/2020 copy mark at the
    top right of page 1 as incremental updates: the result starts with ``pdf`` unchanged.
    ``level`` (B-B, B-T, B-LT, B-LTA) overrides the signer's default (``SigningSettings.level``);
    else ``kind`` (``copy``, ``result``, …) picks ``SigningSettings.levels_by_kind[kind]``
    (results: B-LTA), or B-B when no TSA is configured. Levels above B-B contact the TSA (and,
    for B-LT/B-LTA, the OCSP/CRL services). ``signing_time`` must be timezone-aware; it defaults to now,
    is converted to Vietnam time and truncated to whole seconds (the mark prints seconds).
    """
    if not isinstance(pdf, bytes | bytearray | memoryview):
        raise SigningInputError(f"sign_copy expects the PDF as bytes, got {type(pdf).__name__}")
    pdf = bytes(pdf)
    moment = _vietnam_time(signing_time)
    if level is None and kind is not None and hasattr(signer, "level_for"):
        level = signer.level_for(kind)
    copy = signer.sign(pdf, moment, level=level) if level else signer.sign(pdf, moment)
    if not copy.data.startswith(pdf):
        raise SigningError("signing rewrote the original bytes instead of appending an update")
    return copy


def _vietnam_time(signing_time: datetime | None) -> datetime:
    if signing_time is None:
        return datetime.now(VIETNAM_TIME).replace(microsecond=0)
    if signing_time.tzinfo is None or signing_time.utcoffset() is None:
        raise SigningInputError(
            "signing_time must be timezone-aware (e.g. datetime.now(VIETNAM_TIME))"
        )
    return signing_time.astimezone(VIETNAM_TIME).replace(microsecond=0)
