"""What every page shares: the templates (Jinja2, autoescaped), the render helper, Vietnamese labels, the
dependencies the app hands over (runtime, queue, retry settings) and the logging of page views."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from sohoa.edges.workers.settings import WorkerSettings
from sohoa.services.lookup import LookupLink, lookup_link
from sohoa.services.runtime import Runtime

templates = Environment(loader=PackageLoader("sohoa.edges.web", "templates"), autoescape=select_autoescape(["html"]),
                        trim_blocks=True, lstrip_blocks=True)
"""The page templates under sohoa/edges/web/templates."""

ROLE_LABELS = {"intake": "Bộ phận một cửa", "specialist": "Chuyên viên", "auditor": "Kiểm tra, thanh tra",
               "admin": "Quản trị"}
"""Each role's name on the pages."""
WORK_LABELS = {"queued": "Đang chờ xử lý", "working": "Đang số hóa", "retrying": "Lỗi, sẽ thử lại",
               "done": "Đã số hóa xong", "failed": "Số hóa không thành công"}
"""Each digitization work state's name."""
DECISION_LABELS = {"complete": "Đủ thành phần", "incomplete": "Thiếu thành phần", "needs_review": "Cần cán bộ kiểm tra lại"}
"""Each checklist decision's name."""
HOME = {"intake": "/mot-cua", "specialist": "/chuyen-vien", "auditor": "/kiem-tra", "admin": "/mot-cua"}
"""Where each role lands after signing in."""
templates.globals.update(ROLE_LABELS=ROLE_LABELS, WORK_LABELS=WORK_LABELS, DECISION_LABELS=DECISION_LABELS)


@dataclass(frozen=True)
class WebDeps:
    """What the pages get from the app, built once at its start."""

    get_runtime: Callable[[], Runtime]
    """The app's runtime (database, store, catalogue, config)."""
    get_queue: Callable[[Runtime], object]
    """The app's RQ queue for a runtime."""
    worker_settings: WorkerSettings
    """Retry settings of the digitization jobs queued from the pages."""
    save_upload: Callable[..., Path]
    """The app's upload saver: `(upload, directory, index)` → the saved file (safe name, size limit)."""

    def runtime(self) -> Runtime:
        """The runtime."""
        return self.get_runtime()

    def lookup_link(self) -> LookupLink:
        """The public lookup address and the server secret for the receipts' check codes."""
        config = self.runtime().config
        return _link(config.public_url, config.data_dir)


_link = functools.cache(lookup_link)


def render(request: Request, name: str, session=None, status_code: int = 200, **context) -> HTMLResponse:
    """The page `name` with `context`, the signed-in user and their form token."""
    page = templates.get_template(name).render(request=request, session=session, user=session.principal if session else None,
                                               csrf=session.csrf_token if session else "", **context)
    response = HTMLResponse(page, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                                                   "frame-ancestors 'none'; form-action 'self'")
    return response


def actor(session) -> str:
    """The access log's actor for a signed-in person: ``web:<name>``."""
    return f"web:{session.principal.name}"


def log_view(runtime: Runtime, session, request: Request, code: str | None = None) -> None:
    """Log a page view like an API call: under the dossier when it shows one, else in the general log."""
    where = f"{request.method} {request.url.path}"[:200]
    if code:
        runtime.database.record_access(code, actor(session), "view", None, f"ok ({where})")
    else:
        runtime.database.record_event(actor=actor(session), action="view", outcome=f"ok ({where})")


def procedures(runtime: Runtime) -> list[tuple[str, str]]:
    """(code, name) of every procedure in the catalogue, by code."""
    catalog = runtime.engines.catalog
    return [(code, catalog.get(code).name) for code in sorted(catalog.codes())]
