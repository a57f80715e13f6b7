"""Reuse through the database: index the papers of digitized dossiers, propose earlier signed copies, record a
person's decision. Every call is logged in the dossier's hash-chained access log.

Proposals are made after a dossier is digitized (the keys are read by OCR): the new paper was already signed
in that run, and a confirmed reuse records that the component *is* the earlier signed copy (state 2 or 3), so
the indicators count it and an auditor finds the original signature.
"""

from __future__ import annotations

import logging
from typing import Any

from sohoa.errors import SohoaError

from sohoa.lifecycle.ledger import ledger
from sohoa.services.access import logged_access
from sohoa.services.db import Database
from sohoa.services.db.reuse import ReuseDecisionRecord
from sohoa.supervision.reuse import Paper, ReuseProposal, propose

_log = logging.getLogger(__name__)


def papers_of_report(code: str, report: dict[str, Any]) -> list[Paper]:
    """The papers of a saved report that carry all they need to be matched later (hashed pages, a signed copy)."""
    hashes = {page["index"]: page.get("perceptual_hash") for page in report.get("pages", ())}
    blank = {page["index"] for page in report.get("pages", ()) if page.get("blank")}
    signed = {item["position"]: item.get("signed") for item in report.get("components", ())}
    found: list[Paper] = []
    for document in report.get("checklist", {}).get("documents", ()):
        position, pages = document.get("position"), [i for i in document.get("pages", ()) if i not in blank]
        page_hashes = tuple(hashes.get(index) for index in pages)
        if position is None or not document.get("document_type") or not page_hashes or None in page_hashes:
            continue
        copy = signed.get(position) or {}
        found.append(Paper(dossier_code=code, position=position, document_type=document["document_type"],
                           number=document.get("number", ""), issuer=document.get("issuer", ""),
                           enterprise_code=document.get("enterprise_code", ""), issue_date=document.get("issue_date", ""),
                           page_hashes=page_hashes,  # type: ignore[arg-type]
                           signed_key=copy.get("key"), signed_sha256=copy.get("sha256")))
    return found


def _row(paper: Paper) -> dict[str, Any]:
    return {**paper.__dict__, "page_hashes": list(paper.page_hashes)}


def _paper(row: dict[str, Any]) -> Paper:
    return Paper(**{**row, "page_hashes": tuple(row["page_hashes"])})


def index_pending(database: Database) -> int:
    """Index the papers of every digitized dossier not indexed yet; returns how many dossiers were indexed."""
    count = 0
    for code, report in database.unindexed_dossiers():
        database.index_papers(code, [_row(paper) for paper in papers_of_report(code, report)])
        count += 1
    return count


def propose_reuse(database: Database, code: str, actor: str) -> tuple[ReuseProposal, ...]:
    """Index what is pending, then propose for each paper of dossier `code` the earlier signed copy it may reuse."""
    with logged_access(database, code, actor, "reuse-propose") as outcome:
        record = database.get_dossier(code)
        index_pending(database)
        own = papers_of_report(code, record.report or {})
        database.index_papers(code, [_row(paper) for paper in own])
        proposals = []
        for paper in own:
            lineage = [_paper(row) for row in database.papers_of_lineage(paper.document_type, paper.enterprise_code)]
            proposal = propose(paper, lineage)
            if proposal is not None:
                database.propose_reuse_of(code, paper.position, _row(proposal.earlier), int(proposal.state),
                                          proposal.hash_distance)
                proposals.append(proposal)
        outcome.ok = f"ok: {len(proposals)} proposal(s) for {len(own)} paper(s)"
    return tuple(proposals)


def propose_after_digitization(database: Database, code: str, actor: str) -> tuple[ReuseProposal, ...]:
    """What intake runs once a dossier is digitized: the proposals for it, none when they cannot be made (the
    failure is logged with the dossier; digitization itself succeeded and stands)."""
    try:
        return propose_reuse(database, code, actor)
    except SohoaError as error:
        _log.warning("dossier %s: no reuse proposals: %s", code, error)
        return ()


def decide_reuse(database: Database, code: str, position: int, actor: str, confirm: bool) -> ReuseDecisionRecord:
    """A person confirms (the component records state 2 or 3) or declines the proposal for component `position`."""
    with logged_access(database, code, actor, "reuse-confirm" if confirm else "reuse-decline") as outcome:
        decision = database.decide_reuse(code, position, actor, confirm)
        database.refresh_ledger(code, ledger)  # the reuse rate counts the confirmed state from now on
        outcome.ok = f"ok: component {position} {decision.decision}, state {decision.state}"
    return decision


__all__ = ["decide_reuse", "index_pending", "papers_of_report", "propose_after_digitization", "propose_reuse"]
