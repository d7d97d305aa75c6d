"""Six-month follow-ups of ended trajectories (ESF participant data, follow_up_views.py).

Revision ID: 0012_trajectory_follow_ups
Revises: 0008_trajectory_per_parent
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_trajectory_follow_ups"
down_revision: str | Sequence[str] | None = "0010_trajectory_casework"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "trajectory_follow_ups",
        sa.Column("trajectory_id", sa.String(64), primary_key=True),
        sa.Column("family_id", sa.String(64), nullable=False),
        sa.Column("ended_on", sa.String(10), nullable=False),
        sa.Column("due_on", sa.String(10), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
    )
    op.create_index("ix_trajectory_follow_ups_due_on", "trajectory_follow_ups", ["due_on"])


def downgrade() -> None:
    op.drop_index("ix_trajectory_follow_ups_due_on", "trajectory_follow_ups")
    op.drop_table("trajectory_follow_ups")
