"""Store items in the database in batched transactions, and account for every one of them.

Documents are buffered and written `DA_BATCH_SIZE` at a time, and at least every
`DA_FLUSH_INTERVAL` seconds (so a killed crawl loses little); a batch whose transaction fails
for one bad item is retried item by item, and what still fails is recorded with its reason.
Fetch records (304s, listing pages) keep the HTTP bookkeeping. Pages that now answer 404/410
mark their documents withdrawn. Every outcome is counted in the crawler's stats once it is
committed, where the run extension (extensions/run.py) reads them.

The database is allowed to fail (models/outage.py says how it failed):
- away for a while (connection lost, server restarting, lock timeout): the crawl pauses its
  downloads (Scrapy's engine pause), keeps what is buffered, and retries with backoff for up
  to `DA_DB_OUTAGE_MAX` seconds; then it goes on where it was;
- away for longer, or unable to take writes (disk full, read-only): what is buffered goes to
  the spool (models/spool.py, under `DA_SPOOL_DIR`), the run stops and fails (exit 1), and
  the next run on the same database stores the spool first. Nothing fetched is lost.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro
from sqlalchemy.exc import SQLAlchemyError
from twisted.internet import task
from twisted.internet.base import DelayedCall

from extensions.run import COUNT_PREFIX, STORE_FAILURE, RunExtension
from items import (
    CollectionItem,
    DocumentItem,
    FetchedPage,
    FetchRecord,
    Item,
    Outcome,
    RejectedItem,
    payload_of,
)
from models import spool
from models.db import safe_url
from models.documents import SaveResult, one_line
from models.outage import Failure, WriteFailed, failure_of

logger = logging.getLogger(__name__)

WITHDRAWN_STATUSES = {404, 410}


@dataclass
class Outage:
    started: float  # time.monotonic()
    attempts: int = 0
    retry: DelayedCall | None = None

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started


class StorePipeline:
    def __init__(self, crawler: Crawler, run: RunExtension) -> None:
        self.crawler = crawler
        self.run = run
        settings = crawler.settings
        self.batch_size = settings.getint("DA_BATCH_SIZE", 100)
        self.flush_interval = settings.getfloat("DA_FLUSH_INTERVAL", 10)
        self.outage_max = settings.getfloat("DA_DB_OUTAGE_MAX", 300)
        self.spool_dir = Path(settings.get("DA_SPOOL_DIR") or "data/spool")
        self.documents: list[DocumentItem] = []
        self.collections: list[CollectionItem] = []
        self.records: list[FetchRecord] = []  # 304s and listing pages
        self.rejected: list[RejectedItem] = []
        self.ticker: task.LoopingCall | None = None
        self.outage: Outage | None = None
        self.stopped: str | None = None  # why writes stopped: the rest goes to the spool
        # With a feed (-O), a document that answered 304 goes to it as stored.
        self.feeds = bool(settings.getdict("FEEDS"))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        run = crawler.get_extension(RunExtension)
        if run is None:
            raise NotConfigured("no database: the run extension is off (DA_RUN_ENABLED)")
        pipeline = cls(crawler, run)
        # After the run extension's own handler (connected first): the run has started.
        crawler.signals.connect(pipeline.spider_opened, signal=signals.spider_opened)
        return pipeline

    def count(self, name: str, n: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(COUNT_PREFIX + name, n)

    def spider_opened(self) -> None:
        if self.run.run is not None:
            self.replay_spool()

    def open_spider(self) -> None:
        self.ticker = task.LoopingCall(self.flush)
        self.ticker.start(self.flush_interval, now=False)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, DocumentItem):
            self.documents.append(item)
            if len(self.documents) >= self.batch_size:
                self.flush()
        elif isinstance(item, FetchRecord):
            self.records.append(item)
            if item.page is FetchedPage.DOCUMENT:
                self.count("documents_unchanged")  # 304: the stored row is current
                if self.feeds and self.run.run is not None and not self.outage:
                    return self._stored(item) or item
        elif isinstance(item, CollectionItem):  # few, and listings link to them: at once
            self.collections.append(item)
            self.flush()
        elif isinstance(item, RejectedItem):
            item.spider = item.spider or self._spider_name()
            self.rejected.append(item)
            self.count("failed" if item.outcome is Outcome.FAILED else "rejected")
            logger.warning("%s %s: %s", item.outcome, item.url, item.reason)
        return item

    # -- writing ---------------------------------------------------------------------------

    def flush(self) -> None:
        """Write what is buffered (every DA_FLUSH_INTERVAL seconds, and at the end)."""
        if self.run.run is None or self.outage is not None or self.stopped:
            return  # refused run: nothing may be written; an outage: its retries write
        try:
            self._flush()
        except WriteFailed as failed:
            self.write_failed(failed)

    def _flush(self) -> None:
        """Write every buffer; raises WriteFailed (the unwritten parts back in their buffers)
        when the database, not an item, failed."""
        self._write("documents", self._save_documents)
        self._write("collections", self._save_collections)
        self._write("records", self._save_records)
        self._write("rejected", self._save_rejected)

    def _write(self, buffer: str, write: Any) -> None:
        batch: list[Any] = getattr(self, buffer)
        if not batch:
            return
        setattr(self, buffer, [])
        try:
            write(batch)
        except WriteFailed as failed:
            setattr(self, buffer, list(failed.remaining) + getattr(self, buffer))
            raise
        except SQLAlchemyError as exc:
            kind = failure_of(exc)
            if kind is Failure.ITEM:  # not the database's fault: recorded, not retried
                logger.error("could not write %d %s: %s", len(batch), buffer, one_line(exc))
                if buffer == "collections":
                    for item in batch:
                        self._failed(item, f"database error: {one_line(exc)}", item.url)
                return
            setattr(self, buffer, batch + getattr(self, buffer))
            raise WriteFailed(exc, batch, kind) from exc

    def _save_documents(self, batch: list[DocumentItem]) -> None:
        try:
            result = self.run.store.documents.save(batch, self.run.run_id)
        except WriteFailed as failed:
            if isinstance(failed.done, SaveResult):
                self._tally(failed.done)
            raise
        self._tally(result)

    def _save_collections(self, batch: list[CollectionItem]) -> None:
        for position, item in enumerate(batch):
            try:
                outcome = self.run.store.collections.save(item)
            except SQLAlchemyError as exc:
                if (kind := failure_of(exc)) is not Failure.ITEM:
                    raise WriteFailed(exc, batch[position:], kind) from exc
                self._failed(item, f"database error: {one_line(exc)}", item.url)
                continue
            self.count("collections")
            self.count(f"collections_{outcome}")

    def _save_records(self, batch: list[FetchRecord]) -> None:
        store = self.run.store
        store.fetch_state.save([record.http for record in batch], self.run.run_id)
        # A document that answered 304 after redirects: the URLs it came through are its own.
        redirected = [
            r.http.urls for r in batch if r.page is FetchedPage.DOCUMENT and len(r.http.urls) > 1
        ]
        if redirected:
            store.documents.link_urls(redirected)

    def _save_rejected(self, batch: list[RejectedItem]) -> None:
        store = self.run.store
        with_withdrawn = [
            url
            for r in batch
            if r.http_status in WITHDRAWN_STATUSES
            for url in ((r.payload or {}).get("urls") or [r.url])
        ]
        store.rejects.record(batch, self.run.run_id)
        self.count("withdrawn", store.documents.mark_withdrawn(with_withdrawn))

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

    # -- when the database fails -----------------------------------------------------------

    def write_failed(self, failed: WriteFailed) -> None:
        """Pause and retry while the database is away (up to DA_DB_OUTAGE_MAX seconds);
        otherwise spool and stop."""
        why = one_line(failed.cause)
        if failed.kind is Failure.TRANSIENT and self.outage_max > 0:
            if self.outage is None:
                self.outage = Outage(time.monotonic())
                self.count("database_outages")
                self._engine_pause(True)
                logger.warning(
                    "database unavailable (%s): downloads paused, retrying for up to %.0f s "
                    "(DA_DB_OUTAGE_MAX)", why, self.outage_max,
                )  # fmt: skip
            left = self.outage_max - self.outage.seconds
            if left > 0:
                delay = min(0.25 * 2**self.outage.attempts, 5.0, left)
                self.outage.attempts += 1
                from twisted.internet import reactor  # the installed one (asyncio)

                self.outage.retry = reactor.callLater(delay, self.retry)
                return
            self.stop(f"database unavailable for {self.outage.seconds:.0f} s ({why})")
            return
        self.stop(f"database failed ({why})")

    def retry(self) -> None:
        assert self.outage is not None
        self.outage.retry = None
        try:
            self._flush()
        except WriteFailed as failed:
            self.write_failed(failed)
            return
        logger.warning("database back after %.1f s: downloads resumed", self.outage.seconds)
        self.outage = None
        self._engine_pause(False)

    def stop(self, reason: str) -> None:
        """Writes are over for this run: spool what is buffered, and close the spider."""
        self.stopped = reason
        if self.outage is not None:
            self.outage = None
            self._engine_pause(False)
        logger.error("%s: the crawl stops; what it fetched goes to the spool", reason)
        self.spool_buffers()
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason="database_failed"))

    def spool_buffers(self) -> None:
        """Everything buffered to the spool; the run's failure says how much went where."""
        stats = self.crawler.stats
        assert stats is not None
        items: list[Item] = [*self.documents, *self.collections, *self.records, *self.rejected]
        self.documents, self.collections, self.records, self.rejected = [], [], [], []
        if items:
            try:
                path = spool.write(self.spool_dir, safe_url(self.run.url), self.run.run_id, items)
            except OSError as exc:  # nowhere to keep them: say so, loudly, item by item
                for item in items:
                    logger.error("LOST %s: the spool could not be written: %s", item, exc)
                raise
            stats.inc_value("archive/spooled", len(items))
            stats.set_value("archive/spool_file", str(path))
        spooled = stats.get_value("archive/spooled", 0)
        where = stats.get_value("archive/spool_file")
        kept = f"; {spooled} items spooled to {where}, stored by the next run" if spooled else ""
        stats.set_value(STORE_FAILURE, f"{self.stopped}{kept}")

    def replay_spool(self) -> None:
        """Store what an earlier run on this database spooled, before anything is fetched."""
        for path in spool.pending(self.spool_dir, safe_url(self.run.url)):
            items = list(spool.read(path))
            for item in items:
                self.process_item(item)
            try:
                self._flush()
            except WriteFailed as failed:
                self.write_failed(failed)
                return
            path.unlink()
            self.count("spool_replayed", len(items))
            logger.warning("stored %d items spooled by an earlier run (%s)", len(items), path)

    def _engine_pause(self, pause: bool) -> None:
        engine = self.crawler.engine
        if engine is not None:
            engine.pause() if pause else engine.unpause()

    def close_spider(self) -> None:
        if self.ticker is not None and self.ticker.running:
            self.ticker.stop()
        if self.run.run is None:
            return
        if self.outage is not None:  # closing during an outage: one last try, then the spool
            if self.outage.retry is not None and self.outage.retry.active():
                self.outage.retry.cancel()
            self.outage = None
            try:
                self._flush()
            except WriteFailed as failed:
                self.stopped = f"database unavailable at the end ({one_line(failed.cause)})"
        if not self.stopped:
            self.flush()
            self.flush()  # records what the first flush could not store
        if self.stopped:
            self.spool_buffers()
            return
        try:
            open_rows = self.run.store.collections.resolve_links()
        except SQLAlchemyError as exc:
            logger.error("could not link listing rows to documents: %s", one_line(exc))
            return
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
