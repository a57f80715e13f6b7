"""Dossiers and their statuses in the field names the national public service portal (Cổng Dịch vụ công quốc gia)
uses to synchronise dossiers, as JSON, so an agency can feed its portal (docs/supervision.md lists the fields).

Moments are Vietnam time as ``yyyyMMddHHmmss``, as the portal's synchronisation takes them; codes are strings.
Every exported dossier is logged as an access to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sohoa.errors import InvalidQuery
from sohoa.services.db import VIETNAM_TIME, Database, DossierRecord, DossierStatus
from sohoa.services.db.lifecycle import ComponentState, EventRecord, ResultRecord
from sohoa.services.db.stats import StatsEntry
from sohoa.supervision.indicators import StatsQuery
from sohoa.supervision.stats import filter_of, report_buckets

PORTAL_TIME = "%Y%m%d%H%M%S"
"""How the portal writes a moment."""
MAX_EXPORTED = 500
"""Most dossiers in one page of an export."""
FIELDS = ("MaHoSo", "MaTTHC", "KenhThucHien", "TrangThaiHoSo", "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy",
          "NgayTra", "NgayTuChoi", "DonViXuLy", "HoSoCoThanhPhanSoHoa", "TaiLieuNop", "DanhSachGiayToKetQua",
          "QuaTrinhXuLy")
"""The fields of every exported dossier, in order."""


def portal_time(moment: datetime | None) -> str:
    """``yyyyMMddHHmmss`` in Vietnam time; empty when there is none."""
    return moment.astimezone(VIETNAM_TIME).strftime(PORTAL_TIME) if moment is not None else ""


def portal_record(entry: StatsEntry, record: DossierRecord, components: Sequence[ComponentState],
                  results: Sequence[ResultRecord], events: Sequence[EventRecord], public_url: str) -> dict[str, Any]:
    """One dossier in the portal's field names; its moments as its events tell them (`entry`, the ledger's row)."""
    refused = next((e.at for e in events if e.to_status == DossierStatus.REJECTED and e.from_status != e.to_status), None)
    return {
        "MaHoSo": record.code, "MaTTHC": record.procedure_code, "KenhThucHien": str(int(record.channel)),
        "TrangThaiHoSo": str(int(record.status)), "NgayTiepNhan": portal_time(entry.received_at),
        "NgayHenTra": portal_time(entry.promised_at), "NgayKetThucXuLy": portal_time(entry.finished_at),
        "NgayTra": portal_time(entry.returned_at), "NgayTuChoi": portal_time(refused),
        "DonViXuLy": entry.department or "",
        "HoSoCoThanhPhanSoHoa": "1" if components and all(c.state >= 1 for c in components) else "0",
        "TaiLieuNop": [{"TepDinhKemId": c.signed_sha256 or "", "TenTepDinhKem": c.name, "MaThanhPhanHoSo": str(c.position),
                        "DuongDanTaiTepTin": c.signed_key or "", "DuocSoHoa": "1" if c.state >= 1 else "0",
                        "DuocTaiSuDung": "1" if c.state in (2, 3) else "0"} for c in components],
        "DanhSachGiayToKetQua": [{"TenGiayTo": r.title, "MaThanhPhanHoSo": "", "GiayToId": r.id,
                                  "DuongDanTepTinKetQua": f"{public_url.rstrip('/')}/xac-minh/{r.id}",
                                  "MaGiayToKetQua": r.signed_sha256} for r in results if r.kind == "result"],
        "QuaTrinhXuLy": [{"MaHoSo": record.code, "NguoiXuLy": event.actor, "ThoiDiemXuLy": portal_time(event.at),
                          "PhongBanXuLy": str(event.details.get("department") or ""), "NoiDungXuLy": event.action
                          + (f": {event.reason}" if event.reason else ""), "TrangThai": str(int(event.to_status))}
                         for event in events],
    }


def export_dossiers(database: Database, query: StatsQuery, public_url: str, actor: str, limit: int = 100,
                    offset: int = 0) -> list[dict[str, Any]]:
    """The dossiers received in the query's range (its filters applied), by code, in the portal's field names;
    each one exported is logged."""
    if not 1 <= limit <= MAX_EXPORTED or offset < 0:
        raise InvalidQuery(f"limit must be 1 to {MAX_EXPORTED} and offset at least 0")
    periods = report_buckets(query)
    entries = database.stats_entries(filter_of(query), periods[0].start, periods[-1].end, limit, offset)
    exported = []
    for entry in entries:
        code = entry.dossier_code
        exported.append(portal_record(entry, database.get_dossier(code), database.components(code), database.results_of(code),
                                      database.dossier_history(code), public_url))
        database.record_access(code, actor, "export", None, "exported in the portal's fields")
    database.record_event(actor=actor, action="export", outcome=f"{len(exported)} dossier(s)")
    return exported


__all__ = ["FIELDS", "MAX_EXPORTED", "PORTAL_TIME", "export_dossiers", "portal_record", "portal_time"]
