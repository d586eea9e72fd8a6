"""crawl_runs.browser_loads: pages loaded in the browser (DA_BROWSER), beside the requests

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 23:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN: the view v_runs reads crawl_runs, so SQLite may not copy the table.
    op.add_column(
        "crawl_runs",
        sa.Column("browser_loads", sa.Integer(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_column("crawl_runs", "browser_loads")
