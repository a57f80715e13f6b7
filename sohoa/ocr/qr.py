"""What the QR codes carry: short ASCII payloads that survive printing, scanning and OpenCV decoding.

Separator / cover sheet: ``SOHOA1;SEP;p=<procedure code>;v=<variant>;c=<position, 0 = cover>;d=<dossier code>``
Forms: ``SOHOA1;<MAU01|MAU02>;p=<procedure code>;d=<dossier code>;a=<applicant id>;n=<document name, ASCII>``
"""

from __future__ import annotations

from dataclasses import dataclass

PREFIX = "SOHOA1"


@dataclass(frozen=True)
class SeparatorMark:
    """A separator sheet found on a scanned page."""

    procedure_code: str
    position: int
    """1-based component position; 0 for the dossier cover sheet."""
    dossier_code: str = ""
    variant: str = ""

    @property
    def is_cover(self) -> bool:
        return self.position == 0

    def payload(self) -> str:
        return f"{PREFIX};SEP;p={self.procedure_code};v={self.variant};c={self.position};d={self.dossier_code}"


@dataclass(frozen=True)
class FormMark:
    """The QR code of a receipt or a request to supplement."""

    form: str
    """MAU01 or MAU02."""
    procedure_code: str
    dossier_code: str
    applicant_id: str = ""
    name: str = ""

    def payload(self) -> str:
        return f"{PREFIX};{self.form};p={self.procedure_code};d={self.dossier_code};a={self.applicant_id};n={self.name}"


def decode_payload(text: str) -> SeparatorMark | FormMark | None:
    """Parse a QR payload written by this module; None for anything else."""
    parts = text.strip().split(";")
    if len(parts) < 2 or parts[0] != PREFIX:
        return None
    fields = dict(part.split("=", 1) for part in parts[2:] if "=" in part)
    if parts[1] == "SEP":
        try:
            position = int(fields.get("c", ""))
        except ValueError:
            return None
        if position < 0 or not fields.get("p"):
            return None
        return SeparatorMark(fields["p"], position, fields.get("d", ""), fields.get("v", ""))
    if parts[1] in ("MAU01", "MAU02"):
        return FormMark(parts[1], fields.get("p", ""), fields.get("d", ""), fields.get("a", ""), fields.get("n", ""))
    return None
