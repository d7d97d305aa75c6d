"""Intake's access records (who read which family's record, when, why) and consents view.

Revision ID: 0006_intake_access
Revises: 0002_intake
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_intake_access"
down_revision: str | Sequence[str] | None = "0002_intake"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "intake_consents",
        sa.Column("family_id", sa.String(64), primary_key=True),
        sa.Column("purpose", sa.String(40), primary_key=True),
    )
    op.create_table(
        "intake_access_records",
        sa.Column("position", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("family_id", sa.String(64), nullable=False),
        sa.Column("read_at", sa.String(32), nullable=False),
        sa.Column("reader", sa.String(200), nullable=False),
        sa.Column("purpose", sa.String(200), nullable=False),
    )
    op.create_index("ix_intake_access_records_family_id", "intake_access_records", ["family_id"])


def downgrade() -> None:
    op.drop_table("intake_consents")
    op.drop_index("ix_intake_access_records_family_id", "intake_access_records")
    op.drop_table("intake_access_records")
