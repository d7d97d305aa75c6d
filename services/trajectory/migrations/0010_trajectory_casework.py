"""Trajectory's casework views: the coach's dated contacts and the plans' actions.

Revision ID: 0010_trajectory_casework
Revises: 0008_trajectory_per_parent
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_trajectory_casework"
down_revision: str | Sequence[str] | None = "0008_trajectory_per_parent"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "trajectory_contacts",
        sa.Column("contact_id", sa.String(64), primary_key=True),
        sa.Column("trajectory_id", sa.String(64), primary_key=True),
        sa.Column("family_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("contacted_on", sa.String(10), nullable=False),
    )
    op.create_index("ix_trajectory_contacts_family_id", "trajectory_contacts", ["family_id"])
    op.create_table(
        "trajectory_actions",
        sa.Column("action_id", sa.String(64), primary_key=True),
        sa.Column("trajectory_id", sa.String(64), nullable=False),
        sa.Column("family_id", sa.String(64), nullable=False),
        sa.Column("owner", sa.String(30), nullable=False),
        sa.Column("life_domain", sa.String(20), nullable=True),
        sa.Column("added_on", sa.String(10), nullable=False),
        sa.Column("due_on", sa.String(10), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("closed_on", sa.String(10), nullable=True),
    )
    op.create_index("ix_trajectory_actions_family_id", "trajectory_actions", ["family_id"])


def downgrade() -> None:
    op.drop_index("ix_trajectory_actions_family_id", "trajectory_actions")
    op.drop_table("trajectory_actions")
    op.drop_index("ix_trajectory_contacts_family_id", "trajectory_contacts")
    op.drop_table("trajectory_contacts")
