"""normalized dates, citations, person names and aliases

Existing rows get the new columns empty; the next crawl fills them (their content hash
now covers the normalized fields, so every document counts as updated once).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 10:24:58.800467
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "citations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("parsed", sa.Boolean(), nullable=False),
        sa.Column("repository", sa.String(length=500), nullable=True),
        sa.Column("archive_id", sa.Integer(), nullable=True),
        sa.Column("fond", sa.String(length=100), nullable=True),
        sa.Column("opis", sa.String(length=100), nullable=True),
        sa.Column("delo", sa.String(length=100), nullable=True),
        sa.Column("papka", sa.String(length=100), nullable=True),
        sa.Column("listy", sa.String(length=100), nullable=True),
        sa.Column("reference", sa.Text(), nullable=True),
        sa.Column("publication", sa.Text(), nullable=True),
        sa.Column("translated_by", sa.JSON(), nullable=False),
        sa.Column("contributed_by", sa.JSON(), nullable=False),
        sa.Column("obtained_by", sa.JSON(), nullable=False),
        sa.Column("transcribed_by", sa.JSON(), nullable=False),
        sa.Column("edited_by", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["archive_id"], ["archives.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("document_id", "position"),
    )
    with op.batch_alter_table("citations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_citations_archive_id"), ["archive_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_citations_document_id"), ["document_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_citations_fond"), ["fond"], unique=False)

    op.create_table(
        "person_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("alias", sa.String(length=500), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name", "alias"),
    )
    with op.batch_alter_table("person_aliases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_aliases_alias"), ["alias"], unique=False)

    with op.batch_alter_table("archives", schema=None) as batch_op:
        batch_op.add_column(sa.Column("abbreviation", sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column("country", sa.String(length=100), nullable=True))

    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("date_start", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("date_end", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("date_precision", sa.String(length=10), nullable=True))
        batch_op.add_column(
            sa.Column("date_circa", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("date_source", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("number", sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column("sender", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("recipients", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.create_index(batch_op.f("ix_documents_date_end"), ["date_end"], unique=False)
        batch_op.create_index(batch_op.f("ix_documents_date_start"), ["date_start"], unique=False)

    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("display_name", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("sort_name", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("sort_name")
        batch_op.drop_column("display_name")

    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_date_start"))
        batch_op.drop_index(batch_op.f("ix_documents_date_end"))
        batch_op.drop_column("recipients")
        batch_op.drop_column("sender")
        batch_op.drop_column("number")
        batch_op.drop_column("date_source")
        batch_op.drop_column("date_circa")
        batch_op.drop_column("date_precision")
        batch_op.drop_column("date_end")
        batch_op.drop_column("date_start")

    with op.batch_alter_table("archives", schema=None) as batch_op:
        batch_op.drop_column("country")
        batch_op.drop_column("abbreviation")

    with op.batch_alter_table("person_aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_aliases_alias"))

    op.drop_table("person_aliases")
    with op.batch_alter_table("citations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_citations_fond"))
        batch_op.drop_index(batch_op.f("ix_citations_document_id"))
        batch_op.drop_index(batch_op.f("ix_citations_archive_id"))

    op.drop_table("citations")
