"""`sohoa catalog list | show | import`: the procedure catalogue, shipped and the agency's own (SOHOA_CATALOG_DIR)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from sohoa.edges.cli.console import err, out
from sohoa.services.config import Config

catalog_app = typer.Typer(help="The procedure catalogue.", no_args_is_help=True)


def _catalog():
    from sohoa.catalog import load_catalog

    return load_catalog(extra=Config.from_env().catalog_dir)


@catalog_app.command("list")
def catalog_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List the procedures in the catalogue."""
    procedures = _catalog().procedures
    if as_json:
        print(json.dumps([{"code": p.code, "name": p.name, "processing_days": p.processing_days,
                           "effective_date": p.effective_date.isoformat(),
                           "variants": [v.id for v in p.variants]} for p in procedures], ensure_ascii=False, indent=2))
        return
    table = Table("code", "procedure", "days", "in force from", "variants")
    for p in procedures:
        table.add_row(p.code, p.name, str(p.processing_days), p.effective_date.isoformat(),
                      ", ".join(v.id for v in p.variants))
    out.print(table)


@catalog_app.command("show")
def catalog_show(code: str, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Show a procedure with its variants and ordered components."""
    from sohoa.catalog import CatalogLookupError
    from sohoa.errors import UnknownProcedureCode

    try:
        procedure = _catalog().get(code)
    except CatalogLookupError as error:
        raise UnknownProcedureCode(str(error)) from error
    if as_json:
        print(procedure.model_dump_json(indent=2))
        return
    out.print(f"[bold]{procedure.code}[/] {procedure.name} ({procedure.processing_days} ngày làm việc)")
    for variant in procedure.variants:
        out.print(f"  [bold]{variant.id}[/]: {variant.name}")
        for c in variant.components:
            flag = "" if c.required else " (nếu có)"
            out.print(f"    {c.position}. {c.name}{flag} — BC {c.originals}, BS {c.copies}")


@catalog_app.command("import")
def catalog_import(
    export: Annotated[Path, typer.Argument(help="JSON export of the national procedure database (docs/catalog.md).")],
    out_dir: Annotated[Path | None, typer.Option("--out", help="Where to write the procedure files (default: "
                                                                "SOHOA_CATALOG_DIR).")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Turn exported procedure records into catalogue files (one checklist version each), validated, with what
    could not be mapped. Exit 65 when a record was refused; the others are written."""
    from sohoa.catalog.importer import import_records

    target = out_dir or Config.from_env().catalog_dir
    if target is None:
        err.print("[bold red]error:[/] give --out DIR or set SOHOA_CATALOG_DIR")
        raise typer.Exit(64)
    outcomes = import_records(export, _catalog(), target)
    if as_json:
        print(json.dumps([{"code": o.code, "written": str(o.written) if o.written else None, "problems": o.problems,
                           "new_document_types": o.new_document_types} for o in outcomes], ensure_ascii=False, indent=2))
    else:
        table = Table("record", "file written", "not mapped / refused", "new document types")
        for o in outcomes:
            table.add_row(o.code, o.written.name if o.written else "[red]refused[/]",
                          "\n".join(f"{f}: {r}" for f, r in o.problems) or "—", ", ".join(o.new_document_types) or "—")
        out.print(table)
    if any(o.written is None for o in outcomes):
        raise typer.Exit(65)
