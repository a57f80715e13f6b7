"""The specialist's pages: the queue (overdue first), search, and a dossier's pages beside their text.

/chuyen-vien                              the queue and the search form (?q=…)
/chuyen-vien/ho-so/{code}                 every page image beside its OCR text, the extracted fields, the
                                          downloads named by component, the history and the result step
/chuyen-vien/ho-so/{code}/tai/{position}  the signed copy of one component, verified before it goes out
/chuyen-vien/ho-so/{code}/trang/{page}/truong/{name}  (POST) a person's correction of a key field
"""

from __future__ import annotations

import re
import shutil
import tempfile
import unicodedata
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from sohoa.edges.web.common import WebDeps, actor, log_view, render
from sohoa.edges.web.session import current, posted
from sohoa.services.access import Permission, logged_access
from sohoa.services.db import DossierStatus
from sohoa.services.fields import MAX_VALUE, FieldRejected, correct_key_field, document_fields
from sohoa.services.pages import page_texts

FIELD_LABELS = {"number": "Số, ký hiệu", "issue_date": "Ngày ban hành", "issuer": "Cơ quan ban hành",
                "enterprise_code": "Mã số doanh nghiệp", "enterprise_name": "Tên doanh nghiệp"}
"""The key fields as the dossier page names them, in the order it shows them."""
CHECK_LABELS = {"valid": "đúng dạng", "invalid": "SAI DẠNG", "unchecked": "chưa kiểm", "missing": "không thấy"}

ACTIONS = {"start": "Bắt đầu xử lý", "request_supplement": "Yêu cầu bổ sung"}
"""Lifecycle actions offered on the dossier page, with their button labels."""


def download_name(position: int, name: str) -> str:
    """A component's file name: its position and name in plain ASCII, e.g. ``2-giay-chung-nhan-dang-ky.pdf``."""
    plain = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D")).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:60].rstrip("-")
    return f"{position}-{slug or 'thanh-phan'}.pdf"


def install_specialist_pages(router: APIRouter, deps: WebDeps) -> None:
    """The specialist's routes on `router`."""

    @router.get("/chuyen-vien")
    def specialist_home(request: Request, q: str = ""):
        session = current(deps, request, Permission.PROCESS)
        runtime = deps.runtime()
        log_view(runtime, session, request)
        now = runtime.database.now()
        queue = [(r, bool(r.promised_at and r.promised_at < now)) for r in runtime.database.queue()]
        hits = _search(deps, session, q[:200]) if q.strip() else None
        return render(request, "specialist_home.html", session, queue=queue, hits=hits, q=q)

    @router.get("/chuyen-vien/ho-so/{code}")
    def specialist_dossier(code: str, request: Request):
        session = current(deps, request, Permission.READ_REPORT, code)
        runtime = deps.runtime()
        with logged_access(runtime.database, code, actor(session), "view"):
            record = runtime.database.get_dossier(code)
            history = runtime.database.dossier_history(code)
            results = runtime.database.results_of(code)
            work = runtime.database.work_of(code)
        report = record.report or {}
        fields = document_fields(report)
        documents = {d.pages[0]: d for d in fields if d.pages}
        downloads = [(c["position"], c["name"], download_name(c["position"], c["name"]))
                     for c in report.get("components", []) if c.get("signed")]
        return render(request, "specialist_dossier.html", session, record=record, code=code, pages=page_texts(report),
                      documents=documents, downloads=downloads, history=history, results=results,
                      work=work[-1] if work else None, actions=_actions(record.status),
                      may_result=record.status == DossierStatus.IN_PROGRESS, FIELD_LABELS=FIELD_LABELS,
                      CHECK_LABELS=CHECK_LABELS, may_correct=session.principal.may(Permission.PROCESS),
                      boxes=field_boxes(fields))

    @router.get("/chuyen-vien/ho-so/{code}/tai/{position}")
    def download(code: str, position: int, request: Request):
        session = current(deps, request, Permission.DOWNLOAD, code)
        return _download(deps, session, code, position)

    @router.post("/chuyen-vien/ho-so/{code}/hanh-dong")
    async def act(code: str, request: Request):
        from sohoa.lifecycle.rules import load_rules
        from sohoa.lifecycle.transitions import apply_action

        session, form = await posted(deps, request, Permission.PROCESS, code)
        runtime = deps.runtime()
        action = str(form.get("action", ""))
        if action not in ACTIONS:
            from sohoa.lifecycle.errors import IllegalTransition

            raise IllegalTransition(f"action {action[:40]!r} is not offered here")
        await run_in_threadpool(apply_action, runtime.database, load_rules(runtime.config.lifecycle_dir), code, action,
                                actor(session), reason=str(form.get("reason", ""))[:2000])
        return RedirectResponse(f"/chuyen-vien/ho-so/{code}", status_code=303)

    @router.post("/chuyen-vien/ho-so/{code}/trang/{page}/truong/{name}")
    async def correct_field(code: str, page: int, name: str, request: Request):
        session, form = await posted(deps, request, Permission.PROCESS, code)
        if name not in FIELD_LABELS:
            raise FieldRejected(f"dossier {code}: {name[:40]!r} is not a key field")
        await run_in_threadpool(correct_key_field, deps.runtime().database, code, page, name,
                                str(form.get("value", ""))[:MAX_VALUE + 1], actor(session),
                                form.get("accept_invalid") == "1")
        return RedirectResponse(f"/chuyen-vien/ho-so/{code}#trang-{page}", status_code=303)

    @router.post("/chuyen-vien/ho-so/{code}/ket-qua")
    async def hand_in_result(code: str, request: Request):
        session, form = await posted(deps, request, Permission.PROCESS, code)
        await run_in_threadpool(_issue, deps, session, code, form.get("file"), str(form.get("title", ""))[:500])
        return RedirectResponse(f"/chuyen-vien/ho-so/{code}", status_code=303)


