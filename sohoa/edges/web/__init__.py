"""The web pages of the front desk, the departments, the auditors, the supervision page and the public status page
(docs/web.md).

Server-rendered (Jinja2) from the same FastAPI app as the API, on the same users, roles and permissions;
a small vanilla script (static/app.js) for the drop zone, the procedure filter and the progress polling.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from sohoa.edges.web.auditor import install_auditor_pages
from sohoa.edges.web.citizen import install_citizen_pages
from sohoa.edges.web.common import WebDeps
from sohoa.edges.web.desk import install_desk_pages
from sohoa.edges.web.errors import install_error_pages
from sohoa.edges.web.session import install_session_pages
from sohoa.edges.web.specialist import install_specialist_pages
from sohoa.edges.web.supervision import install_supervision_pages

STATIC = Path(__file__).with_name("static")


def install_web(app: FastAPI, get_runtime, get_queue, worker_settings, save_upload) -> None:
    """Mount the pages and their static files on `app`, with the app's runtime, queue, retry settings and upload
    saver."""
    deps = WebDeps(get_runtime, get_queue, worker_settings, save_upload)
    router = APIRouter(include_in_schema=False)
    install_session_pages(router, deps)
    install_desk_pages(router, deps)
    install_specialist_pages(router, deps)
    install_auditor_pages(router, deps)
    install_supervision_pages(router, deps)
    install_citizen_pages(router, deps)
    app.include_router(router)
    app.mount("/web-static", StaticFiles(directory=STATIC), name="web-static")
    install_error_pages(app)


__all__ = ["install_web"]
