"""The supervision routes: the 766 indicators (JSON or CSV) and the dossiers behind each number, the violations,
the export in the national portal's field names, and the reuse of papers already digitized. A thin shell over
``sohoa.supervision``; every route checks its permission and logs what it shows (the core does the logging).
"""

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from sohoa.services.access import Permission
from sohoa.supervision.indicators import Dimension, StatsQuery
from sohoa.supervision.periods import Period
from sohoa.supervision.reuse_service import decide_reuse, propose_reuse
from sohoa.supervision.stats import dossiers_behind, stats_table, table_csv, table_json
from sohoa.supervision.export import export_dossiers
from sohoa.supervision.violations_service import list_violations


class ReuseDecision(BaseModel):
    """A person's answer to a proposal to reuse an earlier signed copy."""

    confirm: bool = Field(description="true: the component is the earlier signed copy (state 2, or 3 for a "
                                      "result); false: declined, the new signed copy stays.")


def stats_query(first: Annotated[date, Query(description="First day (Vietnam time).")],
                last: Annotated[date, Query(description="Last day, inclusive.")],
                period: Annotated[Period, Query(description="Cut the range into days, months, quarters or years.")] = Period.MONTH,
                group_by: Annotated[Dimension | None, Query(description="Split each period by this.")] = None,
                agency: Annotated[str | None, Query(max_length=64, description="Only this receiving agency.")] = None,
                department: Annotated[str | None, Query(max_length=255, description="Only this department.")] = None,
                procedure_code: Annotated[str | None, Query(max_length=64, description="Only this procedure.")] = None,
                channel: Annotated[int | None, Query(ge=1, le=3, description="Only this channel (1, 2, 3).")] = None,
                ) -> StatsQuery:
    """The report asked for in the query string."""
    return StatsQuery(first=first, last=last, period=period, group_by=group_by, agency=agency, department=department,
                      procedure_code=procedure_code, channel=channel)


def stats_router(RuntimeDep, caller) -> APIRouter:  # noqa: N803 - a type alias
    """The routes, on the app's runtime dependency and permission check."""
    router = APIRouter(tags=["supervision"])
    QueryDep = Annotated[StatsQuery, Depends(stats_query)]  # noqa: N806

    @router.get("/stats")
    def stats(request: Request, runtime: RuntimeDep, user: caller(Permission.SUPERVISE), query: QueryDep,
              format: Annotated[Literal["json", "csv"] | None, Query(  # noqa: A002 - the query string's name
                  description="csv or json; default from the Accept header (text/csv), else json.")] = None) -> Response:
        """The 766 indicators per period (and group value), judged now; rates to 2 decimals, N/A for none."""
        table = stats_table(runtime.database, query, runtime.database.now(), f"api:{user.name}")
        if format == "csv" or (format is None and "text/csv" in request.headers.get("accept", "")):
            return Response(table_csv(table), media_type="text/csv; charset=utf-8")
        return JSONResponse(table_json(table))

    @router.get("/stats/dossiers")
    def stats_dossiers(runtime: RuntimeDep, user: caller(Permission.SUPERVISE), query: QueryDep,
                       figure: Annotated[str, Query(max_length=64, description="Indicator or rule, e.g. late.")],
                       line: Annotated[str, Query(max_length=16, description="The line's period, e.g. 2026-11.")],
                       group: Annotated[str | None, Query(max_length=255, description="The line's group value.")] = None,
                       limit: Annotated[int, Query(ge=1, le=1000)] = 100, offset: Annotated[int, Query(ge=0)] = 0,
                       ) -> dict:
        """The dossiers behind one number of a report (each listed dossier is logged)."""
        codes = dossiers_behind(runtime.database, query, figure, line, group, runtime.database.now(),
                                f"api:{user.name}", limit, offset)
        return {"figure": figure, "line": line, "group": group, "dossiers": codes}

    @router.get("/violations")
    def violations(runtime: RuntimeDep, user: caller(Permission.SUPERVISE), query: QueryDep,
                   rule: Annotated[str | None, Query(max_length=32, description="Only this rule.")] = None,
                   limit: Annotated[int, Query(ge=1, le=1000)] = 100, offset: Annotated[int, Query(ge=0)] = 0) -> list[dict]:
        """Violations that happened in the range, oldest first, each with its rule, dossier, time and evidence."""
        found = list_violations(runtime.database, query, f"api:{user.name}", rule, limit, offset)
        return [{"rule": v.rule, "dossier_code": v.dossier_code, "at": v.at.isoformat(), "evidence": v.evidence,
                 "flagged_at": v.flagged_at.isoformat()} for v in found]

    @router.get("/export")
    def export(runtime: RuntimeDep, user: caller(Permission.SUPERVISE), query: QueryDep,
               limit: Annotated[int, Query(ge=1, le=500)] = 100, offset: Annotated[int, Query(ge=0)] = 0) -> list[dict]:
        """Dossiers received in the range in the national portal's field names (MaHoSo, TrangThaiHoSo …)."""
        return export_dossiers(runtime.database, query, runtime.config.public_url, f"api:{user.name}", limit, offset)

    _install_reuse(router, RuntimeDep, caller)
    return router


def _install_reuse(router: APIRouter, RuntimeDep, caller) -> None:  # noqa: N803 - a type alias
    @router.post("/dossiers/{code}/reuse")
    def propose(code: str, runtime: RuntimeDep, user: caller(Permission.PROCESS)) -> list[dict]:
        """Propose, for each paper of the digitized dossier, the earlier signed copy of the same document it may
        reuse (same type, number, issuer, enterprise code, near page images; never an outdated version)."""
        return [{"position": p.paper.position, "earlier_dossier_code": p.earlier.dossier_code,
                 "earlier_position": p.earlier.position, "earlier_key": p.earlier.signed_key, "state": int(p.state),
                 "hash_distance": p.hash_distance}
                for p in propose_reuse(runtime.database, code, f"api:{user.name}")]

    @router.post("/dossiers/{code}/reuse/{position}")
    def decide(code: str, position: int, body: ReuseDecision, runtime: RuntimeDep,
               user: caller(Permission.PROCESS)) -> dict:
        """Confirm or decline the proposal for component `position`; 422 when none was made."""
        decision = decide_reuse(runtime.database, code, position, f"api:{user.name}", body.confirm)
        return {"position": decision.position, "decision": decision.decision, "state": decision.state,
                "earlier_dossier_code": decision.earlier_dossier_code, "earlier_key": decision.earlier_key}


__all__ = ["stats_router"]
