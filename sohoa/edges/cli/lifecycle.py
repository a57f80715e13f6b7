"""`sohoa supplement`, `act`, `assign`, `result`, `return`, `history`, `queue`: the dossier's life after intake,
run in-process as the local operator (logged as ``cli:<login>``). Typed errors reach `main` and become exit codes
(an action the dossier's status does not allow: 76)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from sohoa.edges.cli.console import err, out, progress_bar, spinner, user
from sohoa.services.config import Config


def _runtime(sign: bool = False):
    from sohoa.services.runtime import build_runtime

    with spinner(False, "Starting storage, database and signer…"):
        return build_runtime(Config.from_env(), sign=sign)


def _rules(runtime):
    from sohoa.lifecycle.rules import load_rules

    return load_rules(runtime.config.lifecycle_dir)


def _print_event(event) -> None:
    before = f"{int(event.from_status)} → " if event.from_status is not None else ""
    out.print(f"{event.dossier_code}: {event.action} · {before}{int(event.to_status)} {event.to_status.vietnamese}")


def supplement(code: Annotated[str, typer.Argument(help="Dossier code (waiting for a supplement, status 5).")],
               files: Annotated[list[Path], typer.Argument(help="The new papers, in hand-in order.")]) -> None:
    """Add papers to a dossier that waits for them; the whole dossier is checked again, pages already read are
    not read again."""
    from sohoa.lifecycle.supplement import accept_supplement
    from sohoa.lifecycle.work import run_work

    runtime = _runtime(sign=True)
    actor = f"cli:{user()}"
    _, order = accept_supplement(runtime, code, tuple(files), actor)
    with progress_bar(False) as progress:
        outcome = run_work(runtime, order.job_id, actor=actor, progress=progress)
    if outcome.report is None:
        out.print(f"{code}: refused — {outcome.error}")
        raise typer.Exit(65)
    report = outcome.report
    reused = sum(page.reused for page in report.pages)
    after = runtime.database.get_dossier(code)
    from sohoa.edges.cli.report import verdict_line

    verdict = verdict_line(report.checklist, code)
    out.print(f"{code}: {verdict}; {len(report.pages) - reused} new page(s) read, {reused} reused; "
              f"status {int(after.status)} {after.status.vietnamese}")


def act(code: Annotated[str, typer.Argument(help="Dossier code.")],
        action: Annotated[str, typer.Argument(help="start, request_supplement, request_payment, paid, withdraw, stop, "
                                                    "refuse (see sohoa/lifecycle/data/transitions.yaml).")],
        reason: Annotated[str, typer.Option(help="Why (required to refuse, withdraw, stop, ask for payment).")] = "") -> None:
    """Take a lifecycle action; refused (exit 76, nothing changed) when the dossier's status does not allow it."""
    from sohoa.lifecycle.transitions import apply_action

    runtime = _runtime()
    _print_event(apply_action(runtime.database, _rules(runtime), code, action, f"cli:{user()}", reason=reason))


def assign(code: Annotated[str, typer.Argument(help="Dossier code.")],
           to: Annotated[str | None, typer.Option("--to", help="User name of the specialist.")] = None,
           department: Annotated[str | None, typer.Option(help="Department (default: its procedure's).")] = None) -> None:
    """Send a received dossier to a department and/or give it to a specialist."""
    from sohoa.lifecycle.transitions import assign as assign_dossier

    runtime = _runtime()
    event = assign_dossier(runtime.database, _rules(runtime), code, to, f"cli:{user()}", department)
    out.print(f"{code}: {event.details.get('department')} · {event.details.get('assignee') or '(no specialist)'}")


def result(code: Annotated[str, typer.Argument(help="Dossier code.")],
           file: Annotated[Path, typer.Argument(help="The result: a born-digital PDF or a scan.")],
           kind: Annotated[str, typer.Option(help="result (finishes the dossier), refusal (Mẫu 03), apology (Mẫu 04).")] = "result",
           title: Annotated[str, typer.Option(help="What it is, e.g. the licence's name.")] = "",
           reason: Annotated[str, typer.Option(help="Why (for a refusal).")] = "") -> None:
    """Sign a result (PAdES B-LTA when SOHOA_TSA_URL is set), stamp it with the QR code of its verification
    address, archive it write-once and link it to the dossier."""
    from sohoa.lifecycle.results import issue_result

    runtime = _runtime(sign=True)
    if runtime.demo_identity:
        err.print("[yellow]Signing with the local DEMO identity — NOT FOR PRODUCTION (set SOHOA_SIGNING_P12).[/]")
    issued = issue_result(runtime, code, file, kind, f"cli:{user()}", title=title, reason=reason)
    record = issued.record
    out.print(f"{code}: {record.kind} {record.id} signed at {record.level} by {record.signer}")
    out.print(f"  archived as {record.signed_key} (sha256 {record.signed_sha256})")
    out.print(f"  verification address: {issued.verification_url}")


