"""Rows of the dossiers table as records, and the error for a code that has none (shared by the mixins)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Row

from sohoa.errors import DossierNotFound
from sohoa.services.db.records import Channel, DossierRecord, DossierStatus


def dossier_from_row(row: Row[Any]) -> DossierRecord:
    data: Mapping[str, Any] = row._mapping
    return DossierRecord(
        code=data["code"],
        procedure_code=data["procedure_code"],
        variant=data["variant"],
        channel=Channel(data["channel"]),
        status=DossierStatus(data["status"]),
        received_at=data["received_at"],
        updated_at=data["updated_at"],
        error=data["error"],
        report=data.get("report"),
        promised_at=data.get("promised_at"),
        department=data.get("department"),
        assignee=data.get("assignee"),
        before_supplement=DossierStatus(data["before_supplement"]) if data.get("before_supplement") else None,
    )


def not_found(code: str) -> DossierNotFound:
    return DossierNotFound(f"dossier {code}: not found")
