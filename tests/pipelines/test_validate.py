"""ValidatePipeline: invalid items become RejectedItems with their reasons, never dropped."""

from __future__ import annotations

import pytest
from scrapy.utils.test import get_crawler

from items import (
    CollectionItem,
    DocumentItem,
    ListingEntry,
    RejectedItem,
    Version,
    VersionType,
)
from pipelines.validate import ValidatePipeline, validation_errors
from spiders.collection import CollectionSpider


def valid_document(**changes) -> DocumentItem:
    fields = {
        "url": "https://x/document/1",
        "title": "Cable",
        "record_id": "1",
        "site_generation": "current",
        "uploaded_date": "2013-04-02",
    }
    return DocumentItem(**(fields | changes))


@pytest.fixture
def pipeline():
    crawler = get_crawler(CollectionSpider)
    crawler.spider = crawler._create_spider()
    crawler.stats.open_spider()
    return ValidatePipeline.from_crawler(crawler)


def test_valid_document_passes(pipeline):
    item = valid_document()
    assert pipeline.process_item(item) is item


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"title": None}, "missing title"),
        ({"record_id": None}, "missing record_id and canonical_url"),
        ({"record_id": "12a"}, "record_id is not a number: '12a'"),
        ({"site_generation": "future"}, "unknown site_generation 'future'"),
        ({"uploaded_date": "April 2, 2013"}, "uploaded_date is not YYYY-MM-DD: 'April 2, 2013'"),
        ({"versions": [Version("scan", url="u")]}, "unknown version type 'scan'"),  # type: ignore[arg-type]
        ({"versions": [Version(VersionType.ORIGINAL)]}, "version without url or html"),
    ],
)
def test_invalid_document_becomes_rejected_item(pipeline, changes, reason):
    result = pipeline.process_item(valid_document(**changes))
    assert isinstance(result, RejectedItem)
    assert result.reason == f"invalid item: {reason}"
    assert result.outcome == "rejected"
    assert result.payload["url"] == "https://x/document/1"
    assert result.spider == "collection"


def test_canonical_url_is_enough_without_record_id():
    assert (
        validation_errors(valid_document(record_id=None, canonical_url="https://x/document/a"))
        == []
    )


def test_collection_needs_an_id_and_unique_positions():
    item = CollectionItem(
        collection_id="", url="u", documents=[ListingEntry("u", 0), ListingEntry("v", 0)]
    )
    assert validation_errors(item) == [
        "missing collection_id",
        "duplicate positions in the listing",
    ]


def test_rejected_items_pass_through(pipeline):
    item = RejectedItem(url="u", reason="challenge page")
    assert pipeline.process_item(item) is item
