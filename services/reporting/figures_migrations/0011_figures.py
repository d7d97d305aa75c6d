"""A partner's figures store: every copy its sharing service made, once, in arrival order.

The same table as the hub's reporting store (services.reporting.views), in the partner's
own database (services.reporting.partner_figures).

Revision ID: 0011_figures
Revises:
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_figures"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("figures",)
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
