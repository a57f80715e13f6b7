"""Settings of the electronic-copy signer and the constants of the NĐ 30/2020 copy mark."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta, timezone
from pathlib import Path

from sohoa.signing.errors import CopyMarkError, SigningError
from sohoa.signing.pkcs11 import Pkcs11Settings

VIETNAM_TIME = timezone(timedelta(hours=7), "ICT")
"""Vietnam time (UTC+07:00, no daylight saving): the zone the copy mark prints."""

COPY_FORM_REASONS: dict[str, str] = {
    "SAO Y": "Sao y bản chính điện tử (Nghị định 30/2020/NĐ-CP)",
    "SAO LỤC": "Sao lục bản sao điện tử (Nghị định 30/2020/NĐ-CP)",
    "TRÍCH SAO": "Trích sao bản chính điện tử (Nghị định 30/2020/NĐ-CP)",
}
"""The copy forms of NĐ 30/2020 and the /Reason written into the signature for each."""

PADES_LEVELS: tuple[str, ...] = ("B-B", "B-T", "B-LT", "B-LTA")
"""PAdES baseline levels, weakest first."""

DEFAULT_LEVELS_BY_KIND: dict[str, str] = {"result": "B-LTA"}
"""Document kinds whose level differs from ``SigningSettings.level`` by default."""

DEFAULT_FONT_CANDIDATES: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"),
    Path("/usr/share/fonts/truetype/croscore/Tinos-Regular.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"),
)
"""Times-metric (or close) TrueType fonts covering Vietnamese, tried in this order."""


@dataclass(frozen=True)
class SigningSettings:
    """How to load the organisation's signing identity and how to draw its copy mark."""

    pkcs12_path: Path | None
    """PKCS#12 (.p12/.pfx) file holding the private key, its certificate and ideally its chain;
    ``None`` when the key is on a PKCS#11 token (``pkcs11``)."""

    passphrase_env: str = "SOHOA_SIGNING_PASSPHRASE"
    """Name of the environment variable holding the PKCS#12 passphrase (used when
    ``passphrase_file`` is not set)."""

    passphrase_file: Path | None = None
    """File holding the PKCS#12 passphrase (one trailing newline is ignored); wins over the
    environment variable when set."""

    organisation: str = field(kw_only=True)
    """Name of the receiving organisation, printed in the copy mark. Required (keyword-only):
    a copy mark without it has no legal value, so an empty name is rejected."""

    copy_form: str = "SAO Y"
    """Copy form printed on the first line of the mark: ``SAO Y``, ``SAO LỤC`` or ``TRÍCH SAO``."""

    font_path: Path | None = None
    """Times-metric TrueType font covering Vietnamese; ``None`` picks the first installed of
    Liberation Serif 2, Tinos and DejaVu Serif."""

    location: str | None = None
    """/Location written into the signature dictionary; ``None`` uses the organisation name."""

    level: str = "B-B"
    """Default PAdES baseline level: ``B-B`` (no network), ``B-T`` (+ RFC 3161 signature
    timestamp), ``B-LT`` (+ OCSP/CRL in the DSS), ``B-LTA`` (+ document timestamp)."""

    timestamp_url: str | None = None
    """RFC 3161 timestamping service; required for B-T and above."""

    levels_by_kind: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_LEVELS_BY_KIND))
    """Level per document kind (``copy``, ``result``, …); kinds not listed use ``level``.
    Results default to B-LTA (only when a ``timestamp_url`` is configured)."""

    pkcs11: Pkcs11Settings | None = None
    """Key on a PKCS#11 token/HSM instead of the PKCS#12 file (then ``pkcs12_path`` is None)."""

    trust_anchors: tuple[Path, ...] = ()
    """Roots used to collect revocation data for B-LT/B-LTA; empty means the self-signed
    certificates in the PKCS#12 chain."""

    def __post_init__(self) -> None:
        organisation = unicodedata.normalize("NFC", self.organisation).strip()
        copy_form = unicodedata.normalize("NFC", self.copy_form).strip().upper()
        if not organisation:
            raise CopyMarkError("SigningSettings.organisation is empty: the copy mark needs it")
        if copy_form not in COPY_FORM_REASONS:
            raise CopyMarkError(
                f"unknown copy form {self.copy_form!r}; expected one of {sorted(COPY_FORM_REASONS)}"
            )
        for candidate in (self.level, *self.levels_by_kind.values()):
            if candidate not in PADES_LEVELS:
                raise SigningError(f"unknown PAdES level {candidate!r}; expected one of {PADES_LEVELS}")
        if self.level != "B-B" and not self.timestamp_url:
            raise SigningError(f"PAdES level {self.level} needs SigningSettings.timestamp_url")
        object.__setattr__(self, "trust_anchors", tuple(Path(p) for p in self.trust_anchors))
        object.__setattr__(self, "organisation", organisation)
        object.__setattr__(self, "copy_form", copy_form)
        if (self.pkcs12_path is None) == (self.pkcs11 is None):
            raise SigningError("SigningSettings needs exactly one of pkcs12_path and pkcs11")
        if self.pkcs12_path is not None:
            object.__setattr__(self, "pkcs12_path", Path(self.pkcs12_path))
        if self.passphrase_file is not None:
            object.__setattr__(self, "passphrase_file", Path(self.passphrase_file))
        if self.font_path is not None:
            object.__setattr__(self, "font_path", Path(self.font_path))

    def level_for(self, kind: str) -> str:
        """PAdES level for documents of ``kind``; levels above B-B fall back to B-B without a
        ``timestamp_url`` (so an offline pipeline keeps working)."""
        level = self.levels_by_kind.get(kind, self.level)
        return level if self.timestamp_url else "B-B"

    @property
    def reason(self) -> str:
        """The /Reason of the signature, derived from the copy form."""
        return COPY_FORM_REASONS[self.copy_form]


def resolve_font_path(
    font_path: Path | None, candidates: Sequence[Path] = DEFAULT_FONT_CANDIDATES
) -> Path:
    """Return ``font_path`` if given (it must exist), else the first existing candidate."""
    if font_path is not None:
        if not font_path.is_file():
            raise CopyMarkError(f"copy-mark font not found: {font_path}")
        return font_path
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    tried = ", ".join(str(c) for c in candidates)
    raise CopyMarkError(
        f"no font for the copy mark: none of {tried} exists; install fonts-liberation2 or "
        "fonts-croscore, or set SigningSettings.font_path"
    )
