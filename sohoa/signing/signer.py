"""Public entry points: load the organisation's signer once, then sign many copies with it."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from datetime import datetime

from sohoa.signing.copy_mark import CopyMark, CopyMarkLayout
from sohoa.signing.engine import PyHankoCopySigner
from sohoa.signing.errors import SigningError, SigningInputError
from sohoa.signing.keys import InMemoryKeySigner, load_pkcs12_identity, read_passphrase
from sohoa.signing.model import CopySigner, SignedCopy
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
    p12 = settings.pkcs12_path
    passphrase = read_passphrase(
        settings.passphrase_file,
        settings.passphrase_env,
        os.environ if environ is None else environ,
        p12,
    )
    identity = load_pkcs12_identity(p12, passphrase)
    font_path = resolve_font_path(settings.font_path)
    copy_mark = CopyMark(
        copy_form=settings.copy_form,
        organisation=settings.organisation,
        font_path=font_path,
        mark_layout=mark_layout or CopyMarkLayout(),
    )
    logger.info(
        "signing key loaded from %s: %s, valid until %s; copy-mark font %s",
        p12,
        identity.certificate.subject.rfc4514_string(),
        identity.certificate.not_valid_after_utc.isoformat(),
        font_path,
    )
    return PyHankoCopySigner(
        key_signer=InMemoryKeySigner(identity),
        certificate=identity.certificate,
        copy_mark=copy_mark,
        reason=settings.reason,
        location=settings.location or settings.organisation,
    )


def sign_copy(
    pdf: bytes, signer: CopySigner, signing_time: datetime | None = None
) -> SignedCopy:
    """Sign ``pdf`` (a PDF/A-2b scan) as an electronic copy of the receiving organisation.

    Adds a PAdES B-B signature (ETSI.CAdES.detached, SHA-256) and the NĐ 30/2020 copy mark at
    the top right of page 1, as one incremental update: the result starts with ``pdf``
    unchanged. ``signing_time`` must be timezone-aware; it defaults to now, is converted to
    Vietnam time and truncated to whole seconds (the mark prints seconds).
    """
    if not isinstance(pdf, bytes | bytearray | memoryview):
        raise SigningInputError(f"sign_copy expects the PDF as bytes, got {type(pdf).__name__}")
    pdf = bytes(pdf)
    moment = _vietnam_time(signing_time)
    copy = signer.sign(pdf, moment)
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
