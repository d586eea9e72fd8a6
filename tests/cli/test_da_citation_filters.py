"""`da search --archive/--fond/--credit/--kind` find the documents that real source strings
belong to: the corpus's strings are stored through the citation pipeline and the real store,
and each filter must return exactly the documents whose expected parse (written by reading)
has that archive, fond, credit or kind. On SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from conftest import _postgres_database
from test_cli import da

from fixtures.real_citations import differences, load
from items import DocumentItem
from models.db import prepare_database
from models.store import ArchiveStore
from pipelines.citations import CitationsPipeline

# The strings the parser gets exactly right (the others are listed by `make citations-report`).
SOURCES = [s for s in load() if not differences(s)]
RECORD = {s.text: str(100000 + i) for i, s in enumerate(SOURCES)}


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def corpus_db(request, tmp_path_factory):
    databases = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('corpus') / 'archive.db'}"
    else:
        databases = _postgres_database()
        url = next(databases)
    engine = prepare_database(url)
    items = []
    for source in SOURCES:
        item = DocumentItem(
            url=f"https://digitalarchive.wilsoncenter.org/document/{source.slugs[0]}",
            record_id=RECORD[source.text], title=source.text[:80], source=source.text,
        )  # fmt: skip
        CitationsPipeline().process_item(item)
        items.append(item)
    ArchiveStore(engine).documents.save(items, None)
    engine.dispose()
    yield url
    for _ in databases or ():
        pass


def found(capsys, db: str, *filters: str) -> set[str]:
    code, out, err = da(capsys, "--db", db, "search", *filters, "--limit", "1000", "--json")
    assert code == 0, err
    return {hit["record_id"] for hit in json.loads(out)}


def expected(test) -> set[str]:
    return {RECORD[s.text] for s in SOURCES if test(s)}


ARCHIVES = sorted({c["archive"] for s in SOURCES for c in s.citations if c.get("archive")})
FONDS = sorted(
    {
        (c["archive"], c["fond"])
        for s in SOURCES
        for c in s.citations
        if c.get("fond") and c.get("archive")
    }
)
NAMES = sorted({n for s in SOURCES for names in s.credits.values() for n in names})


def test_the_corpus_is_stored(capsys, corpus_db):
    assert len(found(capsys, corpus_db)) == min(len(SOURCES), 1000)


@pytest.mark.parametrize("archive", ARCHIVES)
def test_archive_filter(capsys, corpus_db, archive):
    """--archive matches a part of the canonical name (and abbreviations, repositories)."""
    want = expected(
        lambda s: any(archive.lower() in (c.get("archive") or "").lower() for c in s.citations)
    )
    assert found(capsys, corpus_db, "--archive", archive) == want


@pytest.mark.parametrize(("archive", "fond"), FONDS)
def test_fond_filter(capsys, corpus_db, archive, fond):
    want = expected(
        lambda s: any(c.get("archive") == archive and c.get("fond") == fond for c in s.citations)
    )
    assert found(capsys, corpus_db, "--archive", archive, "--fond", fond) == want


@pytest.mark.parametrize("name", NAMES)
def test_credit_filter(capsys, corpus_db, name):
    want = expected(
        lambda s: any(name.lower() in n.lower() for names in s.credits.values() for n in names)
    )
    assert found(capsys, corpus_db, "--credit", name) == want


@pytest.mark.parametrize("kind", ["archive", "publication"])
def test_kind_filter(capsys, corpus_db, kind):
    want = expected(lambda s: any(c.get("kind") == kind for c in s.citations))
    assert found(capsys, corpus_db, "--kind", kind) == want
