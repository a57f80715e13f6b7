"""The lifecycle routes: supplements, actions, assignment, results, return, history, queues, and the public
verification address of a result. A thin shell over ``sohoa.lifecycle``; IllegalTransition becomes 409 through
the app's handler of typed errors.
"""


import html
import tempfile
from pathlib import Path
from typing import Annotated, Literal

from fastapi import Body, Depends, FastAPI, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, Field

from sohoa.edges.api.work import work_view
from sohoa.edges.workers.settings import WorkerSettings
from sohoa.errors import DossierNotFound
from sohoa.lifecycle.results import dossier_digitized
from sohoa.lifecycle.rules import load_rules
from sohoa.lifecycle.transitions import apply_action, assign, return_result
from sohoa.services.access import Permission, authorize, describe_request, logged_access
from sohoa.services.db import DossierRecord
from sohoa.services.runtime import Runtime

DESK_ACTIONS = frozenset({"refuse", "withdraw", "request_supplement"})
"""Actions the front desk (permission ``upload``) may take; the others need ``process``."""
RESULT_PERMISSION = {"refusal": Permission.UPLOAD, "result": Permission.PROCESS, "apology": Permission.PROCESS}
"""Who may hand in each kind of signed document."""


class ActionRequest(BaseModel):
    """A lifecycle action."""

    reason: str = Field(default="", max_length=2000, description="Why (required to refuse, withdraw, stop, "
                                                                 "or ask for a payment).")


class AssignmentRequest(BaseModel):
    """Where a dossier goes."""

    assignee: str | None = Field(default=None, max_length=255, description="User name of the specialist.")
    department: str | None = Field(default=None, max_length=255, description="Department (default: the one of "
                                                                             "its procedure).")


class ReturnRequest(BaseModel):
    """How the result went back to the applicant."""

    channel: Literal["desk", "post"] = Field(description="At the desk or by public postal service.")


class EventView(BaseModel):
    """One row of a dossier's history."""

    sequence: int = Field(description="Order within the dossier, from 1.")
    action: str = Field(description="Action id (transitions.yaml).")
    from_status: int | None = Field(description="Status before; null for the registration.")
    to_status: int = Field(description="Status after.")
    at: str = Field(description="When, ISO 8601 UTC.")
    actor: str = Field(description="Who.")
    reason: str = Field(description="Why, as given.")
    details: dict = Field(description="What it carries besides (promised date, verdict, result …).")


class ResultView(BaseModel):
    """A signed result of a dossier."""

    id: str = Field(description="Result id.")
    kind: str = Field(description="result, refusal (Mẫu 03) or apology (Mẫu 04).")
    title: str = Field(description="What it is.")
    signed_key: str = Field(description="Object key of the signed PDF/A.")
    signed_sha256: str = Field(description="Its SHA-256.")
    level: str = Field(description="PAdES level.")
    signer: str = Field(description="Signing certificate subject.")
    issued_at: str = Field(description="When, ISO 8601 UTC.")
    issued_by: str = Field(description="Who handed it in.")
    verification_url: str = Field(description="Public verification address (in its QR code).")


class QueueItemView(BaseModel):
    """A dossier in a queue."""

    dossier_code: str = Field(description="Dossier code.")
    procedure_code: str = Field(description="Procedure code.")
    status: int = Field(description="National status code.")
    status_name: str = Field(description="Status name.")
    promised_at: str | None = Field(description="Promised date, ISO 8601.")
    overdue: bool = Field(description="Past its promised date.")
    department: str | None = Field(description="Department.")
    assignee: str | None = Field(description="Specialist.")


def lifecycle_fields(runtime: Runtime, record: DossierRecord, public_url: str) -> dict:
    """The lifecycle part of a dossier's status view."""
    components = runtime.database.components(record.code)
    results = runtime.database.results_of(record.code)
    return {"promised_at": record.promised_at.isoformat() if record.promised_at else None,
            "department": record.department, "assignee": record.assignee,
            "components": [vars(c) for c in components],
            "results": [_result_view(r, public_url).model_dump() for r in results],
            "digitized": dossier_digitized(components, results),
            "work": [work_view(work) for work in runtime.database.work_of(record.code)]}


