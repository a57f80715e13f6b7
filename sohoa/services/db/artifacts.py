"""Artifact rows derived from a dossier report (the JSON of ``sohoa.models.report.DossierReport``).

Recorded, in this order: every ``sources[*]`` (kind ``original``, key ``object_key``), every
``components[*].pdfa`` and ``components[*].signed`` (with the component ``position``), the OCR output
``ocr.object`` (kind ``ocr``; skipped when the report has no ``ocr``), and the ``manifest``. Anything
else in the report is stored with the report but not recorded as an artifact. The same (kind, key)
listed twice, e.g. two byte-identical source files under one content-addressed key, is recorded once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from sohoa.services.db.errors import InvalidRecord
from sohoa.services.db.schema import KEY_LENGTH

_SHA256 = re.compile(r"[0-9a-f]{64}")
_SHA512 = re.compile(r"[0-9a-f]{128}")
_MAX_INT32 = 2**31 - 1
_MAX_INT64 = 2**63 - 1


def artifact_rows(dossier_code: str, report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Rows for the ``artifacts`` table, in order: originals, per component pdfa and signed, OCR, manifest.
    :class:`InvalidRecord` naming the dossier and the JSON path of the first bad value."""
    if not isinstance(report, Mapping):
        raise InvalidRecord(dossier_code, f"report must be a JSON object, got {type(report).__name__}")
    declared = report.get("dossier_code")
    if declared is not None and declared != dossier_code:
        raise InvalidRecord(dossier_code, f"report is for dossier {declared!r}")
    rows: list[dict[str, Any]] = []
    for i, source in enumerate(_items(dossier_code, report, "sources")):
        path = f"sources[{i}]"
        rows.append(artifact_row(dossier_code, "original", _object(dossier_code, source, path), path, None, key_field="object_key"))
    for i, component in enumerate(_items(dossier_code, report, "components")):
        path = f"components[{i}]"
        component = _object(dossier_code, component, path)
        position = _integer(dossier_code, component.get("position"), f"{path}.position", minimum=1)
        pdfa = _object(dossier_code, component.get("pdfa"), f"{path}.pdfa")
        rows.append(artifact_row(dossier_code, "pdfa", pdfa, f"{path}.pdfa", position))
        if component.get("signed") is not None:
            signed = _object(dossier_code, component["signed"], f"{path}.signed")
            rows.append(artifact_row(dossier_code, "signed", signed, f"{path}.signed", position))
    if report.get("ocr") is not None:
        ocr = _object(dossier_code, report["ocr"], "ocr")
        rows.append(artifact_row(dossier_code, "ocr", _object(dossier_code, ocr.get("object"), "ocr.object"), "ocr.object", None))
    manifest = _object(dossier_code, report.get("manifest"), "manifest")
    rows.append(artifact_row(dossier_code, "manifest", manifest, "manifest", None))
    unique: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        unique.setdefault((row["kind"], row["key"]), row)
    return list(unique.values())


def _items(dossier_code: str, report: Mapping[str, Any], name: str) -> Sequence[Any]:
    value = report.get(name)
    if not isinstance(value, (list, tuple)):
        raise InvalidRecord(dossier_code, f"report.{name} must be a list, got {type(value).__name__}")
    return value


def _object(dossier_code: str, value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidRecord(dossier_code, f"report.{path} must be an object, got {type(value).__name__}")
    return value


def _integer(dossier_code: str, value: Any, path: str, *, minimum: int, maximum: int = _MAX_INT32) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise InvalidRecord(dossier_code, f"report.{path} must be an integer from {minimum} to {maximum}, got {value!r}")
    return value


def artifact_row(
    dossier_code: str, kind: str, item: Mapping[str, Any], path: str, position: int | None, *, key_field: str = "key"
) -> dict[str, Any]:
    key = item.get(key_field)
    if not isinstance(key, str) or not key or len(key) > KEY_LENGTH:
        raise InvalidRecord(dossier_code, f"report.{path}.{key_field} must be a non-empty object key of at most {KEY_LENGTH} characters")
    sha256 = item.get("sha256")
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        raise InvalidRecord(dossier_code, f"report.{path}.sha256 must be 64 lower-case hex digits, got {sha256!r}")
    size = _integer(dossier_code, item.get("size"), f"{path}.size", minimum=0, maximum=_MAX_INT64)
    sha512 = item.get("sha512")
    if sha512 is not None and (not isinstance(sha512, str) or not _SHA512.fullmatch(sha512)):
        raise InvalidRecord(dossier_code, f"report.{path}.sha512 must be 128 lower-case hex digits, got {sha512!r:.40}")
    return {"dossier_code": dossier_code, "kind": kind, "key": key, "sha256": sha256, "size": size, "position": position,
            "sha512": sha512}
