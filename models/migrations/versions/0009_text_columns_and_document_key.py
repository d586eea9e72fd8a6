"""text where a length has no meaning; a document's canonical URL unique only with its record id

PostgreSQL refused what SQLite took (80 ids in `-a id=` overflowed crawl_runs.job, a long date
text, a record id over 20 digits, an ETag over 200 characters): every column whose value comes
from the site or the user becomes TEXT, on both databases. `documents.canonical_url` is no
longer unique alone but together with `record_id`: a row stored without record id (a partial
page) does not block the correct page (the store adopts that row).

PostgreSQL alters the columns in place (the views that read them are dropped and recreated
around it). SQLite cannot alter a column or drop an inline UNIQUE: each table is rebuilt (the
twelve steps of https://sqlite.org/lang_altertable.html), its rows copied with their ids; the
views, the table's indexes and triggers (the FTS ones) are recreated from their own SQL. With
`legacy_alter_table` the rename leaves the other tables' foreign keys naming the table, so
dropping the old copy cascades into nothing.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 02:00:00
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# table -> {column: the VARCHAR length it had}
TEXT_COLUMNS: dict[str, dict[str, int]] = {
    "collections": {"collection_id": 100},
    "documents": {
        "record_id": 20,
        "node_id": 20,
        "date_text": 200,
        "classification": 200,
        "document_type": 200,
        "number": 50,
    },
    "document_versions": {"language": 100},
    "document_collections": {"record_id": 20, "listing_date_text": 200},
    "crawl_runs": {"job": 500, "host": 200},
    "fetch_state": {"etag": 200, "last_modified": 100},
    "people": {"name": 500, "display_name": 500, "sort_name": 500},
    "person_aliases": {"name": 500, "alias": 500},
    "places": {"name": 500},
    "topics": {"name": 500},
    "subjects": {"name": 500},
    "languages": {"name": 500},
    "archives": {"name": 500, "abbreviation": 50, "country": 100},
    "donors": {"name": 500},
    "citations": {
        "repository": 500,
        "fond": 100,
        "opis": 100,
        "delo": 100,
        "papka": 100,
        "listy": 100,
    },
}
DOCUMENT_KEY = "uq_documents_canonical_url_record_id"
OLD_UNIQUE = "UNIQUE (canonical_url)"
NEW_UNIQUE = f"CONSTRAINT {DOCUMENT_KEY} UNIQUE (canonical_url, record_id)"


def upgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        _sqlite_rebuild(to_text=True)
        return
    views = _postgres_drop_views()
    for table, columns in TEXT_COLUMNS.items():
        for column, length in columns.items():
            op.alter_column(table, column, type_=sa.Text(), existing_type=sa.String(length))
    for constraint in sa.inspect(op.get_bind()).get_unique_constraints("documents"):
        if constraint["column_names"] == ["canonical_url"]:
            op.drop_constraint(constraint["name"], "documents", type_="unique")
    op.create_unique_constraint(DOCUMENT_KEY, "documents", ["canonical_url", "record_id"])
    _postgres_create_views(views)


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        _sqlite_rebuild(to_text=False)
        return
    views = _postgres_drop_views()
    op.drop_constraint(DOCUMENT_KEY, "documents", type_="unique")
    op.create_unique_constraint("documents_canonical_url_key", "documents", ["canonical_url"])
    for table, columns in TEXT_COLUMNS.items():
        for column, length in columns.items():
            op.alter_column(table, column, type_=sa.String(length), existing_type=sa.Text())
    _postgres_create_views(views)


def _postgres_drop_views() -> list[tuple[str, str]]:
    """PostgreSQL does not alter the type of a column a view reads: the views go first."""
    views = [
        (name, definition)
        for name, definition in op.get_bind().exec_driver_sql(
            "SELECT viewname, definition FROM pg_views WHERE schemaname = current_schema() "
            "ORDER BY viewname"
        )
    ]
    for name, _ in views:
        op.execute(f'DROP VIEW IF EXISTS "{name}"')
    return views


def _postgres_create_views(views: list[tuple[str, str]]) -> None:
    for name, definition in views:
        op.execute(f'CREATE VIEW "{name}" AS {definition}')


def _sqlite_rebuild(to_text: bool) -> None:
    conn = op.get_bind()
    if conn.exec_driver_sql("PRAGMA foreign_keys").scalar():
        # dropping a rebuilt table would cascade into its children: models.db.upgrade (and
        # env.py) turn foreign keys off around the migrations
        raise RuntimeError("0009 must run with foreign keys off: use `da db upgrade`")
    master = lambda sql: conn.exec_driver_sql(sql).all()  # noqa: E731
    views = master("SELECT name, sql FROM sqlite_master WHERE type = 'view' ORDER BY name")
    for name, _ in views:
        op.execute(f'DROP VIEW IF EXISTS "{name}"')
    conn.exec_driver_sql("PRAGMA legacy_alter_table = ON")
    try:
        for table, columns in TEXT_COLUMNS.items():
            (create,) = master(
                f"SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '{table}'"
            )[0]
            create = _retyped(create, columns, to_text)
            if table == "documents":
                old, new = (OLD_UNIQUE, NEW_UNIQUE) if to_text else (NEW_UNIQUE, OLD_UNIQUE)
                assert old in create, create
                create = create.replace(old, new)
            indexes = master(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND tbl_name = '{table}'"
            )
            triggers = master(
                f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = '{table}'"
            )
            for name, _ in triggers:
                op.execute(f'DROP TRIGGER "{name}"')
            op.execute(f'ALTER TABLE "{table}" RENAME TO "_old_{table}"')
            op.execute(create)
            op.execute(f'INSERT INTO "{table}" SELECT * FROM "_old_{table}"')
            op.execute(f'DROP TABLE "_old_{table}"')
            for (sql,) in indexes:
                op.execute(sql)
            for _, sql in triggers:
                op.execute(sql)
    finally:
        conn.exec_driver_sql("PRAGMA legacy_alter_table = OFF")
    for _, sql in views:
        op.execute(sql)


def _retyped(create: str, columns: dict[str, int], to_text: bool) -> str:
    """The CREATE TABLE statement with the columns' types changed (VARCHAR(n) <-> TEXT)."""
    for column, length in columns.items():
        old = r"VARCHAR\(\d+\)" if to_text else r"TEXT\b"
        new = "TEXT" if to_text else f"VARCHAR({length})"
        pattern = rf'(?<![\w"])("?){column}\1\s+{old}'
        create, count = re.subn(
            pattern, lambda m, c=column, t=new: f"{m.group(1)}{c}{m.group(1)} {t}", create
        )
        assert count == 1, (column, create)
    return create
