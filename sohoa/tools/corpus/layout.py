"""Flow document blocks onto A4 pages as drawing operations plus the exact text of each line."""

from __future__ import annotations

from dataclasses import dataclass, field

from sohoa.tools.corpus import blocks as b
from sohoa.tools.corpus.fonts import FontBook
from sohoa.tools.corpus.ops import INK, STAMP_INK, Op, RuleOp, ScribbleOp, SealOp, TextOp
from sohoa.tools.corpus.drawings import compose_drawing

Word = tuple[str, bool, bool, float]  # text, bold, italic, width in px


@dataclass(frozen=True)
class PageGeometry:
    """A4 page and margins in millimetres (NĐ 30/2020: top/bottom 20–25, left 30–35, right 15–20)."""

    width_mm: float = 210.0
    height_mm: float = 297.0
    top_mm: float = 20.0
    bottom_mm: float = 22.0
    left_mm: float = 30.0
    right_mm: float = 18.0


@dataclass
class PageLayout:
    """Operations to draw one page and its text lines in reading order."""

    ops: list[Op] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


class Composer:
    """Lays out blocks page by page; call :meth:`layout` once per document."""

    def __init__(self, fonts: FontBook, geometry: PageGeometry, seed: int) -> None:
        self.fonts = fonts
        self.geo = geometry
        self.seed = seed
        self.left = fonts.px(geometry.left_mm)
        self.right = fonts.px(geometry.width_mm - geometry.right_mm)
        self.top = fonts.px(geometry.top_mm)
        self.bottom = fonts.px(geometry.height_mm - geometry.bottom_mm)
        self.pages: list[PageLayout] = [PageLayout()]
        self.y = float(self.top)
        self.layer = "original"
        self.colour = INK
        self._group: list[tuple[float, float, float, str]] | None = None

    # --- page handling -------------------------------------------------------------------------

    @property
    def page(self) -> PageLayout:
        return self.pages[-1]

    @property
    def width(self) -> int:
        return self.right - self.left

    def new_page(self) -> None:
        self.pages.append(PageLayout())
        self.y = float(self.top)

    def ensure(self, height: float) -> None:
        """Start a new page unless ``height`` px still fit (a block taller than a page is not moved)."""
        if self.y + height > self.bottom and self.y > self.top:
            self.new_page()

    def line_height(self, points: float) -> float:
        return self.fonts.size_px(points) * 1.25

    # --- primitives ------------------------------------------------------------------------------

    def text(self, x: float, top: float, text: str, bold: bool, italic: bool, points: float,
             page: PageLayout | None = None) -> None:
        """Draw text whose line box starts at ``top`` (the baseline is derived from the font)."""
        self.fonts.check(text)
        ascent = self.fonts.font(bold, italic, points).getmetrics()[0]
        baseline = top + ascent + (self.line_height(points) - self.fonts.size_px(points) * 1.1) / 2
        (page or self.page).ops.append(TextOp(x, baseline, text, bold, italic, points, self.colour, self.layer))

    def rule(self, x0: float, y0: float, x1: float, y1: float, width_mm: float = 0.3) -> None:
        width = max(1, self.fonts.px(width_mm))
        self.page.ops.append(RuleOp(x0, y0, x1, y1, width, self.colour, self.layer))

    def fitted_size(self, line: b.Line, width: float) -> float:
        size = line.size
        while size > 8 and self.fonts.width(line.text, line.bold, line.italic, size) > width:
            size -= 0.5
        return size

    def place_line(self, line: b.Line, x0: float, width: float, top: float) -> float:
        """Draw one unwrapped line in the column [x0, x0+width]; return its height."""
        size = self.fitted_size(line, width)
        text_w = self.fonts.width(line.text, line.bold, line.italic, size)
        x = {"left": x0, "right": x0 + width - text_w}.get(line.align, x0 + (width - text_w) / 2)
        self.text(x, top, line.text, line.bold, line.italic, size)
        height = self.line_height(size)
        if line.underline:
            rule_w = text_w * line.underline
            mid = x + text_w / 2
            y = top + height + self.fonts.px(0.3)
            self.rule(mid - rule_w / 2, y, mid + rule_w / 2, y, 0.25)
            height += self.fonts.px(1.5)
        return height

    def column_lines(self, lines: tuple[b.Line, ...], x0: float, width: float, top: float, record: bool) -> float:
        y = top
        for line in lines:
            height = self.place_line(line, x0, width, y)
            if record:
                self.record(line.text, x0, y, self.line_height(self.fitted_size(line, width)))
            y += height
        return y - top

    def record(self, text: str, x: float, top: float, height: float) -> None:
        """Note a line of text; inside a side-by-side group it is merged into visual rows later."""
        if self._group is None:
            self.page.lines.append(text)
        else:
            self._group.append((top + height / 2, x, height, text))

    def begin_group(self) -> None:
        self._group = []

    def end_group(self) -> None:
        """Append the group's lines as visual rows (left to right), as OCR engines linearise columns."""
        entries, self._group = sorted(self._group or [], key=lambda e: (e[0], e[1])), None
        rows: list[list[tuple[float, float, float, str]]] = []
        for entry in entries:
            if rows and abs(entry[0] - rows[-1][0][0]) < 0.5 * min(entry[2], rows[-1][0][2]):
                rows[-1].append(entry)
            else:
                rows.append([entry])
        for row in rows:
            self.page.lines.append(" ".join(e[3] for e in sorted(row, key=lambda e: e[1])))

    # --- blocks -----------------------------------------------------------------------------------

    def layout(self, blocks: tuple[b.Block, ...]) -> list[PageLayout]:
        handlers = {
            b.Header: self._header, b.Lines: self._lines, b.Para: self._para, b.Table: self._table,
            b.SignatureRow: self._signature_row, b.Spacer: self._spacer, b.PageBreak: lambda _: self.new_page(),
            b.Drawing: self._drawing, b.CopyCertification: self._certification,
        }
        content_pages = 0
        for block in blocks:
            if isinstance(block, b.CopyCertification):
                content_pages = content_pages or len(self.pages)
            handlers[type(block)](block)
        # the issuer numbers its own pages; a certification stamp spilling onto the back is not numbered
        if (content_pages or len(self.pages)) > 1:
            self._page_numbers(content_pages or len(self.pages))
        return self.pages

    def _header(self, block: b.Header) -> None:
        left_w = self.width * block.left_share
        gutter = self.fonts.px(2)
        self.begin_group()
        h_left = self.column_lines(block.left, self.left - gutter, left_w, self.y, True)
        h_right = self.column_lines(block.right, self.left + left_w + gutter, self.width - left_w, self.y, True)
        self.end_group()
        self.y += max(h_left, h_right) + self.fonts.px(4)

    def _lines(self, block: b.Lines) -> None:
        for line in block.lines:
            self.ensure(self.line_height(line.size))
            self.y += self.place_line(line, self.left, self.width, self.y)
            self.page.lines.append(line.text)
        self.y += self.fonts.px(block.space_after_mm)

    def _spacer(self, block: b.Spacer) -> None:
        self.y += self.fonts.px(block.mm)

    def _para(self, block: b.Para, x0: float | None = None, width: float | None = None) -> None:
        x0 = (self.left if x0 is None else x0) + self.fonts.px(block.left_mm)
        width = (self.width if width is None else width) - self.fonts.px(block.left_mm)
        indent = self.fonts.px(block.indent_mm)
        lines = self.wrap(self.words(block), width - indent, width, block.size)
        height = self.line_height(block.size)
        for index, words in enumerate(lines):
            self.ensure(height)
            first = index == 0
            last = index == len(lines) - 1
            self._draw_words(words, x0 + (indent if first else 0), width - (indent if first else 0),
                             block.align, last, block.size)
            self.page.lines.append(" ".join(w[0] for w in words))
            self.y += height
        self.y += self.fonts.px(block.space_after_mm)

    def words(self, block: b.Para) -> list[Word]:
        words: list[Word] = []
        for run in block.runs:
            for token in run.text.split():
                words.append((token, run.bold, run.italic, self.fonts.width(token, run.bold, run.italic, block.size)))
        return words

    def wrap(self, words: list[Word], first_width: float, width: float, points: float) -> list[list[Word]]:
        space = self.fonts.width(" ", False, False, points)
        lines: list[list[Word]] = [[]]
        used = 0.0
        for word in words:
            limit = first_width if len(lines) == 1 else width
            needed = word[3] + (space if lines[-1] else 0)
            if lines[-1] and used + needed > limit:
                lines.append([word])
                used = word[3]
            else:
                lines[-1].append(word)
                used += needed
        return [line for line in lines if line]

    def _draw_words(self, words: list[Word], x0: float, width: float, align: str, last: bool, points: float) -> None:
        space = self.fonts.width(" ", False, False, points)
        natural = sum(w[3] for w in words) + space * (len(words) - 1)
        gap = space
        if align == "justify" and not last and len(words) > 1:
            stretched = (width - sum(w[3] for w in words)) / (len(words) - 1)
            gap = stretched if stretched < space * 3 else space
        elif align == "center":
            x0 += (width - natural) / 2
        elif align == "right":
            x0 += width - natural
        x = x0
        for text, bold, italic, w in words:
            self.text(x, self.y, text, bold, italic, points)
            x += w + gap

    def _table(self, block: b.Table) -> None:
        pad = self.fonts.px(1.5)
        total = sum(c.weight for c in block.columns)
        widths = [self.width * c.weight / total for c in block.columns]
        header = tuple(c.header for c in block.columns)
        for row_index, row in enumerate((header, *block.rows)):
            bold = row_index == 0
            cells = [self.wrap(self.words(b.Para((b.Run(text, bold=bold),), size=block.size)), w - 2 * pad,
                               w - 2 * pad, block.size) for text, w in zip(row, widths)]
            line_h = self.line_height(block.size)
            row_h = max(len(c) for c in cells) * line_h + 2 * pad
            self.ensure(row_h)
            top = self.y
            x = float(self.left)
            for cell, w, column in zip(cells, widths, block.columns):
                align = "center" if bold else column.align
                for i, words in enumerate(cell):
                    self.y = top + pad + i * line_h
                    self._draw_words(words, x + pad, w - 2 * pad, align, True, block.size)
                x += w
            for i in range(max(len(c) for c in cells)):
                self.page.lines.append(" ".join(" ".join(w[0] for w in c[i]) for c in cells if i < len(c)))
            self._grid(top, row_h, widths)
            self.y = top + row_h
        self.y += self.fonts.px(3)

    def _grid(self, top: float, height: float, widths: list[float]) -> None:
        self.rule(self.left, top, self.right, top)
        self.rule(self.left, top + height, self.right, top + height)
        x = float(self.left)
        for w in [0.0, *widths]:
            x += w
            self.rule(x, top, x, top + height)

    def _signature_row(self, block: b.SignatureRow) -> None:
        half = self.width / 2
        self.ensure(self.signer_height(block.right) if block.right else self.line_height(12) * 4)
        top = self.y
        heights = [0.0]
        self.begin_group()
        if isinstance(block.left, b.Recipients):
            heights.append(self._recipients(block.left, top))
        elif isinstance(block.left, b.Signer):
            heights.append(self._signer(block.left, self.left, half, top))
        if block.right is not None:
            heights.append(self._signer(block.right, self.left + half, half, top))
        self.end_group()
        self.y = top + max(heights) + self.fonts.px(3)

    def signer_height(self, signer: b.Signer) -> float:
        lines = len(signer.heading) + (1 if signer.note else 0) + 1
        return lines * self.line_height(13) + self.fonts.px(26)

    def _signer(self, signer: b.Signer, x0: float, width: float, top: float) -> float:
        y = top + self.column_lines(signer.heading, x0, width, top, True)
        if signer.note:
            y += self.column_lines((b.Line(signer.note, italic=True, size=12),), x0, width, y, True)
        gap = self.fonts.px(24)
        centre_x = x0 + width / 2
        if signer.signed:
            sig_w, sig_h = self.fonts.px(34), self.fonts.px(15)
            box = (centre_x - sig_w / 2, y + (gap - sig_h) / 2, centre_x + sig_w / 2, y + (gap + sig_h) / 2)
            self.page.ops.append(ScribbleOp(box, self.seed + len(self.page.ops), self.layer))
        if signer.seal is not None:
            radius = self.fonts.px(signer.seal.diameter_mm) / 2
            # NĐ 30/2020: the seal covers about a third of the signature, on its left
            self.page.ops.append(SealOp(centre_x - self.fonts.px(15), y + gap / 2 - self.fonts.px(2), radius,
                                        signer.seal, self.seed + len(self.page.ops), self.layer))
        y += gap
        y += self.column_lines((b.Line(signer.name, bold=True),), x0, width, y, True)
        return y - top

    def _recipients(self, block: b.Recipients, top: float) -> float:
        y = top + self.fonts.px(4)
        lines = (b.Line(block.lines[0], bold=True, italic=True, size=12, align="left"),
                 *(b.Line(text, size=11, align="left") for text in block.lines[1:]))
        return self.column_lines(lines, self.left, self.width / 2, y, True) + (y - top)

    def _drawing(self, block: b.Drawing) -> None:
        height = self.fonts.px(block.height_mm)
        self.ensure(height)
        box = (float(self.left), self.y, float(self.right), self.y + height)
        ops, lines = compose_drawing(block, box, self.fonts, self.layer)
        for op in ops:
            if isinstance(op, TextOp):
                self.fonts.check(op.text)
        self.page.ops.extend(ops)
        self.page.lines.extend(lines)
        self.y += height + self.fonts.px(3)

    def _certification(self, block: b.CopyCertification) -> None:
        previous = (self.layer, self.colour)
        self.layer, self.colour = "overlay", STAMP_INK
        lines = tuple(b.Line(text, bold=i == 0, size=11, align="left") for i, text in enumerate(block.lines))
        height = max(len(lines) * self.line_height(11), self.signer_height(block.signer))
        self.ensure(height + self.fonts.px(6))
        top = self.y + self.fonts.px(3)
        half = self.width / 2
        self.begin_group()
        used = self.column_lines(lines, self.left + self.fonts.px(2), half, top, True)
        self.rule(self.left, top - self.fonts.px(1.5), self.left + half, top - self.fonts.px(1.5), 0.4)
        self.rule(self.left, top + used, self.left + half, top + used, 0.4)
        self._signer(block.signer, self.left + half, half, top)
        self.end_group()
        self.y = top + height
        self.layer, self.colour = previous

    def _page_numbers(self, total: int) -> None:
        for number, page in enumerate(self.pages[:total], start=1):
            text = f"Trang {number}/{total}"
            width = self.fonts.width(text, False, True, 11)
            top = self.bottom + self.fonts.px(6)
            self.text(self.left + (self.width - width) / 2, top, text, False, True, 11, page=page)
            page.lines.append(text)
