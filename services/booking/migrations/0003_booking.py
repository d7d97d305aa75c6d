"""Booking's store: its views of families, children, bookings and day-part sessions.

Revision ID: 0003_booking
Revises:
Create Date: 2026-11-20
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_booking"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("booking",)
depends_on: str | Sequence[str] | None = "0001_event_store"


def upgrade() -> None:
    op.create_table(
        "booking_families",
        sa.Column("family_id", sa.String(64), primary_key=True),
        sa.Column("enrolled", sa.Boolean(), nullable=False),
        sa.Column("childcare_consent", sa.Boolean(), nullable=False),
        sa.Column("erased", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "booking_children",
        sa.Column("child_id", sa.String(64), primary_key=True),
        sa.Column("family_id", sa.String(64), nullable=False),
        sa.Column("birth_month", sa.String(7), nullable=False),
        sa.Column("handed_over", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_booking_children_family_id", "booking_children", ["family_id"])
    op.create_table(
        "booking_bookings",
        sa.Column("booking_id", sa.String(64), primary_key=True),
        sa.Column("session_id", sa.String(64), nullable=False),
        sa.Column("location_id", sa.String(40), nullable=False),
        sa.Column("session_date", sa.Date(), nullable=False),
        sa.Column("daypart", sa.String(10), nullable=False),
        sa.Column("family_id", sa.String(64), nullable=False),
        sa.Column("child_id", sa.String(64), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("release_on", sa.Date(), nullable=True),
    )
    op.create_index("ix_booking_bookings_session_id", "booking_bookings", ["session_id"])
    op.create_index("ix_booking_bookings_family_id", "booking_bookings", ["family_id"])
    op.create_table(
        "booking_sessions",
        sa.Column("session_id", sa.String(64), primary_key=True),
        sa.Column("location_id", sa.String(40), nullable=False),
        sa.Column("session_date", sa.Date(), nullable=False),
        sa.Column("daypart", sa.String(10), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("booking_sessions")
    op.drop_index("ix_booking_bookings_family_id", "booking_bookings")
    op.drop_index("ix_booking_bookings_session_id", "booking_bookings")
    op.drop_table("booking_bookings")
    op.drop_index("ix_booking_children_family_id", "booking_children")
    op.drop_table("booking_children")
    op.drop_table("booking_families")
