"""Store items in the database in batched transactions, and account for every one of them.

Documents are buffered and written `DA_BATCH_SIZE` at a time; a batch whose transaction
fails is retried item by item, and what still fails is recorded with its reason. The run is
recorded in `crawl_runs`, and one summary line is printed when the spider closes.
"""

from __future__ import annotations

import logging
import sys
from collections import Counter
from typing import Any

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.spiders import Spider
from sqlalchemy.exc import SQLAlchemyError

from models.db import database_url, prepare_database, safe_url
from models.store import ArchiveStore
from spiders.items import CollectionItem, DocumentItem, RejectedItem

logger = logging.getLogger(__name__)

CLOSE_REASON_STATUS = {
    "finished": "finished",
    "shutdown": "interrupted",
    "cancelled": "interrupted",
}


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.url = database_url(crawler.settings.get("DATABASE_URL"))
        self.batch_size = crawler.settings.getint("DA_BATCH_SIZE", 100)
        self.documents: list[dict[str, Any]] = []
        self.rejected: list[dict[str, Any]] = []
        self.counts: Counter = Counter()
        self.store: ArchiveStore | None = None
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        spider = self.crawler.spider
        self.store = ArchiveStore(prepare_database(self.url))
        self.run_id = self.store.start_run(spider.name, getattr(spider, "arguments", {}))

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        if isinstance(item, DocumentItem):
            self.documents.append(adapter.asdict())
            if len(self.documents) >= self.batch_size:
                self.flush()
        elif isinstance(item, CollectionItem):
            self._save_collection(adapter.asdict())
        elif isinstance(item, RejectedItem):
            record = adapter.asdict()
            record["spider"] = record.get("spider") or self.crawler.spider.name
            self.rejected.append(record)
            self.counts["failed" if record["outcome"] == "failed" else "rejected"] += 1
            logger.warning("%s %s: %s", record["outcome"], record["url"], record["reason"])
        return item

    def flush(self) -> None:
        batch, self.documents = self.documents, []
        if batch:
            self._save_documents(batch)
        rejected, self.rejected = self.rejected, []
        if rejected:
            try:
                self.store.record_rejected(rejected, self.run_id)
            except SQLAlchemyError as exc:
                for record in rejected:
                    logger.error(
                        "could not record %s (%s): %s", record["url"], record["reason"], exc
                    )

    def _save_documents(self, batch: list[dict[str, Any]]) -> None:
        try:
            result = self.store.save_documents(batch, self.run_id)
        except SQLAlchemyError as exc:
            # The whole transaction failed (lock, lost connection): retry item by item once.
            logger.warning("batch of %d failed (%s); retrying one by one", len(batch), exc)
            result = None
        if result is None:
            for item in batch:
                try:
                    one = self.store.save_documents([item], self.run_id)
                except SQLAlchemyError as exc:
                    self._failed(item, f"database error: {' '.join(str(exc).split())[:300]}")
                    continue
                self._tally(one)
            return
        self._tally(result)

    def _tally(self, result: Any) -> None:
        for outcome, n in result.counts.items():
            self.counts[f"documents_{outcome}"] += n
        for item, reason in result.failures:
            self._failed(item, reason)

    def _failed(self, item: dict[str, Any], reason: str) -> None:
        self.counts["failed"] += 1
        logger.error("failed to store %s: %s", item.get("url"), reason)
        self.rejected.append(
            {
                "url": item.get("url"),
                "reason": reason,
                "outcome": "failed",
                "spider": self.crawler.spider.name,
                "payload": item,
            }
        )

    def _save_collection(self, item: dict[str, Any]) -> None:
        try:
            outcome = self.store.save_collection(item)
        except SQLAlchemyError as exc:
            self._failed(item, f"database error: {' '.join(str(exc).split())[:300]}")
            return
        self.counts["collections"] += 1
        self.counts[f"collections_{outcome}"] += 1

    def close_spider(self) -> None:
        if self.store is None:
            return
        self.flush()
        self.flush()  # records what the first flush could not store
        self.counts["unlinked_listing_rows"] = self.store.resolve_collection_links()

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.store is None or self.run_id is None:
            return
        status = CLOSE_REASON_STATUS.get(reason, "failed")
        stats = {k: v for k, v in self.crawler.stats.get_stats().items() if _is_plain(v)}
        stats["close_reason"] = reason
        for key, value in self.counts.items():
            self.crawler.stats.set_value(f"archive/{key}", value)
        self.store.finish_run(self.run_id, status, dict(self.counts), stats)
        line = summary_line(self.counts, status, safe_url(self.url))
        logger.info(line)
        print(line, file=sys.stdout, flush=True)


def summary_line(counts: Counter, status: str, where: str) -> str:
    return (
        f"crawl {status}: collections {counts['collections']}, documents "
        f"{counts['documents_new']} new / {counts['documents_updated']} updated / "
        f"{counts['documents_unchanged']} unchanged, rejected {counts['rejected']}, "
        f"failed {counts['failed']} -> {where}"
    )


def _is_plain(value: Any) -> bool:
    return isinstance(value, (int, float, str, bool)) or value is None
