"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26 10:07:57.886212
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "archives",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "collections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("collection_id", sa.String(length=100), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("site_generation", sa.String(length=10), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("collection_id"),
    )
    op.create_table(
        "crawl_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("spider", sa.String(length=50), nullable=False),
        sa.Column("arguments", sa.JSON(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("collections", sa.Integer(), nullable=False),
        sa.Column("documents_new", sa.Integer(), nullable=False),
        sa.Column("documents_updated", sa.Integer(), nullable=False),
        sa.Column("documents_unchanged", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("stats", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(length=20), nullable=True),
        sa.Column("canonical_url", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("node_id", sa.String(length=20), nullable=True),
        sa.Column("site_generation", sa.String(length=10), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("date_text", sa.String(length=200), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("listing_summary", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("rights", sa.Text(), nullable=True),
        sa.Column("uploaded_date", sa.Date(), nullable=True),
        sa.Column("classification", sa.String(length=200), nullable=True),
        sa.Column("document_type", sa.String(length=200), nullable=True),
        sa.Column("download_url", sa.Text(), nullable=True),
        sa.Column("authors", sa.JSON(), nullable=False),
        sa.Column("people", sa.JSON(), nullable=False),
        sa.Column("contributors", sa.JSON(), nullable=False),
        sa.Column("places", sa.JSON(), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("subjects", sa.JSON(), nullable=False),
        sa.Column("original_archives", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("donors", sa.JSON(), nullable=False),
        sa.Column("related_urls", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("fetched_at", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("canonical_url"),
        sa.UniqueConstraint("record_id"),
    )
    op.create_table(
        "donors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "languages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "places",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "subjects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "topics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "document_archives",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["entity_id"], ["archives.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("document_id", "entity_id"),
    )
    with op.batch_alter_table("document_archives", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_document_archives_entity_id"), ["entity_id"], unique=False
        )

    op.create_table(
        "document_collections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("collection_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("record_id", sa.String(length=20), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("listing_title", sa.Text(), nullable=True),
        sa.Column("listing_date_text", sa.String(length=200), nullable=True),
        sa.Column("listing_summary", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["collection_id"], ["collections.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("collection_id", "position"),
    )
    with op.batch_alter_table("document_collections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_document_collections_collection_id"), ["collection_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_document_collections_document_id"), ["document_id"], unique=False
        )

    op.create_table(
        "document_donors",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["entity_id"], ["donors.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("document_id", "entity_id"),
    )
    with op.batch_alter_table("document_donors", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_document_donors_entity_id"), ["entity_id"], unique=False
        )

    op.create_table(
        "document_languages",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["entity_id"], ["languages.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("document_id", "entity_id"),
    )
    with op.batch_alter_table("document_languages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_document_languages_entity_id"), ["entity_id"], unique=False
        )

    op.create_table(
        "document_people",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["entity_id"], ["people.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("document_id", "entity_id", "role"),
    )
    with op.batch_alter_table("document_people", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_document_people_entity_id"), ["entity_id"], unique=False
        )

    op.create_table(
        "document_places",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["entity_id"], ["places.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("document_id", "entity_id"),
    )
    with op.batch_alter_table("document_places", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_document_places_entity_id"), ["entity_id"], unique=False
        )

    op.create_table(
        "document_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("crawl_run_id", sa.Integer(), nullable=True),
        sa.Column("changed_fields", sa.JSON(), nullable=False),
        sa.Column("old_values", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["crawl_run_id"],
            ["crawl_runs.id"],
        ),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("document_revisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_document_revisions_document_id"), ["document_id"], unique=False
        )

    op.create_table(
        "document_subjects",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["entity_id"], ["subjects.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("document_id", "entity_id"),
    )
    with op.batch_alter_table("document_subjects", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_document_subjects_entity_id"), ["entity_id"], unique=False
        )

    op.create_table(
        "document_topics",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["entity_id"], ["topics.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("document_id", "entity_id"),
    )
    with op.batch_alter_table("document_topics", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_document_topics_entity_id"), ["entity_id"], unique=False
        )

    op.create_table(
        "document_urls",
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("url"),
    )
    op.create_table(
        "document_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("language", sa.String(length=100), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("html", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("document_id", "position"),
    )
    with op.batch_alter_table("document_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_document_versions_document_id"), ["document_id"], unique=False
        )

    op.create_table(
        "rejected_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("spider", sa.String(length=50), nullable=True),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("crawl_run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["crawl_run_id"],
            ["crawl_runs.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("url", "reason"),
    )


def downgrade() -> None:
    op.drop_table("rejected_items")
    with op.batch_alter_table("document_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_versions_document_id"))

    op.drop_table("document_versions")
    op.drop_table("document_urls")
    with op.batch_alter_table("document_topics", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_topics_entity_id"))

    op.drop_table("document_topics")
    with op.batch_alter_table("document_subjects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_subjects_entity_id"))

    op.drop_table("document_subjects")
    with op.batch_alter_table("document_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_revisions_document_id"))

    op.drop_table("document_revisions")
    with op.batch_alter_table("document_places", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_places_entity_id"))

    op.drop_table("document_places")
    with op.batch_alter_table("document_people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_people_entity_id"))

    op.drop_table("document_people")
    with op.batch_alter_table("document_languages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_languages_entity_id"))

    op.drop_table("document_languages")
    with op.batch_alter_table("document_donors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_donors_entity_id"))

    op.drop_table("document_donors")
    with op.batch_alter_table("document_collections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_collections_document_id"))
        batch_op.drop_index(batch_op.f("ix_document_collections_collection_id"))

    op.drop_table("document_collections")
    with op.batch_alter_table("document_archives", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_archives_entity_id"))

    op.drop_table("document_archives")
    op.drop_table("topics")
    op.drop_table("subjects")
    op.drop_table("places")
    op.drop_table("people")
    op.drop_table("languages")
    op.drop_table("donors")
    op.drop_table("documents")
    op.drop_table("crawl_runs")
    op.drop_table("collections")
    op.drop_table("archives")
