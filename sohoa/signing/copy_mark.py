"""The visible NĐ 30/2020 electronic-copy mark: text, embedded font and appearance stream.

The mark is three groups of lines, black, 10 pt, no image: the copy form ("SAO Y"), the
organisation's name (wrapped at word boundaries if long) and the signing time in ISO 8601
Vietnam time ("2026-11-22T11:05:00+07:00").

Font handling works around a pyHanko 0.38 limitation: its OpenType engine writes glyph widths
(``/W``) and the font descriptor in the font's own units, which is only right for fonts with
1000 units per em. Liberation Serif, Tinos and DejaVu Serif use 2048, so the text would be drawn
letter-spaced and the widths would contradict the embedded program (PDF/A-2 rule 6.2.11.5).
:func:`prepare_font` therefore subsets the font once to the mark's characters, drops hinting and
rescales it to 1000 units per em; pyHanko then embeds that program.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import uharfbuzz as hb
from fontTools import subset
from fontTools.ttLib import TTFont, TTLibError, scaleUpem
from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.font.api import FontEngineFactory
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp import TextStamp, TextStampStyle

from sohoa.signing.errors import CopyMarkError
from sohoa.signing.settings import VIETNAM_TIME

TIME_CHARACTERS = "0123456789-:T+"
"""Every character an ISO 8601 signing time with offset can contain."""

_STAMP_TEMPLATE = "%(copy_form)s\n%(organisation)s\n%(signed_at)s"
_PDF_UNITS_PER_EM = 1000


@dataclass(frozen=True)
class CopyMarkLayout:
    """Typography and placement of the mark, in PDF points (1/72 inch)."""

    font_size: int = 10
    """Font size; NĐ 30/2020 asks for Times New Roman 10."""

    leading: int = 12
    """Distance between baselines."""

    padding: int = 3
    """Blank space inside the mark's box, around the text."""

    page_margin: float = 14.17
    """Distance from the (displayed) top and right page edges to the box: 5 mm."""

    max_text_width: float = 200.0
    """Organisation names wider than this wrap onto more lines (fits an A5 top-right quarter)."""


def format_signing_time(moment: datetime) -> str:
    """ISO 8601 in Vietnam time, to the second: ``2026-11-22T11:05:00+07:00``."""
    return moment.astimezone(VIETNAM_TIME).isoformat(timespec="seconds")


def prepare_font(font_path: Path, text: str) -> bytes:
    """Return a TrueType program holding the glyphs of ``text``, unhinted, at 1000 units/em.

    Raises :class:`CopyMarkError` if the font cannot be read or lacks a character of ``text``.
    """
    try:
        font = TTFont(str(font_path))
        cmap = font.getBestCmap() or {}
    except (OSError, TTLibError, KeyError, AssertionError) as exc:
        raise CopyMarkError(f"cannot read copy-mark font {font_path}: {exc}") from None
    wanted = {char for char in text if char != "\n"}
    missing = sorted(char for char in wanted if ord(char) not in cmap)
    if missing:
        raise CopyMarkError(
            f"copy-mark font {font_path} has no glyph for {''.join(missing)!r}; "
            "use a font covering Vietnamese (Liberation Serif 2, Tinos, DejaVu Serif)"
        )
    options = subset.Options()
    options.hinting = False
    options.drop_tables += ["FFTM", "DSIG"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(wanted)))
    subsetter.subset(font)
    if font["head"].unitsPerEm != _PDF_UNITS_PER_EM:
        scaleUpem.scale_upem(font, _PDF_UNITS_PER_EM)
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class PreparedFontFactory(FontEngineFactory):
    """pyHanko font-engine factory over an in-memory font program from :func:`prepare_font`."""

    program: bytes
    """TrueType program at 1000 units per em."""

    font_size: int
    """Font size in points."""

    def create_font_engine(self, writer, obj_stream=None) -> GlyphAccumulator:
        return _PreSubsetGlyphAccumulator(
            self._compressed_program(),
            writer=writer,
            font_handle=io.BytesIO(self.program),
            font_size=self.font_size,
            bcp47_lang_code="vi",
            obj_stream=obj_stream,
        )

    def _compressed_program(self) -> bytes:
        """The font program, Flate-compressed once per factory (i.e. per signer)."""
        cached = self.__dict__.get("_compressed")
        if cached is None:
            stream = generic.StreamObject(stream_data=self.program)
            stream.compress()
            cached = stream.encoded_data
            object.__setattr__(self, "_compressed", cached)
        return cached


class _PreSubsetGlyphAccumulator(GlyphAccumulator):
    """pyHanko's accumulator minus the per-signature font work.

    The program from :func:`prepare_font` is already a small subset (the mark's characters), so
    it is embedded as is: no second fontTools subsetting and no re-serialisation of the font for
    every signature (together about a third of the signing time). Glyph ids are the program's
    own, which is what the shaping used, so /W and the content stay consistent.
    """

    def __init__(self, compressed_program: bytes, **kwargs):
        super().__init__(**kwargs)
        self._subset_created = True  # skip GlyphAccumulator._extract_subset
        cidfont = self.cidfont_obj

        def set_font_file(writer) -> generic.IndirectObject:
            font_stream = generic.StreamObject(
                {generic.pdf_name("/Filter"): generic.pdf_name("/FlateDecode")},
                encoded_data=compressed_program,
            )
            ref = writer.add_object(font_stream)
            cidfont._font_descriptor[generic.pdf_name("/FontFile2")] = ref
            return ref

        cidfont.set_font_file = set_font_file


