"""Field coverage: a document page that comes out without the fields every page of its kind
has is quarantined, not stored as a blank row.

A site redesign that renames a block makes the selectors match nothing: the page still
parses, but the fields of that block come out empty. Every real current-site document page
has a title, a record id and a Document Information block with a source, an uploaded date and
a language; legacy pages have a title and a record id. A page missing any of these becomes a
RejectedItem (`markup: missing source, uploaded_date, …`, its payload keeping the parsed
item and the raw page), so the stored document keeps its values; the run extension fails the
run when the share of such pages passes `DA_MARKUP_MAX_RATIO` (extensions/run.py).

Why not spidermon: its monitors judge a run after the fact, and its item validation would be
a second schema beside pipelines/validate.py; what is needed here is a per-page decision
before the store plus one run-level rule, which this pipeline and the run extension give.
"""

from __future__ import annotations

from scrapy.crawler import Crawler

from extensions.run import COVERAGE_CHECKED, COVERAGE_MISSING, COVERAGE_QUARANTINED
from items import DocumentItem, Item, RejectedItem, SiteGeneration, payload_of

EXPECTED_FIELDS = {
    SiteGeneration.CURRENT: ("title", "record_id", "source", "uploaded_date", "languages"),
    SiteGeneration.LEGACY: ("title", "record_id"),
}


def missing_fields(item: DocumentItem) -> list[str]:
    expected = EXPECTED_FIELDS.get(item.site_generation or SiteGeneration.CURRENT, ())
    return [name for name in expected if not getattr(item, name)]


class CoveragePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CoveragePipeline:
        return cls(crawler)

    def process_item(self, item: Item) -> Item:
        if not isinstance(item, DocumentItem):
            return item
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value(COVERAGE_CHECKED)
        missing = missing_fields(item)
        if not missing:
            if item.http:  # the raw page is not needed further: free it before the store buffers
                item.http.page = None
            return item
        stats.inc_value(COVERAGE_QUARANTINED)
        for name in missing:
            stats.inc_value(COVERAGE_MISSING + name)
        return RejectedItem(
            url=item.url,
            reason=f"markup: missing {', '.join(missing)}",
            spider=self.crawler.spider.name if self.crawler.spider else None,
            payload={"missing": missing, "item": payload_of(item), "page": _page_text(item)},
            fetched_at=item.fetched_at,
        )


def _page_text(item: DocumentItem) -> str | None:
    """The raw page, so that the quarantine keeps what the parser could not read."""
    page = item.http.page if item.http else None
    return page.decode("utf-8", "replace") if page is not None else None
