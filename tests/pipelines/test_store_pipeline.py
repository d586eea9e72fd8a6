"""StorePipeline in process, on a real run: RunExtension started on a SQLite file, items
fed by hand, and what the database and the crawler's stats (`archive/count/…`) then hold."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import DOCUMENTS, fixture_html, page_path, page_url
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler
from sqlalchemy import func, select

from extensions.run import RunExtension
from items import (
    CollectionItem,
    DocumentItem,
    FetchedPage,
    FetchRecord,
    HttpInfo,
    ListingEntry,
    Outcome,
    RejectedItem,
    SiteGeneration,
    Version,
)
from models.tables import Collection, Document, DocumentCollection, FetchState
from models.tables import RejectedItem as RejectedRow
from pipelines.citations import CitationsPipeline
from pipelines.clean import CleanTextPipeline
from pipelines.dates import DatesPipeline
from pipelines.names import NamesPipeline
from pipelines.store import StorePipeline
from spiders.collection import CollectionSpider
from spiders.pages import parse_current_document, parse_legacy_document

PARSERS = {"current": parse_current_document, "legacy": parse_legacy_document}
NORMALIZERS = (CleanTextPipeline(), DatesPipeline(), CitationsPipeline(), NamesPipeline())
RUN_EXTENSION = {"extensions.run.RunExtension": 100}
BATCH_SIZE = 3


def normalized_item(doc: dict) -> DocumentItem:
    """A fixture page as the pipelines before the store hand it on."""
    item = PARSERS[doc["generation"]](fixture_html(page_path(doc)), page_url(doc))
    for pipeline in NORMALIZERS:
        pipeline.process_item(item)
    return item


ITEMS = [normalized_item(doc) for doc in DOCUMENTS[:5]]


def documents() -> list[DocumentItem]:
    return copy.deepcopy(ITEMS)


def make_crawler(settings: dict) -> Crawler:
    crawler = get_crawler(CollectionSpider, {"EXTENSIONS": RUN_EXTENSION, **settings})
    crawler.spider = crawler._create_spider()
    crawler.stats.open_spider()
    return crawler


@pytest.fixture
def crawler(tmp_path: Path) -> Iterator[Crawler]:
    crawler = make_crawler(
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'archive.db'}", "DA_BATCH_SIZE": BATCH_SIZE}
    )
    run = crawler.get_extension(RunExtension)
    assert run is not None
    run.spider_opened(crawler.spider)
    yield crawler
    run.spider_closed(crawler.spider, "finished")
    assert run.engine is not None
    run.engine.dispose()


@pytest.fixture
def pipeline(crawler: Crawler) -> Iterator[StorePipeline]:
    pipeline = StorePipeline.from_crawler(crawler)
    pipeline.open_spider()
    yield pipeline
    if pipeline.ticker is not None and pipeline.ticker.running:
        pipeline.ticker.stop()


def rows(pipeline: StorePipeline, table) -> int:
    with pipeline.run.store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def counts(crawler: Crawler) -> dict[str, int]:
    prefix = "archive/count/"
    return {
        k.removeprefix(prefix): v
        for k, v in crawler.stats.get_stats().items()
        if k.startswith(prefix)
    }


def test_from_crawler_refuses_without_the_run_extension():
    crawler = make_crawler({"DA_RUN_ENABLED": False})
    with pytest.raises(NotConfigured):
        StorePipeline.from_crawler(crawler)


def test_documents_wait_until_a_batch_is_full(pipeline, crawler):
    items = documents()
    for item in items[: BATCH_SIZE - 1]:
        assert pipeline.process_item(item) is item
    assert rows(pipeline, Document) == 0
    assert "documents_new" not in counts(crawler)
    pipeline.process_item(items[BATCH_SIZE - 1])
    assert rows(pipeline, Document) == BATCH_SIZE
    assert counts(crawler)["documents_new"] == BATCH_SIZE


def test_close_spider_writes_what_is_left(pipeline, crawler):
    for item in documents()[: BATCH_SIZE - 1]:
        pipeline.process_item(item)
    pipeline.close_spider()
    assert rows(pipeline, Document) == BATCH_SIZE - 1
    assert counts(crawler)["documents_new"] == BATCH_SIZE - 1


def test_a_document_stored_again_counts_unchanged(pipeline, crawler):
    pipeline.process_item(documents()[0])
    pipeline.flush()
    pipeline.process_item(documents()[0])
    pipeline.close_spider()
    assert rows(pipeline, Document) == 1
    assert (counts(crawler)["documents_new"], counts(crawler)["documents_unchanged"]) == (1, 1)


def test_not_modified_document_counts_unchanged_and_keeps_its_fetch_state(pipeline, crawler):
    url = ITEMS[0].url
    pipeline.process_item(FetchRecord(url, FetchedPage.DOCUMENT, HttpInfo(304, [url])))
    assert counts(crawler)["documents_unchanged"] == 1
    pipeline.close_spider()
    with pipeline.run.store.engine.connect() as conn:
        status = conn.execute(select(FetchState.http_status).where(FetchState.url == url))
        assert status.scalar_one() == 304


def test_listing_fetch_record_keeps_the_body_for_a_replay(pipeline, crawler):
    url = "https://digitalarchive.wilsoncenter.org/collection/169/korean-war-armistice"
    body = b"<html><body>the listing</body></html>"
    http = HttpInfo(200, [url], etag='"l1"', body_hash="h", body=body)
    pipeline.process_item(FetchRecord(url, FetchedPage.LISTING, http))
    pipeline.close_spider()
    assert pipeline.run.store.fetch_state.stored_body(url) == body
    assert "documents_unchanged" not in counts(crawler)


def test_rejected_item_is_stored_with_its_reason_and_counted(pipeline, crawler):
    rejected = RejectedItem(url="https://x/document/1", reason="challenge page", http_status=200)
    assert pipeline.process_item(rejected) is rejected
    assert rejected.spider == "collection"  # filled in from the crawler's spider
    pipeline.close_spider()
    with pipeline.run.store.engine.connect() as conn:
        row = conn.execute(select(RejectedRow)).mappings().one()
    assert (row["url"], row["reason"], row["outcome"], row["spider"]) == (
        "https://x/document/1",
        "challenge page",
        "rejected",
        "collection",
    )
    assert row["crawl_run_id"] == pipeline.run.run_id
    assert counts(crawler)["rejected"] == 1


def test_failed_item_counts_failed(pipeline, crawler):
    pipeline.process_item(
        RejectedItem(url="https://x/document/2", reason="HTTP 500", outcome=Outcome.FAILED)
    )
    assert counts(crawler)["failed"] == 1
    assert "rejected" not in counts(crawler)


def test_collection_is_stored_and_linked_to_its_documents(pipeline, crawler):
    items = documents()
    entries = [
        ListingEntry(url=i.url, position=n, record_id=i.record_id) for n, i in enumerate(items)
    ]
    collection = CollectionItem(
        collection_id="169",
        url="https://digitalarchive.wilsoncenter.org/collection/169/korean-war-armistice",
        site_generation=SiteGeneration.LEGACY,
        title="Korean War Armistice",
        documents=entries,
    )
    assert pipeline.process_item(collection) is collection
    assert rows(pipeline, Collection) == 1
    assert (counts(crawler)["collections"], counts(crawler)["collections_new"]) == (1, 1)
    for item in items:
        pipeline.process_item(item)
    pipeline.close_spider()
    assert rows(pipeline, DocumentCollection) == len(items)
    assert counts(crawler)["unlinked_listing_rows"] == 0


def test_not_found_page_of_a_stored_document_marks_it_withdrawn(pipeline, crawler):
    item = documents()[0]
    pipeline.process_item(item)
    pipeline.flush()
    pipeline.process_item(
        RejectedItem(url=item.url, reason="HTTP 404", outcome=Outcome.FAILED, http_status=404)
    )
    pipeline.close_spider()
    assert counts(crawler)["withdrawn"] == 1
    assert counts(crawler)["failed"] == 1
    with pipeline.run.store.engine.connect() as conn:
        withdrawn = conn.execute(select(Document.withdrawn_at)).scalar_one()
    assert withdrawn is not None


def test_not_found_page_of_no_stored_document_withdraws_nothing(pipeline, crawler):
    pipeline.process_item(documents()[0])
    pipeline.flush()
    pipeline.process_item(
        RejectedItem(
            url="https://x/document/9", reason="HTTP 404", outcome=Outcome.FAILED, http_status=404
        )
    )
    pipeline.close_spider()
    assert counts(crawler)["withdrawn"] == 0
    with pipeline.run.store.engine.connect() as conn:
        assert conn.execute(select(Document.withdrawn_at)).scalar_one() is None


def test_a_document_the_database_refuses_is_recorded_failed_and_the_batch_stored(pipeline, crawler):
    good, bad, other = documents()[:3]
    bad.versions = [Version(None)]  # type: ignore[arg-type]  # NOT NULL in the table: fails
    for item in (good, bad, other):
        pipeline.process_item(item)
    pipeline.close_spider()
    assert rows(pipeline, Document) == 2
    assert (counts(crawler)["documents_new"], counts(crawler)["failed"]) == (2, 1)
    with pipeline.run.store.engine.connect() as conn:
        row = conn.execute(select(RejectedRow)).mappings().one()
    assert (row["url"], row["outcome"], row["spider"]) == (bad.url, "failed", "collection")
    assert row["reason"].startswith("database error: ")
    assert row["payload"]["record_id"] == bad.record_id


def test_nothing_is_written_when_the_run_never_started(tmp_path):
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    crawler = make_crawler({"DATABASE_URL": url, "DA_BATCH_SIZE": 1})
    pipeline = StorePipeline.from_crawler(crawler)  # the extension is on, its run not started
    pipeline.process_item(documents()[0])
    pipeline.process_item(CollectionItem(collection_id="169", url="u"))
    pipeline.close_spider()
    assert not (tmp_path / "archive.db").exists()
    assert "documents_new" not in counts(crawler)


def test_a_collection_the_database_refuses_is_recorded_failed(pipeline, crawler):
    url = "https://digitalarchive.wilsoncenter.org/collection/1/none"
    pipeline.process_item(CollectionItem(collection_id=None, url=url))  # type: ignore[arg-type]
    assert counts(crawler)["failed"] == 1
    assert "collections" not in counts(crawler)
    pipeline.close_spider()
    with pipeline.run.store.engine.connect() as conn:
        row = conn.execute(select(RejectedRow)).mappings().one()
    assert (row["url"], row["outcome"]) == (url, "failed")
    assert row["reason"].startswith("database error: IntegrityError")
