"""Who may do what: the roles of the people who use sohoa, the permissions each role holds, and API tokens.

Least privilege: front-desk staff hand dossiers in but do not download the digitized files; specialist
departments find and download them; auditors verify signed results and read who accessed a dossier.
A token is shown once when it is issued; only its SHA-256 is stored, so a copy of the database does
not let anyone in. Every decision, allowed or refused, lands in the hash-chained access log.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from sohoa.errors import SohoaError


class Role(StrEnum):
    """What a person does at the centre; each role holds the permissions in `GRANTS`."""

    INTAKE = "intake"
    """Front-desk staff (bộ phận một cửa): hand dossiers in, read their status and checklist, print separators."""
    SPECIALIST = "specialist"
    """Specialist departments: find dossiers, read their full reports, list and download their digitized files."""
    AUDITOR = "auditor"
    """Auditors and inspectors: verify signed files, read status, list files and read access logs (not content)."""
    ADMIN = "admin"
    """Everything the other roles may do."""


class Permission(StrEnum):
    """One thing the API lets a caller do."""

    UPLOAD = "upload"
    """Hand a dossier in (and print separator sheets for it)."""
    READ_STATUS = "read-status"
    """Read a dossier's status and checklist verdict (which components are there or missing)."""
    READ_REPORT = "read-report"
    """Read a dossier's full report: the OCR text of every page, extracted fields and stored object keys."""
    SEARCH = "search"
    """Find dossiers by the words on their pages, procedure, status and reception day."""
    LIST_FILES = "list-files"
    """List a dossier's stored objects and their digests."""
    DOWNLOAD = "download"
    """Download a stored object, or get a short-lived link to it."""
    VERIFY = "verify"
    """Verify a signed PDF against the trust settings and the archive."""
    READ_ACCESS_LOG = "read-access-log"
    """Read who accessed a dossier, when, and what came of it."""
    PROCESS = "process"
    """Work a received dossier through its lifecycle: start, assign, ask for a supplement or payment, stop,
    and hand in its signed result or apology letter; list a department's queue."""
    RETRY = "retry"
    """Run again the digitization of a dossier that failed (an operator's step; admin only)."""
    SUPERVISE = "supervise"
    """Read the 766 indicators, the violations and the dossiers behind them, and export dossiers for the portal."""


GRANTS: dict[Role, frozenset[Permission]] = {
    Role.INTAKE: frozenset({Permission.UPLOAD, Permission.READ_STATUS}),
    Role.SPECIALIST: frozenset({Permission.SEARCH, Permission.READ_STATUS, Permission.READ_REPORT, Permission.LIST_FILES,
                                Permission.DOWNLOAD, Permission.PROCESS}),
    Role.AUDITOR: frozenset({Permission.READ_STATUS, Permission.LIST_FILES, Permission.VERIFY, Permission.READ_ACCESS_LOG,
                             Permission.SUPERVISE}),
    Role.ADMIN: frozenset(Permission),
}
"""The permissions of each role."""

TOKEN_PREFIX = "sohoa_"
"""Every token starts with this, so secret scanners and people recognise one."""
USER_NAME = re.compile(r"[a-z0-9][a-z0-9._@-]{0,99}")
"""Allowed user names: lower-case letters, digits and . _ @ -, up to 100 characters."""


@dataclass(frozen=True)
class Principal:
    """An authenticated caller."""

    name: str
    """The user's name, as the access log records it (``api:<name>``)."""
    role: Role
    """The user's role."""

    def may(self, permission: Permission) -> bool:
        """Whether this caller's role holds `permission`."""
        return permission in GRANTS[self.role]


class NotAuthenticated(SohoaError):
    """No token, or a token that is unknown or revoked."""

    exit_code = 77  # EX_NOPERM
    http_status = 401


class AccessDenied(SohoaError):
    """The caller is known but their role does not hold the permission."""

    exit_code = 77  # EX_NOPERM
    http_status = 403


class UserError(SohoaError):
    """A user account cannot be added, found or changed as asked (names the user and the reason)."""

    exit_code = 65  # EX_DATAERR
    http_status = 422


class UserAccounts(Protocol):
    """What authentication needs from the database (`sohoa.services.db.Database` provides it)."""

    def find_api_user(self, token_sha256: str) -> tuple[str, str] | None: ...

    def record_event(self, actor: str, action: str, outcome: str, object_key: str | None = None,
                     dossier_code: str = "-") -> None: ...


def log_filing_code(code: str | None) -> str:
    """The dossier code to file a log entry under: `code` when it has the form of one, else ``-`` (so a
    caller cannot write entries under arbitrary text)."""
    from sohoa.services.db.codes import parse_dossier_code
    from sohoa.services.db.errors import InvalidRecord

    if not code:
        return "-"
    try:
        parse_dossier_code(code)
    except InvalidRecord:
        return "-"
    return code


