"""indexes for the search filters: a period's documents from one index walk, archives by name

`da search --from/--to` asks for documents whose date range reaches into the period
(date_start <= to AND date_end >= from). With one index per column, SQLite walked one and read
every row in the range for the other date (a month of 1953 took 24 ms at 50,000 documents);
the two-column indexes answer from the index alone (2 ms). `--archive X` also matches a
citation whose repository, as written, is X: an index on lower(repository) finds those
without reading every citation.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 07:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_documents_date_start_end", "documents", "date_start, date_end"),
    ("ix_documents_date_end_start", "documents", "date_end, date_start"),
    ("ix_citations_repository_lower", "citations", "lower(repository)"),
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})")


def downgrade() -> None:
    for name, _table, _columns in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
