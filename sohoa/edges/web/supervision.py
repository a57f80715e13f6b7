"""The supervision page: the 766 indicators of a period as a table and as charts, each number and each bar a link
to the dossiers behind it, and the same table as CSV. For the ``supervise`` permission (auditors, admins), the
same as ``GET /stats``; every figure comes from :mod:`sohoa.supervision` as it is (nothing is counted here).

/giam-sat            filters (range, period, split, agency, department, procedure, channel), charts, table
/giam-sat/ho-so      the dossiers behind one number (?chi-so=FIGURE&dong=PERIOD&gia-tri=GROUP&sau=OFFSET)
/giam-sat/bang.csv   the table as CSV (the rendering of GET /stats?format=csv)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from sohoa.edges.web.charts import Chart, bar_chart
from sohoa.edges.web.common import WebDeps, actor, log_view, procedures, render
from sohoa.edges.web.session import current
from sohoa.errors import InvalidQuery
from sohoa.services.access import Permission
from sohoa.services.db import VIETNAM_TIME, Channel, DossierStatus
from sohoa.supervision.behind import behind_page
from sohoa.supervision.indicators import Dimension, StatsQuery
from sohoa.supervision.periods import Period
from sohoa.supervision.stats import FIGURES, RATE_OF, VIOLATION_FIGURES, StatsLine, StatsTable, stats_table, table_csv

FIGURE_LABELS = {
    "received": "Tiếp nhận", "resolved": "Đã giải quyết", "early": "Trước hạn", "on_time": "Đúng hạn",
    "late": "Trễ hạn", "no_promised_date": "Không có ngày hẹn", "overdue_open": "Đang xử lý quá hạn",
    "components_digitized": "Số hóa thành phần", "results_digitized": "Số hóa kết quả",
    "digitized": "Tỷ lệ số hóa (cả hai)", "reuse": "Tái sử dụng",
    "accepted_outside_checklist": "Nhận ngoài thành phần hồ sơ", "repeated_supplement_request": "Yêu cầu bổ sung quá 1 lần",
    "late_processing": "Giải quyết quá hạn", "late_without_apology": "Quá hạn không có phiếu xin lỗi",
}
"""Each figure's name on the page."""
PERIOD_LABELS = {Period.DAY: "Ngày", Period.MONTH: "Tháng", Period.QUARTER: "Quý", Period.YEAR: "Năm"}
"""Each period's name in the form."""
GROUP_LABELS = {Dimension.AGENCY: "Cơ quan", Dimension.DEPARTMENT: "Phòng ban", Dimension.PROCEDURE: "Thủ tục",
                Dimension.CHANNEL: "Kênh tiếp nhận"}
"""Each split's name in the form and the table."""
EVIDENCE_LABELS = {
    "missing_required": "Thiếu thành phần bắt buộc", "unexpected": "Giấy tờ ngoài danh mục", "request": "Lần yêu cầu",
    "requests": "Các lần yêu cầu", "deadline": "Hạn giải quyết", "promised_at": "Ngày hẹn trả",
    "finished_at": "Giải quyết xong", "still_open_at": "Vẫn đang xử lý lúc", "late_since": "Quá hạn từ",
    "apology_at": "Phiếu xin lỗi", "returned_at": "Trả kết quả",
}
"""The violations' evidence keys on the page (values are shown as the core records them)."""
RATE_HINT = {"components_digitized": "trên số tiếp nhận", "results_digitized": "trên số đã giải quyết",
             "digitized": "trên số đã giải quyết", "reuse": "trên số thành phần đã số hóa",
             "early": "trên số đã giải quyết", "on_time": "trên số đã giải quyết", "late": "trên số đã giải quyết"}
"""What each rate is over, in its column's tooltip."""
PER_PAGE = 100
"""Dossiers per page of a list behind a number."""
MAX_CHART_LINES = 62
"""Most lines drawn as bars (two months by day); past it a bar would be narrower than 3 px."""
CHARTS = (
    ("bieu-do-ket-qua", "Kết quả giải quyết (số hồ sơ)", ("early", "on_time", "late"), False),
    ("bieu-do-so-hoa", "Tỷ lệ số hóa (%)", ("components_digitized", "results_digitized", "digitized"), True),
    ("bieu-do-tai-su-dung", "Tỷ lệ tái sử dụng thành phần (%)", ("reuse",), True),
    ("bieu-do-vi-pham", "Vi phạm theo loại (số vi phạm)", ("accepted_outside_checklist", "repeated_supplement_request",
                                                         "late_processing", "late_without_apology"), False),
)
"""(id, title, figures, percentages?) of each chart."""


@dataclass(frozen=True)
class ReportForm:
    """The filters as the page's form sends them (names in the query string: tu, den, ky, nhom, co-quan, phong,
    thu-tuc, kenh)."""

    query: StatsQuery
    """The report they ask for."""

    @property
    def params(self) -> dict[str, str]:
        """The query string of the same filters (for the links and the CSV)."""
        q = self.query
        found = {"tu": q.first.isoformat(), "den": q.last.isoformat(), "ky": str(q.period),
                 "nhom": str(q.group_by or ""), "co-quan": q.agency or "", "phong": q.department or "",
                 "thu-tuc": q.procedure_code or "", "kenh": str(q.channel or "")}
        return {name: value for name, value in found.items() if value}


