"""full-text search and analyst views

SQLite: an FTS5 table over documents (title, summary, text, subjects, source; Porter stemming,
as PostgreSQL's english configuration stems) kept in sync by
triggers on every write. PostgreSQL: a generated, weighted tsvector column with a GIN index.
Both: the views v_documents (one flat row per document), v_citations (document × parsed
citation) and v_timeline (documents per month).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 11:05:00
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SQLITE_FTS = [
    """CREATE VIRTUAL TABLE documents_fts USING fts5(
        title, summary, text, subjects, source,
        content='documents', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
        INSERT INTO documents_fts(rowid, title, summary, text, subjects, source)
        VALUES (new.id, new.title, new.summary, new.text, new.subjects, new.source);
    END""",
    """CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
        INSERT INTO documents_fts(documents_fts, rowid, title, summary, text, subjects, source)
        VALUES ('delete', old.id, old.title, old.summary, old.text, old.subjects, old.source);
    END""",
    """CREATE TRIGGER documents_fts_update AFTER UPDATE OF title, summary, text, subjects, source
        ON documents BEGIN
        INSERT INTO documents_fts(documents_fts, rowid, title, summary, text, subjects, source)
        VALUES ('delete', old.id, old.title, old.summary, old.text, old.subjects, old.source);
        INSERT INTO documents_fts(rowid, title, summary, text, subjects, source)
        VALUES (new.id, new.title, new.summary, new.text, new.subjects, new.source);
    END""",
    "INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')",
]
POSTGRES_FTS = [
    """ALTER TABLE documents ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') ||
        setweight(to_tsvector('english'::regconfig, coalesce(summary, '')), 'B') ||
        setweight(to_tsvector('english'::regconfig, coalesce(subjects::text, '')), 'B') ||
        setweight(to_tsvector('english'::regconfig, coalesce(source, '')), 'C') ||
        setweight(to_tsvector('english'::regconfig, coalesce(text, '')), 'D')
    ) STORED""",
    "CREATE INDEX ix_documents_search_vector ON documents USING gin (search_vector)",
]

V_DOCUMENTS = """CREATE VIEW v_documents AS
SELECT d.id, d.record_id, d.title, d.date_text, d.date_start, d.date_end, d.date_precision,
       d.date_circa, d.document_type, d.number, d.sender, d.summary, d.source,
       d.classification, d.uploaded_date, d.site_generation, d.canonical_url, d.download_url,
       d.withdrawn_at,
       (SELECT count(*) FROM citations c WHERE c.document_id = d.id) AS citation_count,
       (SELECT min(a.abbreviation) FROM citations c JOIN archives a ON a.id = c.archive_id
        WHERE c.document_id = d.id AND c.position = 0) AS first_archive,
       (SELECT count(*) FROM document_versions v WHERE v.document_id = d.id) AS version_count,
       (SELECT count(*) FROM document_collections dc WHERE dc.document_id = d.id) AS collection_count
FROM documents d"""
V_CITATIONS = """CREATE VIEW v_citations AS
SELECT d.id AS document_id, d.record_id, d.title, d.date_start, d.date_end, c.position,
       c.kind, c.repository, a.name AS archive_name, a.abbreviation AS archive_abbreviation,
       a.country AS archive_country, c.fond, c.opis, c.delo, c.papka, c.listy, c.reference,
       c.publication, c.parsed, c.raw
FROM citations c
JOIN documents d ON d.id = c.document_id
LEFT JOIN archives a ON a.id = c.archive_id"""
V_TIMELINE = {
    "sqlite": "strftime('%Y-%m', date_start)",
    "postgresql": "to_char(date_start, 'YYYY-MM')",
}


def upgrade() -> None:
    dialect = op.get_context().dialect.name
    for statement in SQLITE_FTS if dialect == "sqlite" else POSTGRES_FTS:
        op.execute(statement)
    op.execute(V_DOCUMENTS)
    op.execute(V_CITATIONS)
    month = V_TIMELINE[dialect]
    op.execute(f"""CREATE VIEW v_timeline AS
SELECT {month} AS month, count(*) AS documents,
       sum(CASE WHEN date_precision = 'day' THEN 1 ELSE 0 END) AS dated_to_the_day
FROM documents
WHERE date_start IS NOT NULL AND date_precision IN ('day', 'month')
GROUP BY {month}""")


def downgrade() -> None:
    dialect = op.get_context().dialect.name
    for view in ("v_timeline", "v_citations", "v_documents"):
        op.execute(f"DROP VIEW IF EXISTS {view}")
    if dialect == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS documents_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS documents_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_documents_search_vector")
        op.execute("ALTER TABLE documents DROP COLUMN IF EXISTS search_vector")
