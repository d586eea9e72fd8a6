"""Search benchmark: p50 / p95 latency of 20 typical analyst queries over a synthetic
archive (50,000 documents by default), on SQLite (FTS5) and PostgreSQL (tsvector + GIN)."""

from __future__ import annotations

import datetime as dt
import statistics
import time
from typing import Any

from sqlalchemy import Engine, insert, select, text

from bench.synthetic import documents
from models.db import make_engine, upgrade
from models.search import Filters, count_matches, fts5_query, search_page, tsquery
from models.tables import (
    Archive,
    Citation,
    Document,
    Language,
    Person,
    document_languages,
    document_people,
)

# Typical analyst queries over the whole archive at a range of frequencies. The comment gives the
# share of the synthetic documents each matches (the word alone, then with its filters); the
# synthetic documents are modelled on real ones (bench/synthetic.py), so a word's share is about
# its share among the real documents of bench/data/real_texts.jsonl. Words, two words, a phrase,
# a prefix, an OR, a NOT, and the filters on dates, archive, fond, person and language.
QUERIES: list[tuple[str, Filters]] = [
    ("armistice", Filters()),  # 2%
    ("nuclear weapons", Filters()),  # nuclear 7%, weapons 5%, both 2%
    ('"Soviet Union"', Filters()),  # 25% (a quarter have it in their subjects)
    ("diplomat*", Filters()),  # 3%
    ("Cuba OR Taiwan", Filters()),  # 3% or 6%: 9%
    ("China -Taiwan", Filters()),  # 41% (China is in a quarter's subjects too)
    ("artillery", Filters()),  # 0.8%
    ("Kennedy", Filters(date_from=dt.date(1961, 1, 1), date_to=dt.date(1963, 12, 31))),  # 5%, 0.4%
    ("telegram", Filters(archive="RGASPI")),  # 25% (in titles too), 5%
    ("telegram", Filters(archive="RGASPI", fond="558")),  # 0.01%
    ("propaganda", Filters(person="Stalin")),  # 4%, 0.8%
    ("India", Filters(person="Zhou")),  # 6%, 1.2%
    ("conference", Filters(date_to=dt.date(1955, 12, 31))),  # 7%, 1.5%
    ("bombing", Filters(archive="NARA")),  # 0.7% (the vocabulary's share), 0.7%
    ("central committee", Filters()),  # 6%
    ("Korean", Filters(date_from=dt.date(1950, 6, 1), date_to=dt.date(1950, 12, 31))),  # 13%, 0.1%
    ("disarmament", Filters(archive="APRF")),  # 3%, 0.5%
    ("KGB", Filters(language="Russian")),  # 6%, 1.1%
    ("", Filters(date_from=dt.date(1953, 7, 1), date_to=dt.date(1953, 7, 31))),  # 0.2%
    ("treaty", Filters(person="Gromyko")),  # 5%, 1.1%
]


def build(engine: Engine, n: int, batch: int = 2000) -> None:
    """Fill an empty database with n synthetic documents (FTS kept in sync by the schema)."""
    upgrade(engine)
    docs = list(documents(n))
    with engine.begin() as conn:
        for table, names in ((Archive.__table__, sorted({d["archive"] for d in docs})),):
            conn.execute(
                insert(table),
                [{"abbreviation": a, "name": name, "country": None} for a, name in names],
            )
        conn.execute(insert(Person.__table__), [{"name": p, "display_name": " ".join(reversed(p.split(", "))), "sort_name": p}
                                                for p in sorted({p for d in docs for p in d["people"]})])  # fmt: skip
        conn.execute(
            insert(Language.__table__), [{"name": x} for x in sorted({d["language"] for d in docs})]
        )
        archives = dict(conn.execute(select(Archive.abbreviation, Archive.id)).all())
        people = dict(conn.execute(select(Person.name, Person.id)).all())
        languages = dict(conn.execute(select(Language.name, Language.id)).all())
    for start in range(0, n, batch):
        chunk = docs[start : start + batch]
        with engine.begin() as conn:
            rows = [{"record_id": d["record_id"], "url": f"https://example.org/document/{d['record_id']}",
                     "title": d["title"], "date_text": d["date"].strftime("%B %-d, %Y"), "date_start": d["date"],
                     "date_end": d["date"], "date_precision": "day", "summary": d["summary"], "text": d["text"],
                     "subjects": d["subjects"], "source": d["source"], "people": d["people"],
                     "languages": [d["language"]], "content_hash": d["record_id"]} for d in chunk]  # fmt: skip
            conn.execute(insert(Document.__table__), rows)
            ids = dict(conn.execute(select(Document.record_id, Document.id).where(
                Document.record_id.in_([d["record_id"] for d in chunk]))).all())  # fmt: skip
            conn.execute(insert(Citation.__table__), [
                {"document_id": ids[d["record_id"]], "position": 0, "raw": d["source"], "kind": "archive", "parsed": True,
                 "repository": d["archive"][0], "archive_id": archives[d["archive"][0]],
                 "fond": d["source"].split("f. ")[1].split(",")[0]} for d in chunk])  # fmt: skip
            conn.execute(insert(document_people), [
                {"document_id": ids[d["record_id"]], "entity_id": people[p], "position": i, "role": "associated"}
                for d in chunk for i, p in enumerate(d["people"])])  # fmt: skip
            conn.execute(insert(document_languages), [
                {"document_id": ids[d["record_id"]], "entity_id": languages[d["language"]], "position": 0} for d in chunk])  # fmt: skip
    if engine.dialect.name == "postgresql":
        # A running server has analyzed the tables (autovacuum does after a bulk load); the
        # measure starts right after the load, so it is done here, as autovacuum would.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))


