"""The `sohoa` command: a thin shell over the services and the lifecycle. Typed errors become exit codes here."""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from sohoa.edges.cli.archive import archive_app
from sohoa.edges.cli.audit import audit_app
from sohoa.edges.cli.catalog import catalog_app
from sohoa.edges.cli.console import err, out, progress_bar as _progress, spinner as _status, user as _user
from sohoa.edges.cli.lifecycle import LIFECYCLE_COMMANDS
from sohoa.edges.cli.propose import procedure_from_papers, propose
from sohoa.edges.cli.report import print_report
from sohoa.edges.cli.stats import STATS_COMMANDS
from sohoa.edges.cli.users import users_app
from sohoa.services.config import Config

app = typer.Typer(help="Digitize paper dossiers into signed, searchable PDF/A records in object storage.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
pki_app = typer.Typer(help="Signing identities.", no_args_is_help=True)
app.add_typer(pki_app, name="pki")
app.add_typer(catalog_app, name="catalog")
app.add_typer(archive_app, name="archive")
app.add_typer(audit_app, name="audit")
app.add_typer(users_app, name="users")
for command in LIFECYCLE_COMMANDS + STATS_COMMANDS + (propose,):
    app.command()(command)


def main() -> None:
    """Entry point: run the app, turning the core's typed errors into messages and exit codes (edges/cli/exits.py)."""
    from sohoa.edges.cli.exits import run

    logging.basicConfig(level=os.environ.get("SOHOA_LOG_LEVEL", "ERROR"), format="%(levelname)s %(name)s: %(message)s")
    run(app)


@app.command()
def process(
    files: Annotated[list[Path], typer.Argument(help="Scans in hand-in order: JPEG, PNG, TIFF, PDF.")],
    procedure: Annotated[str | None, typer.Option("--procedure", "-p", help="Procedure code (mã TTHC), e.g. 2.000620 "
                         "(default: the one the papers clearly fit, see `sohoa propose`; exit 64 when none does).")] = None,
    variant: Annotated[str | None, typer.Option(help="Procedure variant id (default: the first; with no --procedure, the one the papers fit).")] = None,
    out_dir: Annotated[Path | None, typer.Option("--out", help="Also write each component's PDF/A and signed PDF here.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the versioned JSON report.")] = False,
    jobs: Annotated[int, typer.Option(help="Pages at once (0: one per core; 1: serial, for debugging).")] = 0,
    sign: Annotated[bool, typer.Option(help="Sign each component as an electronic copy.")] = True,
) -> None:
    """Digitize one dossier in-process (no queue): intake → pages → PDF/A → checklist → signing → archive."""
    from sohoa.lifecycle.reception import digitize_dossier, receive_dossier
    from sohoa.services.runtime import build_runtime
    from sohoa.supervision.reuse_service import propose_after_digitization

    config = Config.from_env()
    if jobs:
        config = _replace(config, jobs=jobs)
    if procedure is None:
        if variant is not None:
            raise typer.BadParameter("--variant needs --procedure", param_hint="--variant")
        procedure, variant = procedure_from_papers(tuple(files), config, as_json)
    with _status(as_json, "Starting storage, database and signer…"):
        runtime = build_runtime(config, sign=sign)
    if runtime.demo_identity and not as_json:
        err.print("[yellow]Signing with the local DEMO identity — NOT FOR PRODUCTION (set SOHOA_SIGNING_P12).[/]")
    record = receive_dossier(runtime, procedure, variant, actor=f"cli:{_user()}")
    with _progress(as_json) as progress:
        report = digitize_dossier(runtime, record, tuple(files), actor=f"cli:{_user()}", progress=progress)
    for proposal in propose_after_digitization(runtime.database, record.code, f"cli:{_user()}"):
        err.print(f"component {proposal.paper.position}: the same paper was digitized in {proposal.earlier.dossier_code}; "
                  f"reuse its signed copy with `sohoa reuse {record.code} --confirm {proposal.paper.position}`")
    if out_dir is not None:
        _write_outputs(runtime, report, out_dir)
    if as_json:
        print(report.model_dump_json(indent=2))
    else:
        print_report(report, out_dir)


@app.command()
def status(code: Annotated[str, typer.Argument(help="Dossier code.")],
           as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Show a dossier's status and checklist."""
    from sohoa.services.db import VIETNAM_TIME, open_database

    database = open_database(Config.from_env().database_url)
    record = database.get_dossier(code)
    database.record_access(code, f"cli:{_user()}", "status", None, "ok")
    if as_json:
        print(json.dumps({"code": record.code, "status": int(record.status), "status_name": record.status.vietnamese,
                          "error": record.error, "report": record.report,
                          "promised_at": record.promised_at.isoformat() if record.promised_at else None,
                          "department": record.department, "assignee": record.assignee,
                          "work": [_work_json(w) for w in database.work_of(code)]}, ensure_ascii=False, indent=2))
        return
    out.print(f"{record.code}: {int(record.status)} {record.status.vietnamese}" + (f" — {record.error}" if record.error else ""))
    if record.promised_at is not None:
        out.print(f"  promised {record.promised_at.astimezone(VIETNAM_TIME):%d/%m/%Y %H:%M} · {record.department or '—'}"
                  f" · {record.assignee or 'not assigned'}")
    for result in database.results_of(code):
        out.print(f"  {result.kind} {result.id}: {result.title} ({result.level}, {result.signed_key})")
    for work in database.work_of(code):
        reason = f" — {work.error}" if work.error and work.state != "done" else ""
        hint = " (run it again: sohoa retry CODE)" if work.state == "failed" else ""
        out.print(f"  digitization {work.state}, {work.attempts} attempt(s){reason}{hint}")


def _work_json(work) -> dict:
    return {"job_id": work.job_id, "state": work.state, "attempts": work.attempts, "error": work.error,
            "updated_at": work.updated_at.isoformat()}


@app.command()
def search(query: Annotated[str, typer.Argument(help="Words that must all be on one page (diacritics and case ignored).")] = "",
           procedure: Annotated[str | None, typer.Option(help="Only this procedure code.")] = None,
           status: Annotated[int | None, typer.Option(min=1, max=10, help="Only this status (1-10).")] = None,
           received_from: Annotated[datetime | None, typer.Option("--from", formats=["%Y-%m-%d"], help="Received on or after (Vietnam day).")] = None,
           received_to: Annotated[datetime | None, typer.Option("--to", formats=["%Y-%m-%d"], help="Received on or before (Vietnam day).")] = None,
           limit: Annotated[int, typer.Option(min=1, max=100, help="Most dossiers, newest first.")] = 20,
           offset: Annotated[int, typer.Option(min=0, max=10_000, help="Dossiers to skip (next page).")] = 0,
           as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Find digitized dossiers by the words on their pages, procedure, status and reception day."""
    from sohoa.services.db import VIETNAM_TIME, DossierStatus, open_database
    from sohoa.services.search import SearchRequest, search_dossiers

    database = open_database(Config.from_env().database_url)
    request = SearchRequest(query, procedure, DossierStatus(status) if status else None,
                            received_from.date() if received_from else None, received_to.date() if received_to else None, limit, offset)
    hits = search_dossiers(database, request, f"cli:{_user()}")
    if as_json:
        print(json.dumps([{**vars(hit), "status": int(hit.status), "received_at": hit.received_at.isoformat(),
                           "pages": [vars(page) for page in hit.pages]} for hit in hits], ensure_ascii=False, indent=2))
        return
    for hit in hits:
        out.print(f"[bold]{hit.dossier_code}[/] {hit.procedure_code} · {int(hit.status)} {hit.status.vietnamese} · "
                  f"{hit.received_at.astimezone(VIETNAM_TIME).strftime('%Y-%m-%d %H:%M')} (giờ Việt Nam)", highlight=False)
        for page in hit.pages:
            out.print(f"   page {page.page_index + 1} (component {page.component_position or '-'}): {page.line}", highlight=False)
    if not hits:
        err.print("no dossier found")


@app.command()
def form(code: Annotated[str, typer.Argument(help="Dossier code.")],
         out: Annotated[Path, typer.Option(help="Where to write the PDF.")],
         applicant: Annotated[str, typer.Option(help="Applicant's name (default: the enterprise name read).")] = "",
         identifier: Annotated[str, typer.Option(help="Enterprise code or personal id (default: the one read).")] = "",
         address: Annotated[str, typer.Option(help="Applicant's address.")] = "",
         confirmed: Annotated[bool, typer.Option(help="A person has checked a verdict that needs review (or, for Mẫu 01, is not high-confidence).")] = False) -> None:
    """Print the front desk's form: Mẫu 01 (receipt) if the dossier is complete, else Mẫu 02 (what to supplement)."""
    from sohoa.catalog import load_catalog
    from sohoa.services.db import open_database
    from sohoa.lifecycle.forms.receipt import Applicant, DeskInfo
    from sohoa.lifecycle.front_desk import front_desk_form
    from sohoa.services.lookup import lookup_link

    config = Config.from_env()
    database = open_database(config.database_url)
    made = front_desk_form(database, load_catalog(), code, Applicant(applicant, identifier, address),
                           DeskInfo(desk=config.organisation.upper()), f"cli:{_user()}", confirmed,
                           lookup=lookup_link(config.public_url, config.data_dir))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(made.pdf)
    title = {"mau-01": "Mẫu 01 (giấy tiếp nhận, hẹn trả kết quả)", "mau-02": "Mẫu 02 (yêu cầu bổ sung hồ sơ)"}[made.form]
    err.print(f"{title}: {out}", highlight=False)


@app.command()
def worker(burst: Annotated[bool, typer.Option(help="Stop when the queue is empty.")] = False) -> None:
    """Run an RQ worker that digitizes queued dossiers."""
    from sohoa.edges.workers.settings import WorkerSettings
    from sohoa.edges.workers.worker import run_worker

    run_worker(Config.from_env(), WorkerSettings.from_env(), burst=burst)


@app.command()
def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs)."""
    import uvicorn

    from sohoa.services.config import check_environment

    check_environment()  # a wrong SOHOA_* value: one line naming it, exit 64, before the server starts

    uvicorn.run("sohoa.edges.api.app:create_app", factory=True, host=host, port=port)


def _verify_lookup():
    from sohoa.services.db import open_database
    from sohoa.services.artifacts import archive_lookup

    return archive_lookup(open_database(Config.from_env().database_url))


def _mount_verify() -> None:
    from sohoa.edges.cli.verify import HELP, make_verify_command

    app.command("verify", help=HELP)(make_verify_command(_verify_lookup))


_mount_verify()


@pki_app.command("init")
def pki_init(
    directory: Annotated[Path | None, typer.Option(help="Where to write the identity (default: DATA_DIR/pki).")] = None,
    organisation: Annotated[str | None, typer.Option(help="Organisation name in the certificate.")] = None,
) -> None:
    """Create a local DEMO signing identity (root CA + signer, PKCS#12). NOT FOR PRODUCTION."""
    from sohoa.signing import init_demo_identity

    config = Config.from_env()
    identity = init_demo_identity(directory or config.data_dir / "pki", organisation or config.organisation)
    out.print(f"[yellow]DEMO identity — NOT FOR PRODUCTION[/]\n  subject:    {identity.subject}\n"
              f"  PKCS#12:    {identity.pkcs12_path}\n  passphrase: {identity.passphrase_path}\n"
              f"  root CA:    {identity.root_cert_path}")


@app.command()
def separators(
    procedure: Annotated[str, typer.Argument(help="Procedure code (mã TTHC).")],
    output: Annotated[Path, typer.Option("--out", "-o", help="PDF file to write.")],
    variant: Annotated[str | None, typer.Option(help="Procedure variant id (default: the first).")] = None,
    dossier: Annotated[str, typer.Option(help="Dossier code to print in the QR codes (optional).")] = "",
    cover: Annotated[bool, typer.Option(help="Start with a dossier cover sheet.")] = True,
) -> None:
    """Print the cover sheet and one separator sheet (QR top-left) per checklist component."""
    from sohoa.catalog import CatalogLookupError, load_catalog
    from sohoa.errors import UnknownProcedureCode
    from sohoa.lifecycle.forms.separators import separator_sheets_pdf

    try:
        found = load_catalog().get(procedure)
        pdf = separator_sheets_pdf(found, variant, dossier, include_cover=cover)
    except CatalogLookupError as error:
        raise UnknownProcedureCode(str(error)) from error
    output.write_bytes(pdf)
    err.print(f"{output}: {len(found.variant(variant).components) + int(cover)} sheets")


def _write_outputs(runtime, report, out_dir: Path) -> None:
    """Download each component's PDF/A and signed PDF from storage (digests verified) into out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    store = runtime.engines.store
    for c in report.components:
        stem = f"{c.position:02d}-{c.document_type or 'component'}"
        (out_dir / f"{stem}.pdfa.pdf").write_bytes(store.get_bytes(c.pdfa.key))
        if c.signed:
            (out_dir / f"{stem}.signed.pdf").write_bytes(store.get_bytes(c.signed.key))
    (out_dir / "report.json").write_text(report.model_dump_json(indent=2), encoding="utf-8")


def _replace(config: Config, **changes) -> Config:
    import dataclasses

    return dataclasses.replace(config, **changes)