def measure_text(program: bytes, font_size: float) -> Callable[[str], float]:
    """Return a function giving a line's advance width in points, shaped like pyHanko does."""
    font = hb.Font(hb.Face(program))
    units_per_em = font.face.upem

    def width_of(line: str) -> float:
        buffer = hb.Buffer()
        buffer.add_str(line)
        buffer.guess_segment_properties()
        hb.shape(font, buffer)
        return sum(p.x_advance for p in buffer.glyph_positions) * font_size / units_per_em

    return width_of


def wrap_words(text: str, max_width: float, width_of: Callable[[str], float]) -> list[str]:
    """Wrap into as few lines as fit ``max_width``, then even out their lengths.

    "Trung tâm Phục vụ hành chính công / tỉnh Thái Nguyên" reads better than a lone last
    word. A single word wider than ``max_width`` gets a line of its own.
    """
    lines = _greedy_wrap(text, max_width, width_of)
    if len(lines) < 2:
        return lines
    narrow = max(width_of(word) for word in text.split())
    wide = max_width
    for _ in range(16):  # bisect the narrowest limit that keeps the same line count
        middle = (narrow + wide) / 2
        if len(_greedy_wrap(text, middle, width_of)) <= len(lines):
            wide = middle
        else:
            narrow = middle
    return _greedy_wrap(text, wide, width_of)


def _greedy_wrap(text: str, max_width: float, width_of: Callable[[str], float]) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and width_of(candidate) <= max_width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


@dataclass(frozen=True)
class CopyMarkStampStyle(TextStampStyle):
    """Text stamp that stays upright on pages displayed with a /Rotate of 90, 180 or 270."""

    quarter_turns: int = 0
    """The page's /Rotate divided by 90 (0-3)."""

    def create_stamp(self, writer, box, text_params) -> TextStamp:
        return _CopyMarkStamp(writer=writer, style=self, text_params=text_params, box=box)


class _CopyMarkStamp(TextStamp):
    """Draws in display orientation; the form's /Matrix turns it back into page space."""

    def __init__(self, writer, style: CopyMarkStampStyle, text_params, box):
        if style.quarter_turns % 2 and box is not None:
            box = layout.BoxConstraints(width=box.height, height=box.width)
        super().__init__(writer=writer, style=style, text_params=text_params, box=box)

    def as_form_xobject(self) -> generic.StreamObject:
        form = super().as_form_xobject()
        turns = self.style.quarter_turns % 4
        width, height = self.box.width, self.box.height
        matrices = {1: (0, 1, -1, 0, height, 0), 2: (-1, 0, 0, -1, width, height),
                    3: (0, -1, 1, 0, 0, width)}  # fmt: skip
        if turns:
            form["/Matrix"] = generic.ArrayObject(generic.FloatObject(v) for v in matrices[turns])
        return form


class CopyMark:
    """Text, font and box size of one organisation's copy mark; built once per signer."""

    def __init__(
        self, copy_form: str, organisation: str, font_path: Path, mark_layout: CopyMarkLayout
    ):
        copy_form = unicodedata.normalize("NFC", copy_form)
        organisation = unicodedata.normalize("NFC", organisation)
        self.layout = mark_layout
        self.font_path = font_path
        self._program = prepare_font(font_path, f"{copy_form} {organisation} {TIME_CHARACTERS}")
        width_of = measure_text(self._program, mark_layout.font_size)
        self.copy_form = copy_form
        self.organisation = organisation
        self.organisation_lines = tuple(
            wrap_words(organisation, mark_layout.max_text_width, width_of)
        )
        # Digits are tabular in the supported fonts; '8' stands for any digit.
        widest_time = format_signing_time(datetime(2088, 8, 8, 8, 8, 8, tzinfo=VIETNAM_TIME))
        text_width = max(
            width_of(line) for line in (copy_form, *self.organisation_lines, widest_time)
        )
        line_count = 2 + len(self.organisation_lines)
        self.width = round(text_width) + 2 * mark_layout.padding + 2
        self.height = line_count * mark_layout.leading + 2 * mark_layout.padding

    def text_params(self, signing_time: datetime) -> dict[str, str]:
        """Values for the stamp template at ``signing_time``."""
        return {
            "copy_form": self.copy_form,
            "organisation": "\n".join(self.organisation_lines),
            "signed_at": format_signing_time(signing_time),
        }

    def stamp_style(self, quarter_turns: int) -> CopyMarkStampStyle:
        """pyHanko stamp style for a page turned by ``quarter_turns`` × 90° when displayed."""
        top_left = layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MAX,
            margins=layout.Margins.uniform(self.layout.padding),
            inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
        )
        text_style = TextBoxStyle(
            font=PreparedFontFactory(self._program, self.layout.font_size),
            font_size=self.layout.font_size,
            leading=self.layout.leading,
            box_layout_rule=top_left,
        )
        return CopyMarkStampStyle(
            text_box_style=text_style,
            inner_content_layout=layout.SimpleBoxLayoutRule(
                x_align=layout.AxisAlignment.ALIGN_MIN,
                y_align=layout.AxisAlignment.ALIGN_MAX,
                inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
            ),
            stamp_text=_STAMP_TEMPLATE,
            border_width=0,
            background=None,
            quarter_turns=quarter_turns,
        )
