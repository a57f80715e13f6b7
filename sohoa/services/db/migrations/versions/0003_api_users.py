"""API users: a role and the SHA-256 of a bearer token per person or service.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "api_users",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("revoked_at", TIMESTAMP, nullable=True),
        sa.CheckConstraint("role IN ('intake', 'specialist', 'auditor', 'admin')", name="ck_api_users_role"),
        sa.PrimaryKeyConstraint("id", name="pk_api_users"),
        sa.UniqueConstraint("name", name="uq_api_users_name"),
        sa.UniqueConstraint("token_sha256", name="uq_api_users_token_sha256"),
    )


def downgrade() -> None:
    op.drop_table("api_users")
