"""``sohoa archive …``: export a dossier as a BagIt bag, run a fixity audit (mounted by sohoa.edges.cli.main)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import typer

archive_app = typer.Typer(help="The archive: BagIt export, fixity audits, retention.", no_args_is_help=True)


def _open():
    from sohoa.archive import S3ObjectStore, ensure_embedded_storage
    from sohoa.archive.settings import replica_settings_from_env
    from sohoa.services.config import Config
    from sohoa.services.db import open_database

    config = Config.from_env(os.environ)
    storage = config.storage or ensure_embedded_storage(Path(config.data_dir) / "s3")
    database = open_database(config.database_url)
    replica_settings = replica_settings_from_env(os.environ, storage)
    replica = S3ObjectStore(replica_settings) if replica_settings else None
    return config, S3ObjectStore(storage), database, replica


@archive_app.command("export")
def export(
    code: str = typer.Argument(..., help="Dossier code (mã hồ sơ)."),
    directory: Path = typer.Argument(..., help="Directory to write the bag <DIR>/<CODE> into."),
    actor: str = typer.Option(os.environ.get("USER", "cli"), help="Who exports (access log)."),
) -> None:
    """Write the dossier as a BagIt bag (every object verified while downloaded)."""
    from sohoa.services.preservation.bag import export_bag

    config, store, database, _ = _open()
    bag = export_bag(code, directory, store, database, actor=f"cli:{actor}", organisation=config.organisation)
    typer.echo(str(bag))


@archive_app.command("audit")
def audit(
    limit: int = typer.Option(500, min=1, help="Objects to re-hash in this run (rotating)."),
    untracked: bool = typer.Option(True, help="Also list the bucket for objects the database does not know."),
    anchor: bool = typer.Option(True, help="Anchor the audit-log head in write-once storage afterwards."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Re-hash stored objects against the database, repair from the replica (SOHOA_S3_REPLICA_BUCKET);
    exit 1 when anything is still missing or changed."""
    from sohoa.services.preservation.fixity import run_fixity_audit
    from sohoa.services.audit import anchor_chain_head

    _, store, database, replica = _open()
    summary = run_fixity_audit(store, database, replica, limit, scan_untracked=untracked)
    if anchor:
        anchor_chain_head(database, store)
    result = {"checked": summary.checked, "missing": summary.missing, "changed": summary.changed,
              "repaired": summary.repaired, "unrepaired": summary.unrepaired, "untracked": summary.untracked,
              "healthy": summary.healthy}
    if as_json:
        typer.echo(json.dumps(result, indent=1))
    else:
        typer.echo(f"checked {summary.checked}: missing {len(summary.missing)}, changed {len(summary.changed)}, "
                   f"repaired {len(summary.repaired)}, untracked {len(summary.untracked)}")
        for finding in summary.findings:
            if finding.outcome != "ok":
                typer.echo(f"  {finding.outcome:9} {finding.key}: {finding.detail}", err=True)
    raise typer.Exit(0 if summary.healthy else 1)


@archive_app.command("hold")
def hold(
    key: str = typer.Argument(..., help="Object key."),
    off: bool = typer.Option(False, "--off", help="Release the legal hold instead of placing it."),
    actor: str = typer.Option(os.environ.get("USER", "cli"), help="Who (audit log)."),
) -> None:
    """Place (or release) a legal hold on the current version of an object."""
    _, store, database, _ = _open()
    state = store.set_legal_hold(key, not off)
    database.record_event(f"cli:{actor}", "legal_hold", "on" if state.legal_hold else "off", object_key=key)
    typer.echo(f"{key} version {state.version_id}: legal hold {'on' if state.legal_hold else 'off'}, "
               f"{state.mode or 'no retention'} until {state.retain_until}")
