"""``sohoa users …``: issue, list, rotate and revoke API tokens (mounted by sohoa.edges.cli.main).

A token is printed once, on stdout only, when it is issued or rotated; the database keeps its SHA-256.
Every change is logged in the access log under ``cli:<login>`` (never the token).
"""

from __future__ import annotations

import getpass
import json
from typing import Annotated

import typer

from sohoa.services.access import GRANTS, Role

users_app = typer.Typer(help="Who may call the HTTP API, and with which role.", no_args_is_help=True)


def _database():
    from sohoa.services.config import Config
    from sohoa.services.db import open_database

    return open_database(Config.from_env().database_url)


def _log(database, action: str, name: str, outcome: str = "ok") -> None:
    database.record_event(actor=f"cli:{getpass.getuser()}", action=action, outcome=f"user {name}: {outcome}")


def _hand_over(token: str, name: str) -> None:
    typer.echo(f"token for {name} (shown once; store it in the client's secret store):", err=True)
    typer.echo(token)


@users_app.command("add")
def add(name: Annotated[str, typer.Argument(help="User name (lower-case letters, digits, . _ @ -).")],
        role: Annotated[Role, typer.Option(help="intake, specialist, auditor or admin.")]) -> None:
    """Add an API user with a role and print their new token."""
    from sohoa.services.access import issue_token

    database = _database()
    token, digest = issue_token()
    database.add_api_user(name, role, digest)
    _log(database, "user-add", name, f"added with role {role}")
    _hand_over(token, name)


@users_app.command("rotate")
def rotate(name: Annotated[str, typer.Argument(help="User name.")]) -> None:
    """Give a user a new token; the old one stops working at once."""
    from sohoa.services.access import issue_token

    database = _database()
    token, digest = issue_token()
    database.replace_api_token(name, digest)
    _log(database, "user-rotate", name, "token replaced")
    _hand_over(token, name)


@users_app.command("revoke")
def revoke(name: Annotated[str, typer.Argument(help="User name.")]) -> None:
    """Revoke a user's token (the account stays listed, so the access log's names still resolve)."""
    database = _database()
    database.revoke_api_user(name)
    _log(database, "user-revoke", name, "revoked")
    typer.echo(f"user {name}: revoked")


@users_app.command("list")
def list_users(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Every API user, their role, what the role may do, and whether they are revoked."""
    users = _database().list_api_users()
    rows = [{"name": u.name, "role": u.role, "permissions": sorted(GRANTS[Role(u.role)]),
             "created_at": u.created_at.isoformat(), "revoked_at": u.revoked_at.isoformat() if u.revoked_at else None,
             "token_rotated_at": u.token_rotated_at.isoformat() if u.token_rotated_at else None}
            for u in users]
    if as_json:
        typer.echo(json.dumps(rows, indent=1))
        return
    for row in rows:
        state = f"revoked {row['revoked_at']}" if row["revoked_at"] else "valid"
        typer.echo(f"{row['name']}\t{row['role']}\t{state}\t{', '.join(row['permissions'])}")
