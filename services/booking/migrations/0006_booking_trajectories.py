"""Booking's views of each family's trajectory and of each child's handover date.

Revision ID: 0006_booking_trajectories
Revises: 0003_booking
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_booking_trajectories"
down_revision: str | Sequence[str] | None = "0003_booking"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "booking_trajectories",
        sa.Column("family_id", sa.String(64), primary_key=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
    )
    op.create_table(
        "booking_handovers",
        sa.Column("child_id", sa.String(64), primary_key=True),
        sa.Column("family_id", sa.String(64), nullable=False),
        sa.Column("handed_over_on", sa.Date(), nullable=False),
    )
    op.create_index("ix_booking_handovers_family_id", "booking_handovers", ["family_id"])


def downgrade() -> None:
    op.drop_index("ix_booking_handovers_family_id", "booking_handovers")
    op.drop_table("booking_handovers")
    op.drop_table("booking_trajectories")
