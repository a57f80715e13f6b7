"""Dossier codes ``<agency code>-<yyMMdd>-<serial>`` and their per-agency, per-day counters.

The day in the code is the receiving agency's local calendar day (Vietnam time, UTC+7, by default),
not the UTC day. Serials start at 0001 each day and are at least four digits wide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo

from sqlalchemy import Connection, case
from sqlalchemy.dialects import postgresql, sqlite

from sohoa.services.db.errors import InvalidRecord
from sohoa.services.db.schema import CODE_LENGTH, dossier_code_counters

VIETNAM_TIME = timezone(timedelta(hours=7), "ICT")
"""Indochina Time, UTC+07:00 all year (no daylight saving): the day printed in dossier codes."""

_AGENCY = re.compile(r"[^\s-]+")
_CODE = re.compile(r"(?P<agency>[^\s-]+)-(?P<day>\d{6})-(?P<serial>\d{4,})")


@dataclass(frozen=True)
class DossierCode:
    """The parts of a dossier code."""

    agency_code: str
    """Receiving agency code, e.g. ``000.00.06.H56``."""
    day: date
    """Local calendar day of reception (``yyMMdd`` in the code)."""
    serial: int
    """Serial of the dossier among the agency's dossiers of that day, from 1."""

    def __str__(self) -> str:
        return f"{self.agency_code}-{self.day:%y%m%d}-{self.serial:04d}"


def check_agency_code(agency_code: str) -> str:
    """Return ``agency_code`` if usable in a dossier code (no hyphen or space, not too long)."""
    if not isinstance(agency_code, str) or not _AGENCY.fullmatch(agency_code) or len(agency_code) > CODE_LENGTH - 12:
        raise InvalidRecord("", f"agency code {agency_code!r}: must be non-empty, without hyphens or spaces")
    return agency_code


def parse_dossier_code(code: str) -> DossierCode:
    """Split a dossier code into its parts; :class:`InvalidRecord` naming the code when malformed."""
    match = _CODE.fullmatch(code) if isinstance(code, str) and len(code) <= CODE_LENGTH else None
    if match is None:
        raise InvalidRecord(str(code), "malformed dossier code, expected <agency code>-<yyMMdd>-<serial>, e.g. 000.00.06.H56-231027-0361")
    try:
        day = datetime.strptime(match["day"], "%y%m%d").date()
    except ValueError:
        raise InvalidRecord(code, f"{match['day']} is not a calendar day (yyMMdd)") from None
    return DossierCode(agency_code=match["agency"], day=day, serial=int(match["serial"]))


def local_day(received_at: datetime, local_timezone: tzinfo, *, subject: str) -> date:
    """The calendar day of ``received_at`` in ``local_timezone``; refuses naive datetimes.

    ``subject`` names what is being done in the error message (e.g. ``agency code 000.00.06.H56``).
    """
    if not isinstance(received_at, datetime) or received_at.utcoffset() is None:
        raise InvalidRecord("", f"{subject}: received_at {received_at!r} must be a timezone-aware datetime")
    return received_at.astimezone(local_timezone).date()


def _insert(connection: Connection):
    return postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert


def next_serial(connection: Connection, agency_code: str, day: date) -> int:
    """Take the next serial of ``agency_code`` on ``day`` in one atomic upsert (INSERT ... ON CONFLICT
    DO UPDATE ... RETURNING): concurrent callers on PostgreSQL queue on the counter row; on SQLite the
    caller's ``BEGIN IMMEDIATE`` serialises them."""
    table = dossier_code_counters
    stmt = _insert(connection)(table).values(agency_code=agency_code, received_day=day, last_serial=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.agency_code, table.c.received_day],
        set_={"last_serial": table.c.last_serial + 1},
    ).returning(table.c.last_serial)
    return int(connection.execute(stmt).scalar_one())


def reserve_serial(connection: Connection, code: DossierCode) -> None:
    """Raise the counter of the code's agency and day to at least its serial, so codes created from
    elsewhere (imported from the national portal) are never handed out again by :func:`next_serial`."""
    table = dossier_code_counters
    stmt = _insert(connection)(table).values(agency_code=code.agency_code, received_day=code.day, last_serial=code.serial)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.agency_code, table.c.received_day],
        set_={"last_serial": case((table.c.last_serial < code.serial, code.serial), else_=table.c.last_serial)},
    )
    connection.execute(stmt)
