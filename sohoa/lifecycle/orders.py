"""Work orders: a dossier's digitization as intake records it and a queue carries it (by its id only)."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass

from sohoa.services.artifacts import StoredSource
from sohoa.services.db.work import WorkRecord


@dataclass(frozen=True)
class WorkOrder:
    """A dossier's digitization, recorded and waiting for a worker."""

    job_id: str
    """Queue job id: derived from the dossier code (and, for a supplement, from its originals)."""
    dossier_code: str
    """The dossier."""
    sources: tuple[StoredSource, ...]
    """The archived originals to read, in hand-in order."""

    def rows(self) -> list[dict]:
        """The sources as the database stores them."""
        return [asdict(source) for source in self.sources]


def work_order(code: str, sources: tuple[StoredSource, ...], again: bool = False, rebuild: int | None = None) -> WorkOrder:
    """The order for dossier ``code``: its reception's job id names the dossier only, so it is queued once; a
    supplement's (``again``) also names its originals; a rebuild after a page was moved by hand also names how
    many jobs the dossier had before it (`rebuild`), so every move is built once."""
    job_id = "digitize-" + code.replace(".", "_")
    if again:
        names = [s.sha256 for s in sources] + ([f"rebuild-{rebuild}"] if rebuild is not None else [])
        job_id += "-" + hashlib.sha256("|".join(names).encode()).hexdigest()[:12]
    return WorkOrder(job_id, code, sources)


def order_of(work: WorkRecord) -> WorkOrder:
    """The order a stored job carries."""
    return WorkOrder(work.job_id, work.dossier_code, tuple(StoredSource(**source) for source in work.sources))