def install_lifecycle_routes(app: FastAPI, RuntimeDep, get_queue, caller, save_upload,  # noqa: N803
                             worker_settings: WorkerSettings) -> None:
    """Register the routes on `app` (the app's runtime dependency, queue, permission check, upload saver, retries)."""
    _install_papers(app, RuntimeDep, get_queue, caller, save_upload, worker_settings)
    _install_actions(app, RuntimeDep, caller)
    _install_reading(app, RuntimeDep, caller)


def _install_papers(app: FastAPI, RuntimeDep, get_queue, caller, save_upload, worker_settings) -> None:  # noqa: N803
    @app.post("/dossiers/{code}/files", status_code=202)
    def supplement_dossier(code: str, files: Annotated[list[UploadFile], File(description="The new papers.")],
                           request: Request, runtime: RuntimeDep, user: caller(Permission.UPLOAD),
                           queue=Depends(get_queue)) -> dict:
        """Add papers to a dossier waiting for a supplement (status 5); the whole dossier is checked again
        (pages already read are not read again). 409 in any other status."""
        from sohoa.edges.workers.jobs import queue_order
        from sohoa.lifecycle.supplement import accept_supplement

        with tempfile.TemporaryDirectory(prefix="sohoa-supplement-") as directory:
            paths = tuple(save_upload(upload, Path(directory), index) for index, upload in enumerate(files))
            record, order = accept_supplement(runtime, code, paths, f"api:{user.name}")
        queued = queue_order(queue, order, worker_settings)
        return {"dossier_code": code, "job_id": order.job_id, "queued": queued, "status": int(record.status),
                "status_url": str(request.url_for("dossier_status", code=code))}

    @app.post("/dossiers/{code}/results", status_code=201, response_model=ResultView)
    def hand_in_result(code: str, file: Annotated[UploadFile, File(description="The result: a born-digital PDF or a scan.")],
                       request: Request, runtime: RuntimeDep, user: caller(Permission.READ_STATUS),
                       kind: Annotated[Literal["result", "refusal", "apology"], Form()] = "result",
                       title: Annotated[str, Form(max_length=500, description="What it is, e.g. the licence's name.")] = "",
                       reason: Annotated[str, Form(max_length=2000, description="Why (for a refusal).")] = "") -> ResultView:
        """Sign (PAdES B-LTA with a timestamping service), stamp with the QR of its verification address,
        archive write-once and link to the dossier; finishes it (result), refuses it (refusal, Mẫu 03) or
        records the apology letter (Mẫu 04)."""
        from sohoa.lifecycle.results import issue_result

        authorize(runtime.database, user, RESULT_PERMISSION[kind], describe_request("POST", request.url.path), code)
        with tempfile.TemporaryDirectory(prefix="sohoa-result-") as directory:
            path = save_upload(file, Path(directory), 0)
            issued = issue_result(runtime, code, path, kind, f"api:{user.name}", title=title, reason=reason)
        return _result_view(issued.record, runtime.config.public_url)


def _install_actions(app: FastAPI, RuntimeDep, caller) -> None:  # noqa: N803
    @app.post("/dossiers/{code}/actions/{action}", response_model=EventView)
    def take_action(code: str, action: str, request: Request, runtime: RuntimeDep, user: caller(Permission.READ_STATUS),
                    body: Annotated[ActionRequest, Body()] = ActionRequest()) -> EventView:
        """Take a lifecycle action (transitions.yaml: start, request_supplement, request_payment, paid, withdraw,
        stop, refuse …); 409 when the dossier's status does not allow it, and nothing changes."""
        needed = Permission.UPLOAD if action in DESK_ACTIONS else Permission.PROCESS
        if action in DESK_ACTIONS and user.may(Permission.PROCESS):
            needed = Permission.PROCESS
        authorize(runtime.database, user, needed, describe_request("POST", request.url.path), code)
        event = apply_action(runtime.database, _rules(runtime), code, action, f"api:{user.name}", reason=body.reason)
        return _event_view(event)

    @app.post("/dossiers/{code}/assignment", response_model=EventView)
    def assign_dossier(code: str, body: AssignmentRequest, runtime: RuntimeDep,
                       user: caller(Permission.PROCESS)) -> EventView:
        """Send the dossier to a department and/or give it to a specialist."""
        return _event_view(assign(runtime.database, _rules(runtime), code, body.assignee, f"api:{user.name}",
                                  body.department))

    @app.post("/dossiers/{code}/return", response_model=EventView)
    def return_dossier(code: str, body: ReturnRequest, runtime: RuntimeDep, user: caller(Permission.UPLOAD)) -> EventView:
        """The result handed back (status 10); 409 for a late dossier without its apology letter."""
        return _event_view(return_result(runtime.database, _rules(runtime), code, body.channel, f"api:{user.name}"))


