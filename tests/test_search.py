"""Finding dossiers by the words on their pages, on SQLite and PostgreSQL: folded matching, filters, logging."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import insert

from sohoa.services.db import Database, DossierStatus
from sohoa.services.db import migrate
from sohoa.services.db.schema import dossiers
from sohoa.errors import InvalidQuery
from sohoa.services.search import SearchRequest, search_dossiers
from tests import test_db
from tests.test_db import RECEIVED, _new_dossier, make_report

# test_db's database fixtures (an empty and an upgraded database on SQLite and on PostgreSQL)
url, pg_user, pg_database, empty_db, db = test_db.url, test_db.pg_user, test_db.pg_database, test_db.empty_db, test_db.db


def _digitized(db: Database, text: str, **kwargs) -> str:
    code = _new_dossier(db, **kwargs)
    report = make_report(code)
    report["pages"][1]["text"] = text
    db.save_report(code, report, status=DossierStatus.RECEIVED)
    return code


def _codes(db: Database, **request) -> list[str]:
    return [hit.dossier_code for hit in search_dossiers(db, SearchRequest(**request), "test:chuyen-vien")]


def test_words_are_found_without_diacritics_case_or_order_and_all_on_one_page(db: Database) -> None:
    licence = _digitized(db, "GIẤY PHÉP BÁN LẺ RƯỢU\nSố: 12/GP-SCT ngày 03/10/2023\nCông ty TNHH Hoa Sen")
    other = _digitized(db, "HỢP ĐỒNG NGUYÊN TẮC\nBên A: Công ty cổ phần Bia")
    assert _codes(db, query="giay phep ruou") == [licence]
    assert _codes(db, query="Rượu  PHÉP, giấy!") == [licence]
    assert _codes(db, query="hoa sen 12/GP-SCT") == [licence]
    assert _codes(db, query="hop dong") == [other]
    assert _codes(db, query="ruou bia") == []  # the words are on pages of two dossiers, never on one page
    assert set(_codes(db, query="cong ty")) == {licence, other}
    hit = search_dossiers(db, SearchRequest(query="hoa sen"), "test:chuyen-vien")[0]
    assert [(p.page_index, p.component_position, p.line) for p in hit.pages] == [(1, 2, "Công ty TNHH Hoa Sen")]


def test_filters_by_procedure_status_and_reception_day(db: Database) -> None:
    licence = _digitized(db, "GIẤY PHÉP BÁN LẺ RƯỢU")
    other_procedure = _digitized(db, "GIẤY PHÉP KINH DOANH", procedure_code="2.000004")
    assert _codes(db, query="giay phep", procedure_code="2.000620") == [licence]
    assert set(_codes(db, query="giay phep")) == {licence, other_procedure}
    db.set_status(licence, DossierStatus.SUPPLEMENT_REQUESTED)
    assert _codes(db, status=DossierStatus.SUPPLEMENT_REQUESTED) == [licence]
    received = RECEIVED.date()  # 2023-10-27, 09:30 in Vietnam
    assert len(_codes(db, received_from=received, received_to=received)) == 2
    assert _codes(db, received_from=date(2023, 10, 28)) == []
    assert _codes(db, received_to=date(2023, 10, 26)) == []
    newest_first = _codes(db)
    assert _codes(db, limit=1) == newest_first[:1] and _codes(db, limit=1, offset=1) == newest_first[1:2]
    assert _codes(db, offset=2) == []


def test_the_limit_counts_dossiers_however_many_pages_each_one_matches(db: Database) -> None:
    older = _digitized(db, "CÔNG TY TNHH A")
    busy = _new_dossier(db)
    report = make_report(busy)
    report["pages"] = [dict(report["pages"][0], index=i, text=f"CÔNG TY TNHH B trang {i}") for i in range(40)]
    db.save_report(busy, report)
    hits = search_dossiers(db, SearchRequest(query="cong ty", limit=5), "test")
    assert [hit.dossier_code for hit in hits] == [busy, older]
    assert [page.page_index for page in hits[0].pages] == [0, 1, 2]


def test_a_new_report_replaces_the_searchable_text(db: Database) -> None:
    code = _digitized(db, "BIÊN BẢN KIỂM TRA")
    report = make_report(code)
    report["pages"][1]["text"] = "QUYẾT ĐỊNH CẤP PHÉP"
    db.save_report(code, report)
    assert _codes(db, query="bien ban") == []
    assert _codes(db, query="quyet dinh") == [code]


def test_every_search_and_every_dossier_it_shows_is_logged(db: Database) -> None:
    code = _digitized(db, "GIẤY PHÉP BÁN LẺ RƯỢU")
    search_dossiers(db, SearchRequest(query="Giấy phép", procedure_code="2.000620"), "api:chuyen-vien-02")
    events = [(e.dossier_code, e.actor, e.action, e.outcome) for e in db.iter_access_log() if e.action == "search"]
    assert ("-", "api:chuyen-vien-02", "search", "query 'Giấy phép'; procedure 2.000620: 1 dossier(s)") in events
    assert (code, "api:chuyen-vien-02", "search", "shown in a search; pages 2") in events


def test_unusable_searches_are_refused_with_the_reason(db: Database) -> None:
    for request, reason in ((SearchRequest(query="!!! ..."), "no letters or digits"),
                            (SearchRequest(limit=0), "limit"), (SearchRequest(limit=101), "limit"),
                            (SearchRequest(offset=-1), "offset"), (SearchRequest(offset=10_001), "offset"),
                            (SearchRequest(query=" ".join(f"w{i}" for i in range(13))), "at most 12"),
                            (SearchRequest(received_to=date(9999, 12, 31)), "outside"),
                            (SearchRequest(query="x" * 201), "at most 200"),
                            (SearchRequest(received_from=date(2024, 1, 2), received_to=date(2024, 1, 1)), "after")):
        with pytest.raises(InvalidQuery, match=reason):
            search_dossiers(db, request, "test")


def test_dossiers_digitized_before_the_search_index_are_indexed_by_the_migration(empty_db: Database) -> None:
    migrate.upgrade(empty_db._engine, "0003")
    code = "000.00.06.H56-231027-0001"
    report = make_report(code)
    report["pages"][0]["text"] = "GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP"
    with empty_db._engine.begin() as connection:  # the columns revision 0003 made, as a release of that time wrote them
        connection.execute(insert(dossiers).values(
            code=code, procedure_code="2.000620", variant=None, channel=1, status=int(DossierStatus.RECEIVED),
            received_at=RECEIVED, created_at=RECEIVED, updated_at=RECEIVED, error=None, report=report))
    empty_db.upgrade()
    assert _codes(empty_db, query="dang ky doanh nghiep") == [code]
