"""Side-by-side benchmark of this project's page path against OCRmyPDF 17 and plain Tesseract (issue 7).

Run by hand: ``python -m sohoa.bench [--pages N] [--out report.json]`` (``make bench``). See
docs/performance.md for what is measured and how.
"""

from sohoa.bench.metrics import PeakMemory, character_error_rate, normalise_text

__all__ = ["PeakMemory", "character_error_rate", "normalise_text"]