def da_search(engine: Engine, query: str, filters: Filters) -> int:
    """What `da search` asks of the database (cli/main.py run_search): the page of hits
    (ranked, with snippets) and, for a full page, the bounded count ("20 of 38"), which the
    ranking gives on the way where it scored every match."""
    page = search_page(engine, query, filters, limit=20)
    if len(page.hits) == 20 and page.total is None:
        count_matches(engine, query, filters)
    return len(page.hits)


def bare(engine: Engine, query: str, filters: Filters) -> int:
    """The engine's own query for the same words, without filters, snippets or counts: FTS5
    ranked by `rank`, or tsvector ranked by ts_rank; a date-only query on the date index."""
    with engine.connect() as conn:
        dialect = conn.dialect.name
        if not query:
            sql = ("SELECT id FROM documents WHERE date_start >= :date_from AND date_start <= :date_to "
                   "ORDER BY date_start LIMIT 20")  # fmt: skip
            params: dict[str, Any] = {"date_from": filters.date_from, "date_to": filters.date_to}
        elif dialect == "sqlite":
            sql = "SELECT rowid FROM documents_fts WHERE documents_fts MATCH :q ORDER BY rank LIMIT 20"
            params = {"q": fts5_query(query)}
        else:
            sql = ("SELECT id FROM documents WHERE search_vector @@ to_tsquery('english', :q) "
                   "ORDER BY ts_rank(search_vector, to_tsquery('english', :q)) DESC LIMIT 20")  # fmt: skip
            params = {"q": tsquery(query)}
        return len(conn.execute(text(sql), params).all())


def _percentiles(timings: list[float]) -> tuple[float, float, float]:
    timings = sorted(timings)
    return (round(statistics.median(timings), 2), round(timings[int(0.95 * (len(timings) - 1))], 2),
            round(timings[-1], 2))  # fmt: skip


def measure(engine: Engine, repeats: int = 5) -> dict[str, Any]:
    """Latency of each query, ours (`da search`) and bare, after one warm-up run each, in
    milliseconds; ours / bare as ratios."""
    ours: list[float] = []
    theirs: list[float] = []
    per_query = []
    hits = []
    for query, filters in QUERIES:
        timings = {}
        for name, function, into in (("ours", da_search, ours), ("bare", bare, theirs)):
            found = function(
                engine, query, filters
            )  # warm the caches, as a running service would be
            runs = []
            for _ in range(repeats):
                started = time.perf_counter()
                function(engine, query, filters)
                runs.append((time.perf_counter() - started) * 1000)
            into.extend(runs)
            timings[name] = round(statistics.median(runs), 2)
            if name == "ours":
                hits.append(found)
        per_query.append({"query": query, "filters": {k: str(v) for k, v in vars(filters).items() if v},
                          "ours_ms": timings["ours"], "bare_ms": timings["bare"],
                          "ratio": round(timings["ours"] / max(timings["bare"], 0.01), 2)})  # fmt: skip
    p50, p95, top = _percentiles(ours)
    bare_p50, bare_p95, _ = _percentiles(theirs)
    return {
        "queries": len(QUERIES),
        "runs": len(ours),
        "p50_ms": p50,
        "p95_ms": p95,
        "max_ms": top,
        "bare_p50_ms": bare_p50,
        "bare_p95_ms": bare_p95,
        "ratio_p50": round(p50 / max(bare_p50, 0.01), 2),
        "ratio_p95": round(p95 / max(bare_p95, 0.01), 2),
        "queries_with_hits": sum(1 for h in hits if h),
        "per_query": per_query,
    }


def run(url: str, n: int) -> dict[str, Any]:
    engine = make_engine(url)
    try:
        started = time.perf_counter()
        build(engine, n)
        built = time.perf_counter() - started
        return {"documents": n, "build_s": round(built, 1)} | measure(engine)
    finally:
        engine.dispose()
