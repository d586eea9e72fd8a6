"""models/readonly.py: the read-only SQLite engine `da` reads through gives the rows a
SQLAlchemy engine gives on the same file (searches, counts, the API models/search.py and
cli/queries.py use), never creates or writes the file, and imports no SQLAlchemy."""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from items import DocumentItem
from models.db import make_engine, prepare_database
from models.readonly import ReadOnlyEngine, ReadOnlyError, run
from models.search import Filters, count_matches, matching_ids, search
from models.store import ArchiveStore

SITE = "https://digitalarchive.wilsoncenter.org"


def item(record_id: str, title: str, text: str, date: str) -> DocumentItem:
    return DocumentItem(
        url=f"{SITE}/document/{record_id}", canonical_url=f"{SITE}/document/{record_id}",
        record_id=record_id, title=title, text=text, date_text=date, date_start=date,
        date_end=date, date_precision="day", summary=f"About {title.lower()}.",
    )  # fmt: skip


ITEMS = [
    item("1", "Armistice talks", "The armistice talks at Kaesong resumed.", "1951-07-10"),
    item("2", "Armistice signed", "The armistice agreement was signed at Panmunjom.", "1953-07-27"),
    item("3", "Prisoners", "Prisoners of war and the armistice commission.", "1953-04-20"),
    item("4", "Stalin to Mao", "A telegram about the talks, not the truce.", "1952-02-01"),
]


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("readonly") / "archive.db"
    engine = prepare_database(f"sqlite:///{path}")
    try:
        ArchiveStore(engine).documents.save(ITEMS, None)
    finally:
        engine.dispose()
    yield path


@pytest.fixture(scope="module")
def engines(db) -> Iterator[tuple[ReadOnlyEngine, object]]:
    heavy = make_engine(f"sqlite:///{db}")
    yield ReadOnlyEngine(db), heavy
    heavy.dispose()


SEARCHES = [
    ("armistice", Filters(), "rank"),
    ("armistice", Filters(), "date"),
    ("talks OR prisoners", Filters(date_from=dt.date(1952, 1, 1)), "rank"),
    ("", Filters(date_from=dt.date(1951, 1, 1), date_to=dt.date(1953, 5, 1)), "rank"),
    ('"armistice agreement"', Filters(), "rank"),
    ("armist*", Filters(date_to=dt.date(1952, 12, 31)), "rank"),
]


@pytest.mark.parametrize(("query", "filters", "sort"), SEARCHES)
def test_search_gives_the_same_hits_on_both_engines(engines, query, filters, sort):
    light, heavy = engines
    hits = search(light, query, filters, limit=10, sort=sort)
    assert hits == search(heavy, query, filters, limit=10, sort=sort)
    assert count_matches(light, query, filters) == count_matches(heavy, query, filters)
    assert hits


def test_matching_ids_are_the_same(engines):
    light, heavy = engines
    filters = Filters(date_from=dt.date(1952, 1, 1))
    with light.connect() as a, heavy.connect() as b:
        assert matching_ids(a, filters) == matching_ids(b, filters) != []


def test_the_result_api_matches_sqlalchemy(engines):
    light, heavy = engines
    sql = "SELECT record_id, title FROM documents WHERE date_start >= :d ORDER BY record_id"
    params = {"d": dt.date(1952, 1, 1)}
    with light.connect() as a, heavy.connect() as b:
        assert a.dialect.name == b.dialect.name == "sqlite"
        for method in ("all", "first"):
            got = getattr(run(a, sql, params), method)()
            want = getattr(run(b, sql, params), method)()
            assert (list(map(tuple, got)) if method == "all" else tuple(got)) == (
                list(map(tuple, want)) if method == "all" else tuple(want)
            )
        assert list(run(a, sql, params).scalars()) == list(run(b, sql, params).scalars())
        assert run(a, sql, params).scalars().all() == list(run(b, sql, params).scalars().all())
        assert run(a, sql, params).scalar() == run(b, sql, params).scalar() == "2"
        assert [dict(r) for r in run(a, sql, params).mappings()] == [
            dict(r) for r in run(b, sql, params).mappings()
        ]
        assert run(a, sql, params).mappings().all() == [
            dict(r) for r in run(b, sql, params).mappings().all()
        ]
        one = "SELECT count(*) AS n FROM documents"
        assert run(a, one).scalar_one() == run(b, one).scalar_one() == 4
        assert run(a, one).mappings().one() == dict(run(b, one).mappings().one()) == {"n": 4}
        assert [tuple(r) for r in run(a, sql, params)] == [tuple(r) for r in run(b, sql, params)]
        with pytest.raises(ReadOnlyError):
            run(a, sql, params).one()
        with pytest.raises(ReadOnlyError):
            run(a, "SELECT 1 WHERE 0").one()
        assert run(a, "SELECT 1 WHERE 0").first() is None


def test_the_file_is_read_only(db):
    with ReadOnlyEngine(db).connect() as conn, pytest.raises(sqlite3.OperationalError):
        run(conn, "DELETE FROM documents")


def test_a_missing_file_is_not_created(tmp_path):
    missing = tmp_path / "no such dir?" / "archive.db"
    with pytest.raises(sqlite3.OperationalError):
        ReadOnlyEngine(missing).connect()
    assert not missing.exists() and not missing.parent.exists()


def test_a_path_with_uri_characters(tmp_path, db):
    odd = tmp_path / "a #b ?c %20" / "archive.db"
    odd.parent.mkdir()
    odd.write_bytes(db.read_bytes())
    with ReadOnlyEngine(odd).connect() as conn:
        assert run(conn, "SELECT count(*) FROM documents").scalar_one() == 4


def test_run_refuses_what_is_no_connection():
    with pytest.raises(TypeError):
        run(object(), "SELECT 1")  # type: ignore[arg-type]


def test_importing_it_imports_no_sqlalchemy(db):
    code = (
        "import sys; from models.readonly import ReadOnlyEngine, run; "
        "from models.search import search; "
        f"engine = ReadOnlyEngine({str(db)!r}); "
        "run(engine.connect(), 'SELECT 1').scalar_one(); search(engine, 'armistice'); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sqlalchemy'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        cwd=Path(__file__).parents[2],
    ).stdout  # fmt: skip
    assert out == "[]\n"
