"""Booking's view of each parent's open trajectory, so a family stays active while any is open.

Revision ID: 0009_booking_open_trajectories
Revises: 0006_booking_trajectories
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_booking_open_trajectories"
down_revision: str | Sequence[str] | None = "0006_booking_trajectories"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "booking_open_trajectories",
        sa.Column("trajectory_id", sa.String(64), primary_key=True),
        sa.Column("family_id", sa.String(64), nullable=False),
    )
    op.create_index("ix_booking_open_trajectories_family_id", "booking_open_trajectories",
                    ["family_id"])


def downgrade() -> None:
    op.drop_index("ix_booking_open_trajectories_family_id", "booking_open_trajectories")
    op.drop_table("booking_open_trajectories")
