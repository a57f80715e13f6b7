"""The front desk's pages: hand a dossier in, watch it being read, read its verdict, print Mẫu 01/02, supplement.

/mot-cua                          the procedure list (searchable) and the drop zone (files or a whole folder)
/mot-cua/ho-so/{code}             progress while the worker reads, then the verdict: every page under its component,
                                  unexpected papers and blank backs apart, confirmation, forms, supplement
/mot-cua/ho-so/{code}/tien-do     progress as JSON, polled by the page (not logged: it shows counts only)
/mot-cua/ho-so/{code}/trang/{i}   a page image (logged)
/mot-cua/ho-so/{code}/trang/{i}/thanh-phan  (POST) move a misclassified page to another component or out of the
                                  checklist; the verdict is computed again (logged)
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from sohoa.edges.web.common import WebDeps, actor, log_view, procedures, render
from sohoa.edges.web.session import current, posted
from sohoa.lifecycle.page_correction import UNEXPECTED, correct_page, pages_movable
from sohoa.services.access import AccessDenied, Permission, logged_access
from sohoa.services.db import DossierStatus
from sohoa.services.pages import THUMBNAIL_PX, VIEW_PX, page_image


def verdict_view(report: dict | None, show_titles: bool) -> dict | None:
    """The checklist verdict as the page draws it: components with their pages, and the pages apart."""
    if report is None:
        return None
    checklist = report["checklist"]
    pages = {p["index"]: p for p in report.get("pages", [])}
    placed = {i for c in checklist.get("components", []) for i in c.get("pages", [])}
    unexpected = [{"pages": u["pages"], "title": u.get("title", "") if show_titles else ""}
                  for u in checklist.get("unexpected", [])]
    placed |= {i for u in unexpected for i in u["pages"]}
    blank = [i for i, p in pages.items() if p.get("blank") and i not in placed]
    review = [i for i in pages if i not in placed and i not in blank]
    decision = checklist.get("decision", "needs_review")
    return {"decision": decision, "complete": checklist.get("complete"),
            "confirm": decision == "needs_review" or bool(checklist.get("complete") and not checklist.get("high_confidence")),
            "components": checklist.get("components", []), "unexpected": unexpected, "blank": blank,
            "review": sorted(set(review) | set(checklist.get("review_pages", [])) - set(blank)),
            "page_count": len(pages)}


def dossier_context(deps: WebDeps, code: str, session) -> dict:
    """What the front desk's dossier page shows (the caller logs the view)."""
    runtime = deps.runtime()
    record = runtime.database.get_dossier(code)
    work = runtime.database.work_of(code)
    return {"record": record, "status": record.status, "work": work[-1] if work else None,
            "progress": runtime.database.progress_of(code),
            "verdict": verdict_view(record.report, session.principal.may(Permission.READ_REPORT)),
            "supplement": record.status == DossierStatus.SUPPLEMENT_REQUESTED,
            "movable": record.report is not None and session.principal.may(Permission.UPLOAD) and pages_movable(record),
            "finished": bool(work) and work[-1].state in ("done", "failed")}


def install_desk_pages(router: APIRouter, deps: WebDeps) -> None:
    """The front desk's routes on `router`."""
    _install_intake(router, deps)
    _install_reading(router, deps)


def _install_intake(router: APIRouter, deps: WebDeps) -> None:
    @router.get("/mot-cua")
    def desk_home(request: Request):
        session = current(deps, request, Permission.UPLOAD)
        runtime = deps.runtime()
        log_view(runtime, session, request)
        return render(request, "desk_home.html", session, procedures=procedures(runtime))

    @router.post("/mot-cua/nop")
    async def hand_in(request: Request):
        session, form = await posted(deps, request, Permission.UPLOAD)
        files = [f for f in form.getlist("files") if getattr(f, "filename", None)]
        code = await run_in_threadpool(_accept, deps, session, str(form.get("procedure_code", "")).strip()[:64], files)
        return RedirectResponse(f"/mot-cua/ho-so/{code}", status_code=303)

    @router.post("/mot-cua/ho-so/{code}/bo-sung")
    async def supplement(code: str, request: Request):
        session, form = await posted(deps, request, Permission.UPLOAD, code)
        files = [f for f in form.getlist("files") if getattr(f, "filename", None)]
        await run_in_threadpool(_supplement, deps, session, code, files)
        return RedirectResponse(f"/mot-cua/ho-so/{code}", status_code=303)

    @router.post("/mot-cua/ho-so/{code}/trang/{index}/thanh-phan")
    async def move_page(code: str, index: int, request: Request):
        session, form = await posted(deps, request, Permission.UPLOAD, code)
        position = str(form.get("position", "")).strip()
        target = int(position) if position.isdigit() else UNEXPECTED
        await run_in_threadpool(_move, deps, session, code, index, target, str(form.get("reason", ""))[:500])
        return RedirectResponse(f"/mot-cua/ho-so/{code}", status_code=303)

    @router.get("/mot-cua/ho-so/{code}/mau.pdf")
    def form_pdf(code: str, request: Request):
        return _form(deps, current(deps, request, Permission.UPLOAD, code), code, confirmed=False)

    @router.post("/mot-cua/ho-so/{code}/xac-nhan")
    async def confirm(code: str, request: Request):
        session, _ = await posted(deps, request, Permission.UPLOAD, code)
        await run_in_threadpool(deps.runtime().database.record_access, code, actor(session), "confirm-verdict", None,
                                "ok: verdict checked against the papers")
        return await run_in_threadpool(_form, deps, session, code, True)


