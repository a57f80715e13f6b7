"""Side-by-side benchmark of this project's page path against OCRmyPDF 17 and plain Tesseract (issue 7).

Run by hand: ``python -m sohoa.tools.bench [--pages N] [--out report.json]`` (``make bench``). See
docs/performance.md for what is measured and how.
"""

__all__ = ["PeakMemory", "character_error_rate", "normalise_text"]


def __getattr__(name: str) -> object:
    # Loaded on use: `sohoa.tools.bench.pagerun` is timed from process start and needs none of the metrics.
    if name in __all__:
        from sohoa.tools.bench import metrics

        return getattr(metrics, name)
    raise AttributeError(f"module 'sohoa.tools.bench' has no attribute {name!r}")
