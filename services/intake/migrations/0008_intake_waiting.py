"""Intake's programme waiting list and the answers given to referrers.

Revision ID: 0008_intake_waiting
Revises: 0006_intake_access
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_intake_waiting"
down_revision: str | Sequence[str] | None = "0006_intake_access"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "intake_waiting",
        sa.Column("family_id", sa.String(64), primary_key=True),
        sa.Column("waiting_since", sa.String(10), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
    )
    op.create_table(
        "intake_answers",
        sa.Column("position", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("family_id", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("answered_on", sa.String(10), nullable=False),
        sa.Column("reason", sa.String(40), nullable=True),
    )
    op.create_index("ix_intake_answers_family_id", "intake_answers", ["family_id"])


def downgrade() -> None:
    op.drop_index("ix_intake_answers_family_id", "intake_answers")
    op.drop_table("intake_answers")
    op.drop_table("intake_waiting")
