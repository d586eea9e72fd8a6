"""What every export must say about each document, read from the database with SQL of its own
(not through cli/export.py), and the databases the export tests run on: the fixture crawl
(48 documents, real pages' data), 3,000 synthetic documents (bench/search.py's builder), and
the real captured page of ../shared/site/real/ crawled over loopback."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import SHARED_REAL, _postgres_database, run_scrapy
from sqlalchemy import text

from bench.search import build
from cli.main import main
from models.db import make_engine

CATALOG = "Wilson Center Digital Archive"
UNITS = (("f.", "fond"), ("op.", "opis"), ("d.", "delo"), ("p.", "papka"), ("ll.", "listy"))
REAL_PAGE = "document-aide-memoire-meeting-hamdi-o-mouknass.html"
SYNTHETIC_DOCUMENTS = 3000


def run_export(db: str, fmt: str, out: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """`da --db DB export --format FMT -o OUT`, checked to succeed; the file's text."""
    code = main(["--db", db, "export", "--format", fmt, "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 0, err
    return out.read_text(encoding="utf-8")


def location(citation: dict[str, Any]) -> str | None:
    """Where in the archive, as the export writes it: "f. 45, op. 1, d. 340, ll. 86-88"."""
    parts = [f"{label} {citation[name]}" for label, name in UNITS if citation[name]]
    return ", ".join(parts) or citation["reference"]


def expected(db: str) -> dict[str, dict[str, Any]]:
    """Per record id: the document's fields and its citations (archive's name from the
    archives table, in the citations' order), scans, credits."""
    engine = make_engine(db)
    try:
        with engine.connect() as conn:
            docs = {
                r["record_id"]: dict(r) | {"citations": [], "scans": []}
                for r in conn.execute(
                    text("""SELECT id, record_id, title, date_start, date_end, date_precision,
                            date_circa, date_text, coalesce(canonical_url, url) AS page_url, summary, languages, subjects,
                            topics, authors, fetched_at, document_type FROM documents""")
                ).mappings()
            }
            by_id = {d["id"]: d for d in docs.values()}
            for r in conn.execute(
                text("""SELECT c.document_id, c.kind, a.name AS archive, a.country, c.repository,
                        c.fond, c.opis, c.delo, c.papka, c.listy, c.reference, c.translated_by,
                        c.contributed_by, c.obtained_by FROM citations c
                        LEFT JOIN archives a ON a.id = c.archive_id
                        ORDER BY c.document_id, c.position""")
            ).mappings():
                by_id[r["document_id"]]["citations"].append(dict(r))
            for doc_id, url in conn.execute(
                text("""SELECT document_id, url FROM document_versions
                        WHERE type = 'original' AND url IS NOT NULL ORDER BY document_id, position""")
            ):
                by_id[doc_id]["scans"].append(url)
    finally:
        engine.dispose()
    for doc in docs.values():
        for name in ("languages", "subjects", "topics", "authors"):
            if isinstance(doc[name], str):
                doc[name] = json.loads(doc[name])
            doc[name] = doc[name] or []
        for c in doc["citations"]:
            for name in ("translated_by", "contributed_by", "obtained_by"):
                if isinstance(c[name], str):
                    c[name] = json.loads(c[name])
                c[name] = c[name] or []
        held = [
            c
            for c in doc["citations"]
            if c["kind"] == "archive" and (c["archive"] or c["repository"])
        ]
        doc["archives"] = [(c["archive"] or c["repository"], location(c)) for c in held]
        doc["archive"], doc["location"] = doc["archives"][0] if held else (None, None)
        doc["country"] = held[0]["country"] if held else None
        doc["translators"] = list(
            dict.fromkeys(n for c in doc["citations"] for n in c["translated_by"])
        )
        doc["keywords"] = list(dict.fromkeys(doc["subjects"] + doc["topics"]))
        for name in ("date_start", "date_end", "fetched_at"):
            if doc[name] is not None and not isinstance(doc[name], str):
                doc[name] = doc[name].isoformat()
    return docs


def crawled_fixture(tmp: Path, url: str | None = None) -> str:
    url = url or f"sqlite:///{tmp / 'crawled.db'}"
    result = run_scrapy("crawl", "collection", "-s", "DA_OFFLINE=1", "-s", f"DATABASE_URL={url}")
    assert result.returncode == 0, result.stderr[-2000:]
    return url


# Edge cases written into four crawled documents: characters BibTeX treats specially, a lone
# subject heading with a comma and a semicolon, a range, a decade and circa dates.
EDGE_CASES = {
    "113071": {"title": 'Telegram: 50% & $5 #1 _x_ {braces} ~ ^ \\ "quoted"',
               "subjects": '["Korean War, 1950-1953--Armistices; Truce talks"]', "topics": "[]"},
    "113620": {"date_precision": "range", "date_start": "1950-06-25", "date_end": "1953-07-27",
               "date_text": "June 25, 1950 - July 27, 1953"},
    "118977": {"date_precision": "decade", "date_start": "1950-01-01", "date_end": "1959-12-31",
               "date_circa": True, "date_text": "c. 1950s"},
    "113636": {"date_precision": "year", "date_start": "1953-01-01", "date_end": "1953-12-31",
               "date_circa": True, "date_text": "ca. 1953"},
}  # fmt: skip


def with_edge_cases(db: str) -> str:
    engine = make_engine(db)
    try:
        with engine.begin() as conn:
            for record_id, values in EDGE_CASES.items():
                sets = ", ".join(f"{k} = :{k}" for k in values)
                changed = conn.execute(
                    text(f"UPDATE documents SET {sets} WHERE record_id = :record_id"),
                    values | {"record_id": record_id},
                )
                assert changed.rowcount == 1, record_id
    finally:
        engine.dispose()
    return db


def synthetic(tmp: Path, kind: str = "sqlite") -> Iterator[str]:
    """SYNTHETIC_DOCUMENTS documents of bench/synthetic.py, each archive given its country."""
    databases = (
        iter([f"sqlite:///{tmp / 'synthetic.db'}"]) if kind == "sqlite" else _postgres_database()
    )
    url = next(databases)
    engine = make_engine(url)
    try:
        build(engine, SYNTHETIC_DOCUMENTS)
    finally:
        engine.dispose()
    yield url
    for _ in databases:
        pass


def real_capture(tmp: Path) -> str:
    """The real captured page, crawled over loopback by the document spider."""
    if not SHARED_REAL.exists():
        pytest.skip("../shared/site/real/ not present")
    from support.mirror import serve_in_thread

    root = tmp / "site"
    (root / "document").mkdir(parents=True)
    shutil.copy(SHARED_REAL / REAL_PAGE, root / "document" / REAL_PAGE.removeprefix("document-"))
    server, base_url = serve_in_thread(root)
    url = f"sqlite:///{tmp / 'real.db'}"
    try:
        result = run_scrapy("crawl", "document", "-a", "url=/document/" + REAL_PAGE.removeprefix("document-").removesuffix(".html"),
                            "-s", f"DA_BASE_URL={base_url}", "-s", f"DATABASE_URL={url}")  # fmt: skip
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr[-3000:]
    return url


@pytest.fixture(
    scope="module",
    params=[
        "fixture-crawl",
        pytest.param("fixture-crawl-postgresql", marks=pytest.mark.postgres),
        "synthetic-3000",
        "real-capture",
    ],
)
def export_db(request, tmp_path_factory) -> Iterator[str]:
    """A database to export: the fixture crawl with edge cases (SQLite, PostgreSQL), 3,000
    synthetic documents, the real captured page."""
    tmp = tmp_path_factory.mktemp(request.param)
    if request.param == "fixture-crawl":
        yield with_edge_cases(crawled_fixture(tmp))
    elif request.param == "fixture-crawl-postgresql":
        databases = _postgres_database()
        url = next(databases)
        yield with_edge_cases(crawled_fixture(tmp, url))
        for _ in databases:  # drops the database
            pass
    elif request.param == "synthetic-3000":
        yield from synthetic(tmp)
    else:
        yield real_capture(tmp)
