"""Intake's vault keeps the coaches' contact notes, each under its family's own key.

Revision ID: 0010_intake_contact_notes
Revises: 0008_intake_waiting
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_intake_contact_notes"
down_revision: str | Sequence[str] | None = "0008_intake_waiting"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "vault_contact_notes",
        sa.Column("family_id", sa.String(64), primary_key=True),
        sa.Column("contact_id", sa.String(64), primary_key=True),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("vault_contact_notes")
