"""Trajectory's store: first parent per family, and the trajectories view.

Revision ID: 0004_trajectory
Revises:
Create Date: 2026-11-20
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_trajectory"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("trajectory",)
depends_on: str | Sequence[str] | None = "0001_event_store"


def upgrade() -> None:
    op.create_table(
        "trajectory_parents",
        sa.Column("family_id", sa.String(64), primary_key=True),
        sa.Column("parent_id", sa.String(64), nullable=False),
    )
    op.create_table(
        "trajectory_list",
        sa.Column("family_id", sa.String(64), primary_key=True),
        sa.Column("trajectory_id", sa.String(64), nullable=False),
        sa.Column("coach_id", sa.String(64), nullable=False),
        sa.Column("started_on", sa.String(10), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("trainings", sa.Integer(), nullable=False),
        sa.Column("jobs", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("trajectory_list")
    op.drop_table("trajectory_parents")
