"""captures: where each stored document's bytes are (a WARC record of a run's WACZ)

`captures` holds one row per WARC record a document was parsed from: the WACZ and WARC files,
the record's offset and length, its WARC-Record-ID and payload digest, URL and date.
`documents.capture_id` points to the capture of the stored values; `document_revisions
.capture_id` to the capture the previous values came from. Plain ADD COLUMN on both
databases (SQLite takes REFERENCES in ADD COLUMN when the default is NULL), so that no table
is rebuilt and the views that read `documents` stay. (No ON DELETE: SQLAlchemy does not
reflect it from SQLite's inline REFERENCES, and a capture a document points to is kept.)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

CAPTURE_COLUMNS = ("documents", "document_revisions")


def upgrade() -> None:
    op.create_table(
        "captures",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("wacz", sa.Text(), nullable=False),
        sa.Column("warc", sa.Text(), nullable=False),
        sa.Column("offset", sa.BigInteger(), nullable=False),
        sa.Column("length", sa.BigInteger(), nullable=False),
        sa.Column("record_id", sa.Text(), nullable=False, unique=True),
        sa.Column("payload_digest", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(), nullable=False),
    )
    for table in CAPTURE_COLUMNS:
        op.execute(f"ALTER TABLE {table} ADD COLUMN capture_id INTEGER REFERENCES captures (id)")
    op.create_index("ix_documents_capture_id", "documents", ["capture_id"])


def downgrade() -> None:
    op.drop_index("ix_documents_capture_id", "documents")
    for table in CAPTURE_COLUMNS:
        op.execute(f"ALTER TABLE {table} DROP COLUMN capture_id")
    op.drop_table("captures")