def field_boxes(documents) -> dict[int, list[dict]]:
    """Per page index, where each key field was read: its label and its box in percent of the page image."""
    boxes: dict[int, list[dict]] = {}
    for document in documents:
        for field in document.fields:
            region, size = field.get("region"), field.get("page_size")
            if field.get("page") is None or not region or not size or not all(size):
                continue
            left, top, right, bottom = region
            width, height = size
            boxes.setdefault(field["page"], []).append({
                "label": FIELD_LABELS[field["name"]], "name": field["name"], "ratio": f"{width} / {height}",
                "left": 100 * left / width,
                "top": 100 * top / height, "width": 100 * (right - left) / width, "height": 100 * (bottom - top) / height})
    return boxes


def _actions(status: DossierStatus) -> dict[str, str]:
    if status == DossierStatus.RECEIVED:
        return {"start": ACTIONS["start"]}
    if status == DossierStatus.IN_PROGRESS:
        return {"request_supplement": ACTIONS["request_supplement"]}
    return {}


def _search(deps: WebDeps, session, q: str):
    from sohoa.services.search import SearchRequest, search_dossiers

    if not session.principal.may(Permission.SEARCH):
        return None
    return search_dossiers(deps.runtime().database, SearchRequest(q, limit=20), actor(session))


def _download(deps: WebDeps, session, code: str, position: int) -> FileResponse:
    from sohoa.services.artifacts import download_verified, open_artifact
    from sohoa.services.db import ArtifactNotFound

    runtime = deps.runtime()
    directory = tempfile.mkdtemp(prefix="sohoa-web-download-")
    try:
        with logged_access(runtime.database, code, actor(session), "download") as outcome:
            report = runtime.database.get_dossier(code).report or {}
            component = next((c for c in report.get("components", []) if c["position"] == position and c.get("signed")),
                             None)
            if component is None:
                raise ArtifactNotFound(code, f"component {position}")
            key = component["signed"]["key"]
            store, _, _ = open_artifact(runtime, code, key)
            name = download_name(position, component["name"])
            path = download_verified(store, key, Path(directory) / name)
            outcome.ok = f"ok: {key}"
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    return FileResponse(path, media_type="application/pdf", filename=name,
                        background=BackgroundTask(shutil.rmtree, directory, ignore_errors=True))


def _issue(deps: WebDeps, session, code: str, upload, title: str) -> None:
    from sohoa.errors import InputRejected
    from sohoa.lifecycle.results import issue_result

    if not getattr(upload, "filename", None):
        raise InputRejected("(không có tệp)", "choose the result file (a PDF or a scan)")
    with tempfile.TemporaryDirectory(prefix="sohoa-web-result-") as directory:
        path = deps.save_upload(upload, Path(directory), 0)
        issue_result(deps.runtime(), code, path, "result", actor(session), title=title)
