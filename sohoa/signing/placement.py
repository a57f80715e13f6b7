"""Where the copy mark goes: the top-right corner of page 1 *as displayed*.

Page sizes vary, the page box may not start at (0, 0), and scanned pages are often stored
unrotated with a /Rotate entry. The mark's rectangle is computed in display space (after
/Rotate) and mapped back to the page's default user space, where widget /Rect lives.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyhanko.pdf_utils.rw_common import PdfHandler, find_inherited_value_in_tree

from sohoa.signing.errors import SigningInputError

Rect = tuple[float, float, float, float]


@dataclass(frozen=True)
class PageFrame:
    """Visible area of a page in default user space, and how it is turned for display."""

    left: float
    """Lower-left x of the visible box (MediaBox, cut by the CropBox if one is set)."""

    bottom: float
    """Lower-left y of the visible box."""

    right: float
    """Upper-right x of the visible box."""

    top: float
    """Upper-right y of the visible box."""

    quarter_turns: int = 0
    """Clockwise display rotation (/Rotate) divided by 90: 0, 1, 2 or 3."""

    @property
    def display_width(self) -> float:
        """Width of the page as a viewer shows it."""
        sideways = self.quarter_turns % 2
        return (self.top - self.bottom) if sideways else (self.right - self.left)

    @property
    def display_height(self) -> float:
        """Height of the page as a viewer shows it."""
        sideways = self.quarter_turns % 2
        return (self.right - self.left) if sideways else (self.top - self.bottom)


def read_page_frame(handler: PdfHandler, page_index: int = 0) -> PageFrame:
    """Read the (possibly inherited) MediaBox, CropBox and /Rotate of a page."""
    try:
        page_ref, _resources = handler.find_page_for_modification(page_index)
        page = page_ref.get_object()
        media = _box(find_inherited_value_in_tree(page, "/MediaBox", "/Parent"), "/MediaBox")
        crop_value = find_inherited_value_in_tree(page, "/CropBox", "/Parent")
        rotate = find_inherited_value_in_tree(page, "/Rotate", "/Parent") or 0
    except SigningInputError:
        raise
    except Exception as exc:  # pyHanko raises assorted errors on malformed page trees
        raise SigningInputError(f"cannot read page {page_index + 1}: {exc}") from None
    left, bottom, right, top = media
    if crop_value is not None:
        c_left, c_bottom, c_right, c_top = _box(crop_value, "/CropBox")
        left, bottom = max(left, c_left), max(bottom, c_bottom)
        right, top = min(right, c_right), min(top, c_top)
    if right <= left or top <= bottom:
        raise SigningInputError(f"page {page_index + 1} has an empty visible area")
    if int(rotate) % 90:
        raise SigningInputError(f"page {page_index + 1} has /Rotate {rotate}, not a multiple of 90")
    return PageFrame(left, bottom, right, top, quarter_turns=(int(rotate) // 90) % 4)


def _box(value: object, name: str) -> Rect:
    try:
        x1, y1, x2, y2 = (float(v) for v in value)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        raise SigningInputError(f"page has a malformed {name}: {value!r}") from None
    return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)


def copy_mark_rect(frame: PageFrame, width: float, height: float, margin: float) -> Rect:
    """Widget /Rect (user space) of a ``width`` × ``height`` mark at the displayed top right.

    A mark larger than the page (minus margins) is clamped; its content then shrinks to fit.
    """
    width = min(width, frame.display_width - 2 * margin)
    height = min(height, frame.display_height - 2 * margin)
    if width <= 0 or height <= 0:
        raise SigningInputError("page 1 is too small to hold the copy mark")
    u_right = frame.display_width - margin
    v_top = frame.display_height - margin
    corners = [_display_to_user(frame, u, v) for u, v in
               ((u_right - width, v_top - height), (u_right, v_top))]  # fmt: skip
    xs, ys = [x for x, _ in corners], [y for _, y in corners]
    return min(xs), min(ys), max(xs), max(ys)


def _display_to_user(frame: PageFrame, u: float, v: float) -> tuple[float, float]:
    """Map display coordinates (origin at the displayed bottom left) to user space."""
    turns = frame.quarter_turns
    if turns == 0:
        return frame.left + u, frame.bottom + v
    if turns == 1:  # turned 90° clockwise: display right is user up, display up is user left
        return frame.right - v, frame.bottom + u
    if turns == 2:
        return frame.right - u, frame.top - v
    return frame.left + v, frame.top - u
