"""Piped `da` output is tab-separated text written by the csv module (a field with a tab, a
newline or a quote is quoted by the csv rules), `--format tsv|csv|json|jsonl` on the
list-like commands, and counts that say "20 of 38" when --limit cuts the results. Read back
with the csv module and compared with SQL, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import query
from da_documents import database, item
from test_cli import da

from models.db import make_engine
from models.search import count_matches

TRICKY = 'Tab\there, a "quote", a\nnew line and \\ a backslash'


def fts_ids(db: str, word: str) -> set[str]:
    if db.startswith("sqlite"):
        sql = f"""SELECT d.record_id FROM documents_fts JOIN documents d ON d.id = documents_fts.rowid
                  WHERE documents_fts MATCH '{word}'"""
    else:
        sql = f"SELECT record_id FROM documents WHERE search_vector @@ to_tsquery('english', '{word}')"
    return {r for (r,) in query(db, sql)}


def piped(capsys, db: str, *args: str) -> tuple[str, list[list[str]]]:
    code, out, err = da(capsys, "--db", db, *args)
    assert code == 0, err
    title, _, rest = out.partition("\n")
    return title, list(csv.reader(io.StringIO(rest), delimiter="\t"))


def test_piped_search_is_tsv_that_matches_sql(capsys, crawled_db):
    title, rows = piped(capsys, crawled_db, "search", "armistice", "--limit", "100")
    expected = fts_ids(crawled_db, "armistice")
    assert title == f"# {len(expected)} documents"
    assert {r[0] for r in rows} == expected and len(rows) == len(expected)
    stored = {
        r: (d or "", t or "")
        for r, d, t in query(crawled_db, "SELECT record_id, date_text, title FROM documents")
    }
    assert all(len(r) == 4 and (r[1], r[2]) == stored[r[0]] for r in rows)
    assert all("\x02" not in r[3] and "\x03" not in r[3] for r in rows)  # no markers left


def test_a_cut_list_says_how_many_match(capsys, crawled_db):
    total = len(fts_ids(crawled_db, "armistice"))
    assert total > 20  # 38 in the fixture crawl
    title, rows = piped(capsys, crawled_db, "search", "armistice")
    assert (title, len(rows)) == (f"# 20 of {total} documents", 20)
    title, rows = piped(capsys, crawled_db, "search", "armistice", "--limit", str(total))
    assert (title, len(rows)) == (f"# {total} documents", total)
    documents = query(crawled_db, "SELECT count(*) FROM documents")[0][0]
    title, _ = piped(capsys, crawled_db, "search", "--limit", "5")
    assert title == f"# 5 of {documents} documents"


def test_the_count_is_bounded(crawled_db):
    engine = make_engine(crawled_db)
    try:
        assert count_matches(engine, "armistice", cap=7) == 7
        assert count_matches(engine, "armistice") == len(fts_ids(crawled_db, "armistice"))
    finally:
        engine.dispose()


@pytest.mark.parametrize("fmt", ["tsv", "csv"])
def test_format_tsv_and_csv_have_a_header_row(capsys, crawled_db, fmt):
    code, out, _ = da(
        capsys, "--db", crawled_db, "search", "armistice", "--limit", "100", "--format", fmt
    )
    rows = list(csv.reader(io.StringIO(out), delimiter="\t" if fmt == "tsv" else ","))
    assert code == 0 and rows[0] == ["record", "date", "title", "snippet"]
    assert {r[0] for r in rows[1:]} == fts_ids(crawled_db, "armistice")


def test_json_and_jsonl(capsys, crawled_db):
    _, out, _ = da(
        capsys, "--db", crawled_db, "search", "armistice", "--limit", "5", "--format", "json"
    )
    hits = json.loads(out)
    _, out, _ = da(
        capsys, "--db", crawled_db, "search", "armistice", "--limit", "5", "--format", "jsonl"
    )
    assert [json.loads(line) for line in out.splitlines()] == hits
    assert len(hits) == 5 and all(
        set(h) >= {"record_id", "snippet", "snippet_text", "highlights"} for h in hits
    )
    for hit in hits:  # the highlights are where the markers were
        for start, end in hit["highlights"]:
            assert hit["snippet_text"][start:end].lower().startswith("armistic")
    _, out, _ = da(capsys, "--db", crawled_db, "runs", "--format", "jsonl")
    [run] = [json.loads(line) for line in out.splitlines()]
    assert run["spider"] == "collection" and run["status"] == "finished"


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def tricky_db(request, tmp_path_factory):
    docs = [item("880001", TRICKY, "armistice text", "1953-07-27", summary=TRICKY)]
    yield from database(request, tmp_path_factory, docs)


@pytest.mark.parametrize("fmt", [None, "tsv", "csv"])
def test_tabs_newlines_and_quotes_read_back_exactly(capsys, tricky_db, fmt):
    args = ["search", "armistice"] + (["--format", fmt] if fmt else [])
    code, out, _ = da(capsys, "--db", tricky_db, *args)
    rows = list(csv.reader(io.StringIO(out), delimiter="," if fmt == "csv" else "\t"))
    assert code == 0 and rows[0] == (
        ["# 1 documents"] if fmt is None else ["record", "date", "title", "snippet"]
    )
    assert rows[1][:3] == ["880001", "1953-07-27", TRICKY]
    assert len(rows) == 2


def test_show_piped_reads_back(capsys, tricky_db):
    code, out, _ = da(capsys, "--db", tricky_db, "show", "880001")
    rows = list(csv.reader(io.StringIO(out), delimiter="\t"))
    assert code == 0 and ["title", TRICKY] in rows and ["summary", TRICKY] in rows