def return_(code: Annotated[str, typer.Argument(help="Dossier code (processed, status 9).")],
            channel: Annotated[str, typer.Option(help="desk or post.")] = "desk") -> None:
    """Record that the result went back to the applicant (status 10); a late dossier needs Mẫu 04 first."""
    from sohoa.lifecycle.transitions import return_result

    runtime = _runtime()
    _print_event(return_result(runtime.database, _rules(runtime), code, channel, f"cli:{user()}"))


return_.__name__ = "return"


def history(code: Annotated[str, typer.Argument(help="Dossier code.")],
            as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Every transition of a dossier: when, who, from which status to which, why."""
    from sohoa.services.db import open_database

    database = open_database(Config.from_env().database_url)
    database.get_dossier(code)
    events = database.dossier_history(code)
    database.record_access(code, f"cli:{user()}", "history", None, "ok")
    if as_json:
        print(json.dumps([{**vars(e), "at": e.at.isoformat(), "from_status": e.from_status and int(e.from_status),
                           "to_status": int(e.to_status)} for e in events], ensure_ascii=False, indent=2))
        return
    table = Table("#", "at (UTC)", "action", "status", "actor", "reason")
    for e in events:
        before = f"{int(e.from_status)}→" if e.from_status is not None else ""
        table.add_row(str(e.sequence), e.at.strftime("%Y-%m-%d %H:%M:%S"), e.action, f"{before}{int(e.to_status)}",
                      e.actor, e.reason)
    out.print(table)


def queue(department: Annotated[str | None, typer.Option(help="Only this department.")] = None,
          assignee: Annotated[str | None, typer.Option(help="Only this specialist.")] = None,
          as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Open dossiers, the earliest promised date first (overdue first)."""
    from sohoa.services.db import open_database

    database = open_database(Config.from_env().database_url)
    now = database.now()
    records = database.queue(department=department, assignee=assignee)
    database.record_event(actor=f"cli:{user()}", action="queue", outcome=f"ok: {len(records)} dossier(s)")
    rows = [{"code": r.code, "procedure_code": r.procedure_code, "status": int(r.status), "department": r.department,
             "assignee": r.assignee, "promised_at": r.promised_at.isoformat() if r.promised_at else None,
             "overdue": bool(r.promised_at and r.promised_at < now)} for r in records]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("code", "procedure", "status", "promised", "department", "specialist")
    for row in rows:
        promised = (row["promised_at"] or "—")[:16] + (" [red]OVERDUE[/]" if row["overdue"] else "")
        table.add_row(row["code"], row["procedure_code"], str(row["status"]), promised, row["department"] or "—",
                      row["assignee"] or "—")
    out.print(table)


def retry(code: Annotated[str, typer.Argument(help="Dossier code whose digitization failed.")],
          now: Annotated[bool, typer.Option("--now", help="Run it in this process instead of queueing it.")] = False) -> None:
    """Run again the digitization of a dossier that failed (its reason is shown by `sohoa status`)."""
    from sohoa.edges.workers.jobs import queue_for, queue_order
    from sohoa.edges.workers.settings import WorkerSettings
    from sohoa.lifecycle.work import retry_dossier, run_work

    runtime = _runtime(sign=now)
    orders = retry_dossier(runtime, code, f"cli:{user()}")
    for order in orders:
        if now:
            with progress_bar(False) as progress:
                outcome = run_work(runtime, order.job_id, actor=f"cli:{user()}", progress=progress)
            out.print(f"{code}: {order.job_id} {outcome.state}" + (f" — {outcome.error}" if outcome.error else ""))
            if outcome.state == "failed":
                raise typer.Exit(65)
        elif queue_order(queue_for(runtime.config), order, WorkerSettings.from_env()):
            out.print(f"{code}: {order.job_id} queued again")
        else:
            out.print(f"{code}: {order.job_id} recorded as queued; the queue is unreachable, a worker takes it up "
                      "when it is back")


LIFECYCLE_COMMANDS = (supplement, act, assign, result, return_, history, queue, retry)
"""Registered as top-level `sohoa` commands by `sohoa.edges.cli.main`."""
