"""A person's placement of a page overrides the classifier: the page goes to the component they chose (or out of
the checklist), as the first page of a document or the next page of the one before it, with confidence 1.
Pure functions on the classifier's assignments, used by the pipeline (placements kept from an earlier
digitization) and by the desk's page move (`sohoa.lifecycle.page_moves`)."""

from __future__ import annotations

from collections.abc import Sequence

from sohoa.classification.rules import PageAssignment
from sohoa.models.dossier import PagePlacement

UNEXPECTED = "unexpected"
"""The target meaning: a paper outside the procedure's checklist."""


def placed(assignments: tuple[PageAssignment, ...], index: int, target: int | str,
           actor: str | None) -> tuple[PageAssignment, ...]:
    """`assignments` with page `index` in component `target` (its position) or `UNEXPECTED`, placed by `actor`."""
    out = list(assignments)
    previous = next((a for a in reversed(out[:index]) if a.role not in ("blank", "separator")), None)
    old = out[index]
    if target == UNEXPECTED:
        out[index] = PageAssignment(role="unexpected", position=None, document_type=None, confidence=1.0,
                                    title=old.title, document_start=True, placed_by=actor)
    else:
        continues = previous is not None and previous.position == target
        out[index] = PageAssignment(role="continuation" if continues else "component", position=int(target),
                                    document_type=old.document_type if old.position == target else None,
                                    confidence=1.0, title=old.title, document_start=not continues, placed_by=actor)
    return tuple(out)


def page_keys(file_digests: Sequence[str], page_counts: Sequence[int]) -> tuple[tuple[str, int, int], ...]:
    """Each page of a dossier named by (its file's SHA-256, which copy of that content the file is, its 1-based
    page number in the file), from the files' digests and page counts in hand-in order: a name two files share
    (every phone calls its photos image.jpg) or the same file handed in twice still names one page."""
    seen: dict[str, int] = {}
    keys = []
    for digest, count in zip(file_digests, page_counts, strict=True):
        copy = seen[digest] = seen.get(digest, -1) + 1
        keys += [(digest, copy, page) for page in range(1, count + 1)]
    return tuple(keys)


def place_pages(assignments: tuple[PageAssignment, ...], keys: Sequence[tuple[str, int, int]],
                placements: Sequence[PagePlacement], positions: set[int]) -> tuple[PageAssignment, ...]:
    """The classifier's `assignments` with every placement applied, in page order; `keys` names each page
    (`page_keys`); a placement in a component not among `positions` (the checklist's) is ignored."""
    by_key = {(p.source_sha256, p.source_copy, p.source_page): p for p in placements
              if p.position is None or p.position in positions}
    for index, key in enumerate(keys):
        placement = by_key.get(key)
        if placement is not None:
            target = UNEXPECTED if placement.position is None else placement.position
            assignments = placed(assignments, index, target, placement.placed_by)
    return assignments


__all__ = ["UNEXPECTED", "page_keys", "place_pages", "placed"]
