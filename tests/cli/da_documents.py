"""Small databases of hand-written documents for the `da` tests: stored through the real
store (models.store), on SQLite or PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import _postgres_database

from items import DocumentItem, Version, VersionType
from models.db import prepare_database
from models.store import ArchiveStore

SITE = "https://digitalarchive.wilsoncenter.org"


def item(
    record_id: str, title: str, text: str = "", date: str | None = None, **fields
) -> DocumentItem:
    return DocumentItem(
        url=f"{SITE}/document/{record_id}", canonical_url=f"{SITE}/document/{record_id}",
        record_id=record_id, title=title, text=text or None, date_text=date,
        date_start=date, date_end=date, date_precision="day" if date else None, **fields,
    )  # fmt: skip


def translation(html: str) -> Version:
    return Version(type=VersionType.TRANSLATION, language="English", html=html)


def store(url: str, items: list[DocumentItem]) -> None:
    engine = prepare_database(url)
    try:
        ArchiveStore(engine).documents.save(items, None)
    finally:
        engine.dispose()


def database(
    request: pytest.FixtureRequest, tmp_path_factory, items: list[DocumentItem]
) -> Iterator[str]:
    """A database holding the items, on request.param's engine; dropped afterwards."""
    databases: Iterator[str] | None = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('da') / 'archive.db'}"
    else:
        databases = _postgres_database()
        url = next(databases)
    store(url, items)
    yield url
    for _ in databases or ():
        pass
