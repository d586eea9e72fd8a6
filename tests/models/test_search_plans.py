"""The fast plans of `models.search` give what the plain queries give.

On SQLite the page is ranked from the FTS5 index alone with a margin for ties, the filters
are sets of ids checked against each match, and the snippets are made in a table of the
page's own rows. Each test here compares that with a query written out plainly (EXISTS per
filter, every match ranked, snippets from the main index) on a real database file."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from sqlalchemy import insert, text

from bench.search import QUERIES, build
from models.db import make_engine, upgrade
from models.search import (
    FTS5_COLUMNS,
    FTS5_TOKENIZE,
    SCORE,
    START,
    STOP,
    Filters,
    count_matches,
    fts5_query,
    search,
    search_page,
)
from models.tables import Document


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('plans') / 'archive.db'}")
    build(engine, 3000)
    yield engine
    engine.dispose()


# The reference: every filter as an EXISTS on the match's row, as the plain reading of
# `da search --help` has it (a citation's archive and fond on the same citation).
REFERENCE = f"""
SELECT d.record_id, {SCORE} AS score, d.id
FROM documents_fts JOIN documents d ON d.id = documents_fts.rowid
WHERE documents_fts MATCH :q
  AND (:date_from IS NULL OR d.date_end >= :date_from)
  AND (:date_to IS NULL OR d.date_start <= :date_to)
  AND (:person IS NULL OR EXISTS (SELECT 1 FROM document_people x JOIN people e ON e.id = x.entity_id
       WHERE x.document_id = d.id AND (lower(e.name) LIKE :person OR lower(e.display_name) LIKE :person)))
  AND (:language IS NULL OR EXISTS (SELECT 1 FROM document_languages x JOIN languages e
       ON e.id = x.entity_id WHERE x.document_id = d.id AND lower(e.name) LIKE :language))
  AND (:archive IS NULL AND :fond IS NULL OR EXISTS (SELECT 1 FROM citations c
       LEFT JOIN archives a ON a.id = c.archive_id WHERE c.document_id = d.id
       AND (:archive IS NULL OR lower(a.abbreviation) = :archive OR lower(a.name) LIKE '%' || :archive || '%'
            OR lower(c.repository) = :archive)
       AND (:fond IS NULL OR c.fond = :fond)))
"""


def reference(engine, query: str, filters: Filters) -> list[tuple[str, float, int]]:
    like = {k: f"%{getattr(filters, k).lower()}%" if getattr(filters, k) else None
            for k in ("person", "language")}  # fmt: skip
    params = {"q": fts5_query(query) or None, "date_from": filters.date_from,
              "date_to": filters.date_to, "archive": filters.archive and filters.archive.lower(),
              "fond": filters.fond} | like  # fmt: skip
    sql = REFERENCE
    if not query:  # a search without words: the filters alone
        sql = sql.replace(
            "documents_fts JOIN documents d ON d.id = documents_fts.rowid", "documents d"
        )
        sql = sql.replace(f"{SCORE} AS score", "0.0 AS score").replace(
            "documents_fts MATCH :q", "1 = 1"
        )
    order = " ORDER BY score DESC, d.date_start" if query else " ORDER BY d.date_start"
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql + order), params)]


@pytest.mark.parametrize(("query", "filters"), QUERIES, ids=[q or "dates" for q, _ in QUERIES])
def test_the_same_documents_as_the_plain_query(synthetic, query, filters):
    expected = reference(synthetic, query, filters)
    assert count_matches(synthetic, query, filters) == len(expected)
    hits = search(synthetic, query, filters, limit=len(expected) or 1)
    assert sorted(h.record_id for h in hits) == sorted(r[0] for r in expected)


@pytest.mark.parametrize(("query", "filters"), QUERIES, ids=[q or "dates" for q, _ in QUERIES])
def test_the_ranking_counts_the_matches(synthetic, query, filters):
    page = search_page(synthetic, query, filters, limit=20)
    if query:  # ranked on SQLite: every match is scored, and so counted
        assert page.total == len(reference(synthetic, query, filters))
    else:
        assert page.total is None


@pytest.mark.parametrize(("query", "filters"), QUERIES, ids=[q or "dates" for q, _ in QUERIES])
def test_the_same_first_page_and_scores(synthetic, query, filters):
    expected = reference(synthetic, query, filters)[:20]
    hits = search(synthetic, query, filters, limit=20)
    assert [h.record_id for h in hits] == [r[0] for r in expected]
    assert [round(h.score, 9) for h in hits] == [round(r[1], 9) for r in expected]


@pytest.mark.parametrize("query", [q for q, _ in QUERIES if q])
def test_the_same_snippets_as_the_main_index(synthetic, query):
    hits = search(synthetic, query, limit=20)
    sql = """SELECT snippet(documents_fts, -1, :start, :stop, '…', 16) FROM documents_fts
             JOIN documents d ON d.id = documents_fts.rowid
             WHERE documents_fts MATCH :q AND d.record_id = :r"""
    with synthetic.connect() as conn:
        for hit in hits:
            params = {"q": fts5_query(query), "start": START, "stop": STOP, "r": hit.record_id}
            snippet = conn.execute(text(sql), params).scalar_one()
            assert hit.snippet == snippet.replace(START, "[").replace(STOP, "]")


def test_a_page_in_date_order_keeps_its_scores(synthetic):
    scores = {r[0]: r[1] for r in reference(synthetic, "nuclear", Filters())}
    assert len(scores) > 20  # a page chosen from more matches than it holds
    hits = search(synthetic, "nuclear", limit=20, sort="date")
    assert [h.date_start for h in hits] == sorted(h.date_start for h in hits)
    assert all(round(h.score, 9) == round(scores[h.record_id], 9) for h in hits)


@pytest.fixture
def tied(database_url):
    """120 documents alike in every word, so all score the same: only the date orders them."""
    engine = make_engine(database_url)
    upgrade(engine)
    days = list(range(120))
    random.Random(5).shuffle(days)
    rows = []
    for i, day in enumerate(days):
        date = dt.date(1950, 1, 1) + dt.timedelta(days=day)
        rows.append({"record_id": str(1000 + i), "url": f"https://example.org/document/{1000 + i}",
                     "title": "Record of a meeting", "date_text": str(date), "date_start": date,
                     "date_end": date, "date_precision": "day", "summary": "On the armistice.",
                     "text": "The armistice talks resumed.", "content_hash": str(i)})  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(Document.__table__), rows)
    yield engine, sorted(rows, key=lambda r: r["date_start"])
    engine.dispose()


def test_ties_past_the_margin_are_ordered_by_date(tied):
    engine, by_date = tied
    hits = search(engine, "armistice", limit=20)
    assert [h.record_id for h in hits] == [r["record_id"] for r in by_date[:20]]
    assert count_matches(engine, "armistice") == 120


def test_the_snippet_table_has_the_index_tokenizer(synthetic):
    with synthetic.connect() as conn:
        definition = conn.execute(
            text("SELECT sql FROM sqlite_master WHERE name = 'documents_fts'")
        ).scalar_one()
    assert f"tokenize='{FTS5_TOKENIZE}'" in definition
    assert "fts5(" + FTS5_COLUMNS.replace(" ", "") in "".join(definition.split())
