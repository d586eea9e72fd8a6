"""A synthetic archive in a real database (bench/search.py's builder, bench/synthetic.py's
documents), with a country for each archive so that the timeline has stacks to draw."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import text

from bench.search import build
from models.db import make_engine

COUNTRIES = {"APRF": "Russia", "RGASPI": "Russia", "AVP RF": "Russia", "PRC FMA": "China",
             "NARA": "United States"}  # fmt: skip


def synthetic_database(kind: str, tmp: Path, n: int = 3000) -> Iterator[str]:
    """The URL of a database of n synthetic documents, on SQLite or PostgreSQL (dropped after)."""
    if kind == "sqlite":
        databases: Iterator[str] = iter([f"sqlite:///{tmp / 'synthetic.db'}"])
    else:
        from conftest import _postgres_database

        databases = _postgres_database()
    url = next(databases)
    engine = make_engine(url)
    try:
        build(engine, n)
        with engine.begin() as conn:
            for abbreviation, country in COUNTRIES.items():
                conn.execute(
                    text("UPDATE archives SET country = :c WHERE abbreviation = :a"),
                    {"c": country, "a": abbreviation},
                )
    finally:
        engine.dispose()
    yield url
    for _ in databases:  # drops the PostgreSQL database
        pass
