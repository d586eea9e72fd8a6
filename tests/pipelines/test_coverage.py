"""Field coverage, in process: which pages are quarantined, and when the run fails."""

from __future__ import annotations

import pytest
from scrapy.utils.test import get_crawler

from extensions.run import markup_changed
from items import DocumentItem, RejectedItem, SiteGeneration
from pipelines.coverage import CoveragePipeline, missing_fields
from spiders.document import DocumentSpider

COMPLETE = {
    "title": "Cable",
    "record_id": "1",
    "source": "APRF, f. 45",
    "uploaded_date": "2013-04-02",
    "languages": ["Russian"],
}


def document(generation=SiteGeneration.CURRENT, **changes) -> DocumentItem:
    return DocumentItem(
        url="https://x/document/1", site_generation=generation, **(COMPLETE | changes)
    )


@pytest.fixture
def pipeline():
    crawler = get_crawler(DocumentSpider)
    crawler.spider = crawler._create_spider(id="1")
    crawler.stats.open_spider()
    return CoveragePipeline.from_crawler(crawler)


def test_a_complete_page_passes(pipeline):
    item = document()
    assert pipeline.process_item(item) is item
    assert pipeline.crawler.stats.get_value("archive/coverage/checked") == 1


@pytest.mark.parametrize(
    ("generation", "changes", "missing"),
    [
        (SiteGeneration.CURRENT, {"source": None, "uploaded_date": None, "languages": []},
         ["source", "uploaded_date", "languages"]),
        (SiteGeneration.CURRENT, {"title": None}, ["title"]),
        (SiteGeneration.LEGACY, {"source": None, "languages": []}, []),  # not on every legacy page
        (SiteGeneration.LEGACY, {"record_id": None}, ["record_id"]),
    ],
)  # fmt: skip
def test_missing_fields_by_site_generation(generation, changes, missing):
    assert missing_fields(document(generation, **changes)) == missing


def test_a_page_without_its_fields_is_quarantined_with_its_item(pipeline):
    result = pipeline.process_item(document(source=None, languages=[]))
    assert isinstance(result, RejectedItem)
    assert result.reason == "markup: missing source, languages"
    assert result.payload["missing"] == ["source", "languages"]
    assert result.payload["item"]["title"] == "Cable"
    stats = pipeline.crawler.stats
    assert stats.get_value("archive/coverage/quarantined") == 1
    assert stats.get_value("archive/coverage/missing/source") == 1


@pytest.mark.parametrize(
    ("checked", "quarantined", "failed"),
    [(100, 0, False), (100, 5, False), (100, 6, True), (1, 1, True)],
)
def test_the_run_fails_above_the_ratio(checked, quarantined, failed):
    stats = {
        "archive/coverage/checked": checked,
        "archive/coverage/quarantined": quarantined,
        "archive/coverage/missing/source": quarantined,
        "archive/coverage/missing/languages": quarantined // 2,
    }
    reason = markup_changed(stats, 0.05)
    assert (reason is not None) == failed
    if failed:
        assert reason.startswith("markup changed? 'source'")
        assert reason.endswith(f"missing on {quarantined} of {checked} document pages")
