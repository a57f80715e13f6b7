"""Logical blocks a synthetic document is made of, before layout.

Content builders (``sohoa.tools.corpus.content*``) produce these; ``sohoa.tools.corpus.layout`` flows them
onto A4 pages. Sizes are in typographic points, distances in millimetres.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Run:
    """A piece of text with one style inside a paragraph."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Line:
    """A single line that is never wrapped (header lines, signature block lines)."""

    text: str
    bold: bool = False
    italic: bool = False
    size: float = 13.0
    underline: float = 0.0  # rule under the line, as a fraction of its width (0: none)
    align: str = "center"  # center | left | right (inside its column)


@dataclass(frozen=True)
class Para:
    """A wrapped paragraph of runs."""

    runs: tuple[Run, ...]
    align: str = "justify"  # justify | left | center | right
    size: float = 13.0
    indent_mm: float = 10.0  # first-line indent
    left_mm: float = 0.0  # indent of every line
    space_after_mm: float = 1.2


def para(*parts: str | tuple[str, str], **options) -> Para:
    """Build a paragraph: plain strings, or (text, style) with style among 'b', 'i', 'bi'."""
    runs = []
    for part in parts:
        if isinstance(part, tuple):
            text, style = part
            runs.append(Run(text, bold="b" in style, italic="i" in style))
        else:
            runs.append(Run(part))
    return Para(tuple(runs), **options)


@dataclass(frozen=True)
class Header:
    """Two-column header: issuing body and number left, Quốc hiệu/Tiêu ngữ and date right."""

    left: tuple[Line, ...]
    right: tuple[Line, ...]
    left_share: float = 0.42


@dataclass(frozen=True)
class Lines:
    """Unwrapped lines stacked vertically across the full text width (titles, centred Quốc hiệu)."""

    lines: tuple[Line, ...]
    space_after_mm: float = 2.0


@dataclass(frozen=True)
class Column:
    """A table column: header text, relative width and cell alignment."""

    header: str
    weight: float
    align: str = "left"


@dataclass(frozen=True)
class Table:
    """A ruled table; rows never split across pages."""

    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    size: float = 12.0


@dataclass(frozen=True)
class Seal:
    """A red round seal (con dấu): text around the ring, a few lines in the centre."""

    ring_text: str
    centre: tuple[str, ...] = ()
    diameter_mm: float = 36.0
    state: bool = False  # state body: star in the centre


@dataclass(frozen=True)
class Signer:
    """A signature block: position lines, instruction, signature, seal and the signer's name."""

    heading: tuple[Line, ...]
    name: str
    note: str = ""
    seal: Seal | None = None
    signed: bool = True


@dataclass(frozen=True)
class Recipients:
    """'Nơi nhận:' list under the body, at the left of the signature."""

    lines: tuple[str, ...]


@dataclass(frozen=True)
class SignatureRow:
    """Left and right halves side by side; either may be empty."""

    left: Signer | Recipients | None
    right: Signer | None


@dataclass(frozen=True)
class Spacer:
    """Vertical space."""

    mm: float


@dataclass(frozen=True)
class PageBreak:
    """Start a new page."""


@dataclass(frozen=True)
class Drawing:
    """A non-text figure (floor plan, label, scratch card, ID card) with printed labels."""

    kind: str
    height_mm: float
    labels: tuple[str, ...] = ()
    seed: int = 0


@dataclass(frozen=True)
class CopyCertification:
    """Chứng thực stamp of a certified copy (bản sao có chứng thực), applied after photocopying."""

    lines: tuple[str, ...]
    signer: Signer


Block = Header | Lines | Para | Table | SignatureRow | Spacer | PageBreak | Drawing | CopyCertification


@dataclass(frozen=True)
class DocumentSpec:
    """Everything needed to render one document, plus facts recorded in the truth file."""

    document_type_id: str
    title: str
    blocks: tuple[Block, ...]
    photocopy: bool = False  # a bản sao: printed in grey, certification in colour on top
    number: str = ""
    issue_date: str = ""
    issuer: str = ""
    signer: str = ""
    facts: dict[str, str] = field(default_factory=dict)
