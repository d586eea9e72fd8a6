"""run progress: documents done and expected, and the ETA, in the run row; the v_runs view

The heartbeat writes `documents_done`, `documents_total` (when the spider knows it: the
catalog's count line, a collection's listing, the ids asked for) and `eta_at`, so that
`da runs` and Datasette show how far a running crawl is. `v_runs` adds the duration, the
percentage and the rate.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 23:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

SECONDS = {
    "sqlite": "(julianday({end}) - julianday({start})) * 86400.0",
    "postgresql": "extract(epoch FROM ({end} - {start}))",
}


def upgrade() -> None:
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("documents_done", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("documents_total", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("eta_at", sa.DateTime(), nullable=True))
    seconds = SECONDS[op.get_context().dialect.name].format(
        end="coalesce(finished_at, heartbeat_at, started_at)", start="started_at"
    )
    op.execute(f"""CREATE VIEW v_runs AS
SELECT id, spider, job, status, started_at, finished_at, reason, resumed_from,
       round({seconds}) AS duration_seconds,
       documents_done, documents_total,
       CASE WHEN documents_total > 0
            THEN round(100.0 * documents_done / documents_total, 1) END AS percent_done,
       CASE WHEN {seconds} > 0
            THEN round(60.0 * documents_done / ({seconds}), 1) END AS documents_per_minute,
       eta_at, documents_new, documents_updated, documents_unchanged, rejected, failed,
       requests, responses_304
FROM crawl_runs""")


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS v_runs")
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.drop_column("eta_at")
        batch_op.drop_column("documents_total")
        batch_op.drop_column("documents_done")
