"""The citizen's lookup: dossier code plus the short check code printed on the receipt.

Dossier codes are sequential (agency, day, serial), so a code alone must read nothing. The check code is an
HMAC of the dossier code under a server secret, 40 bits in 8 letters and digits: it cannot be derived from
the code without the secret. Wrong pairs are recorded per client (a digest of its address, never the address)
and each one past the first few makes that client wait twice as long as the last, up to an hour. What the
lookup shows is limited to the status, the promised date and the names of the missing papers.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sohoa.errors import DossierNotFound, SohoaError
from sohoa.services.access import log_filing_code

FREE_ATTEMPTS = 3
"""Wrong lookups a client may make before it has to wait."""
MAX_WAIT = timedelta(hours=1)
"""The longest wait after wrong lookups."""
SECRET_FILE = "lookup-secret"
"""The server secret's file in the data directory, made on first use (mode 0600)."""


@dataclass(frozen=True)
class LookupLink:
    """What a receipt needs to print the citizen's lookup: the public address and the server secret."""

    public_url: str
    """The service's public address (SOHOA_PUBLIC_URL)."""
    secret: bytes
    """The server secret check codes are derived from."""

    def check_code(self, dossier_code: str) -> str:
        """The dossier's check code, e.g. ``K3QF-7ZTA``."""
        return check_code(self.secret, dossier_code)

    def url(self, dossier_code: str) -> str:
        """The address the receipt's QR code holds: the lookup page with both codes filled in."""
        return f"{self.public_url}/tra-cuu?ma={dossier_code}&kiem-tra={self.check_code(dossier_code)}"


@dataclass(frozen=True)
class PublicStatus:
    """All that the public lookup shows of a dossier."""

    dossier_code: str
    """The code asked for."""
    status_name: str
    """The status, in Vietnamese."""
    promised_on: str | None
    """The promised day of the result (dd/mm/yyyy, Vietnam time), once received."""
    missing: tuple[str, ...]
    """Names of the required papers still missing, while a supplement is asked for."""


class LookupThrottled(SohoaError):
    """Too many wrong lookups from this client: it has to wait."""

    exit_code = 75
    http_status = 429

    def __init__(self, wait_seconds: int) -> None:
        super().__init__(f"too many wrong attempts; try again in {wait_seconds} s")
        self.wait_seconds = wait_seconds


def load_secret(data_dir: Path) -> bytes:
    """The server secret from `data_dir` (made there, readable by the owner only, when missing)."""
    path = data_dir / SECRET_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_bytes()
        with os.fdopen(descriptor, "wb") as out:
            out.write(secrets.token_bytes(32))
    return path.read_bytes()


def lookup_link(public_url: str, data_dir: Path) -> LookupLink:
    """The lookup link of a service at `public_url` whose secret is in `data_dir`."""
    return LookupLink(public_url, load_secret(data_dir))


def check_code(secret: bytes, dossier_code: str) -> str:
    """8 characters (40 bits) of HMAC-SHA256(secret, code) in base32, as two groups of four."""
    mac = hmac.new(secret, dossier_code.encode("utf-8"), hashlib.sha256).digest()
    text = base64.b32encode(mac[:5]).decode("ascii")
    return f"{text[:4]}-{text[4:]}"


def _normalise(check: str) -> str:
    text = "".join(ch for ch in check.upper() if ch.isalnum())
    return f"{text[:4]}-{text[4:]}" if len(text) == 8 else text


def _wait(failures: int, now: datetime) -> datetime | None:
    if failures < FREE_ATTEMPTS:
        return None
    return now + min(timedelta(seconds=2 ** (failures - FREE_ATTEMPTS + 1)), MAX_WAIT)


def public_lookup(database, secret: bytes, dossier_code: str, check: str, client: str) -> PublicStatus:
    """The public view of the dossier when `check` is its check code; `DossierNotFound` (the same answer for an
    unknown code and a wrong check code) or `LookupThrottled` otherwise. Every attempt is logged."""
    client_id = hashlib.sha256(client.encode("utf-8")).hexdigest()
    now = database.now()
    locked = database.lookup_failures_of(client_id).locked_until
    code = dossier_code.strip()[:64]
    if locked is not None and locked > now:
        database.record_event(actor="public", action="lookup", outcome="refused: waiting after wrong attempts",
                              dossier_code=log_filing_code(code))
        raise LookupThrottled(max(1, int((locked - now).total_seconds())))
    right = hmac.compare_digest(_normalise(check[:20]).encode(), check_code(secret, code).encode())
    record = None
    if right:
        try:
            record = database.get_dossier(code)
        except DossierNotFound:
            record = None
    if record is None:
        failures = database.record_lookup_failure(client_id, lambda n: _wait(n, now))
        database.record_event(actor="public", action="lookup", dossier_code=log_filing_code(code),
                              outcome=f"not found: wrong code or check code ({failures.failures} in a row)")
        raise DossierNotFound("no dossier has this code and check code")
    database.clear_lookup_failures(client_id)
    database.record_access(code, "public", "lookup", None, "ok")
    return _public_view(record)


def _public_view(record) -> PublicStatus:
    from sohoa.services.db import VIETNAM_TIME, DossierStatus

    missing: tuple[str, ...] = ()
    if record.status == DossierStatus.SUPPLEMENT_REQUESTED and record.report:
        components = record.report.get("checklist", {}).get("components", [])
        missing = tuple(c["name"] for c in components if c.get("required") and not c.get("present"))
    promised = record.promised_at.astimezone(VIETNAM_TIME).strftime("%d/%m/%Y") if record.promised_at else None
    return PublicStatus(record.code, record.status.vietnamese, promised, missing)


__all__ = ["FREE_ATTEMPTS", "LookupLink", "LookupThrottled", "PublicStatus", "check_code", "load_secret", "lookup_link",
           "public_lookup"]
