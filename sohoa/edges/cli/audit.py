"""``sohoa audit …``: verify the tamper-evident audit log, anchor its head (mounted by sohoa.edges.cli.main)."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import typer

audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)


def _open(anchors: bool):
    from sohoa.services.config import Config
    from sohoa.services.db import open_database

    config = Config.from_env(os.environ)
    database = open_database(config.database_url)
    store = None
    if anchors:
        from sohoa.archive import S3ObjectStore, ensure_embedded_storage

        storage = config.storage or ensure_embedded_storage(Path(config.data_dir) / "s3")
        store = S3ObjectStore(storage)
    return database, store


@audit_app.command("verify")
def verify(
    anchors: bool = typer.Option(True, help="Also check the anchors in write-once storage."),
    as_json: bool = typer.Option(False, "--json", help="Print the verdict as JSON."),
) -> None:
    """Check every audit-log entry's hash and link; exit 1 naming the first bad entry."""
    from sohoa.services.audit.chain import verify_audit_chain

    database, store = _open(anchors)
    verdict = verify_audit_chain(database, store)
    if as_json:
        typer.echo(json.dumps(dataclasses.asdict(verdict), ensure_ascii=False, indent=1))
    elif verdict.ok:
        typer.echo(f"audit log OK: {verdict.checked} entries, head {verdict.head_id} {verdict.head_hash}, "
                   f"{verdict.anchors_checked} anchor(s) agree")
    else:
        typer.echo(f"audit log BROKEN at entry {verdict.first_bad_id}: {verdict.reason}", err=True)
    raise typer.Exit(0 if verdict.ok else 1)


@audit_app.command("anchor")
def anchor() -> None:
    """Write the current chain head into write-once storage (run it periodically)."""
    from sohoa.services.audit.chain import anchor_chain_head

    database, store = _open(True)
    key = anchor_chain_head(database, store)
    typer.echo(key or "audit log empty; nothing anchored")
