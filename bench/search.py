"""Search benchmark: p50 / p95 latency of 20 typical analyst queries over a synthetic
archive (50,000 documents by default), on SQLite (FTS5) and PostgreSQL (tsvector + GIN)."""

from __future__ import annotations

import datetime as dt
import statistics
import time
from typing import Any

from sqlalchemy import Engine, insert, select

from bench.synthetic import documents
from models.db import make_engine, upgrade
from models.search import Filters, search
from models.tables import (
    Archive,
    Citation,
    Document,
    Language,
    Person,
    document_languages,
    document_people,
)

QUERIES: list[tuple[str, Filters]] = [
    ("armistice", Filters()),
    ("demarcation line", Filters()),
    ('"demarcation line"', Filters()),
    ("armist*", Filters()),
    ("prisoners repatriation", Filters()),
    ("Kaesong", Filters(date_from=dt.date(1951, 1, 1), date_to=dt.date(1953, 12, 31))),
    ("ceasefire", Filters(archive="RGASPI")),
    ("telegram", Filters(archive="RGASPI", fond="558")),
    ("nuclear disarmament", Filters(date_from=dt.date(1960, 1, 1))),
    ("railway engineers", Filters(person="Stalin")),
    ("credit loan", Filters(language="Chinese")),
    ("Panmunjom", Filters(person="Zhou Enlai")),
    ("summit conference", Filters(date_to=dt.date(1955, 12, 31))),
    ("missile", Filters(archive="NARA")),
    ("refugees border", Filters()),
    ("aviation front", Filters(date_from=dt.date(1950, 6, 1), date_to=dt.date(1950, 12, 31))),
    ("politburo resolution", Filters(archive="APRF")),
    ("harvest famine", Filters(language="Russian")),
    ("", Filters(date_from=dt.date(1953, 7, 1), date_to=dt.date(1953, 7, 31))),
    ("security council", Filters(person="Gromyko")),
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


def measure(engine: Engine, repeats: int = 5) -> dict[str, Any]:
    """Latency of each query (after one warm-up run), in milliseconds."""
    timings: list[float] = []
    hits = []
    for query, filters in QUERIES:
        search(engine, query, filters, limit=20)  # warm the caches, as a running service would be
        for _ in range(repeats):
            started = time.perf_counter()
            found = search(engine, query, filters, limit=20)
            timings.append((time.perf_counter() - started) * 1000)
        hits.append(len(found))
    timings.sort()
    return {
        "queries": len(QUERIES),
        "runs": len(timings),
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 2),
        "max_ms": round(timings[-1], 2),
        "queries_with_hits": sum(1 for h in hits if h),
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
