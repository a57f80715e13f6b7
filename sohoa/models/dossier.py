"""The typed values that flow between the stages of one dossier: what to process, how progress is told,
and a component's files between the PDF/A, signing and archiving stages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from sohoa.models.report import PdfaVerdict

VIETNAM_TIME = timezone(timedelta(hours=7), "ICT")
"""Vietnam's time zone (UTC+07:00, no daylight saving): the day a dossier was received is a day here."""

ProgressCallback = Callable[[str, int, int], None]
"""Called as (stage, done, total) while a stage advances."""


@dataclass(frozen=True)
class PagePlacement:
    """A page a person put in its component (or out of the checklist) by hand; every later digitization of the
    dossier keeps it there instead of the classifier's guess."""

    source_sha256: str
    """SHA-256 of the file the page is in."""
    source_page: int
    """1-based page (frame) number in that file."""
    source_copy: int
    """0 for the first file of the dossier with this content, 1 for a second copy handed in, and so on."""
    position: int | None
    """Component position; None for a paper outside the checklist."""
    placed_by: str
    """Who placed it, as the access log names them."""


@dataclass(frozen=True)
class DossierRequest:
    """One dossier to process."""

    dossier_code: str
    """Dossier code (mã hồ sơ) already allocated."""
    procedure_code: str
    """Procedure code (mã TTHC)."""
    files: tuple[Path, ...]
    """Scans in hand-in order."""
    variant: str | None = None
    """Procedure variant id; None for the default."""
    received_at: datetime = field(default_factory=lambda: datetime.now().astimezone())
    """When the dossier was received."""
    placements: tuple[PagePlacement, ...] = ()
    """Pages a person placed by hand in an earlier digitization: they override the classifier."""

    @property
    def received_on(self) -> date:
        """The day of reception in Vietnam: the checklist version in force that day applies."""
        return self.received_at.astimezone(VIETNAM_TIME).date()


@dataclass(frozen=True)
class ComponentBuild:
    """A component's files on local disk, before archiving."""

    position: int
    """1-based component position."""
    name: str
    """Component name."""
    document_type: str | None
    """Matched document type id."""
    pages: tuple[int, ...]
    """Dossier page indexes."""
    confidence: float
    """Lowest page confidence."""
    pdfa_path: Path
    """The PDF/A-2b file."""
    pdfa_verdict: PdfaVerdict
    """Validator verdict on it."""
    signed_path: Path | None = None
    """The signed copy, once signed."""
    signed_verdict: PdfaVerdict | None = None
    """Validator verdict on the signed copy."""
    signer: str | None = None
    """Signing certificate subject."""
