"""Signing in and out of the pages, and the checks every page makes.

The session cookie is HttpOnly, SameSite=Strict, and Secure when the page is served over https; each session
has a form token (CSRF) that every posted form carries. The sign-in form itself is protected by a double
submit: a random value in a short cookie and in the form. The role of the signed-in user decides, with the
API's permissions, what each page may do; every refusal is logged like the API's, under ``web:<user>``.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlparse

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from sohoa.edges.web.common import HOME, WebDeps, render
from sohoa.edges.web.errors import NeedSignIn
from sohoa.services.access import NotAuthenticated, Permission, authorize, describe_request
from sohoa.services.sessions import SESSION_LIFETIME, WebSession, check_form, find_session, sign_in, sign_out

COOKIE = "sohoa_session"
"""The session cookie's name."""
LOGIN_COOKIE = "sohoa_login"
"""The sign-in form's double-submit cookie."""
MAX_FILES = 500
"""Most files in one posted form."""


def current(deps: WebDeps, request: Request, permission: Permission, code: str | None = None) -> WebSession:
    """The signed-in session holding `permission`; else to the sign-in page, or `AccessDenied` (logged)."""
    database = deps.runtime().database
    session = find_session(database, request.cookies.get(COOKIE))
    if session is None:
        raise NeedSignIn(request.url.path)
    authorize(database, session.principal, permission, describe_request(request.method, request.url.path), code,
              channel="web")
    return session


async def posted(deps: WebDeps, request: Request, permission: Permission, code: str | None = None):
    """(session, form) of a posted form: the session and permission are checked before the body is read,
    then the form token."""
    session = await run_in_threadpool(current, deps, request, permission, code)
    form = await request.form(max_files=MAX_FILES, max_fields=100)
    value = form.get("csrf")
    check_form(session, value if isinstance(value, str) else None)
    return session, form


def _set_cookie(response, request: Request, name: str, value: str, max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="strict", path="/",
                        secure=request.url.scheme == "https")


def _safe_next(path: str | None) -> str | None:
    if not path or not path.startswith("/") or path.startswith("//") or urlparse(path).netloc:
        return None
    return path


def install_session_pages(router: APIRouter, deps: WebDeps) -> None:
    """GET/POST /dang-nhap, POST /dang-xuat and / (to the signed-in person's home)."""

    @router.get("/")
    def home(request: Request):
        session = find_session(deps.runtime().database, request.cookies.get(COOKIE))
        return RedirectResponse(HOME[session.principal.role] if session else "/dang-nhap", status_code=303)

    @router.get("/dang-nhap")
    def login_page(request: Request, tiep: str = "", loi: str = ""):
        nonce = secrets.token_urlsafe(24)
        response = render(request, "login.html", nonce=nonce, next_path=_safe_next(tiep) or "", failed=bool(loi))
        _set_cookie(response, request, LOGIN_COOKIE, nonce, 900)
        return response

    @router.post("/dang-nhap")
    async def login(request: Request):
        form = await request.form(max_files=0, max_fields=10)
        nonce = request.cookies.get(LOGIN_COOKIE)
        if not nonce or form.get("nonce") != nonce:
            return RedirectResponse("/dang-nhap?loi=1", status_code=303)
        where = describe_request("POST", request.url.path)
        try:
            opened = await run_in_threadpool(sign_in, deps.runtime().database, str(form.get("user", ""))[:100],
                                             str(form.get("token", ""))[:200], where)
        except NotAuthenticated:
            return RedirectResponse("/dang-nhap?loi=1", status_code=303)
        target = _safe_next(str(form.get("next", ""))) or HOME[opened.session.principal.role]
        response = RedirectResponse(target, status_code=303)
        _set_cookie(response, request, COOKIE, opened.cookie_value, int(SESSION_LIFETIME.total_seconds()))
        response.delete_cookie(LOGIN_COOKIE, path="/")
        return response

    @router.post("/dang-xuat")
    async def logout(request: Request):
        database = deps.runtime().database
        value = request.cookies.get(COOKIE)
        session = await run_in_threadpool(find_session, database, value)
        form = await request.form(max_files=0, max_fields=10)
        if session is not None:
            check_form(session, form.get("csrf") if isinstance(form.get("csrf"), str) else None)
        await run_in_threadpool(sign_out, database, value, session)
        response = RedirectResponse("/dang-nhap", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response