def _install_reading(app: FastAPI, RuntimeDep, caller) -> None:  # noqa: N803
    @app.get("/dossiers/{code}/history", response_model=list[EventView])
    def dossier_history(code: str, runtime: RuntimeDep, user: caller(Permission.READ_STATUS)) -> list[EventView]:
        """Every transition of the dossier with who, when and why, oldest first."""
        with logged_access(runtime.database, code, f"api:{user.name}", "history"):
            runtime.database.get_dossier(code)
            events = runtime.database.dossier_history(code)
        return [_event_view(event) for event in events]

    @app.get("/queue", response_model=list[QueueItemView])
    def queue(runtime: RuntimeDep, user: caller(Permission.PROCESS), department: str | None = None,
              assignee: str | None = None, mine: bool = False) -> list[QueueItemView]:
        """Open dossiers, earliest promised date first (overdue first); `mine` for the caller's own."""
        now = runtime.database.now()
        records = runtime.database.queue(department=department, assignee=user.name if mine else assignee)
        runtime.database.record_event(actor=f"api:{user.name}", action="queue", outcome=f"ok: {len(records)} dossier(s)")
        return [QueueItemView(dossier_code=r.code, procedure_code=r.procedure_code, status=int(r.status),
                              status_name=r.status.vietnamese, department=r.department, assignee=r.assignee,
                              promised_at=r.promised_at.isoformat() if r.promised_at else None,
                              overdue=bool(r.promised_at and r.promised_at < now)) for r in records]

    @app.get("/xac-minh/{result_id}", response_class=HTMLResponse)
    def public_verification(result_id: str, request: Request, runtime: RuntimeDep):
        """No login: what the QR code of a signed result opens. Says whether such a result was issued, by whom
        and when, and the SHA-256 of the signed file to compare with the one in hand; nothing of the dossier."""
        result = runtime.database.find_result(result_id) if result_id.isalnum() and len(result_id) <= 32 else None
        runtime.database.record_event(actor="public", action="verify-result",
                                      outcome=f"{'found' if result else 'not found'}: {result_id[:32]}")
        if result is None:
            raise DossierNotFound(f"no result {result_id[:32]} was issued by this service")
        view = {"id": result.id, "kind": result.kind, "title": result.title, "signer": result.signer,
                "issued_at": result.issued_at.isoformat(), "signed_sha256": result.signed_sha256, "level": result.level}
        if "text/html" not in request.headers.get("accept", ""):
            return JSONResponse(view)
        rows = "".join(f"<tr><th>{name}</th><td>{html.escape(str(value))}</td></tr>" for name, value in view.items())
        return HTMLResponse(f"<!doctype html><html lang='vi'><meta charset='utf-8'><title>Xác minh kết quả</title>"
                            f"<h1>Kết quả đã được ký số và lưu trữ</h1><table>{rows}</table>"
                            "<p>So sánh SHA-256 của tệp bạn có với giá trị trên.</p></html>")


def _rules(runtime: Runtime):
    return load_rules(runtime.config.lifecycle_dir)


def _event_view(event) -> EventView:
    return EventView(sequence=event.sequence, action=event.action,
                     from_status=int(event.from_status) if event.from_status is not None else None,
                     to_status=int(event.to_status), at=event.at.isoformat(), actor=event.actor, reason=event.reason,
                     details=event.details)


def _result_view(result, public_url: str) -> ResultView:
    from sohoa.lifecycle.results import verification_url

    return ResultView(id=result.id, kind=result.kind, title=result.title, signed_key=result.signed_key,
                      signed_sha256=result.signed_sha256, level=result.level, signer=result.signer,
                      issued_at=result.issued_at.isoformat(), issued_by=result.issued_by,
                      verification_url=verification_url(public_url, result.id))


__all__ = ["install_lifecycle_routes", "lifecycle_fields"]
