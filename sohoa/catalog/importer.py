"""Import procedure records exported from the national procedure database (CSDL quốc gia về TTHC) into
catalogue files, with a report of what could not be mapped.

The export is a JSON list of records whose keys are those the portal publishes (`MaTTHC`, `TenTTHC`,
`CapThucHien`, `LinhVuc`, `CoQuanThucHien`, `ThoiHanGiaiQuyet`, `PhiLePhi`, `CanCuPhapLy`, `ThanhPhanHoSo` with its
`TruongHop` and `GiayTo`, `KetQuaThucHien`, `NgayHieuLuc`; docs/catalog.md). Every record becomes one checklist
version, written as ``<code>@<effective date>.yaml`` and validated by the catalogue's own schema before it is
written. Papers are matched to the catalogue's document types by name; a paper that matches none gets a new type
(named in the report, to be given its real title phrases by a person). Nothing imported is marked verified.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from sohoa.catalog.models import Catalog, DocumentType, Procedure

KNOWN_KEYS = frozenset({"MaTTHC", "TenTTHC", "CapThucHien", "LinhVuc", "CoQuanThucHien", "ThoiHanGiaiQuyet",
                        "PhiLePhi", "CanCuPhapLy", "ThanhPhanHoSo", "KetQuaThucHien", "NgayHieuLuc"})
"""Record keys the importer reads; any other key is reported as not mapped."""
MATCH_RATIO = 0.86
"""How close (difflib ratio of the folded names) a paper's name must be to a document type's to be taken as it."""
_DAYS = re.compile(r"(\d+)\s*(?:[-–]\s*(\d+)\s*)?ngày\s*(làm việc)?", re.IGNORECASE)
_VARIANT_IDS = (("cấp lại", "reissue"), ("sửa đổi", "amend"), ("gia hạn", "extend"), ("điều chỉnh", "amend"))


@dataclass
class RecordOutcome:
    """What became of one record."""

    code: str
    """Its MaTTHC as exported."""
    written: Path | None = None
    """The catalogue file written; None when the record was refused."""
    problems: list[tuple[str, str]] = field(default_factory=list)
    """(field, reason) of everything not mapped or refused."""
    new_document_types: list[str] = field(default_factory=list)
    """Ids of document types created for papers that matched none."""


def import_records(export: Path, catalog: Catalog, out_dir: Path) -> list[RecordOutcome]:
    """Map every record of `export` and write the valid ones into `out_dir`; one outcome per record."""
    try:
        records = json.loads(export.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        return [RecordOutcome(code="-", problems=[("", f"{export.name}: not a readable JSON export ({error})")])]
    if not isinstance(records, list):
        return [RecordOutcome(code="-", problems=[("", f"{export.name}: expected a JSON list of procedure records")])]
    known = catalog.document_types()
    out_dir.mkdir(parents=True, exist_ok=True)
    return [_import_one(record, index, export.name, known, out_dir) for index, record in enumerate(records)]


def _import_one(record: Any, index: int, source: str, known: dict[str, DocumentType], out_dir: Path) -> RecordOutcome:
    if not isinstance(record, dict):
        return RecordOutcome(code=f"[{index}]", problems=[("", "not a JSON object")])
    outcome = RecordOutcome(code=str(record.get("MaTTHC") or f"[{index}]"))
    outcome.problems += [(key, "not mapped (no catalogue field)") for key in sorted(set(record) - KNOWN_KEYS)]
    raw = _procedure(record, source, known, outcome)
    try:
        procedure = Procedure.model_validate(raw)
    except ValidationError as error:
        outcome.problems += [(".".join(str(p) for p in e["loc"]), e["msg"]) for e in error.errors()]
        return outcome
    target = out_dir / f"{procedure.code}@{procedure.effective_date.isoformat()}.yaml"
    target.write_text(yaml.safe_dump(procedure.model_dump(mode="json", by_alias=True), allow_unicode=True,
                                     sort_keys=False), encoding="utf-8")
    outcome.written = target
    return outcome


def _procedure(record: dict, source: str, known: dict[str, DocumentType], outcome: RecordOutcome) -> dict:
    code = str(record.get("MaTTHC") or "").strip()
    if len(code) > 8 and re.match(r"^\d\.\d{6}\.", code):
        outcome.problems.append(("MaTTHC", f"provincial suffix of {code} dropped"))
        code = code[:8]
    days, note = _processing_days(record.get("ThoiHanGiaiQuyet"), outcome)
    return {
        "code": code, "name": record.get("TenTTHC"), "field": record.get("LinhVuc"),
        "authority": record.get("CoQuanThucHien"), "processing_days": days, "processing_days_note": note,
        "fees": _fees(record.get("PhiLePhi"), outcome), "legal_basis": _legal_basis(record.get("CanCuPhapLy")),
        "effective_date": _date(record.get("NgayHieuLuc"), outcome),
        "source": f"imported from {source}, record {code}; level {record.get('CapThucHien') or '?'}; "
                  f"result: {record.get('KetQuaThucHien') or '?'}",
        "verified": {"name": False, "processing_days": False, "fees": False, "components": False,
                     "legal_basis": False, "effective_date": False,
                     "note": "imported from the national procedure database export, not yet read by a person"},
        "variants": _variants(record.get("ThanhPhanHoSo"), known, outcome),
    }


def _processing_days(value: Any, outcome: RecordOutcome) -> tuple[int | None, str]:
    if isinstance(value, int):
        return value, ""
    found = _DAYS.search(str(value or ""))
    if found is None:
        outcome.problems.append(("ThoiHanGiaiQuyet", f"no number of days in {value!r}"))
        return None, ""
    low, high, working = found.group(1), found.group(2), found.group(3)
    if not working:
        outcome.problems.append(("ThoiHanGiaiQuyet", f"{value!r}: calendar days, counted as working days"))
    return int(high or low), (f"Văn bản nêu {low}–{high} ngày; lấy cận trên." if high else "")


def _fees(value: Any, outcome: RecordOutcome) -> list[dict]:
    fees = []
    for index, item in enumerate(value or []):
        amount = re.sub(r"[^\d]", "", str(item.get("SoTien", ""))) if isinstance(item, dict) else ""
        if not amount:
            outcome.problems.append((f"PhiLePhi[{index}]", "no amount in đồng"))
            continue
        fees.append({"amount_vnd": int(amount), "condition": item.get("MoTa") or "Mọi trường hợp"})
    return fees


def _legal_basis(value: Any) -> list[str]:
    items = []
    for item in value or []:
        text = " ".join(str(item.get(k, "")) for k in ("SoKyHieu", "TrichYeu")) if isinstance(item, dict) else str(item)
        if text.strip():
            items.append(text.strip())
    return items


def _date(value: Any, outcome: RecordOutcome) -> str | None:
    text = str(value or "").strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    outcome.problems.append(("NgayHieuLuc", f"no effective date in {value!r}"))
    return None


def _variants(value: Any, known: dict[str, DocumentType], outcome: RecordOutcome) -> list[dict]:
    cases = value if isinstance(value, list) else []
    variants, ids = [], set()
    for index, case in enumerate(cases):
        name = str(case.get("TruongHop") or "Cấp mới") if isinstance(case, dict) else "Cấp mới"
        papers = case.get("GiayTo") if isinstance(case, dict) else None
        if not isinstance(papers, list) or not papers:
            outcome.problems.append((f"ThanhPhanHoSo[{index}]", "no papers (GiayTo)"))
            continue
        variant_id = _variant_id(name, ids)
        ids.add(variant_id)
        variants.append({"id": variant_id, "name": name, "components": [
            _component(position, paper, known, outcome) for position, paper in enumerate(papers, start=1)]})
    return variants


def _component(position: int, paper: Any, known: dict[str, DocumentType], outcome: RecordOutcome) -> dict:
    paper = paper if isinstance(paper, dict) else {"TenGiayTo": str(paper)}
    name = str(paper.get("TenGiayTo") or "").strip()
    originals, copies = (_count(paper.get(key)) for key in ("SoBanChinh", "SoBanSao"))
    document_type = _match(name, known)
    if document_type is None:
        document_type = _new_document_type(name)
        known[document_type.id] = document_type
        outcome.new_document_types.append(document_type.id)
    note = f"Mẫu: {paper['MauDon']}" if paper.get("MauDon") else ""
    if originals + copies == 0:
        outcome.problems.append((f"GiayTo {name[:40]}", "no number of originals or copies: 1 copy assumed"))
    return {"position": position, "name": name, "required": "nếu có" not in name.casefold(),
            "originals": originals, "copies": copies if originals + copies else 1, "note": note,
            "document_types": [document_type.model_dump()]}


def _count(value: Any) -> int:
    digits = re.sub(r"[^\d]", "", str(value or "0"))
    return int(digits or 0)


def fold(text: str) -> str:
    """Lower case without diacritics (đ → d), spaces collapsed: how names are compared."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


def _match(name: str, known: dict[str, DocumentType]) -> DocumentType | None:
    folded = fold(name)
    best, best_ratio = None, 0.0
    for document_type in known.values():
        for candidate in (document_type.name, *document_type.title_phrases):
            phrase = fold(candidate)
            contained = len(phrase) > 12 and phrase in folded or len(folded) > 12 and folded in phrase
            ratio = 1.0 if contained else difflib.SequenceMatcher(None, folded, phrase).ratio()
            if ratio > best_ratio:
                best, best_ratio = document_type, ratio
    return best if best_ratio >= MATCH_RATIO else None


def _new_document_type(name: str) -> DocumentType:
    slug = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")[:60].strip("-") or "giay-to"
    title = re.sub(r"\s*\(.*?\)\s*", " ", name).strip().upper() or name.upper()
    return DocumentType(id=slug, name=name, title_phrases=(title,))


def _variant_id(name: str, taken: set[str]) -> str:
    folded = name.casefold()
    base = next((vid for words, vid in _VARIANT_IDS if words in folded), "new")
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


__all__ = ["KNOWN_KEYS", "RecordOutcome", "fold", "import_records"]