def this_month(today: date) -> tuple[date, date]:
    """The first and last day of the month of `today`."""
    first = today.replace(day=1)
    return first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def read_form(params: Mapping[str, str], today: date) -> ReportForm:
    """The filters of a query string; this month by month when none are given. InvalidQuery for a bad value."""
    def text(name: str, most: int) -> str | None:
        value = params.get(name, "").strip()
        if len(value) > most:
            raise InvalidQuery(f"{name}: at most {most} characters")
        return value or None

    default_first, default_last = this_month(today)
    try:
        first = date.fromisoformat(params["tu"]) if params.get("tu") else default_first
        last = date.fromisoformat(params["den"]) if params.get("den") else default_last
        period = Period(params.get("ky") or Period.MONTH)
        group_by = Dimension(params["nhom"]) if params.get("nhom") else None
        channel = int(params["kenh"]) if params.get("kenh") else None
    except ValueError as error:
        raise InvalidQuery(f"a filter cannot be read: {error}") from error
    if channel is not None and channel not in tuple(Channel):
        raise InvalidQuery(f"kenh must be 1, 2 or 3, not {channel}")
    return ReportForm(StatsQuery(first=first, last=last, period=period, group_by=group_by,
                                 agency=text("co-quan", 64), department=text("phong", 255),
                                 procedure_code=text("thu-tuc", 64), channel=channel))


def group_label(dimension: Dimension | None, value: str | None) -> str:
    """A group value as the page names it."""
    if value is None or dimension is None:
        return ""
    if dimension is Dimension.CHANNEL and value.isdigit() and int(value) in tuple(Channel):
        return Channel(int(value)).vietnamese
    if dimension is Dimension.DEPARTMENT and value == "-":
        return "(chưa giao phòng)"
    return value


def line_labeller(table: StatsTable):
    """A line's name: its period, its group, or both when the table has several periods and groups."""
    periods = {line.period for line in table.lines}
    dimension = table.query.group_by

    def label(line: StatsLine) -> str:
        if line.group is None:
            return line.period
        named = group_label(dimension, line.group)
        return f"{line.period} · {named}" if len(periods) > 1 else named

    return label


def behind_link(form: ReportForm, line: StatsLine, figure: str) -> str:
    """The address of the list behind `figure` of `line`."""
    extra = {"chi-so": figure, "dong": line.period} | ({"gia-tri": line.group} if line.group is not None else {})
    return "/giam-sat/ho-so?" + urlencode(form.params | extra)


def charts_of(form: ReportForm, table: StatsTable) -> list[Chart]:
    """The four charts of the table; none past :data:`MAX_CHART_LINES` lines (the table still lists them)."""
    if len(table.lines) > MAX_CHART_LINES:
        return []
    label = line_labeller(table)
    return [bar_chart(chart_id, title, table.lines, [(name, FIGURE_LABELS[name]) for name in names], label,
                      lambda line, figure: behind_link(form, line, figure), percent)
            for chart_id, title, names, percent in CHARTS]


def _opened(deps: WebDeps, request: Request):
    """(session, runtime, form) of a supervision request: permission checked, the view logged, the filters read."""
    session = current(deps, request, Permission.SUPERVISE)
    runtime = deps.runtime()
    log_view(runtime, session, request)
    today = runtime.database.now().astimezone(VIETNAM_TIME).date()
    return session, runtime, read_form(request.query_params, today)


def _table(runtime, session, form: ReportForm) -> StatsTable:
    return stats_table(runtime.database, form.query, runtime.database.now(), actor(session))


def install_supervision_pages(router: APIRouter, deps: WebDeps) -> None:
    """The supervision routes on `router`."""

    @router.get("/giam-sat")
    def supervision(request: Request):
        session, runtime, form = _opened(deps, request)
        table = _table(runtime, session, form)
        return render(request, "supervision.html", session, form=form, table=table, charts=charts_of(form, table),
                      line_label=line_labeller(table), href=lambda line, figure: behind_link(form, line, figure),
                      group_name=lambda value: group_label(form.query.group_by, value),
                      csv_href="/giam-sat/bang.csv?" + urlencode(form.params), procedures=procedures(runtime),
                      **_labels())

    @router.get("/giam-sat/ho-so")
    def behind(request: Request, dong: str = "", sau: int = 0):
        session, runtime, form = _opened(deps, request)
        figure, group = request.query_params.get("chi-so", "")[:64], request.query_params.get("gia-tri")
        page = behind_page(runtime.database, form.query, figure, dong[:16], group[:255] if group else None,
                           runtime.database.now(), actor(session), PER_PAGE, max(0, sau))
        base = form.params | {"chi-so": figure, "dong": page.period} | ({"gia-tri": group} if group else {})
        return render(request, "supervision_dossiers.html", session, form=form, page=page, per_page=PER_PAGE,
                      page_link=lambda offset: "/giam-sat/ho-so?" + urlencode(base | {"sau": str(offset)}),
                      group_name=group_label(form.query.group_by, group),
                      back="/giam-sat?" + urlencode(form.params), **_labels())

    @router.get("/giam-sat/bang.csv")
    def table_as_csv(request: Request):
        session, runtime, form = _opened(deps, request)
        table = _table(runtime, session, form)
        name = f"chi-so-766-{form.query.first}-{form.query.last}-{form.query.period}.csv"
        return Response(table_csv(table), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


def _labels() -> dict:
    return {"FIGURES": FIGURES, "RATE_OF": RATE_OF, "FIGURE_LABELS": FIGURE_LABELS, "PERIOD_LABELS": PERIOD_LABELS,
            "GROUP_LABELS": GROUP_LABELS, "EVIDENCE_LABELS": EVIDENCE_LABELS, "RATE_HINT": RATE_HINT,
            "CHANNELS": tuple(Channel), "VIETNAM_TIME": VIETNAM_TIME, "VIOLATION_FIGURES": VIOLATION_FIGURES,
            "STATUS_NAMES": lambda status: DossierStatus(status).vietnamese}


__all__ = ["FIGURE_LABELS", "ReportForm", "behind_link", "charts_of", "install_supervision_pages", "read_form"]
