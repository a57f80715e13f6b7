"""`sohoa stats`, `violations`, `export`, `reuse`: supervision from the database, as the local operator (logged as
``cli:<login>``). Typed errors reach `main` and become exit codes (an unusable query: 64)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

import typer
from rich.table import Table

from sohoa.edges.cli.console import err, out, user
from sohoa.services.config import Config
from sohoa.supervision.indicators import Dimension, StatsQuery
from sohoa.supervision.periods import Period

FromOption = Annotated[datetime | None, typer.Option("--from", formats=["%Y-%m-%d"],
                                                     help="First day (Vietnam time); default the 1st of this month.")]
ToOption = Annotated[datetime | None, typer.Option("--to", formats=["%Y-%m-%d"], help="Last day; default today.")]
AgencyOption = Annotated[str | None, typer.Option(help="Only this receiving agency (e.g. 000.00.06.H56).")]
DepartmentOption = Annotated[str | None, typer.Option(help="Only this department.")]
ProcedureOption = Annotated[str | None, typer.Option(help="Only this procedure code.")]
ChannelOption = Annotated[int | None, typer.Option(min=1, max=3, help="Only this channel: 1 in person, 2 online, 3 post.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _database():
    from sohoa.services.db import open_database

    return open_database(Config.from_env().database_url)


def _query(first: datetime | None, last: datetime | None, agency: str | None, department: str | None,
           procedure: str | None, channel: int | None, period: Period = Period.MONTH,
           group_by: Dimension | None = None) -> StatsQuery:
    from sohoa.services.db import VIETNAM_TIME

    today = datetime.now(VIETNAM_TIME).date()
    return StatsQuery(first=first.date() if first else today.replace(day=1), last=last.date() if last else today,
                      period=period, group_by=group_by, agency=agency, department=department, procedure_code=procedure,
                      channel=channel)


def stats(first: FromOption = None, last: ToOption = None,
          period: Annotated[Period, typer.Option(help="Cut the range into days, months, quarters or years.")] = Period.MONTH,
          by: Annotated[Dimension | None, typer.Option(help="Split each period by agency, department, procedure or channel.")] = None,
          agency: AgencyOption = None, department: DepartmentOption = None, procedure: ProcedureOption = None,
          channel: ChannelOption = None, as_json: JsonOption = False,
          as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV.")] = False,
          dossiers: Annotated[str | None, typer.Option(help="List the dossiers behind this figure (e.g. late) instead.")] = None,
          line: Annotated[str | None, typer.Option(help="With --dossiers: the line's period (default the first).")] = None,
          group: Annotated[str | None, typer.Option(help="With --dossiers and --by: the line's group value.")] = None,
          rebuild: Annotated[bool, typer.Option(help="First rewrite every dossier's row from its events (after an upgrade).")] = False,
          ) -> None:
    """The 766 indicators from the recorded events: received, resolved early / on time / late, digitization and
    reuse rates, violations; rates to 2 decimals, N/A for an empty denominator."""
    from sohoa.supervision.periods import buckets
    from sohoa.supervision.stats import dossiers_behind, stats_table, table_csv, table_json
    from sohoa.supervision.violations_service import rebuild as rebuild_rows

    database, actor = _database(), f"cli:{user()}"
    query = _query(first, last, agency, department, procedure, channel, period, by)
    if rebuild:
        err.print(f"{rebuild_rows(database, actor)} dossier row(s) rewritten")
    if dossiers is not None:
        label = line or buckets(query.period, query.first, query.last)[0].label
        for code in dossiers_behind(database, query, dossiers, label, group, database.now(), actor, limit=1000):
            print(code)
        return
    table = stats_table(database, query, database.now(), actor)
    if as_json or as_csv:
        print(json.dumps(table_json(table), ensure_ascii=False, indent=2) if as_json else table_csv(table), end="\n" if as_json else "")
        return
    _print_table(table)


def _print_table(table) -> None:
    from sohoa.supervision.stats import FIGURES

    shown = Table("period", "group", *(name.replace("_", " ") for name in FIGURES), title="766 indicators")
    for row in table.lines:
        shown.add_row(row.period, row.group or "", *(row.figures[name].shown for name in FIGURES))
    out.print(shown)


def violations(first: FromOption = None, last: ToOption = None, agency: AgencyOption = None,
               department: DepartmentOption = None, procedure: ProcedureOption = None, channel: ChannelOption = None,
               rule: Annotated[str | None, typer.Option(help="Only this rule.")] = None,
               limit: Annotated[int, typer.Option(min=1, max=1000)] = 100, offset: Annotated[int, typer.Option(min=0)] = 0,
               as_json: JsonOption = False) -> None:
    """Violations that happened in the range, each with its rule, dossier, time and evidence (a sweep first flags
    dossiers whose promised date passed with no event)."""
    from sohoa.supervision.violations_service import list_violations

    found = list_violations(_database(), _query(first, last, agency, department, procedure, channel), f"cli:{user()}",
                            rule, limit, offset)
    if as_json:
        print(json.dumps([{"rule": v.rule, "dossier_code": v.dossier_code, "at": v.at.isoformat(), "evidence": v.evidence,
                           "flagged_at": v.flagged_at.isoformat()} for v in found], ensure_ascii=False, indent=2))
        return
    for v in found:
        evidence = "; ".join(f"{key}={value}" for key, value in v.evidence.items())
        out.print(f"{v.at.isoformat()} [bold]{v.rule}[/] {v.dossier_code} · {evidence}", highlight=False)
    if not found:
        err.print("no violation")


def export(first: FromOption = None, last: ToOption = None, agency: AgencyOption = None,
           department: DepartmentOption = None, procedure: ProcedureOption = None, channel: ChannelOption = None,
           limit: Annotated[int, typer.Option(min=1, max=500)] = 100, offset: Annotated[int, typer.Option(min=0)] = 0) -> None:
    """Dossiers received in the range, as JSON in the national portal's field names (MaHoSo, TrangThaiHoSo …)."""
    from sohoa.supervision.export import export_dossiers

    config = Config.from_env()
    records = export_dossiers(_database(), _query(first, last, agency, department, procedure, channel),
                              config.public_url, f"cli:{user()}", limit, offset)
    print(json.dumps(records, ensure_ascii=False, indent=2))


def reuse(code: Annotated[str, typer.Argument(help="Dossier code (digitized).")],
          confirm: Annotated[int | None, typer.Option(help="Confirm the proposal for this component position.")] = None,
          decline: Annotated[int | None, typer.Option(help="Decline the proposal for this component position.")] = None) -> None:
    """Propose, for each paper of the dossier, the earlier signed copy of the same document it may reuse; or
    confirm (state 2, or 3 for a result) or decline one proposal."""
    from sohoa.supervision.reuse_service import decide_reuse, propose_reuse

    database, actor = _database(), f"cli:{user()}"
    if confirm is not None or decline is not None:
        decision = decide_reuse(database, code, confirm if confirm is not None else decline, actor, confirm is not None)
        out.print(f"{code}: component {decision.position} {decision.decision}, state {decision.state} "
                  f"(earlier copy {decision.earlier_key})", highlight=False)
        return
    proposals = propose_reuse(database, code, actor)
    for p in proposals:
        out.print(f"component {p.paper.position}: reuse {p.earlier.dossier_code} component {p.earlier.position} "
                  f"(state {int(p.state)}, page hash distance {p.hash_distance})", highlight=False)
    if not proposals:
        err.print("no earlier signed copy to reuse")


STATS_COMMANDS = (stats, violations, export, reuse)
"""The commands `sohoa` registers from here."""

__all__ = ["STATS_COMMANDS"]
