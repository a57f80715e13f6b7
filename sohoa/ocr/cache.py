"""Processed pages kept by content, so a page read once is never decoded or OCR'd again (a supplement re-checks
the whole dossier but only reads its new pages).

An entry is keyed by the SHA-256 of the source file, the page's frame in it and the page settings; it holds the
page's files (page image, ink mask, searchable page PDF) and the :class:`PageResult` that points to them. The
folder is the service's own (under its data directory); entries are written to a temporary name and renamed, so
a crash leaves no half entry.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from sohoa.intake.files import PageSource
from sohoa.ocr.pages import PageResult, PageSettings, run_page_tasks

ENTRY = "page.pickle"
"""The pickled `PageResult` of an entry, beside its files."""
FORMAT = "1"
"""Bumped when `PageResult` changes shape: older entries are then simply not found."""


@dataclass(frozen=True)
class PageCache:
    """A folder of processed pages."""

    root: Path
    """Where entries live (one sub-folder each)."""

    def key(self, file_sha256: str, frame: int, settings: PageSettings) -> str:
        """The entry key of page `frame` of the file with this digest, processed with `settings`."""
        return hashlib.sha256(f"{FORMAT}|{file_sha256}|{frame}|{settings!r}".encode()).hexdigest()

    def load(self, key: str, source: PageSource) -> PageResult | None:
        """The cached page for `key`, now standing at `source`'s place in the dossier; None when not cached."""
        try:
            with (self.root / key / ENTRY).open("rb") as handle:
                cached: PageResult = pickle.load(handle)  # noqa: S301 - written by this service into its own folder
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
            return None
        prepared = dataclasses.replace(cached.prepared, source=source)
        return dataclasses.replace(cached, prepared=prepared, reused=True, seconds=dict.fromkeys(cached.seconds, 0.0))

    def store(self, key: str, result: PageResult) -> None:
        """Keep `result` and its files under `key` (atomically; an existing entry is left as it is)."""
        target = self.root / key
        if target.exists():
            return
        self.root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{key[:12]}-", dir=self.root))
        try:
            moved = {name: _copy_into(getattr(result.prepared, name), staging, key) for name in ("image", "mask")}
            page_pdf = _copy_into(result.page_pdf, staging, key)
            entry = dataclasses.replace(result, prepared=dataclasses.replace(result.prepared, ocr_image=None, **{
                name: _final(path, staging, target) for name, path in moved.items()}),
                page_pdf=_final(page_pdf, staging, target))
            with (staging / ENTRY).open("wb") as handle:
                pickle.dump(entry, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(staging, target)
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)  # a full disk costs the cache entry, never the dossier
            if not target.exists():
                return
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)


def run_cached_page_tasks(pages: tuple[PageSource, ...], file_digests: Mapping[Path, str], work_dir: Path,
                          settings: PageSettings, jobs: int, cache: PageCache | None,
                          on_done: Callable[[PageResult], None] = lambda result: None) -> tuple[PageResult, ...]:
    """`run_page_tasks` for the pages not in `cache`; the others come from it, unread. Results in page order."""
    if cache is None:
        return run_page_tasks(pages, work_dir, settings, jobs, on_done)
    keys = {page.index: cache.key(file_digests[page.path], page.frame, settings) for page in pages}
    found: dict[int, PageResult] = {}
    for page in pages:
        if (hit := cache.load(keys[page.index], page)) is not None:
            found[page.index] = hit
            on_done(hit)
    fresh = run_page_tasks(tuple(page for page in pages if page.index not in found), work_dir, settings, jobs, on_done)
    for result in fresh:
        cache.store(keys[result.prepared.source.index], result)
        found[result.prepared.source.index] = result
    return tuple(found[page.index] for page in pages)


def _copy_into(path: Path | None, staging: Path, key: str) -> Path | None:
    if path is None:
        return None
    copy = staging / f"{key[:16]}-{path.name}"
    shutil.copyfile(path, copy)
    return copy


def _final(path: Path | None, staging: Path, target: Path) -> Path | None:
    return target / path.relative_to(staging) if path is not None else None


__all__ = ["PageCache", "run_cached_page_tasks"]
