"""What the benchmark measures: character error rate and peak memory of a process tree."""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field

from sohoa.tools.evaluation.metrics import EditCount, char_errors, normalize_text
from sohoa.ocr.text import normalize_vietnamese


def normalise_text(text: str) -> str:
    """The evaluation's normalisation (NFC, whitespace collapsed), with Tesseract's Ð read as Đ first.

    Folding Ð matters here and not in `sohoa eval`: OCRmyPDF's output keeps Tesseract's Ð, and the
    benchmark should not count that against it.
    """
    return normalize_text(normalize_vietnamese(text))


def character_error_rate(pairs: list[tuple[str, str]]) -> float:
    """Total edit distance over total truth characters of (found, expected) pairs, both normalised."""
    counts = [char_errors(normalize_vietnamese(expected), normalize_vietnamese(found)) for found, expected in pairs]
    total = sum(counts, EditCount(0, 0))
    return total.edits / max(1, total.reference)


@dataclass
class PeakMemory:
    """Polls /proc for the resident memory of a process and all its descendants while it runs.

    `tree` is the peak of the sum over the whole tree; `per_worker` the peak of one direct child together
    with its own descendants (a pool worker and the tesseract it runs); `workers` how many direct children
    were seen.
    """

    root: int
    interval: float = 0.1
    tree: int = 0
    per_worker: int = 0
    workers: set[int] = field(default_factory=set)
    cpu_seconds: float = 0.0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> PeakMemory:
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _poll(self) -> None:
        while not self._stop.is_set():
            self.sample()
            time.sleep(self.interval)

    def sample(self) -> None:
        rss = _rss(self.root)
        if rss is None:
            return
        total = rss
        for child in _children(self.root):
            self.workers.add(child)
            subtree = sum(_rss(pid) or 0 for pid in _descendants(child))
            self.per_worker = max(self.per_worker, subtree)
            total += subtree
        self.tree = max(self.tree, total)


def _children(pid: int) -> list[int]:
    """Direct children, from /proc/PID/task/*/children (no scan of the whole process table)."""
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children", "rb") as handle:
                found += [int(child) for child in handle.read().split()]
        except (OSError, ValueError):
            continue
    return found


def _descendants(pid: int) -> list[int]:
    """The process and all its descendants."""
    result, pending = [], [pid]
    while pending:
        current = pending.pop()
        result.append(current)
        pending += _children(current)
    return result


def _rss(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return None


_PAGE = os.sysconf("SC_PAGE_SIZE")
