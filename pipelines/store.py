"""Store items in the database in batched transactions, and account for every one of them.

Documents are buffered and written `DA_BATCH_SIZE` at a time, and at least every
`DA_FLUSH_INTERVAL` seconds (so a killed crawl loses little); a batch whose transaction fails
is retried item by item, and what still fails is recorded with its reason. Fetch records
(304s, listing pages) keep the HTTP bookkeeping. Pages that now answer 404/410 mark their
documents withdrawn. Every outcome is counted in the crawler's stats, where the run
extension (extensions/run.py) reads them; the run itself is the extension's business.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from sqlalchemy.exc import SQLAlchemyError
from twisted.internet import task

from extensions.run import COUNT_PREFIX, RunExtension
from items import (
    CollectionItem,
    DocumentItem,
    FetchedPage,
    FetchRecord,
    HttpInfo,
    Outcome,
    RejectedItem,
    payload_of,
)
from models.documents import SaveResult, one_line

logger = logging.getLogger(__name__)

WITHDRAWN_STATUSES = {404, 410}


class StorePipeline:
    def __init__(self, crawler: Crawler, run: RunExtension) -> None:
        self.crawler = crawler
        self.run = run
        settings = crawler.settings
        self.batch_size = settings.getint("DA_BATCH_SIZE", 100)
        self.flush_interval = settings.getfloat("DA_FLUSH_INTERVAL", 10)
        self.documents: list[DocumentItem] = []
        self.fetches: list[HttpInfo] = []
        self.redirected: list[list[str]] = []  # URLs of unchanged documents, after redirects
        self.rejected: list[RejectedItem] = []
        self.ticker: task.LoopingCall | None = None
        # With a feed (-O), a document that answered 304 goes to it as stored.
        self.feeds = bool(settings.getdict("FEEDS"))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        run = crawler.get_extension(RunExtension)
        if run is None:
            raise NotConfigured("no database: the run extension is off (DA_RUN_ENABLED)")
        return cls(crawler, run)

    def count(self, name: str, n: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(COUNT_PREFIX + name, n)

    def open_spider(self) -> None:
        self.ticker = task.LoopingCall(self.flush)
        self.ticker.start(self.flush_interval, now=False)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, DocumentItem):
            self.documents.append(item)
            if len(self.documents) >= self.batch_size:
                self.flush()
        elif isinstance(item, FetchRecord):
            self.fetches.append(item.http)
            if item.page is FetchedPage.DOCUMENT:
                self.count("documents_unchanged")  # 304: the stored row is current
                if len(item.http.urls) > 1:  # redirected: the URLs it came through are its own
                    self.redirected.append(item.http.urls)
                if self.feeds and self.run.run is not None:
                    return self._stored(item) or item
        elif isinstance(item, CollectionItem):
            self._save_collection(item)
        elif isinstance(item, RejectedItem):
            item.spider = item.spider or self._spider_name()
            self.rejected.append(item)
            self.count("failed" if item.outcome is Outcome.FAILED else "rejected")
            logger.warning("%s %s: %s", item.outcome, item.url, item.reason)
        return item

    def flush(self) -> None:
        """Write what is buffered (every DA_FLUSH_INTERVAL seconds, and at the end)."""
        if self.run.run is None:  # the run was refused: nothing may be written
            return
        try:
            self._flush()
        except SQLAlchemyError as exc:
            logger.error("periodic write failed: %s", " ".join(str(exc).split())[:300])

    def _flush(self) -> None:
        store, run_id = self.run.store, self.run.run_id
        batch, self.documents = self.documents, []
        if batch:
            self._save_documents(batch)
        fetches, self.fetches = self.fetches, []
        if fetches:
            try:
                store.fetch_state.save(fetches, run_id)
            except SQLAlchemyError as exc:
                logger.error("could not record %d fetches: %s", len(fetches), exc)
        redirected, self.redirected = self.redirected, []
        if redirected:
            try:
                store.documents.link_urls(redirected)
            except SQLAlchemyError as exc:
                logger.error("could not record the URLs of %d documents: %s", len(redirected), exc)
        rejected, self.rejected = self.rejected, []
        if rejected:
            try:
                store.rejects.record(rejected, run_id)
                gone = [
                    url
                    for r in rejected
                    if r.http_status in WITHDRAWN_STATUSES
                    for url in ((r.payload or {}).get("urls") or [r.url])
                ]
                self.count("withdrawn", store.documents.mark_withdrawn(gone))
            except SQLAlchemyError as exc:
                for record in rejected:
                    logger.error("could not record %s (%s): %s", record.url, record.reason, exc)

    def _save_documents(self, batch: list[DocumentItem]) -> None:
        documents = self.run.store.documents
        try:
            result = documents.save(batch, self.run.run_id)
        except SQLAlchemyError as exc:
            # The whole transaction failed (lock, lost connection): retry item by item once.
            logger.warning("batch of %d failed (%s); retrying one by one", len(batch), exc)
            for item in batch:
                try:
                    self._tally(documents.save([item], self.run.run_id))
                except SQLAlchemyError as exc:
                    self._failed(item, f"database error: {one_line(exc)}", item.url)
            return
        self._tally(result)

    def _tally(self, result: SaveResult) -> None:
        for outcome, n in result.counts.items():
            self.count(f"documents_{outcome}", n)
        for item, reason in result.failures:
            self._failed(item, reason, item.url)

    def _failed(self, item: DocumentItem | CollectionItem, reason: str, url: str) -> None:
        self.count("failed")
        logger.error("failed to store %s: %s", url, reason)
        self.rejected.append(
            RejectedItem(
                url=url,
                reason=reason,
                outcome=Outcome.FAILED,
                spider=self._spider_name(),
                payload=payload_of(item),
            )
        )

    def _save_collection(self, item: CollectionItem) -> None:
        if self.run.run is None:
            return
        try:
            outcome = self.run.store.collections.save(item)
        except SQLAlchemyError as exc:
            self._failed(item, f"database error: {one_line(exc)}", item.url)
            return
        self.count("collections")
        self.count(f"collections_{outcome}")

    def close_spider(self) -> None:
        if self.ticker is not None and self.ticker.running:
            self.ticker.stop()
        if self.run.run is None:
            return
        self.flush()
        self.flush()  # records what the first flush could not store
        open_rows = self.run.store.collections.resolve_links()
        assert self.crawler.stats is not None
        self.crawler.stats.set_value(COUNT_PREFIX + "unlinked_listing_rows", open_rows)

    def _stored(self, record: FetchRecord) -> DocumentItem | None:
        try:
            return self.run.store.documents.stored_item(record.http.urls)
        except SQLAlchemyError as exc:
            logger.error("could not read the stored %s: %s", record.url, one_line(exc))
            return None

    def _spider_name(self) -> str | None:
        return self.crawler.spider.name if self.crawler.spider else None
