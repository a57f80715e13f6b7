"""Load and validate the procedure catalogue from YAML files."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from sohoa.catalog.errors import CatalogError
from sohoa.catalog.models import Catalog, DocumentType, Procedure

DATA_DIR = Path(__file__).with_name("data")
"""The catalogue shipped with the package."""
INDUSTRY_TRADE_DIR = DATA_DIR / "cong_thuong"
"""More Sở Công Thương procedures (a department's catalogue), each marked verified or not with its source; not part
of the default catalogue (nor of the page model's training): load it with `load_catalog(extra=INDUSTRY_TRADE_DIR)`
or point SOHOA_CATALOG_DIR at it."""
DOCUMENT_TYPES_FILE = "document_types.yaml"
"""Shared document types, referenced by id from procedure files; every other *.yaml is a procedure."""


def load_catalog(path: Path | str | None = None, extra: Path | str | None = None) -> Catalog:
    """Load the catalogue in ``path`` (default: package data), validated; cached per directory. With ``extra`` (an
    agency's folder, e.g. what `sohoa catalog import` wrote), its files are loaded too; a version there (same code
    and effective date) replaces the one in ``path``."""
    directory = Path(path) if path is not None else DATA_DIR
    return _load_cached(directory.resolve(), Path(extra).resolve() if extra is not None else None)


@functools.lru_cache(maxsize=8)
def _load_cached(directory: Path, extra: Path | None = None) -> Catalog:
    folders = [directory] + ([extra] if extra is not None else [])
    for folder in folders:
        if not folder.is_dir():
            raise CatalogError(folder, "", "catalogue directory does not exist")
    shared = {k: v for folder in folders for k, v in _load_document_types(folder / DOCUMENT_TYPES_FILE).items()}
    loaded: dict[tuple[str, object], tuple[Procedure, Path]] = {}
    for folder in folders:
        files = sorted(p for p in folder.glob("*.yaml") if p.name != DOCUMENT_TYPES_FILE)
        procedures = [_load_procedure(file, shared) for file in files]
        _check_cross_file(procedures, files)
        loaded.update({(p.code, p.effective_date): (p, file) for p, file in zip(procedures, files)})
    if not loaded:
        raise CatalogError(directory, "", "no procedure files (*.yaml) found")
    procedures, files = zip(*loaded.values())
    _check_cross_file(list(procedures), list(files))
    return Catalog(procedures=tuple(sorted(procedures, key=lambda p: (p.code, p.effective_date))))


clear_cache = _load_cached.cache_clear
"""Forget cached catalogues (after editing data files in a running process)."""


def _read_yaml(file: Path) -> Any:
    try:
        with file.open(encoding="utf-8") as stream:
            return yaml.safe_load(stream)
    except OSError as exc:
        raise CatalogError(file, "", f"cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise CatalogError(file, "", f"not UTF-8: {exc.reason}") from exc
    except yaml.YAMLError as exc:
        raise CatalogError(file, "", f"invalid YAML: {exc}") from exc


def _load_document_types(file: Path) -> dict[str, DocumentType]:
    if not file.exists():
        return {}
    raw = _read_yaml(file)
    if not isinstance(raw, dict) or not isinstance(raw.get("document_types"), list):
        raise CatalogError(file, "document_types", "expected a mapping with a list 'document_types'")
    found: dict[str, DocumentType] = {}
    for index, item in enumerate(raw["document_types"]):
        try:
            doc_type = DocumentType.model_validate(item)
        except ValidationError as exc:
            raise _to_catalog_error(file, exc, prefix=f"document_types[{index}]") from exc
        if doc_type.id in found:
            raise CatalogError(file, f"document_types[{index}].id", f"duplicate id {doc_type.id!r}")
        found[doc_type.id] = doc_type
    return found


def _load_procedure(file: Path, shared: dict[str, DocumentType]) -> Procedure:
    raw = _read_yaml(file)
    if not isinstance(raw, dict):
        raise CatalogError(file, "", f"expected a mapping at top level, got {type(raw).__name__}")
    _resolve_references(file, raw, shared)
    try:
        return Procedure.model_validate(raw)
    except ValidationError as exc:
        raise _to_catalog_error(file, exc) from exc


def _resolve_references(file: Path, raw: dict[str, Any], shared: dict[str, DocumentType]) -> None:
    """Replace document-type ids (strings) by the shared definitions, in place."""
    variants = raw.get("variants")
    if not isinstance(variants, list):
        return  # the schema reports it
    for v_index, variant in enumerate(variants):
        components = variant.get("components") if isinstance(variant, dict) else None
        for c_index, component in enumerate(components if isinstance(components, list) else []):
            doc_types = component.get("document_types") if isinstance(component, dict) else None
            for d_index, ref in enumerate(doc_types if isinstance(doc_types, list) else []):
                if not isinstance(ref, str):
                    continue
                if ref not in shared:
                    where = f"variants[{v_index}].components[{c_index}].document_types[{d_index}]"
                    raise CatalogError(
                        file, where, f"unknown document type {ref!r}; define it in {DOCUMENT_TYPES_FILE} or inline"
                    )
                doc_types[d_index] = shared[ref].model_dump()


def _check_cross_file(procedures: list[Procedure], files: list[Path]) -> None:
    seen_versions: dict[tuple[str, object], Path] = {}
    seen_types: dict[str, tuple[DocumentType, Path]] = {}
    for procedure, file in zip(procedures, files):
        version = (procedure.code, procedure.effective_date)
        if version in seen_versions:
            raise CatalogError(file, "code", f"code {procedure.code!r} with effective date {procedure.effective_date} "
                                             f"also defined in {seen_versions[version].name} (a new checklist "
                                             "version needs its own effective_date)")
        seen_versions[version] = file
        for doc_id, doc_type in Catalog(procedures=(procedure,)).document_types().items():
            other = seen_types.get(doc_id)
            if other is not None and other[0] != doc_type:
                raise CatalogError(
                    file, "document_types", f"document type {doc_id!r} differs from its definition in {other[1].name}"
                )
            seen_types.setdefault(doc_id, (doc_type, file))


def _to_catalog_error(file: Path, exc: ValidationError, prefix: str = "") -> CatalogError:
    problems = []
    for error in exc.errors():
        field = _format_loc(error["loc"], prefix)
        reason = error["msg"]
        if error["loc"] and error["loc"][-1] == "code" and isinstance(error.get("input"), float):
            reason += " (quote the code in YAML, e.g. code: '2.000620')"
        problems.append((field, reason))
    first_field, first_reason = problems[0]
    return CatalogError(file, first_field, first_reason, problems)


def _format_loc(loc: tuple[Any, ...], prefix: str) -> str:
    text = prefix
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text
