"""Searchable page texts: one row per page of every saved report, with its diacritic-folded skeleton.

Dossiers digitized before this migration are indexed from their stored reports.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sohoa.services.db.search import page_text_rows

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    table = op.create_table(
        "page_texts",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("dossier_code", sa.String(64), nullable=False),
        sa.Column("page_index", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("document_type", sa.String(64), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("folded", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["dossier_code"], ["dossiers.code"], name="fk_page_texts_dossier_code_dossiers"),
        sa.PrimaryKeyConstraint("id", name="pk_page_texts"),
        sa.UniqueConstraint("dossier_code", "page_index", name="uq_page_texts_dossier_code_page_index"),
    )
    bind = op.get_bind()
    codes = bind.execute(sa.text("SELECT code FROM dossiers WHERE report IS NOT NULL ORDER BY code")).scalars().all()
    for code in codes:  # one report in memory at a time: reports carry every page's text
        report = bind.execute(sa.text("SELECT report FROM dossiers WHERE code = :code"), {"code": code}).scalar_one()
        rows = page_text_rows(code, json.loads(report) if isinstance(report, str) else report)
        if rows:
            bind.execute(sa.insert(table), rows)


def downgrade() -> None:
    op.drop_table("page_texts")
