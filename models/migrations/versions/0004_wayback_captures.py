"""wayback capture times

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 10:51:12.863580
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:

    with op.batch_alter_table("collections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("captured_at", sa.DateTime(), nullable=True))

    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("captured_at", sa.DateTime(), nullable=True))


def downgrade() -> None:

    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("captured_at")

    with op.batch_alter_table("collections", schema=None) as batch_op:
        batch_op.drop_column("captured_at")