def _install_reading(router: APIRouter, deps: WebDeps) -> None:
    @router.get("/mot-cua/ho-so/{code}")
    def desk_dossier(code: str, request: Request):
        session = current(deps, request, Permission.READ_STATUS, code)
        runtime = deps.runtime()
        with logged_access(runtime.database, code, actor(session), "view"):
            context = dossier_context(deps, code, session)
        return render(request, "desk_dossier.html", session, code=code, **context)

    @router.get("/mot-cua/ho-so/{code}/tien-do")
    def progress(code: str, request: Request):
        session = current(deps, request, Permission.READ_STATUS, code)
        context = dossier_context(deps, code, session)
        done = context["progress"]
        return JSONResponse({"finished": context["finished"] and context["record"].report is not None
                             or (context["work"] is not None and context["work"].state == "failed"),
                             "state": context["work"].state if context["work"] else None,
                             "stage": done.stage if done else None, "done": done.done if done else 0,
                             "total": done.total if done else 0})

    @router.get("/mot-cua/ho-so/{code}/trang/{index}.jpg")
    def page(code: str, index: int, request: Request, lon: int = 0):
        session = current(deps, request, Permission.READ_STATUS, code)
        if not (session.principal.may(Permission.UPLOAD) or session.principal.may(Permission.READ_REPORT)):
            raise AccessDenied(f"user {session.principal.name} may not see page images")
        runtime = deps.runtime()
        with logged_access(runtime.database, code, actor(session), "page-image", ok=f"ok: page {index + 1}"):
            record = runtime.database.get_dossier(code)
            image = page_image(runtime.engines.store, record.report, index, VIEW_PX if lon else THUMBNAIL_PX)
        if image is None:
            return Response(status_code=204)
        return Response(image, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=300"})


def _accept(deps: WebDeps, session, procedure_code: str, files) -> str:
    from sohoa.edges.api.work import hand_to_queue
    from sohoa.errors import InputRejected
    from sohoa.lifecycle.reception import accept_upload

    if not files:
        raise InputRejected("(không có tệp)", "choose at least one scanned file or a folder of scans")
    runtime = deps.runtime()
    with tempfile.TemporaryDirectory(prefix="sohoa-web-") as directory:
        paths = tuple(deps.save_upload(upload, Path(directory), index) for index, upload in enumerate(files))
        record, order = accept_upload(runtime, procedure_code, None, paths, actor=actor(session))
    hand_to_queue(deps.get_queue(runtime), order, deps.worker_settings)
    return record.code


def _supplement(deps: WebDeps, session, code: str, files) -> None:
    from sohoa.edges.workers.jobs import queue_order
    from sohoa.lifecycle.supplement import accept_supplement

    runtime = deps.runtime()
    with tempfile.TemporaryDirectory(prefix="sohoa-web-") as directory:
        paths = tuple(deps.save_upload(upload, Path(directory), index) for index, upload in enumerate(files))
        _, order = accept_supplement(runtime, code, paths, actor(session))
    queue_order(deps.get_queue(runtime), order, deps.worker_settings)


def _move(deps: WebDeps, session, code: str, index: int, target, reason: str) -> None:
    from sohoa.edges.workers.jobs import queue_order

    runtime = deps.runtime()
    _, order = correct_page(runtime, code, index, target, actor(session), reason)
    queue_order(deps.get_queue(runtime), order, deps.worker_settings)


def _form(deps: WebDeps, session, code: str, confirmed: bool) -> Response:
    from sohoa.lifecycle.forms.receipt import Applicant, DeskInfo
    from sohoa.lifecycle.front_desk import front_desk_form

    runtime = deps.runtime()
    form = front_desk_form(runtime.database, runtime.engines.catalog, code, Applicant(""),
                           DeskInfo(desk=runtime.config.organisation.upper()), actor(session), confirmed,
                           lookup=deps.lookup_link())
    return Response(form.pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{code}-{form.form}.pdf"'})
