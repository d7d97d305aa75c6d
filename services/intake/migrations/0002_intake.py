"""Intake's store: the personal-data vault (a key per family) and the families view.

Revision ID: 0002_intake
Revises:
Create Date: 2026-11-20
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_intake"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("intake",)
depends_on: str | Sequence[str] | None = "0001_event_store"


def upgrade() -> None:
    op.create_table(
        "vault_family_keys",
        sa.Column("family_id", sa.String(64), primary_key=True),
        sa.Column("key", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "vault_family_records",
        sa.Column("family_id", sa.String(64), primary_key=True),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "intake_families",
        sa.Column("family_id", sa.String(64), primary_key=True),
        sa.Column("referral_source", sa.String(40), nullable=False),
        sa.Column("referred_on", sa.String(10), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
    )


def downgrade() -> None:
    for table in ("intake_families", "vault_family_records", "vault_family_keys"):
        op.drop_table(table)
