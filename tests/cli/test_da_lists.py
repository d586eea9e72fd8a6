"""`da people|archives|places|topics|collections`: each name with its number of documents,
most first; --name, --limit ("3 of 40 people"), --fonds for the fonds of each archive; TSV
when piped. Counted against the fixture data (what the pages say) and SQL, on the offline
crawl, SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter

from conftest import DOCUMENTS, query
from test_cli import da


def listed(capsys, db: str, *args: str) -> list[dict]:
    code, out, err = da(capsys, "--db", db, *args, "--limit", "1000", "--format", "json")
    assert code == 0, err
    return json.loads(out)


def by_name(field: str) -> Counter:
    return Counter(name for d in DOCUMENTS for name in set(d[field]))


def stored(db: str, column: str) -> Counter:
    """Names in a documents JSON column (as the document's page gave them), by documents."""
    rows = query(db, f"SELECT {column} FROM documents")
    return Counter(n for (v,) in rows for n in set(json.loads(v) if isinstance(v, str) else v))


def test_places_count_documents(capsys, crawled_db):
    rows = listed(capsys, crawled_db, "places")
    assert {r["name"]: r["documents"] for r in rows} == dict(by_name("places"))
    counts = [r["documents"] for r in rows]
    assert counts == sorted(counts, reverse=True)


def test_topics_count_documents(capsys, crawled_db):
    # (legacy pages show no topics: the stored column, not the fixture data, says which)
    rows = listed(capsys, crawled_db, "topics")
    assert {r["name"]: r["documents"] for r in rows} == dict(stored(crawled_db, "topics"))
    counts = [r["documents"] for r in rows]
    assert counts == sorted(counts, reverse=True)


def test_people(capsys, crawled_db):
    rows = {r["name"]: r for r in listed(capsys, crawled_db, "people")}
    expected = Counter(n for d in DOCUMENTS for n in set(d["people"]) | set(d["authors"]))
    for name in ("Zhou, Enlai", "Stalin, Joseph", "Kim, Il Sung"):
        assert rows[name]["documents"] == expected[name]
    assert rows["Zhou, Enlai"]["display_name"] == "Zhou Enlai"


def test_collections(capsys, crawled_db):
    assert listed(capsys, crawled_db, "collections") == [
        {"collection_id": "169", "title": "Korean War Armistice", "documents": len(DOCUMENTS)}
    ]


def test_archives_and_their_fonds(capsys, crawled_db):
    sql = """SELECT a.abbreviation, count(DISTINCT c.document_id), count(DISTINCT c.fond)
             FROM citations c JOIN archives a ON a.id = c.archive_id GROUP BY a.abbreviation"""
    expected = {a: (n, f) for a, n, f in query(crawled_db, sql)}
    rows = listed(capsys, crawled_db, "archives")
    assert {r["abbreviation"]: (r["documents"], r["fonds"]) for r in rows} == expected
    rgaspi = listed(capsys, crawled_db, "archives", "--fonds", "--name", "rgaspi")
    sql = """SELECT c.fond, count(DISTINCT c.document_id) FROM citations c JOIN archives a
             ON a.id = c.archive_id WHERE a.abbreviation = 'RGASPI' AND c.fond IS NOT NULL GROUP BY c.fond"""
    assert {r["fond"]: r["documents"] for r in rgaspi} == dict(query(crawled_db, sql))
    assert {r["abbreviation"] for r in rgaspi} == {"RGASPI"} and "558" in {
        r["fond"] for r in rgaspi
    }


def test_limit_name_and_tsv(capsys, crawled_db):
    total = len(by_name("places"))
    code, out, _ = da(capsys, "--db", crawled_db, "places", "--limit", "3")
    title, *rows = list(csv.reader(io.StringIO(out), delimiter="\t"))
    assert code == 0 and title == [f"# 3 of {total} places"] and len(rows) == 3
    top = by_name("places").most_common()
    assert int(rows[0][1]) == top[0][1]
    code, out, _ = da(capsys, "--db", crawled_db, "people", "--name", "ZHOU", "--format", "tsv")
    header, *rows = list(csv.reader(io.StringIO(out), delimiter="\t"))
    assert header == ["name", "display_name", "documents"]
    assert rows and all("zhou" in (r[0] + r[1]).lower() for r in rows)


def test_nothing_found_is_one_line(capsys, crawled_db):
    code, out, err = da(capsys, "--db", crawled_db, "topics", "--name", "no such topic")
    assert (code, out, err) == (2, "", "da topics: no topics found naming 'no such topic'\n")
