"""Apply a lifecycle action to a dossier: the rules of ``data/transitions.yaml`` decide, the database records it
(status, history row with actor, time and reason, audit-log entry, and the dossier's supervision row and
violations as :mod:`sohoa.lifecycle.ledger` folds them) in one transaction, or refuses with
:class:`~sohoa.lifecycle.errors.IllegalTransition` and changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sohoa.lifecycle.errors import IllegalTransition
from sohoa.lifecycle.events import facts_of, fold, recorded
from sohoa.lifecycle.ledger import ledger
from sohoa.lifecycle.rules import LifecycleRules
from sohoa.lifecycle.timeline import DossierTimeline, Outcome, outcome
from sohoa.services.db import Database, DossierRecord, DossierStatus
from sohoa.services.db.lifecycle import EventRecord, Transition

MAX_REASON = 2000
"""Longest reason accepted."""


def apply_action(database: Database, rules: LifecycleRules, code: str, action: str, actor: str, reason: str = "",
                 details: Mapping[str, Any] | None = None, changes: Mapping[str, Any] | None = None,
                 at: datetime | None = None) -> EventRecord:
    """Do `action` to dossier `code` as `actor`; the event recorded. Raises IllegalTransition (nothing changed)
    when the rules do not allow it now, DossierNotFound for an unknown code."""
    spec = rules.transitions.action(action)
    reason = (reason or "").strip()
    if spec.reason_required and not reason:
        raise IllegalTransition(f"dossier {code}: {action} ({spec.title}) needs a reason")
    if len(reason) > MAX_REASON:
        raise IllegalTransition(f"dossier {code}: the reason is {len(reason)} characters; at most {MAX_REASON}")
    details = dict(details or {})
    if spec.needs_result and not details.get("result_id"):
        raise IllegalTransition(f"dossier {code}: {action} ({spec.title}) needs a signed {spec.needs_result}: "
                                f"hand it in with `sohoa result {code} FILE --kind {spec.needs_result}` "
                                f"or POST /dossiers/{code}/results")

    def decide(record: DossierRecord) -> Transition:
        target = rules.transitions.target(action, record.status, record.before_supplement, code)
        extra = dict(changes or {})
        if target == DossierStatus.SUPPLEMENT_REQUESTED and record.status != DossierStatus.SUPPLEMENT_REQUESTED:
            extra["before_supplement"] = record.status
        elif record.status == DossierStatus.SUPPLEMENT_REQUESTED and target != record.status:
            extra["before_supplement"] = None
        return Transition(action=action, to_status=target, reason=reason, details=details, changes=extra)

    return database.transition(code, decide, actor, at, ledger=ledger)


def timeline_of(database: Database, record: DossierRecord) -> DossierTimeline:
    """The dossier's timeline folded from its recorded history (the 766 clock rules read it)."""
    return fold(facts_of(record), recorded(database.dossier_history(record.code)))


def is_late(database: Database, record: DossierRecord) -> bool:
    """Whether the dossier finished late by the 766 rules (past the moved deadline, or supplemented twice)."""
    return outcome(timeline_of(database, record)) == Outcome.LATE


def return_result(database: Database, rules: LifecycleRules, code: str, channel: str, actor: str,
                  at: datetime | None = None) -> EventRecord:
    """Hand the result back (status 10) by `channel` (``desk`` or ``post``); a late dossier needs its apology
    letter (Mẫu 04) first."""
    if channel not in ("desk", "post"):
        raise IllegalTransition(f"dossier {code}: return channel {channel!r}; expected desk or post")
    record = database.get_dossier(code)
    timeline = timeline_of(database, record)
    if outcome(timeline) == Outcome.LATE and timeline.apology_at is None:
        raise IllegalTransition(f"dossier {code} was resolved late: issue the apology letter (Mẫu 04, "
                                f"`sohoa result {code} FILE --kind apology`) before returning the result")
    return apply_action(database, rules, code, "return", actor, details={"channel": channel}, at=at)


def assign(database: Database, rules: LifecycleRules, code: str, assignee: str | None, actor: str,
           department: str | None = None) -> EventRecord:
    """Send the dossier to `department` (default: the one it has) and/or give it to the specialist `assignee`."""
    record = database.get_dossier(code)
    department = department or record.department
    if not assignee and not department:
        raise IllegalTransition(f"dossier {code}: name a department or a specialist to assign it to")
    changes = {"department": department, **({"assignee": assignee} if assignee else {})}
    return apply_action(database, rules, code, "assign", actor, details={"department": department, "assignee": assignee},
                        changes=changes)


__all__ = ["apply_action", "assign", "is_late", "return_result", "timeline_of"]
