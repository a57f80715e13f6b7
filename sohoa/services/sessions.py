"""Browser sessions of the web pages, on the same users, roles and permissions as the API.

A person signs in with their user name and the token `sohoa users add` gave them; the browser then holds a
random session value (256 bits) in a cookie, and only its SHA-256 is stored. Each session has its own form
token (CSRF): every form posted must carry it. A revoked account or a rotated token ends its sessions at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sohoa.errors import SohoaError
from sohoa.services.access import NotAuthenticated, Principal, Role, authenticate

SESSION_LIFETIME = timedelta(hours=10)
"""How long a session holds: a working day at the desk."""


@dataclass(frozen=True)
class WebSession:
    """A signed-in browser."""

    principal: Principal
    """Who it is, with their role."""
    csrf_token: str
    """The token every posted form of this session must carry."""


@dataclass(frozen=True)
class NewSession:
    """What signing in hands the browser."""

    cookie_value: str
    """The session value for the cookie (never stored: only its SHA-256 is)."""
    session: WebSession
    """The session it opens."""


class FormRefused(SohoaError):
    """A posted form without this session's form token (a forged cross-site request, or an expired page)."""

    exit_code = 77
    http_status = 403


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def sign_in(database, user_name: str, token: str, where: str) -> NewSession:
    """Open a session for `user_name` if `token` is that user's valid token; else `NotAuthenticated` (logged)."""
    principal = authenticate(database, token.strip() or None, where, channel="web")
    if principal.name != user_name.strip():
        database.record_event(actor=f"web:{principal.name}", action="sign-in",
                              outcome=f"refused: token of another user ({where})")
        raise NotAuthenticated("the user name and the token do not belong together")
    value, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    database.open_session(_digest(value), principal.name, csrf, database.now() + SESSION_LIFETIME)
    database.record_event(actor=f"web:{principal.name}", action="sign-in", outcome=f"ok ({where})")
    return NewSession(value, WebSession(principal, csrf))


def find_session(database, cookie_value: str | None) -> WebSession | None:
    """The live session of this cookie value, None when there is none (or it ended, expired or was revoked)."""
    if not cookie_value or len(cookie_value) > 200:
        return None
    record = database.find_session(_digest(cookie_value))
    if record is None:
        return None
    return WebSession(Principal(record.user_name, Role(record.role)), record.csrf_token)


def sign_out(database, cookie_value: str | None, session: WebSession | None) -> None:
    """End the session of this cookie value (logged)."""
    if cookie_value:
        database.end_session(_digest(cookie_value))
    if session is not None:
        database.record_event(actor=f"web:{session.principal.name}", action="sign-out", outcome="ok")


def check_form(session: WebSession, submitted: str | None) -> None:
    """`FormRefused` unless `submitted` is this session's form token (compared in constant time)."""
    if not submitted or not hmac.compare_digest(submitted.encode("utf-8"), session.csrf_token.encode("utf-8")):
        raise FormRefused("this form does not carry the page's security token; reload the page and send it again")


__all__ = ["SESSION_LIFETIME", "FormRefused", "NewSession", "WebSession", "check_form", "find_session", "sign_in",
           "sign_out"]
