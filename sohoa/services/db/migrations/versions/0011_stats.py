"""Supervision (issue 16): one row of 766 facts per dossier, rewritten with each lifecycle event, and the
violations each dossier stands accused of. Existing dossiers are filled in by ``sohoa stats --rebuild``.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TIMESTAMP = sa.DateTime(timezone=True)
JSON_DOC = sa.JSON().with_variant(JSONB(), "postgresql")
OVERDUE = sa.text("overdue_from IS NOT NULL")


def upgrade() -> None:
    moments = ("received_at", "promised_at", "finished_at", "returned_at", "closed_at", "apology_at")
    op.create_table(
        "dossier_stats",
        sa.Column("dossier_code", sa.String(64), nullable=False),
        sa.Column("agency", sa.String(64), nullable=False),
        sa.Column("department", sa.String(255), nullable=True),
        sa.Column("procedure_code", sa.String(64), nullable=False),
        sa.Column("channel", sa.SmallInteger(), nullable=False),
        sa.Column("status", sa.SmallInteger(), nullable=False),
        *(sa.Column(name, TIMESTAMP, nullable=name != "received_at") for name in moments),
        sa.Column("outcome", sa.String(8), nullable=True),
        *(sa.Column(name, sa.SmallInteger(), nullable=False)
          for name in ("result_digitized", "components_total", "components_digitized", "components_reused")),
        sa.Column("late_after", TIMESTAMP, nullable=True),
        sa.Column("second_request_at", TIMESTAMP, nullable=True),
        sa.Column("open_until", TIMESTAMP, nullable=False),
        sa.Column("overdue_from", TIMESTAMP, nullable=True),
        sa.ForeignKeyConstraint(["dossier_code"], ["dossiers.code"], name="fk_dossier_stats_dossier_code_dossiers",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("dossier_code", name="pk_dossier_stats"),
    )
    op.create_index("ix_dossier_stats_agency_received_at", "dossier_stats", ["agency", "received_at"])
    op.create_index("ix_dossier_stats_agency_finished_at", "dossier_stats", ["agency", "finished_at"])
    op.create_index("ix_dossier_stats_received_at", "dossier_stats", ["received_at"])
    op.create_index("ix_dossier_stats_finished_at", "dossier_stats", ["finished_at"])
    op.create_index("ix_dossier_stats_overdue", "dossier_stats", ["agency", "open_until"],
                    postgresql_where=OVERDUE, sqlite_where=OVERDUE)
    op.create_table(
        "violations",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("dossier_code", sa.String(64), nullable=False),
        sa.Column("rule", sa.String(32), nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.Column("evidence", JSON_DOC, nullable=False),
        sa.Column("flagged_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(["dossier_code"], ["dossiers.code"], name="fk_violations_dossier_code_dossiers",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_violations"),
    )
    op.create_index("ix_violations_at", "violations", ["at"])
    op.create_index("ix_violations_dossier_code", "violations", ["dossier_code"])


def downgrade() -> None:
    op.drop_index("ix_violations_dossier_code", table_name="violations")
    op.drop_index("ix_violations_at", table_name="violations")
    op.drop_table("violations")
    for name in ("overdue", "finished_at", "received_at", "agency_finished_at", "agency_received_at"):
        op.drop_index(f"ix_dossier_stats_{name}", table_name="dossier_stats")
    op.drop_table("dossier_stats")
