"""The HTTP API (FastAPI; OpenAPI docs at /docs): a thin shell over sohoa.services.runtime and the RQ queue.

Upload a dossier → 202 with its code and status URL; read its status and checklist report; stream
its artifacts from storage. Every route but /health needs ``Authorization: Bearer <token>`` (issued
with ``sohoa users add``) and a role holding the route's permission (`sohoa.services.access.GRANTS`); every
call, allowed or refused, is in the access log under ``api:<user>``. Typed errors become status codes
here and nowhere else.
"""


import asyncio
import os
import re
import shutil
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Literal

from fastapi import Depends, FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.background import BackgroundTask
from pydantic import BaseModel, Field

from starlette.concurrency import run_in_threadpool

from sohoa.services.access import (NotAuthenticated, Permission, Principal, authenticate, authorize, describe_request, log_filing_code,
                          logged_access)
from sohoa.archive import IntegrityError, ObjectMissing, StorageError
from sohoa.services.config import Config, check_environment
from sohoa.errors import InputRejected, InvalidQuery, SohoaError
from sohoa.edges.api.early import ProcedureFirst, route_path
from sohoa.edges.api.fields import install_field_routes
from sohoa.edges.api.lifecycle import install_lifecycle_routes, lifecycle_fields
from sohoa.edges.api.negotiate import accepted_format
from sohoa.edges.api.stats import stats_router
from sohoa.edges.api.work import hand_to_queue, install_work_routes
from sohoa.edges.web import install_web
from sohoa.edges.workers.settings import WorkerSettings
from sohoa.lifecycle.reception import accept_upload
from sohoa.services.access import status_summary
from sohoa.services.artifacts import archive_lookup, download_verified, open_artifact, presign_artifact
from sohoa.services.runtime import Runtime, build_runtime

