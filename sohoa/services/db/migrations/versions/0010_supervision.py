"""Supervision (issue 16): the index of digitized papers and the reuse decisions.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "papers",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("dossier_code", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("is_result", sa.Boolean(), nullable=False),
        sa.Column("document_type", sa.String(64), nullable=False),
        sa.Column("number", sa.String(255), nullable=False),
        sa.Column("issuer", sa.String(1000), nullable=False),
        sa.Column("enterprise_code", sa.String(32), nullable=False),
        sa.Column("issue_date", sa.String(10), nullable=False),
        sa.Column("page_hashes", sa.JSON(), nullable=False),
        sa.Column("signed_key", sa.String(1024), nullable=True),
        sa.Column("signed_sha256", sa.String(64), nullable=True),
        sa.ForeignKeyConstraint(["dossier_code"], ["dossiers.code"], name="fk_papers_dossier_code_dossiers", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_papers"),
        sa.UniqueConstraint("dossier_code", "position", "is_result", name="uq_papers_dossier_code_position_is_result"),
    )
    op.create_index("ix_papers_document_type_enterprise_code", "papers", ["document_type", "enterprise_code"])
    op.create_index("ix_papers_signed_sha256", "papers", ["signed_sha256"])
    op.create_table(
        "papers_indexed",
        sa.Column("dossier_code", sa.String(64), nullable=False),
        sa.Column("indexed_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(["dossier_code"], ["dossiers.code"], name="fk_papers_indexed_dossier_code_dossiers", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("dossier_code", name="pk_papers_indexed"),
    )
    op.create_table(
        "reuse_decisions",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("dossier_code", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("earlier_dossier_code", sa.String(64), nullable=False),
        sa.Column("earlier_position", sa.Integer(), nullable=False),
        sa.Column("earlier_key", sa.String(1024), nullable=False),
        sa.Column("earlier_sha256", sa.String(64), nullable=True),
        sa.Column("state", sa.SmallInteger(), nullable=False),
        sa.Column("hash_distance", sa.Integer(), nullable=True),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("proposed_at", TIMESTAMP, nullable=False),
        sa.Column("decided_at", TIMESTAMP, nullable=True),
        sa.Column("decided_by", sa.String(255), nullable=True),
        sa.CheckConstraint("state IN (2, 3)", name="ck_reuse_decisions_state"),
        sa.CheckConstraint("decision IN ('proposed', 'confirmed', 'declined')", name="ck_reuse_decisions_decision"),
        sa.ForeignKeyConstraint(["dossier_code"], ["dossiers.code"], name="fk_reuse_decisions_dossier_code_dossiers", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_reuse_decisions"),
        sa.UniqueConstraint("dossier_code", "position", name="uq_reuse_decisions_dossier_code_position"),
    )


def downgrade() -> None:
    op.drop_table("reuse_decisions")
    op.drop_table("papers_indexed")
    op.drop_index("ix_papers_signed_sha256", table_name="papers")
    op.drop_index("ix_papers_document_type_enterprise_code", table_name="papers")
    op.drop_table("papers")
