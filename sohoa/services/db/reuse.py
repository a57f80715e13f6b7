"""Reuse of papers already digitized, in the catalogue database: the paper index and the reuse decisions.

A mixin of :class:`sohoa.services.db.Database`, which provides the transactions and the clock. Papers travel as
plain mappings with the fields of :class:`sohoa.supervision.reuse.Paper` (the rules live up there).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from sohoa.services.db.errors import InvalidRecord
from sohoa.services.db.reuse_schema import papers, papers_indexed, reuse_decisions
from sohoa.services.db.schema import dossiers

PAPER_FIELDS = ("dossier_code", "position", "is_result", "document_type", "number", "issuer", "enterprise_code",
                "issue_date", "page_hashes", "signed_key", "signed_sha256")
"""The columns of a paper, as the mappings in and out of this mixin hold them."""


@dataclass(frozen=True)
class ReuseDecisionRecord:
    """A proposal to reuse an earlier signed copy for one component, and what a person decided."""

    dossier_code: str
    """The new dossier."""
    position: int
    """Its component."""
    earlier_dossier_code: str
    """The dossier the earlier signed copy belongs to."""
    earlier_position: int
    """Its component position there."""
    earlier_key: str
    """Object key of the earlier signed copy."""
    earlier_sha256: str | None
    """Its SHA-256."""
    state: int
    """2 (tái sử dụng) or 3 (tái sử dụng từ kết quả hồ sơ khác)."""
    hash_distance: int | None
    """Largest page-hash distance (None for a result found by its digest)."""
    decision: str
    """``proposed``, ``confirmed`` or ``declined``."""
    proposed_at: datetime
    """When it was proposed."""
    decided_at: datetime | None
    """When a person decided; None while proposed."""
    decided_by: str | None
    """Who decided."""


class ReuseMixin:
    """``index_papers``, ``unindexed_dossiers``, ``papers_of_lineage``, ``results_with_digest``, the reuse decisions."""

    _clock: Callable[[], datetime]
    _write: Callable[..., AbstractContextManager[Connection]]
    _read: Callable[..., AbstractContextManager[Connection]]

    def index_papers(self, code: str, rows: Iterable[Mapping[str, Any]]) -> None:
        """Replace the indexed papers of dossier `code` with `rows` and mark it indexed."""
        values = [{name: row[name] for name in PAPER_FIELDS} for row in rows]
        if any(value["dossier_code"] != code for value in values):
            raise InvalidRecord(code, "index_papers: every paper must belong to the dossier indexed")
        with self._write(f"index the papers of dossier {code}", code) as connection:
            connection.execute(delete(papers).where(papers.c.dossier_code == code))
            connection.execute(delete(papers_indexed).where(papers_indexed.c.dossier_code == code))
            if values:
                connection.execute(insert(papers), values)
            connection.execute(insert(papers_indexed).values(dossier_code=code, indexed_at=self._clock()))

    def unindexed_dossiers(self, batch: int = 200) -> Iterator[tuple[str, dict[str, Any]]]:
        """(code, report) of every digitized dossier whose papers are not indexed yet, oldest first, in batches."""
        last = ""
        while True:
            query = (select(dossiers.c.code, dossiers.c.report)
                     .where(dossiers.c.report.is_not(None), dossiers.c.code > last,
                            dossiers.c.code.not_in(select(papers_indexed.c.dossier_code)))
                     .order_by(dossiers.c.code).limit(batch))
            with self._read("list dossiers whose papers are not indexed") as connection:
                rows = connection.execute(query).all()
            yield from ((row.code, row.report) for row in rows)
            if len(rows) < batch:
                return
            last = rows[-1].code

    def papers_of_lineage(self, document_type: str, enterprise_code: str) -> list[dict[str, Any]]:
        """Every indexed paper of this document type and enterprise code (all dossiers, all versions)."""
        query = select(*[papers.c[name] for name in PAPER_FIELDS]).where(
            papers.c.document_type == document_type, papers.c.enterprise_code == enterprise_code).order_by(papers.c.id)
        with self._read(f"find papers of type {document_type}") as connection:
            return [dict(row._mapping) for row in connection.execute(query)]

    def results_with_digest(self, sha256: str) -> list[dict[str, Any]]:
        """Indexed signed results whose signed copy has this SHA-256."""
        query = select(*[papers.c[name] for name in PAPER_FIELDS]).where(
            papers.c.signed_sha256 == sha256.lower(), papers.c.is_result.is_(True))
        with self._read("find a signed result by digest") as connection:
            return [dict(row._mapping) for row in connection.execute(query)]

    def propose_reuse_of(self, code: str, position: int, earlier: Mapping[str, Any], state: int,
                         hash_distance: int | None) -> ReuseDecisionRecord:
        """Record (or renew, unless already decided) the proposal to reuse `earlier` for component `position`."""
        values = dict(dossier_code=code, position=position, earlier_dossier_code=earlier["dossier_code"],
                      earlier_position=earlier["position"], earlier_key=earlier["signed_key"],
                      earlier_sha256=earlier["signed_sha256"], state=state, hash_distance=hash_distance,
                      decision="proposed", proposed_at=self._clock(), decided_at=None, decided_by=None)
        with self._write(f"propose reuse for dossier {code}", code) as connection:
            current = _decision(connection, code, position)
            if current is None:
                connection.execute(insert(reuse_decisions).values(**values))
            elif current.decision == "proposed":
                connection.execute(update(reuse_decisions).where(
                    reuse_decisions.c.dossier_code == code, reuse_decisions.c.position == position).values(**values))
            return _record(_decision(connection, code, position))

    def decide_reuse(self, code: str, position: int, actor: str, confirm: bool) -> ReuseDecisionRecord:
        """A person confirms or declines the proposal for component `position`; `InvalidRecord` when there is none."""
        with self._write(f"decide reuse for dossier {code}", code) as connection:
            current = _decision(connection, code, position)
            if current is None:
                raise InvalidRecord(code, f"component {position}: no reuse was proposed")
            connection.execute(update(reuse_decisions).where(
                reuse_decisions.c.dossier_code == code, reuse_decisions.c.position == position).values(
                decision="confirmed" if confirm else "declined", decided_at=self._clock(), decided_by=actor))
            return _record(_decision(connection, code, position))

    def reuse_decisions(self, code: str) -> list[ReuseDecisionRecord]:
        """The reuse proposals of dossier `code` and their decisions, by component."""
        with self._read(f"read the reuse decisions of dossier {code}", code) as connection:
            rows = connection.execute(select(reuse_decisions).where(reuse_decisions.c.dossier_code == code)
                                      .order_by(reuse_decisions.c.position)).all()
        return [_record(row) for row in rows]

    def confirmed_reuse(self, codes: Iterable[str]) -> dict[str, dict[int, int]]:
        """Dossier code → component position → state (2 or 3) of every confirmed reuse among `codes`."""
        wanted, found = sorted(set(codes)), {}
        for start in range(0, len(wanted), 5000):
            query = select(reuse_decisions.c.dossier_code, reuse_decisions.c.position, reuse_decisions.c.state).where(
                reuse_decisions.c.decision == "confirmed", reuse_decisions.c.dossier_code.in_(wanted[start:start + 5000]))
            with self._read("read confirmed reuse") as connection:
                for row in connection.execute(query):
                    found.setdefault(row.dossier_code, {})[row.position] = row.state
        return found


def _decision(connection: Connection, code: str, position: int):
    return connection.execute(select(reuse_decisions).where(
        reuse_decisions.c.dossier_code == code, reuse_decisions.c.position == position)).first()


def _record(row) -> ReuseDecisionRecord:
    data = dict(row._mapping)
    data.pop("id")
    return ReuseDecisionRecord(**data)
