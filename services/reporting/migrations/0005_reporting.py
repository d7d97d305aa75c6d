"""The hub's reporting store: every shared envelope received, once, in arrival order.

Revision ID: 0005_reporting
Revises:
Create Date: 2026-11-20
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_reporting"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("reporting",)
depends_on: str | Sequence[str] | None = "0001_event_store"


def upgrade() -> None:
    op.create_table(
        "network_events",
        sa.Column("position", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("partner", sa.String(40), nullable=False),
        sa.Column("event_type", sa.String(100), nullable=False),
        sa.Column("schema_version", sa.Integer(), nullable=False),
        sa.Column("envelope", sa.Text(), nullable=False),
    )
    op.create_index("ix_network_events_partner", "network_events", ["partner"])


def downgrade() -> None:
    op.drop_index("ix_network_events_partner", "network_events")
    op.drop_table("network_events")
