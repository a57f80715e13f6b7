"""API user accounts in the catalogue database: a role and the SHA-256 of a bearer token each.

A mixin of :class:`sohoa.services.db.Database`, which provides the transactions and the clock. Tokens are made
and checked in :mod:`sohoa.services.access`; here only their digests are stored and looked up.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from sohoa.services.access import Role, UserError, check_user_name
from sohoa.services.db.errors import DatabaseError
from sohoa.services.db.records import ApiUserRecord
from sohoa.services.db.schema import api_users


class UserAccountsMixin:
    """``add_api_user``, ``find_api_user``, ``replace_api_token``, ``revoke_api_user``, ``list_api_users``."""

    _clock: Callable[[], datetime]
    _write: Callable[..., AbstractContextManager[Connection]]
    _read: Callable[..., AbstractContextManager[Connection]]

    def add_api_user(self, name: str, role: Role | str, token_sha256: str) -> ApiUserRecord:
        """A new account; `UserError` if the name is taken (revoked accounts keep their name)."""
        check_user_name(name)
        role = Role(role)
        now = self._clock()
        try:
            with self._write(f"add API user {name}") as connection:
                connection.execute(insert(api_users).values(name=name, role=str(role), token_sha256=token_sha256,
                                                            created_at=now, revoked_at=None))
        except DatabaseError as error:
            if isinstance(error.__cause__, IntegrityError):
                raise UserError(f"user {name}: already exists (revoked names are not reused)") from error
            raise
        return ApiUserRecord(name, str(role), now, None, None)

    def find_api_user(self, token_sha256: str) -> tuple[str, str] | None:
        """(name, role) of the valid account holding the token with this digest, else None."""
        with self._read("look up an API token") as connection:
            row = connection.execute(
                select(api_users.c.name, api_users.c.role)
                .where(api_users.c.token_sha256 == token_sha256, api_users.c.revoked_at.is_(None))
            ).first()
        return (row.name, row.role) if row is not None else None

    def replace_api_token(self, name: str, token_sha256: str) -> None:
        """Give a valid account a new token; the old one stops working at once."""
        self._change_api_user(name, token_sha256=token_sha256, token_rotated_at=self._clock())

    def revoke_api_user(self, name: str) -> None:
        """Revoke an account: its token stops working; the row stays for the log."""
        self._change_api_user(name, revoked_at=self._clock())

    def list_api_users(self) -> list[ApiUserRecord]:
        """Every account, valid and revoked, by name."""
        with self._read("list API users") as connection:
            rows = connection.execute(
                select(api_users.c.name, api_users.c.role, api_users.c.created_at, api_users.c.revoked_at,
                       api_users.c.token_rotated_at).order_by(api_users.c.name)
            ).all()
        return [ApiUserRecord(**row._asdict()) for row in rows]

    def _change_api_user(self, name: str, **values: object) -> None:
        with self._write(f"change API user {name}") as connection:
            changed = connection.execute(
                update(api_users).where(api_users.c.name == name, api_users.c.revoked_at.is_(None)).values(**values)
            ).rowcount
        if changed != 1:
            raise UserError(f"user {name}: no such valid account")
