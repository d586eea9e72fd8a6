"""Store items in the database in batched transactions, and account for every one of them.

Documents are buffered and written `DA_BATCH_SIZE` at a time, and at least every
`DA_FLUSH_INTERVAL` seconds (so a killed crawl loses little); a batch whose transaction fails
is retried item by item, and what still fails is recorded with its reason. Fetch records
(304s, listing pages) keep the HTTP bookkeeping. Pages that now answer 404/410 mark their
documents withdrawn. The run is recorded in `crawl_runs`, with a heartbeat and a progress
line while it lasts, and one summary line when it ends.
"""

from __future__ import annotations

import logging
import sys
import time
from collections import Counter
from typing import Any

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.spiders import Spider
from sqlalchemy.exc import SQLAlchemyError
from twisted.internet import task

from models import runs
from models.crawl_state import CrawlState
from models.db import database_url, safe_url
from spiders.items import CollectionItem, DocumentItem, FetchRecord, RejectedItem

logger = logging.getLogger(__name__)

CLOSE_REASON_STATUS = {
    "finished": "finished",
    "shutdown": "interrupted",
    "cancelled": "interrupted",
}
WITHDRAWN_STATUSES = {404, 410}


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.url = database_url(settings.get("DATABASE_URL"))
        self.batch_size = settings.getint("DA_BATCH_SIZE", 100)
        self.flush_interval = settings.getfloat("DA_FLUSH_INTERVAL", 10)
        self.progress_interval = settings.getfloat("DA_PROGRESS_INTERVAL", 60)
        self.max_failed_ratio = settings.getfloat("DA_MAX_FAILED_RATIO", 0.5)
        self.documents: list[dict[str, Any]] = []
        self.fetches: list[dict[str, Any]] = []
        self.rejected: list[dict[str, Any]] = []
        self.counts: Counter = Counter()
        self.state: CrawlState | None = None
        self.ticker: task.LoopingCall | None = None
        self.last_progress = time.monotonic()
        self.started = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    @property
    def store(self):
        return self.state.store

    @property
    def run_id(self) -> int:
        return self.state.run.id

    def open_spider(self) -> None:
        self.state = CrawlState.for_crawler(self.crawler)
        if self.state.run.resumed_from:
            logger.info("resuming interrupted run %s", self.state.run.resumed_from)
        self.ticker = task.LoopingCall(self.tick)
        self.ticker.start(min(self.flush_interval, self.progress_interval), now=False)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        if isinstance(item, DocumentItem):
            self.documents.append(adapter.asdict())
            if len(self.documents) >= self.batch_size:
                self.flush()
        elif isinstance(item, FetchRecord):
            self.fetches.append(adapter.asdict())
            if item.page == "document":
                self.counts["documents_unchanged"] += 1  # 304: the stored row is current
        elif isinstance(item, CollectionItem):
            self._save_collection(adapter.asdict())
        elif isinstance(item, RejectedItem):
            record = adapter.asdict()
            record["spider"] = record.get("spider") or self.crawler.spider.name
            self.rejected.append(record)
            self.counts["failed" if record["outcome"] == "failed" else "rejected"] += 1
            logger.warning("%s %s: %s", record["outcome"], record["url"], record["reason"])
        return item

    def tick(self) -> None:
        """Every few seconds: write what is buffered, beat the heart, say how far we are."""
        try:
            self.flush()
            runs.heartbeat(self.state.engine, self.run_id, self.all_counts())
        except SQLAlchemyError as exc:
            logger.error("periodic write failed: %s", " ".join(str(exc).split())[:300])
        if time.monotonic() - self.last_progress >= self.progress_interval:
            self.last_progress = time.monotonic()
            logger.info(progress_line(self.all_counts(), time.monotonic() - self.started))

    def flush(self) -> None:
        batch, self.documents = self.documents, []
        if batch:
            self._save_documents(batch)
        fetches, self.fetches = self.fetches, []
        if fetches:
            try:
                self.store.save_fetches(
                    [f["http"] | {"url": f["url"]} for f in fetches], self.run_id
                )
            except SQLAlchemyError as exc:
                logger.error("could not record %d fetches: %s", len(fetches), exc)
        rejected, self.rejected = self.rejected, []
        if rejected:
            try:
                self.store.record_rejected(rejected, self.run_id)
                gone = [
                    url
                    for r in rejected
                    if r.get("http_status") in WITHDRAWN_STATUSES
                    for url in ((r.get("payload") or {}).get("urls") or [r["url"]])
                ]
                self.counts["withdrawn"] += self.store.mark_withdrawn(gone)
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
            for item in batch:
                try:
                    self._tally(self.store.save_documents([item], self.run_id))
                except SQLAlchemyError as exc:
                    self._failed(item, f"database error: {' '.join(str(exc).split())[:300]}")
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
        if self.state is None:
            return
        if self.ticker is not None and self.ticker.running:
            self.ticker.stop()
        self.flush()
        self.flush()  # records what the first flush could not store
        self.counts["unlinked_listing_rows"] = self.store.resolve_collection_links()

    def all_counts(self) -> dict[str, int]:
        """Our counts plus the downloader's: requests and responses by status class."""
        stats = self.crawler.stats
        by_status = {
            int(key.rsplit("/", 1)[1]): value
            for key, value in stats.get_stats().items()
            if key.startswith("downloader/response_status_count/")
        }
        return dict(self.counts) | {
            "requests": stats.get_value("downloader/request_count", 0),
            "responses_200": by_status.get(200, 0),
            "responses_304": by_status.get(304, 0),
            "responses_4xx": sum(n for s, n in by_status.items() if 400 <= s < 500),
            "responses_5xx": sum(n for s, n in by_status.items() if 500 <= s < 600),
        }

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.state is None:
            return
        counts = self.all_counts()
        status = CLOSE_REASON_STATUS.get(reason, "failed")
        why = None if status == "finished" else f"spider closed: {reason}"
        outcomes = (
            "documents_new",
            "documents_updated",
            "documents_unchanged",
            "rejected",
            "failed",
        )
        pages = sum(counts.get(k, 0) for k in outcomes)
        if (
            status == "finished"
            and counts.get("failed", 0) >= 5
            and counts["failed"] > self.max_failed_ratio * pages
        ):
            status, why = "failed", f"{counts['failed']} of {pages} pages failed"
        stats = {k: v for k, v in self.crawler.stats.get_stats().items() if _is_plain(v)}
        stats["close_reason"] = reason
        for key, value in counts.items():
            self.crawler.stats.set_value(f"archive/{key}", value)
        self.crawler.stats.set_value("archive/run_status", status)
        runs.finish_run(self.state.engine, self.run_id, status, counts, stats, why)
        line = summary_line(Counter(counts), status, safe_url(self.url))
        logger.info(line)
        print(line, file=sys.stdout, flush=True)


def summary_line(counts: Counter, status: str, where: str) -> str:
    withdrawn = f", withdrawn {counts['withdrawn']}" if counts["withdrawn"] else ""
    return (
        f"crawl {status}: collections {counts['collections']}, documents "
        f"{counts['documents_new']} new / {counts['documents_updated']} updated / "
        f"{counts['documents_unchanged']} unchanged, rejected {counts['rejected']}, "
        f"failed {counts['failed']}{withdrawn}; {counts['requests']} requests "
        f"({counts['responses_304']} not modified) -> {where}"
    )


def progress_line(counts: dict[str, int], elapsed: float) -> str:
    stored = sum(
        counts.get(k, 0) for k in ("documents_new", "documents_updated", "documents_unchanged")
    )
    rate = counts.get("requests", 0) / elapsed if elapsed > 0 else 0.0
    return (
        f"progress: {counts.get('requests', 0)} requests ({rate:.1f}/s), {stored} documents "
        f"checked ({counts.get('documents_new', 0)} new, {counts.get('documents_updated', 0)} "
        f"updated), {counts.get('rejected', 0)} rejected, {counts.get('failed', 0)} failed"
    )


def _is_plain(value: Any) -> bool:
    return isinstance(value, (int, float, str, bool)) or value is None
