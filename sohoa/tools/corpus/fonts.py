"""Fonts for rendering synthetic documents (Times-metric serif that covers Vietnamese)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont
from PIL import ImageFont

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/croscore"),
)
FAMILIES = {
    "LiberationSerif": ("LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf",
                        "LiberationSerif-Italic.ttf", "LiberationSerif-BoldItalic.ttf"),
    "Tinos": ("Tinos-Regular.ttf", "Tinos-Bold.ttf", "Tinos-Italic.ttf", "Tinos-BoldItalic.ttf"),
}


class FontError(RuntimeError):
    """No usable font, or text with characters the font cannot draw."""


@dataclass(frozen=True)
class RenderSettings:
    """Where the fonts are; passed in by the caller (defaults find Liberation Serif 2 or Tinos)."""

    font_dirs: tuple[Path, ...] = FONT_DIRS
    family: str | None = None  # None: the first family of FAMILIES found in font_dirs

    def font_files(self) -> tuple[Path, Path, Path, Path]:
        """Regular, bold, italic, bold-italic files."""
        families = [self.family] if self.family else list(FAMILIES)
        for name in families:
            for directory in self.font_dirs:
                files = tuple(directory / f for f in FAMILIES.get(name, ()))
                if files and all(f.exists() for f in files):
                    return files  # type: ignore[return-value]
        raise FontError(f"no font family {families} in {[str(d) for d in self.font_dirs]}")


class FontBook:
    """Pillow fonts by style and size at one resolution, with a glyph-coverage check."""

    def __init__(self, settings: RenderSettings, dpi: int) -> None:
        self.files = settings.font_files()
        self.dpi = dpi
        self._coverage = _coverage(self.files[0])

    def px(self, mm: float) -> int:
        """Millimetres to pixels at this resolution."""
        return round(mm / 25.4 * self.dpi)

    def size_px(self, points: float) -> int:
        return max(6, round(points * self.dpi / 72))

    def font(self, bold: bool, italic: bool, points: float) -> ImageFont.FreeTypeFont:
        index = (2 if italic else 0) + (1 if bold else 0)
        return _load(self.files[index], self.size_px(points))

    def width(self, text: str, bold: bool, italic: bool, points: float) -> float:
        return self.font(bold, italic, points).getlength(text)

    def check(self, text: str) -> None:
        """Raise FontError when the font lacks a glyph for a character of ``text``."""
        missing = sorted({c for c in text if not c.isspace() and ord(c) not in self._coverage})
        if missing:
            raise FontError(f"font {self.files[0].name} has no glyph for {missing!r} in {text!r}")


@functools.lru_cache(maxsize=64)
def _load(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


@functools.lru_cache(maxsize=4)
def _coverage(path: Path) -> frozenset[int]:
    with TTFont(str(path), lazy=True) as font:
        return frozenset(font.getBestCmap())
