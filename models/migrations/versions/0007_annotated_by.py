"""citations.annotated_by: "Contributed, translated, and annotated by X"

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 23:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (not a batch copy of the table, which the views on citations forbid
    # on SQLite): both databases add a column with a constant default in place.
    op.add_column(
        "citations",
        sa.Column("annotated_by", sa.JSON(), nullable=False, server_default=sa.text("'[]'")),
    )


def downgrade() -> None:
    op.drop_column("citations", "annotated_by")
