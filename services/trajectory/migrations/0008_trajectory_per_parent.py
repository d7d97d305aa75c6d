"""Trajectory's list keyed by trajectory, with its parent: a family may have several.

Revision ID: 0008_trajectory_per_parent
Revises: 0004_trajectory
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_trajectory_per_parent"
down_revision: str | Sequence[str] | None = "0004_trajectory"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COUNTS = "coach_id, started_on, status, trainings, jobs"


def upgrade() -> None:
    op.create_table(
        "trajectory_parent_list",
        sa.Column("trajectory_id", sa.String(64), primary_key=True),
        sa.Column("family_id", sa.String(64), nullable=False),
        sa.Column("parent_id", sa.String(64), nullable=False),
        sa.Column("coach_id", sa.String(64), nullable=False),
        sa.Column("started_on", sa.String(10), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("trainings", sa.Integer(), nullable=False),
        sa.Column("jobs", sa.Integer(), nullable=False),
    )
    op.create_index("ix_trajectory_parent_list_family_id", "trajectory_parent_list",
                    ["family_id"])
    op.execute(  # until now each family had one trajectory, its first parent's
        f"INSERT INTO trajectory_parent_list (trajectory_id, family_id, parent_id, {_COUNTS}) "
        f"SELECT l.trajectory_id, l.family_id, COALESCE(p.parent_id, ''), "
        f"{', '.join('l.' + c.strip() for c in _COUNTS.split(','))} "
        "FROM trajectory_list l LEFT JOIN trajectory_parents p ON p.family_id = l.family_id")
    op.drop_table("trajectory_list")


def downgrade() -> None:
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
    op.execute(  # a family's first trajectory, as the one-per-family list had it
        f"INSERT INTO trajectory_list (family_id, trajectory_id, {_COUNTS}) "
        f"SELECT family_id, trajectory_id, {_COUNTS} FROM trajectory_parent_list t "
        "WHERE trajectory_id = (SELECT MIN(trajectory_id) FROM trajectory_parent_list u "
        "WHERE u.family_id = t.family_id)")
    op.drop_index("ix_trajectory_parent_list_family_id", "trajectory_parent_list")
    op.drop_table("trajectory_parent_list")
