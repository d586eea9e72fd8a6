"""A re-crawl never replaces a stored value with an empty one: the value stays, the event
is recorded in rejected_items, and real changes still update the row."""

from __future__ import annotations

import copy

import pytest
from conftest import DOCUMENTS, fixture_html, page_path, page_url
from sqlalchemy import select

from models.db import make_engine, upgrade
from models.store import ArchiveStore
from models.tables import Document, DocumentRevision
from models.tables import RejectedItem as RejectedRow
from pipelines.citations import CitationsPipeline
from pipelines.clean import CleanTextPipeline
from pipelines.dates import DatesPipeline
from pipelines.names import NamesPipeline
from spiders.pages import parse_current_document

MAO = next(d for d in DOCUMENTS if d["record_id"] == "113071")


@pytest.fixture
def store(database_url):
    engine = make_engine(database_url)
    upgrade(engine)
    yield ArchiveStore(engine)
    engine.dispose()


@pytest.fixture
def mao():
    item = parse_current_document(fixture_html(page_path(MAO)), page_url(MAO))
    for pipeline in (CleanTextPipeline(), DatesPipeline(), CitationsPipeline(), NamesPipeline()):
        pipeline.process_item(item)
    return item


def stored(store, *columns):
    with store.engine.connect() as conn:
        return conn.execute(
            select(*(getattr(Document, c) for c in columns)).where(Document.record_id == "113071")
        ).one()


def test_an_emptied_field_keeps_its_stored_value_and_is_recorded(store, mao):
    store.documents.save([copy.deepcopy(mao)], None)
    blank = copy.deepcopy(mao)
    blank.summary, blank.subjects = None, []
    assert store.documents.save([blank], None).counts == {"unchanged": 1}
    assert tuple(stored(store, "summary", "subjects")) == (mao.summary, mao.subjects)
    with store.engine.connect() as conn:
        [reject] = conn.execute(select(RejectedRow)).mappings().all()
        revisions = conn.execute(select(DocumentRevision)).all()
    assert (
        reject["reason"] == "markup: summary, subjects came out empty; the stored values are kept"
    )
    assert reject["payload"] == {"kept": ["summary", "subjects"]}
    assert revisions == []


def test_the_same_emptied_page_again_counts_the_event_again(store, mao):
    store.documents.save([copy.deepcopy(mao)], None)
    for _ in range(2):
        blank = copy.deepcopy(mao)
        blank.summary = None
        store.documents.save([blank], None)
    with store.engine.connect() as conn:
        [reject] = conn.execute(select(RejectedRow)).mappings().all()
    assert reject["attempts"] == 2


def test_a_real_change_beside_an_emptied_field_updates_only_what_changed(store, mao):
    store.documents.save([copy.deepcopy(mao)], None)
    edited = copy.deepcopy(mao)
    edited.summary, edited.title = None, mao.title + " (revised)"
    assert store.documents.save([edited], None).counts == {"updated": 1}
    assert tuple(stored(store, "title", "summary")) == (mao.title + " (revised)", mao.summary)
    with store.engine.connect() as conn:
        [revision] = conn.execute(select(DocumentRevision)).mappings().all()
    assert revision["changed_fields"] == ["title"]
