"""Sharing's store: consent to cross-border statistics, withheld events, unshared referrals.

Revision ID: 0007_sharing_consent
Revises:
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_sharing_consent"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("sharing",)
depends_on: str | Sequence[str] | None = "0001_event_store"


def upgrade() -> None:
    op.create_table(
        "sharing_consents",
        sa.Column("family_id", sa.String(64), primary_key=True),
        sa.Column("consented", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "sharing_withheld",
        sa.Column("position", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("family_id", sa.String(64), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("event_type", sa.String(100), nullable=False),
        sa.Column("schema_version", sa.Integer(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("occurred_at", sa.String(40), nullable=False),
        sa.Column("correlation_id", sa.String(36), nullable=False),
    )
    op.create_index("ix_sharing_withheld_family_id", "sharing_withheld", ["family_id"])
    op.create_table(
        "sharing_referrals",
        sa.Column("family_id", sa.String(64), primary_key=True),
        sa.Column("referred_in", sa.String(7), nullable=False),
        sa.Column("shared", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_sharing_referrals_referred_in", "sharing_referrals", ["referred_in"])
    op.create_table(
        "sharing_children",
        sa.Column("child_id", sa.String(64), primary_key=True),
        sa.Column("birth_month", sa.String(7), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sharing_children")
    op.drop_index("ix_sharing_referrals_referred_in", "sharing_referrals")
    op.drop_table("sharing_referrals")
    op.drop_index("ix_sharing_withheld_family_id", "sharing_withheld")
    op.drop_table("sharing_withheld")
    op.drop_table("sharing_consents")
