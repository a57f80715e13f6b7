"""Procedure records exported from the national procedure database become catalogue files (checklist versions by
effective date), with a report of what could not be mapped; a dossier is checked against the version in force on
its reception day."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sohoa.catalog import CatalogError, clear_cache, load_catalog
from sohoa.catalog.importer import import_records

EXPORT = Path(__file__).resolve().parent.parent / "samples" / "catalog" / "csdl-export.json"
SOHOA = Path(sys.executable).with_name("sohoa")


def test_records_are_mapped_validated_and_what_is_not_is_reported(tmp_path):
    outcomes = {o.code: o for o in import_records(EXPORT, load_catalog(), tmp_path)}
    promotion, tobacco, broken = outcomes["2.000004.000.00.00.H56"], outcomes["2.000162"], outcomes["2.0001"]
    assert ("MaTTHC", "provincial suffix of 2.000004.000.00.00.H56 dropped") in promotion.problems
    assert promotion.written.name == "2.000004@2018-05-22.yaml"
    assert ("MaLinhVucCu", "not mapped (no catalogue field)") in tobacco.problems
    assert broken.written is None
    fields = {field for field, _reason in broken.problems}
    assert {"ThoiHanGiaiQuyet", "code", "legal_basis", "variants"} <= fields
    written = yaml.safe_load(tobacco.written.read_text(encoding="utf-8"))
    assert written["verified"]["components"] is False and "imported from csdl-export.json" in written["source"]
    component = written["variants"][0]["components"][1]
    assert (component["copies"], component["originals"], component["required"]) == (1, 0, True)
    # papers of the shipped catalogue are recognised by their names; one it does not know gets a new type, named
    types = [c["document_types"][0]["id"] for c in written["variants"][0]["components"]]
    assert types[:2] == ["van-ban-de-nghi-sua-doi-gp-thuoc-la", "giay-phep-ban-le-thuoc-la"]
    assert tobacco.new_document_types == [types[2]] == ["cac-tai-lieu-chung-minh-nhu-cau-sua-doi-bo-sung"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2.000004@2018-05-22.yaml", "2.000162@2026-07-01.yaml"]


def test_the_checklist_in_force_on_the_reception_day_applies(tmp_path):
    import_records(EXPORT, load_catalog(), tmp_path)
    catalog = load_catalog(extra=tmp_path)
    versions = catalog.versions("2.000162")
    assert [v.effective_date for v in versions] == [dt.date(2018, 1, 15), dt.date(2026, 7, 1)]
    assert catalog.get("2.000162", on=dt.date(2026, 6, 30)).effective_date == dt.date(2018, 1, 15)
    assert catalog.get("2.000162", on=dt.date(2026, 7, 1)).source.startswith("imported from")
    assert catalog.get("2.000162").effective_date == dt.date(2026, 7, 1)  # without a day: the newest
    assert catalog.codes().count("2.000162") == 1
    # the same code and effective date twice in one folder is refused, naming both files
    (tmp_path / "copy.yaml").write_text((tmp_path / "2.000162@2026-07-01.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    clear_cache()
    with pytest.raises(CatalogError, match="also defined in"):
        load_catalog(extra=tmp_path)


def test_the_command_exits_65_when_a_record_is_refused_and_writes_the_others(tmp_path):
    done = subprocess.run([str(SOHOA), "catalog", "import", str(EXPORT), "--out", str(tmp_path), "--json"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 65, done.stderr
    report = json.loads(done.stdout)
    assert [bool(r["written"]) for r in report] == [True, True, False]
    listed = subprocess.run([str(SOHOA), "catalog", "list", "--json"], capture_output=True, text=True, check=True,
                            env={"SOHOA_CATALOG_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"})
    versions = [p["effective_date"] for p in json.loads(listed.stdout) if p["code"] == "2.000162"]
    assert versions == ["2018-01-15", "2026-07-01"]
