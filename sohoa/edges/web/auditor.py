"""The auditor's pages: verify a signed PDF, read a dossier's access log, check the audit chain.

/kiem-tra              the three forms
/kiem-tra/xac-minh     (POST a PDF) the verification report as a page: indication, chain, timestamps, PDF/A,
                       archive match
/kiem-tra/nhat-ky      (?ma=CODE) who accessed the dossier, oldest first
/kiem-tra/chuoi        (POST) the hash-chained audit log checked end to end
"""

from __future__ import annotations

import functools
import os
import re

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from sohoa.edges.web.common import WebDeps, actor, log_view, render
from sohoa.edges.web.session import current, posted
from sohoa.errors import InputRejected
from sohoa.services.access import Permission, logged_access

MAX_VERIFY_BYTES = 300 * 1024 * 1024
"""Largest file accepted for verification."""
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.S)
_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S)


@functools.cache
def _trust(data_dir):
    from sohoa.signing import TrustSettings

    return TrustSettings.from_env(os.environ, data_dir)


def install_auditor_pages(router: APIRouter, deps: WebDeps) -> None:
    """The auditor's routes on `router`."""

    @router.get("/kiem-tra")
    def auditor_home(request: Request):
        session = current(deps, request, Permission.VERIFY)
        log_view(deps.runtime(), session, request)
        return render(request, "auditor_home.html", session)

    @router.post("/kiem-tra/xac-minh")
    async def verify(request: Request):
        session, form = await posted(deps, request, Permission.VERIFY)
        upload = form.get("file")
        if not getattr(upload, "filename", None):
            raise InputRejected("(không có tệp)", "choose the signed PDF to verify")
        data = await upload.read(MAX_VERIFY_BYTES + 1)
        if len(data) > MAX_VERIFY_BYTES:
            raise InputRejected(upload.filename, f"larger than the limit of {MAX_VERIFY_BYTES} bytes")
        report, html = await run_in_threadpool(_verify, deps, session, data, upload.filename)
        body, style = _BODY.search(html), _STYLE.search(html)
        return render(request, "auditor_verify.html", session, report=report,
                      report_html=body.group(1) if body else html, report_style=style.group(1) if style else "")

    @router.get("/kiem-tra/nhat-ky")
    def access_log(request: Request, ma: str = "", sau: int = 0):
        code = ma.strip()[:64]
        session = current(deps, request, Permission.READ_ACCESS_LOG, code)
        runtime = deps.runtime()
        with logged_access(runtime.database, code, actor(session), "access-log"):
            runtime.database.get_dossier(code)
            entries = runtime.database.access_log(code, after_id=max(0, sau), limit=200)
        return render(request, "auditor_log.html", session, code=code, entries=entries)

    @router.post("/kiem-tra/chuoi")
    async def audit_chain(request: Request):
        from sohoa.services.audit.chain import verify_audit_chain

        session, _ = await posted(deps, request, Permission.READ_ACCESS_LOG)
        runtime = deps.runtime()
        verdict = await run_in_threadpool(verify_audit_chain, runtime.database, runtime.engines.store)
        await run_in_threadpool(runtime.database.record_event, actor=actor(session), action="audit-verify",
                                outcome=f"{'ok' if verdict.ok else 'broken'}: {verdict.checked} entries")
        return render(request, "auditor_chain.html", session, verdict=verdict)


def _verify(deps: WebDeps, session, data: bytes, file_name: str):
    from sohoa.services.artifacts import archive_lookup
    from sohoa.signing import verify_pdf
    from sohoa.signing.verify_render import render_html

    runtime = deps.runtime()
    report = verify_pdf(data, _trust(runtime.config.data_dir), archive_lookup(runtime.database), file_name=file_name)
    outcome = f"{file_name[:200]}: sha256 {report.sha256}"
    if report.archive_match is None:
        runtime.database.record_event(actor=actor(session), action="verify", outcome=outcome)
    else:
        runtime.database.record_access(report.archive_match.dossier_code, actor(session), "verify",
                                       report.archive_match.key, outcome)
    return report, render_html(report)