MAX_UPLOAD_BYTES = 300 * 1024 * 1024
"""Largest file accepted in an upload, or for verification."""
MAX_REQUEST_BYTES = 1024 * 1024 * 1024
"""Largest request body announced by Content-Length for an upload or verification (several files)."""
_SAFE_NAME = re.compile(r"[^\w.\-() ]+", re.UNICODE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class Accepted(BaseModel):
    """The answer to an upload: the dossier is archived and queued."""

    dossier_code: str = Field(description="The allocated dossier code (mã hồ sơ).")
    status_url: str = Field(description="Where to poll the dossier's status and checklist.")
    job_id: str = Field(description="The queue job digitizing the dossier.")
    queued: bool = Field(default=True, description="False when the queue was unreachable: the dossier is recorded with "
                                                   "its originals and a worker queues it when the queue is back.")


class DossierStatusView(BaseModel):
    """A dossier's status and, once digitized, its report."""

    dossier_code: str = Field(description="Dossier code.")
    procedure_code: str = Field(description="Procedure code.")
    status: int = Field(description="National status code 1-10.")
    status_name: str = Field(description="Status name in Vietnamese.")
    error: str | None = Field(description="Why processing failed or the dossier was rejected, if it was.")
    report: dict | None = Field(description="The DossierReport (schema in docs/report-schema.md), once digitized.")
    promised_at: str | None = Field(default=None, description="Promised date (ngày hẹn trả), ISO 8601, once received.")
    department: str | None = Field(default=None, description="Department handling it, once received.")
    assignee: str | None = Field(default=None, description="Specialist it is assigned to.")
    components: list[dict] = Field(default=[], description="Digitization state (0-3) of every checklist component.")
    results: list[dict] = Field(default=[], description="Signed results, refusals and apology letters issued for it.")
    digitized: bool = Field(default=False, description="Every component digitized and an electronic result issued "
                                                       "(the 766 digitization indicator).")
    work: list[dict] = Field(default=[], description="Its digitization jobs: state (queued, working, retrying, done, "
                                                     "failed), attempts and the reason of a failure.")


class ArtifactView(BaseModel):
    """One stored object of a dossier."""

    kind: str = Field(description="original, pdfa, signed, ocr or manifest.")
    key: str = Field(description="Object key.")
    sha256: str = Field(description="SHA-256 hex.")
    size: int = Field(description="Bytes.")
    position: int | None = Field(description="Component position for pdfa/signed.")
    download_url: str = Field(description="Streamed download (digest verified while streaming).")


class PageMatchView(BaseModel):
    """A page of a found dossier that holds every searched word."""

    page_index: int = Field(description="0-based index of the page in the dossier's page stream.")
    component_position: int | None = Field(description="Component the page was assigned to, if any.")
    document_type: str | None = Field(description="Catalogue document type of the page, if recognised.")
    line: str = Field(description="The first line of the page holding a searched word.")


class DossierHitView(BaseModel):
    """One dossier found by GET /dossiers."""

    dossier_code: str = Field(description="Dossier code.")
    procedure_code: str = Field(description="Procedure code.")
    status: int = Field(description="National status code 1-10.")
    status_name: str = Field(description="Status name in Vietnamese.")
    received_at: str = Field(description="When it was received, ISO 8601 UTC.")
    status_url: str = Field(description="Its status and checklist report.")
    pages: list[PageMatchView] = Field(description="Up to 3 matching pages; empty when no words were searched.")


class AccessView(BaseModel):
    """One entry of a dossier's hash-chained access log."""

    id: int = Field(description="Sequence number of the entry.")
    accessed_at: str = Field(description="When, ISO 8601 UTC.")
    actor: str = Field(description="Who: api:<user>, cli:<login>, worker, or api:? for a refused token.")
    action: str = Field(description="What was done or attempted, e.g. status, list, download, verify, upload.")
    object_key: str | None = Field(description="The stored object concerned, if one.")
    outcome: str = Field(description="ok, or why it was refused or failed.")
    event_hash: str | None = Field(description="The entry's SHA-256 in the chain (`sohoa audit verify` checks them).")


def create_app(runtime: Runtime | None = None, queue=None, worker_settings: WorkerSettings | None = None) -> FastAPI:
    """Build the app; without arguments the runtime, queue and retry settings come from the environment at startup."""
    worker_settings = worker_settings or WorkerSettings.from_env()
    if runtime is None:
        check_environment()  # a wrong SOHOA_* value stops the service at start, naming the variable
    app = FastAPI(title="sohoa", version="0.1.0",
                  description="Digitization of dossiers received at one-stop public service centres.")
    state: dict = {"runtime": runtime, "queue": queue, "trust": None}

    def get_runtime() -> Runtime:
        if state["runtime"] is None:
            state["runtime"] = build_runtime(Config.from_env())
        return state["runtime"]

    def get_queue(runtime: Annotated[Runtime, Depends(get_runtime)]):
        if state["queue"] is None:
            from sohoa.edges.workers.jobs import queue_for

            state["queue"] = queue_for(runtime.config)
        return state["queue"]

    def get_trust(runtime: Annotated[Runtime, Depends(get_runtime)]):
        if state["trust"] is None:  # read once, after the runtime has made the demo identity when there is no key
            from sohoa.signing import TrustSettings

            state["trust"] = TrustSettings.from_env(os.environ, runtime.config.data_dir)
        return state["trust"]

    runtime_dep = Annotated[Runtime, Depends(get_runtime)]
    caller = _caller_dependency(get_runtime)
    _install_error_handlers(app)
    app.add_middleware(ProcedureFirst, get_runtime=get_runtime, answer=_error_response)  # inside the token check
    app.add_middleware(_RefuseBeforeTheBody, get_runtime=get_runtime)
    _install_front_desk_routes(app, runtime_dep, get_queue, caller, worker_settings)
    _install_dossier_routes(app, runtime_dep, caller)
    _install_artifact_routes(app, runtime_dep, caller)
    _install_service_routes(app, runtime_dep, caller, get_trust)
    install_lifecycle_routes(app, runtime_dep, get_queue, caller, _save_upload, worker_settings)
    install_work_routes(app, runtime_dep, get_queue, caller, worker_settings)
    install_field_routes(app, runtime_dep, caller, get_queue, worker_settings)
    app.include_router(stats_router(runtime_dep, caller))
    install_web(app, get_runtime, get_queue, worker_settings, _save_upload)
    return app


_CHECKED = "sohoa_checked"
"""Key of the request state holding ``(permission, principal)`` once `_RefuseBeforeTheBody` let a caller through."""
_bearer = HTTPBearer(auto_error=False, description="An API token from `sohoa users add NAME --role ROLE`.")


def _caller_dependency(get_runtime):
    """`caller(permission)`: the annotation of a route parameter that holds the authenticated, authorised user."""

    def caller(permission: Permission):
        def dependency(request: Request, runtime: Annotated[Runtime, Depends(get_runtime)],
                       credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Principal:
            route = request.scope.get("route")
            code = request.path_params.get("code") if route is not None and route.path.startswith("/dossiers/") else None
            where = describe_request(request.method, request.url.path)
            checked = request.scope.get("state", {}).get(_CHECKED)  # by `_RefuseBeforeTheBody`, for this request
            if checked is not None and checked[0] == permission:
                principal = checked[1]
            else:
                # `credentials` only declares the scheme in the OpenAPI document; the header is read the middleware's way
                token = _logged_token(runtime.database, request.scope["headers"], where, code)
                principal = authorize(runtime.database, authenticate(runtime.database, token, where, code), permission,
                                      where, code)
            if any(_CONTROL.search(value) for value in request.path_params.values()):  # PostgreSQL refuses NUL in text
                runtime.database.record_event(actor=f"api:{principal.name}", action=str(permission),
                                              outcome=f"refused: control characters in the path ({where})")
                raise InvalidQuery("the path holds control characters")
            return principal

        return Annotated[Principal, Depends(dependency)]

    return caller


class _RefuseBeforeTheBody:
    """Checks the token and permission of the routes that take large bodies before any byte is read.

    FastAPI reads a multipart body before it runs a route's dependencies, so without this an anonymous
    caller could make the server receive 300 MB before hearing 401. The principal it lets through is
    left in the request's state for the route's own dependency, which checks the token itself only when
    this did not; a refusal here is logged by `authenticate`/`authorize`.
    """

    GUARDED = {("POST", "/dossiers"): Permission.UPLOAD, ("POST", "/verify"): Permission.VERIFY}
    GUARDED_PATTERNS = ((re.compile(r"/dossiers/[^/]+/files"), Permission.UPLOAD),
                        (re.compile(r"/dossiers/[^/]+/results"), Permission.READ_STATUS))
    """Large-body routes with the dossier code in the path: the token is checked first (the route checks the
    permission its form asks for)."""

    def __init__(self, app, get_runtime) -> None:
        self.app, self.get_runtime = app, get_runtime

    async def __call__(self, scope, receive, send) -> None:
        path = scope.get("path", "")
        routed = route_path(scope)  # behind a proxy's prefix
        permission = self.GUARDED.get((scope.get("method"), routed)) if scope["type"] == "http" else None
        if permission is None and scope["type"] == "http" and scope.get("method") == "POST":
            permission = next((p for pattern, p in self.GUARDED_PATTERNS if pattern.fullmatch(routed)), None)
        if permission is not None:
            try:
                principal = await self._check(scope, permission, describe_request(scope["method"], path))
            except SohoaError as error:
                await _error_response(error)(scope, receive, send)
                return
            scope.setdefault("state", {})[_CHECKED] = (permission, principal)
        await self.app(scope, receive, send)

    async def _check(self, scope, permission: Permission, where: str) -> Principal:
        database = (await run_in_threadpool(self.get_runtime)).database
        length = dict(scope["headers"]).get(b"content-length", b"0")
        if length.isdigit() and int(length) > MAX_REQUEST_BYTES:
            error = RequestTooLarge(f"the request is {int(length)} bytes; at most {MAX_REQUEST_BYTES} are accepted")
            await run_in_threadpool(database.record_event, actor="api:?", action=str(permission),
                                    outcome=f"refused: {error} ({where})")
            raise error
        token = await run_in_threadpool(_logged_token, database, scope["headers"], where, None)
        principal = await run_in_threadpool(authenticate, database, token, where)
        return await run_in_threadpool(authorize, database, principal, permission, where)


def _bearer_token(headers: list[tuple[bytes, bytes]]) -> str | None:
    """The token of the one ``Authorization: Bearer`` header; several Authorization headers are refused."""
    values = [value for name, value in headers if name.lower() == b"authorization"]
    if len(values) > 1:
        raise NotAuthenticated("several Authorization headers: send exactly one")
    scheme, _, token = (values[0].decode("latin-1") if values else "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _logged_token(database, headers: list[tuple[bytes, bytes]], where: str, code: str | None) -> str | None:
    """`_bearer_token`, with a refusal (several Authorization headers) logged like any other."""
    try:
        return _bearer_token(headers)
    except NotAuthenticated as error:
        database.record_event(actor="api:?", action="authenticate", outcome=f"refused: {error} ({where})",
                              dossier_code=log_filing_code(code))
        raise


class RequestTooLarge(SohoaError):
    """A request body over `MAX_REQUEST_BYTES`, refused from its Content-Length before it is read."""

    http_status = 413


def _answer(status: int, kind: str, message: str) -> JSONResponse:
    """The JSON body of every error: ``{"error": kind, "detail": message}``."""
    return JSONResponse(status_code=status, content={"error": kind, "detail": message})


def _error_response(error: SohoaError) -> JSONResponse:
    response = _answer(error.http_status, type(error).__name__, str(error))
    if error.http_status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


def _install_front_desk_routes(app: FastAPI, RuntimeDep, get_queue, caller,  # noqa: N803 - a type alias
                               worker_settings: WorkerSettings) -> None:
    @app.post("/dossiers", status_code=202, response_model=Accepted)
    def upload_dossier(procedure_code: Annotated[str, Form(description="Procedure code (mã TTHC).")],
                       files: Annotated[list[UploadFile], File(description="Scans in hand-in order.")],
                       request: Request, runtime: RuntimeDep, user: caller(Permission.UPLOAD), queue=Depends(get_queue),
                       variant: Annotated[str | None, Form(description="Procedure variant id.")] = None,
                       channel: Annotated[int, Form(ge=1, le=3, description="1 in person, 2 online, 3 post.")] = 1) -> Accepted:
        with tempfile.TemporaryDirectory(prefix="sohoa-upload-") as directory:
            paths = tuple(_save_upload(upload, Path(directory), index) for index, upload in enumerate(files))
            record, order = accept_upload(runtime, procedure_code, variant, paths, actor=f"api:{user.name}", channel=channel)
        queued = hand_to_queue(queue, order, worker_settings)
        return Accepted(dossier_code=record.code, job_id=order.job_id, queued=queued,
                        status_url=str(request.url_for("dossier_status", code=record.code)))

    @app.get("/dossiers/{code}/form.pdf", response_class=Response)
    def front_desk_form_pdf(code: str, runtime: RuntimeDep, user: caller(Permission.UPLOAD),
                            applicant: Annotated[str, Query(max_length=200, description="Applicant's name (default: "
                                                            "the enterprise name read from the papers).")] = "",
                            identifier: Annotated[str, Query(max_length=64, description="Enterprise code or personal "
                                                             "id (default: the one read).")] = "",
                            address: Annotated[str, Query(max_length=300, description="Applicant's address.")] = "",
                            confirmed: Annotated[bool, Query(description="A person has checked a verdict the classifier "
                                                             "marked needs_review.")] = False) -> Response:
        """Mẫu 01 (receipt and promised date) for a complete dossier, Mẫu 02 (request to supplement, listing
        exactly what is missing) for an incomplete one; 409 until it is digitized, or while its verdict
        needs a person's review and `confirmed` is not set."""
        from sohoa.lifecycle.forms.receipt import Applicant, DeskInfo
        from sohoa.lifecycle.front_desk import front_desk_form
        from sohoa.services.lookup import lookup_link

        form = front_desk_form(runtime.database, runtime.engines.catalog, code, Applicant(applicant, identifier, address),
                               DeskInfo(desk=runtime.config.organisation.upper()), f"api:{user.name}", confirmed,
                               lookup=lookup_link(runtime.config.public_url, runtime.config.data_dir))
        return Response(form.pdf, media_type="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="{code}-{form.form}.pdf"', "X-Sohoa-Form": form.form})



def _install_dossier_routes(app: FastAPI, RuntimeDep, caller) -> None:  # noqa: N803 - a type alias
    @app.get("/dossiers", response_model=list[DossierHitView])
    def find_dossiers(request: Request, runtime: RuntimeDep, user: caller(Permission.SEARCH),
                      q: Annotated[str, Query(max_length=200, description="Words that must all be on one page "
                                                                          "(diacritics and case ignored).")] = "",
                      procedure_code: Annotated[str | None, Query(max_length=64, description="Only this procedure.")] = None,
                      status: Annotated[int | None, Query(ge=1, le=10, description="Only this status.")] = None,
                      received_from: Annotated[date | None, Query(description="Received on or after (Vietnam day).")] = None,
                      received_to: Annotated[date | None, Query(description="Received on or before (Vietnam day).")] = None,
                      limit: Annotated[int, Query(ge=1, le=100, description="Most dossiers, newest first.")] = 20,
                      offset: Annotated[int, Query(ge=0, le=10_000, description="Dossiers to skip (next page).")] = 0,
                      ) -> list[DossierHitView]:
        """Find dossiers by the words on their pages, procedure, status and reception day (each shown dossier is logged)."""
        from sohoa.services.db import DossierStatus
        from sohoa.services.search import SearchRequest, search_dossiers

        search = SearchRequest(q, procedure_code, DossierStatus(status) if status else None, received_from, received_to,
                               limit, offset)
        return [DossierHitView(dossier_code=hit.dossier_code, procedure_code=hit.procedure_code, status=int(hit.status),
                               status_name=hit.status.vietnamese, received_at=hit.received_at.isoformat(),
                               status_url=str(request.url_for("dossier_status", code=hit.dossier_code)),
                               pages=[PageMatchView(**vars(page)) for page in hit.pages])
                for hit in search_dossiers(runtime.database, search, f"api:{user.name}")]

    @app.get("/dossiers/{code}", response_model=DossierStatusView, name="dossier_status")
    def dossier_status(code: str, runtime: RuntimeDep, user: caller(Permission.READ_STATUS)) -> DossierStatusView:
        """The status and the report; a role without ``read-report`` gets only the checklist verdict."""
        with logged_access(runtime.database, code, f"api:{user.name}", "status"):
            record = runtime.database.get_dossier(code)
        report = record.report if user.may(Permission.READ_REPORT) else status_summary(record.report)
        return DossierStatusView(dossier_code=record.code, procedure_code=record.procedure_code, status=int(record.status),
                                 status_name=record.status.vietnamese, error=record.error, report=report,
                                 **lifecycle_fields(runtime, record, public_url=runtime.config.public_url))

    @app.get("/dossiers/{code}/access-log", response_model=list[AccessView])
    def dossier_access_log(code: str, runtime: RuntimeDep, user: caller(Permission.READ_ACCESS_LOG),
                           after_id: Annotated[int, Query(ge=0, description="Only entries after this id (next page).")] = 0,
                           limit: Annotated[int, Query(ge=1, le=1000, description="Most entries, oldest first.")] = 200,
                           ) -> list[AccessView]:
        """Who accessed the dossier, oldest first (reading it is logged too, as ``access-log``)."""
        with logged_access(runtime.database, code, f"api:{user.name}", "access-log"):
            runtime.database.get_dossier(code)  # the page is taken before this read is logged
            entries = runtime.database.access_log(code, after_id=after_id, limit=limit)
        return [AccessView(id=e.id, accessed_at=e.accessed_at.isoformat(), actor=e.actor, action=e.action,
                           object_key=e.object_key, outcome=e.outcome, event_hash=e.event_hash)
                for e in entries]



def _install_artifact_routes(app: FastAPI, RuntimeDep, caller) -> None:  # noqa: N803 - a type alias
    @app.get("/dossiers/{code}/artifacts", response_model=list[ArtifactView])
    def list_artifacts(code: str, request: Request, runtime: RuntimeDep, user: caller(Permission.LIST_FILES)) -> list[ArtifactView]:
        with logged_access(runtime.database, code, f"api:{user.name}", "list"):
            runtime.database.get_dossier(code)
            artifacts = runtime.database.list_artifacts(code)
        return [ArtifactView(kind=a.kind, key=a.key, sha256=a.sha256, size=a.size, position=a.position,
                             download_url=str(request.url_for("download_artifact", code=code, key=a.key)))
                for a in artifacts]

    @app.post("/dossiers/{code}/links/{key:path}", name="presign_artifact")
    def presign(code: str, key: str, runtime: RuntimeDep, user: caller(Permission.DOWNLOAD),
                expires_s: Annotated[int, Query(ge=1, le=900)] = 300) -> dict:
        """A short-lived direct download URL from object storage (logged as ``presign``); the client must
        check the SHA-256 returned here (also sent by the server as x-amz-meta-sha256)."""
        url, sha256 = presign_artifact(runtime, code, key, actor=f"api:{user.name}", expires=timedelta(seconds=expires_s))
        return {"url": url, "expires_in": expires_s, "sha256": sha256}

    @app.get("/dossiers/{code}/artifacts/{key:path}", name="download_artifact", response_class=FileResponse)
    def download_artifact(code: str, key: str, runtime: RuntimeDep, user: caller(Permission.DOWNLOAD)) -> FileResponse:
        # Verified in full before the first byte goes out: a client never receives a corrupt file that looks whole.
        directory = tempfile.mkdtemp(prefix="sohoa-download-")
        try:
            with logged_access(runtime.database, code, f"api:{user.name}", "download", key):
                store, _, media_type = open_artifact(runtime, code, key)
                path = download_verified(store, key, Path(directory) / Path(key).name)
        except BaseException:
            shutil.rmtree(directory, ignore_errors=True)
            raise
        return FileResponse(path, media_type=media_type, filename=path.name,
                            background=BackgroundTask(shutil.rmtree, directory, ignore_errors=True))



def _install_service_routes(app: FastAPI, RuntimeDep, caller, get_trust) -> None:  # noqa: N803 - a type alias
    @app.post("/verify", responses={200: {"content": {"application/json": {}, "text/html": {}, "application/pdf": {}}}})
    async def verify(file: Annotated[UploadFile, File(description="A signed PDF, from the archive or from anyone.")],
                     request: Request, runtime: RuntimeDep, user: caller(Permission.VERIFY), trust=Depends(get_trust),
                     format: Annotated[Literal["json", "html", "pdf"] | None, Query(
                         description="Report format; default: from the Accept header, else json.")] = None):
        """Verify a signed PDF: each signature's ETSI indication, the PDF/A verdict, and which archived document it is."""
        from sohoa.signing import verify_pdf
        from sohoa.signing.verify_render import render_html, render_pdf

        data = await file.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            raise InputRejected(file.filename or "upload", f"larger than the upload limit of {MAX_UPLOAD_BYTES} bytes")
        report = await asyncio.to_thread(verify_pdf, data, trust, archive_lookup(runtime.database), file_name=file.filename)
        match = report.archive_match
        outcome = f"{file.filename}: sha256 {report.sha256}"
        if match is None:
            runtime.database.record_event(actor=f"api:{user.name}", action="verify", outcome=outcome)
        else:
            runtime.database.record_access(match.dossier_code, f"api:{user.name}", "verify", match.key, outcome)
        format = format or accepted_format(request.headers.get("accept"))
        if format == "html":
            return HTMLResponse(render_html(report))
        if format == "pdf":
            return Response(render_pdf(report), media_type="application/pdf")
        return JSONResponse(report.model_dump(mode="json"))

    @app.get("/procedures/{code}/separators.pdf", response_class=Response)
    def separator_sheets(code: str, runtime: RuntimeDep, user: caller(Permission.UPLOAD),
                         variant: str | None = None, dossier: str = "") -> Response:
        """Cover sheet + one separator sheet per component, QR top-left (print and put between the papers)."""
        from sohoa.lifecycle.forms.separators import separator_sheets_pdf

        try:
            pdf = separator_sheets_pdf(runtime.engines.catalog.get(code), variant, dossier)
        except LookupError as error:
            raise HTTPException(status_code=404, detail=str(error)) from error
        runtime.database.record_event(actor=f"api:{user.name}", action="separators", dossier_code=log_filing_code(dossier),
                                      outcome=f"procedure {code[:64]}, variant {(variant or '-')[:64]}")
        return Response(pdf, media_type="application/pdf")

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok"}


def _save_upload(upload: UploadFile, directory: Path, index: int) -> Path:
    name = _SAFE_NAME.sub("_", Path(upload.filename or f"file-{index}").name).strip() or f"file-{index}"
    target = directory / f"{index:03d}" / name
    target.parent.mkdir(parents=True)
    written = 0
    with target.open("wb") as out:
        while chunk := upload.file.read(1 << 20):
            written += len(chunk)
            if written > MAX_UPLOAD_BYTES:
                raise InputRejected(name, f"larger than the upload limit of {MAX_UPLOAD_BYTES} bytes")
            out.write(chunk)
    return target


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(SohoaError)
    async def core_error(_: Request, error: SohoaError) -> JSONResponse:
        return _error_response(error)

    @app.exception_handler(ObjectMissing)
    async def missing(_: Request, error: ObjectMissing) -> JSONResponse:
        return _answer(404, "ObjectMissing", str(error))

    @app.exception_handler(IntegrityError)
    async def corrupt(_: Request, error: IntegrityError) -> JSONResponse:
        return _answer(500, "IntegrityError", str(error))

    @app.exception_handler(StorageError)
    async def unavailable(_: Request, error: StorageError) -> JSONResponse:
        return _answer(503, "StorageUnavailable", str(error))


__all__ = ["create_app"]