def describe_request(method: str, path: str) -> str:
    """``METHOD path`` for a log entry, cut to 200 characters (the path is the caller's)."""
    where = re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\x{ord(m.group()):02x}", f"{method} {path}")
    return where if len(where) <= 200 else where[:199] + "…"


class AccessOutcome:
    """What `logged_access` records when the block succeeds; the block may make `ok` more precise."""

    def __init__(self, ok: str) -> None:
        self.ok = ok


@contextmanager
def logged_access(database, code: str, actor: str, action: str, key: str | None = None,
                  ok: str = "ok") -> Iterator[AccessOutcome]:
    """Log one access to a dossier whatever comes of it: `ok`, ``not found: …``, or ``failed: <error>``.

    Failed lookups are accesses too: probing for codes or keys leaves a trace. An entry is filed under
    `code` only when it has the form of a dossier code, and keeps `key` only when it could be one.
    """
    from sohoa.services.db.errors import ArtifactNotFound
    from sohoa.services.db.schema import KEY_LENGTH
    from sohoa.errors import DossierNotFound

    filed = log_filing_code(code)
    logged_key = key if key and len(key) <= KEY_LENGTH else None
    outcome = AccessOutcome(ok)
    try:
        yield outcome
    except (DossierNotFound, ArtifactNotFound) as error:
        database.record_access(filed, actor, action, logged_key, f"not found: {error}")
        raise
    except Exception as error:
        database.record_access(filed, actor, action, logged_key, f"failed: {type(error).__name__}: {error}")
        raise
    database.record_access(filed, actor, action, logged_key, outcome.ok)


def issue_token() -> tuple[str, str]:
    """A new random token (256 bits) and the SHA-256 to store in its place."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, token_digest(token)


def token_digest(token: str) -> str:
    """The SHA-256 hex digest a token is stored and looked up by."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_user_name(name: str) -> str:
    """The name if it is allowed (see `USER_NAME`), else `UserError`."""
    if not USER_NAME.fullmatch(name):
        raise UserError(f"user {name!r}: use 1-100 lower-case letters, digits and . _ @ -, starting with a letter or digit")
    return name


def authenticate(accounts: UserAccounts, token: str | None, where: str, dossier_code: str | None = None,
                 channel: str = "api") -> Principal:
    """The principal holding `token`; else the attempt is logged (never the token) and `NotAuthenticated` raised.

    `where` names what was asked for (method and path); `dossier_code` files the refusal under that dossier;
    `channel` (``api`` or ``web``) is the first part of the actor logged.
    """
    found = accounts.find_api_user(token_digest(token)) if token else None
    if found is None:
        reason = "unknown or revoked token" if token else "no token"
        accounts.record_event(actor=f"{channel}:?", action="authenticate", outcome=f"refused: {reason} ({where})",
                              dossier_code=log_filing_code(dossier_code))
        raise NotAuthenticated(f"{reason}: send 'Authorization: Bearer <token>'; an administrator issues one "
                               "with `sohoa users add NAME --role ROLE`")
    name, role = found
    return Principal(name, Role(role))


def authorize(accounts: UserAccounts, principal: Principal, permission: Permission, where: str,
              dossier_code: str | None = None, channel: str = "api") -> Principal:
    """`principal` if their role holds `permission`; else the refusal is logged (actor ``<channel>:<name>``) and
    `AccessDenied` raised."""
    if principal.may(permission):
        return principal
    accounts.record_event(actor=f"{channel}:{principal.name}", action=str(permission),
                          outcome=f"denied: role {principal.role} ({where})", dossier_code=log_filing_code(dossier_code))
    raise AccessDenied(f"user {principal.name} (role {principal.role}) may not {permission}")


__all__ = ["GRANTS", "AccessDenied", "NotAuthenticated", "Permission", "Principal", "Role", "UserAccounts",
           "UserError", "authenticate", "authorize", "check_user_name", "describe_request", "issue_token",
           "log_filing_code", "logged_access", "token_digest"]


def status_summary(report: dict | None) -> dict | None:
    """What a role without `read-report` sees of a report: the checklist verdict, without anything read
    from the papers (page text, extracted fields, titles of unexpected papers) and without object keys."""
    if report is None:
        return None
    checklist = report.get("checklist") or {}
    summary = {key: checklist[key] for key in _VERDICT_KEYS if key in checklist}
    summary["unexpected"] = [{"pages": paper.get("pages", [])} for paper in checklist.get("unexpected", [])]
    summary["components"] = [{key: component.get(key) for key in ("position", "name", "required", "present", "confidence")}
                             for component in checklist.get("components", [])]
    return {"schema_version": report.get("schema_version"), "dossier_code": report.get("dossier_code"),
            "procedure_code": report.get("procedure_code"), "variant": report.get("variant"), "checklist": summary}


_VERDICT_KEYS = ("complete", "present_positions", "missing_positions", "missing_optional_positions", "decision",
                 "confidence", "high_confidence", "review_pages")
