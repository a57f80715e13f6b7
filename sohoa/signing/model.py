"""Result type and engine interface of the electronic-copy signer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class SignedCopy:
    """A PDF signed as an electronic copy (NĐ 30/2020)."""

    data: bytes
    """The signed PDF: the original bytes unchanged, followed by one incremental update."""

    sha256: str
    """Lower-case hex SHA-256 of ``data`` (for the archive record and S3 checksums)."""

    signer_subject: str
    """RFC 4514 subject of the signing certificate, e.g. ``CN=…,O=…,C=VN``."""

    signing_time: datetime
    """Signing time in Vietnam time (+07:00), to the second, exactly as printed in the mark
    and written to the signature's /M."""

    field_name: str
    """Name of the signature field added to the PDF."""


@runtime_checkable
class CopySigner(Protocol):
    """Anything that can sign a PDF's bytes as an electronic copy.

    Implementations keep their key material loaded between calls. Today's engine is
    :class:`sohoa.signing.engine.PyHankoCopySigner` over a PKCS#12 key; a PKCS#11 (token/HSM)
    key or a timestamping variant plugs in behind the same two members.
    """

    @property
    def signer_subject(self) -> str:
        """RFC 4514 subject of the signing certificate."""
        ...

    def sign(self, pdf: bytes, signing_time: datetime) -> SignedCopy:
        """Sign ``pdf`` with the copy mark dated ``signing_time`` (aware, whole seconds)."""
        ...
