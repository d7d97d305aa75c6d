"""Every store: how far each in-order consumer has applied each stream it follows.

Revision ID: 0013_stream_positions
Revises: 0001_event_store
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_stream_positions"
down_revision: str | Sequence[str] | None = "0001_event_store"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stream_positions",
        sa.Column("consumer", sa.String(200), primary_key=True),
        sa.Column("stream_id", sa.String(200), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("stream_positions")
