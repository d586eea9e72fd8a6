"""incremental crawls, fetch state, run lock

fetch_state holds the HTTP validators per URL; crawl_runs gains the job key, the lock
(one running run per job), heartbeat and response counts; documents gain withdrawn_at.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 10:37:33.017841
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fetch_state",
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("etag", sa.String(length=200), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("body_hash", sa.String(length=64), nullable=True),
        sa.Column("body", sa.LargeBinary(), nullable=True),
        sa.Column("last_checked_at", sa.DateTime(), nullable=False),
        sa.Column("last_changed_at", sa.DateTime(), nullable=True),
        sa.Column("crawl_run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["crawl_run_id"],
            ["crawl_runs.id"],
        ),
        sa.PrimaryKeyConstraint("url"),
    )
    with op.batch_alter_table("fetch_state", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fetch_state_crawl_run_id"), ["crawl_run_id"], unique=False
        )

    # Runs left "running" by older versions had no lock: they are over.
    op.execute("UPDATE crawl_runs SET status = 'interrupted' WHERE status = 'running'")
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("job", sa.String(length=500), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("heartbeat_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("host", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("pid", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("resumed_from", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_crawl_runs_resumed_from", "crawl_runs", ["resumed_from"], ["id"]
        )
        batch_op.add_column(sa.Column("requests", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column("responses_200", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("responses_304", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("responses_4xx", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("responses_5xx", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.create_index(batch_op.f("ix_crawl_runs_job"), ["job"], unique=False)
        batch_op.create_index(
            "uq_crawl_runs_running_job",
            ["job"],
            unique=True,
            sqlite_where=sa.text("status = 'running'"),
            postgresql_where=sa.text("status = 'running'"),
        )

    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_at")

    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_crawl_runs_running_job",
            sqlite_where=sa.text("status = 'running'"),
            postgresql_where=sa.text("status = 'running'"),
        )
        batch_op.drop_index(batch_op.f("ix_crawl_runs_job"))
        batch_op.drop_column("responses_5xx")
        batch_op.drop_column("responses_4xx")
        batch_op.drop_column("responses_304")
        batch_op.drop_column("responses_200")
        batch_op.drop_column("requests")
        batch_op.drop_constraint("fk_crawl_runs_resumed_from", type_="foreignkey")
        batch_op.drop_column("resumed_from")
        batch_op.drop_column("reason")
        batch_op.drop_column("pid")
        batch_op.drop_column("host")
        batch_op.drop_column("heartbeat_at")
        batch_op.drop_column("job")

    with op.batch_alter_table("fetch_state", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fetch_state_crawl_run_id"))

    op.drop_table("fetch_state")
