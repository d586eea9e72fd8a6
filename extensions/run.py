"""The run's lifecycle, in one Scrapy extension: the database, the job lock, the run row, the
heartbeat, the progress line, the summary line and the exit status.

Other components reach it through Scrapy's API (`crawler.get_extension(RunExtension)`) for
the database they share: the store pipeline writes through `run.store`, the spiders and
middlewares read validators, resumed URLs and stored documents from it. With
`DA_RUN_ENABLED=0` it is off (`NotConfigured`): nothing is read from or written to a database.

The run starts when the spider opens, before any request: a database that cannot be reached
or a job already running closes the spider at once (`CloseSpider`), and the crawl command
turns that into one line and exit status 1.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import time
from collections import Counter
from functools import cached_property
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, NotConfigured
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from twisted.internet import task

from extensions import progress_bar
from items import KnownDocuments, RunStatus
from models import runs
from models.db import DatabaseUnavailable, database_url, prepare_database, safe_url
from models.fetch_state import Validators
from models.store import ArchiveStore

logger = logging.getLogger(__name__)

CLOSE_REASON_STATUS = {
    "finished": RunStatus.FINISHED,
    "shutdown": RunStatus.INTERRUPTED,
    "cancelled": RunStatus.INTERRUPTED,
}
# The run's counts live in the crawler's stats under this prefix (the store pipeline counts).
COUNT_PREFIX = "archive/count/"
# Why a start page failed, or why nothing could start (set by the spiders or the downloader):
# the run did not do what was asked, so it has failed.
START_FAILURE = "archive/start_failure"
# Why the run could not do all it was asked, though it ran to its end (a catalog page that
# still failed after its retries): the run has failed, with this reason.
INCOMPLETE = "archive/incomplete"
# Why the store stopped writing (the database away longer than DA_DB_OUTAGE_MAX, or unable to
# take writes), and where what it fetched was spooled (pipelines/store.py): the run has failed.
STORE_FAILURE = "archive/store_failure"
# Field coverage (pipelines/coverage.py): document pages checked, quarantined for missing
# fields, and per field how many pages lacked it.
COVERAGE_CHECKED = "archive/coverage/checked"
COVERAGE_QUARANTINED = "archive/coverage/quarantined"
COVERAGE_MISSING = "archive/coverage/missing/"
# How many documents the run expects, once a spider knows (a count line, a collection's
# listing, the ids asked for): the progress line then says done / total, % and ETA.
EXPECTED_DOCUMENTS = "archive/progress/total"
# Pages where the site asked a person to solve a check (spiders/browser.py).
INTERACTIVE_CHALLENGES = "archive/interactive_challenges"
OUTCOMES = ("documents_new", "documents_updated", "documents_unchanged", "rejected", "failed")


class RunExtension:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.url = database_url(settings.get("DATABASE_URL"))
        self.heartbeat_interval = settings.getfloat("DA_FLUSH_INTERVAL", 10)
        self.progress_interval = settings.getfloat("DA_PROGRESS_INTERVAL", 60)
        self.max_failed_ratio = settings.getfloat("DA_MAX_FAILED_RATIO", 0.5)
        self.max_markup_ratio = settings.getfloat("DA_MARKUP_MAX_RATIO", 0.05)
        # A progress bar instead of the progress line when the log goes to a terminal.
        self.bar: progress_bar.ProgressBar | None = None
        self.bar_wanted = progress_bar.wanted(
            settings.getbool("DA_PROGRESS_BAR", True) and not settings.get("LOG_FILE")
        )
        self.engine: Engine | None = None
        self.run: runs.Run | None = None
        self.status: RunStatus | None = None
        self.reason: str | None = None
        self.refused: str | None = None  # why the run could not start
        self.recorded = True  # False when the database could not take the run's end
        self._store: ArchiveStore | None = None
        self.ticker: task.LoopingCall | None = None
        self.progress: task.LoopingCall | None = None
        self.started = self.last_progress = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunExtension:
        if not crawler.settings.getbool("DA_RUN_ENABLED", True):
            raise NotConfigured("DA_RUN_ENABLED is off")
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    # -- what other components read ----------------------------------------------------------

    @property
    def store(self) -> ArchiveStore:
        if self._store is None:
            raise RuntimeError("the run has not started")
        return self._store

    @property
    def run_id(self) -> int | None:
        return self.run.id if self.run else None

    @cached_property
    def validators(self) -> dict[str, Validators]:
        return self.store.fetch_state.validators()

    @cached_property
    def done(self) -> set[str]:
        """URLs the interrupted run(s) this run resumes have already committed."""
        assert self.engine is not None and self.run is not None
        return runs.done_urls(self.engine, self.run)

    @cached_property
    def known(self) -> KnownDocuments:
        """{url: uploaded_date} of the stored documents."""
        return self.store.documents.known_documents()

    # -- lifecycle -------------------------------------------------------------------------

    def spider_opened(self, spider: Spider) -> None:
        arguments = getattr(spider, "arguments", {})
        if self.crawler.settings.get("DA_REPLAY"):  # `da reparse`: a job of its own
            arguments = {**arguments, "reparse": "1"}
        try:
            self.engine = prepare_database(self.url)
            self.run = runs.start_run(
                self.engine, spider.name, arguments, heartbeat_interval=self.heartbeat_interval
            )
        except runs.JobLocked as exc:
            self.refused = f"crawl refused: {exc}"
        except DatabaseUnavailable as exc:
            self.refused = f"crawl failed: {exc}"
        if self.refused is not None:
            if self.engine is not None:
                self.engine.dispose()
            raise CloseSpider("run refused")
        assert self.engine is not None and self.run is not None
        self._store = ArchiveStore(self.engine)
        if self.run.resumed_from:
            logger.info("resuming interrupted run %s", self.run.resumed_from)
        self.ticker = task.LoopingCall(self.tick)
        self.ticker.start(max(self.heartbeat_interval, 0.01), now=False)
        interval = self.progress_interval
        if self.bar_wanted:
            self.bar = progress_bar.ProgressBar()
            self.bar.start()
            interval = min(interval, 0.5)  # a bar is redrawn often; it costs no log lines
        self.progress = task.LoopingCall(self.report_progress)  # a fixed interval, no drift
        self.progress.start(max(interval, 0.01), now=False)

    def tick(self) -> None:
        """Beat the heart, so that a dead run is found stale; write the progress figures."""
        counts = self.counts()
        try:
            assert self.engine is not None and self.run is not None
            runs.heartbeat(self.engine, self.run.id, counts, self.progress_of(counts))
        except SQLAlchemyError as exc:
            logger.error("heartbeat failed: %s", " ".join(str(exc).split())[:300])

    def report_progress(self) -> None:
        """Every DA_PROGRESS_INTERVAL seconds: how far the run is, and when it should end."""
        counts = self.counts()
        progress = self.progress_of(counts)
        if self.bar is not None:
            self.bar.update(progress, counts_detail(counts))
        else:
            logger.info(progress_line(counts, progress.elapsed, progress.total))

    def progress_of(self, counts: dict[str, int]) -> runs.Progress:
        stats = self.crawler.stats
        assert stats is not None
        total = stats.get_value(EXPECTED_DOCUMENTS)
        return progress_of(counts, time.monotonic() - self.started, total)

    def counts(self) -> dict[str, int]:
        """The run's counts from the crawler's stats: ours, and the downloader's requests and
        responses by status class."""
        stats = self.crawler.stats
        assert stats is not None
        values = stats.get_stats()
        by_status = {
            int(key.rsplit("/", 1)[1]): value
            for key, value in values.items()
            if key.startswith("downloader/response_status_count/")
        }
        ours = {
            key.removeprefix(COUNT_PREFIX): value
            for key, value in values.items()
            if key.startswith(COUNT_PREFIX)
        }
        return ours | {
            "requests": values.get("downloader/request_count", 0),
            "responses_200": by_status.get(200, 0),
            "responses_304": by_status.get(304, 0),
            "responses_4xx": sum(n for s, n in by_status.items() if 400 <= s < 500),
            "responses_5xx": sum(n for s, n in by_status.items() if 500 <= s < 600),
        }

    def spider_closed(self, spider: Spider, reason: str) -> None:
        for ticker in (self.ticker, self.progress):
            if ticker is not None and ticker.running:
                ticker.stop()
        if self.run is None or self.engine is None:
            return
        counts = self.counts()
        progress = self.progress_of(counts)
        if self.bar is not None:
            self.bar.update(progress, counts_detail(counts))
            self.bar.stop()
        status = CLOSE_REASON_STATUS.get(reason, RunStatus.FAILED)
        why = None if status is RunStatus.FINISHED else f"spider closed: {reason}"
        pages = sum(counts.get(k, 0) for k in OUTCOMES)
        failed = counts.get("failed", 0)
        stats = self.crawler.stats
        assert stats is not None
        start_failure = stats.get_value(START_FAILURE)
        too_many = failed >= 5 and failed > self.max_failed_ratio * pages
        markup = markup_changed(stats.get_stats(), self.max_markup_ratio)
        incomplete = stats.get_value(INCOMPLETE)
        store_failure = stats.get_value(STORE_FAILURE)
        if store_failure:  # even when interrupted: the next run must replay the spool
            status, why = RunStatus.FAILED, store_failure
        elif start_failure and status is not RunStatus.INTERRUPTED:
            status, why = RunStatus.FAILED, start_failure
        elif incomplete and status is not RunStatus.INTERRUPTED:
            status, why = RunStatus.FAILED, incomplete
        elif markup and status is not RunStatus.INTERRUPTED:
            status, why = RunStatus.FAILED, markup
        elif status is RunStatus.FINISHED and too_many:
            status, why = RunStatus.FAILED, f"{failed} of {pages} pages failed"
        plain = {k: v for k, v in stats.get_stats().items() if _is_plain(v)}
        plain["close_reason"] = reason
        for key, value in counts.items():
            stats.set_value(f"archive/{key}", value)
        stats.set_value("archive/run_status", status.value)
        try:
            runs.finish_run(self.engine, self.run.id, status, counts, plain, why, progress)
        except SQLAlchemyError as exc:  # the database is away: the run ends unrecorded
            logger.error("could not record the end of run %s: %s", self.run.id, _one_line(exc))
            if status is RunStatus.FINISHED:
                status, why = RunStatus.FAILED, "the end of the run could not be recorded"
            self.recorded = False
        self.status, self.reason = status, why
        line = summary_line(Counter(counts), status, safe_url(self.url))
        logger.info(line)
        print(line, file=sys.stdout, flush=True)
        if stats.get_value(INTERACTIVE_CHALLENGES):
            state = self.crawler.settings.get("DA_BROWSER_STATE") or "data/browser-state.json"
            print(interactive_hint(state), file=sys.stderr, flush=True)
        self.engine.dispose()  # the pool's connections; outcome() may still open one

    def outcome(self) -> tuple[RunStatus | None, str | None]:
        """How the run ended, for the exit status. A run the engine never closed (a crash,
        a forced shutdown) is recorded as failed here."""
        if self.run is None or self.engine is None or not self.recorded:
            return self.status, self.reason
        try:
            status, reason = runs.run_outcome(self.engine, self.run.id)
        except SQLAlchemyError:  # the database went away after the end was recorded
            return self.status or RunStatus.FAILED, self.reason
        if status is RunStatus.RUNNING:
            reason = "the crawl stopped before it could record its end"
            runs.finish_run(self.engine, self.run.id, RunStatus.FAILED, {}, {}, reason)
            status = RunStatus.FAILED
        return status, reason


def interactive_hint(state: str) -> str:
    return (
        "the site asked for an interactive check (a CAPTCHA or a 'verify you are human' box), "
        "which this program never answers: run the same crawl once with -s DA_BROWSER_HEADED=1 "
        f"on a machine with a display, solve the check in the window that opens, and later runs "
        f"reuse the clearance saved in {state}"
    )


def markup_changed(stats: dict[str, Any], max_ratio: float) -> str | None:
    """Why the run failed for missing fields, if more document pages than `max_ratio` came
    out without the fields their kind always has."""
    checked = stats.get(COVERAGE_CHECKED, 0)
    quarantined = stats.get(COVERAGE_QUARANTINED, 0)
    if not quarantined or quarantined <= max_ratio * checked:
        return None
    missing = {
        key.removeprefix(COVERAGE_MISSING): n
        for key, n in stats.items()
        if key.startswith(COVERAGE_MISSING)
    }
    names = ", ".join(repr(name) for name in sorted(missing, key=lambda f: (-missing[f], f)))
    return f"markup changed? {names} missing on {quarantined} of {checked} document pages"


def summary_line(counts: Counter[str], status: RunStatus, where: str) -> str:
    withdrawn = f", withdrawn {counts['withdrawn']}" if counts["withdrawn"] else ""
    return (
        f"crawl {status}: collections {counts['collections']}, documents "
        f"{counts['documents_new']} new / {counts['documents_updated']} updated / "
        f"{counts['documents_unchanged']} unchanged, rejected {counts['rejected']}, "
        f"failed {counts['failed']}{withdrawn}; {counts['requests']} requests "
        f"({counts['responses_304']} not modified){loads(counts)} -> {where}"
    )


STORED = ("documents_new", "documents_updated", "documents_unchanged")


def progress_of(counts: dict[str, int], elapsed: float, total: int | None) -> runs.Progress:
    """Documents done: stored (new, updated or unchanged), rejected or failed."""
    done = sum(counts.get(k, 0) for k in (*STORED, "rejected", "failed"))
    return runs.Progress(done=done, total=total or None, elapsed=elapsed)


def counts_detail(counts: dict[str, int]) -> str:
    return (
        f"{counts.get('documents_new', 0)} new, {counts.get('documents_updated', 0)} updated, "
        f"{counts.get('rejected', 0)} rejected, {counts.get('failed', 0)} failed, "
        f"{counts.get('requests', 0)} requests"
    )


def loads(counts: dict[str, int]) -> str:
    """ "; browser 3 / http 1204" once the browser was used (spiders/browser.py)."""
    browser = counts.get("browser_loads", 0)
    return f"; browser {browser} / http {counts.get('http_loads', 0)}" if browser else ""


def progress_line(counts: dict[str, int], elapsed: float, total: int | None = None) -> str:
    return _progress_line(counts, elapsed, total) + loads(counts)


def _progress_line(counts: dict[str, int], elapsed: float, total: int | None = None) -> str:
    stored = sum(counts.get(k, 0) for k in STORED)
    rate = counts.get("requests", 0) / elapsed if elapsed > 0 else 0.0
    if total:
        progress = progress_of(counts, elapsed, total)
        seconds = progress.eta_seconds
        eta = dt.timedelta(seconds=round(seconds)) if seconds is not None else "unknown"
        return (
            f"progress: {progress.done}/{total} documents ({progress.percent:.0f}%), "
            f"{progress.per_second:.1f} documents/s, ETA {eta}; {stored} checked "
            f"({counts.get('documents_new', 0)} new, {counts.get('documents_updated', 0)} "
            f"updated), {counts.get('rejected', 0)} rejected, {counts.get('failed', 0)} failed, "
            f"{counts.get('requests', 0)} requests"
        )
    return (
        f"progress: {counts.get('requests', 0)} requests ({rate:.1f}/s), {stored} documents "
        f"checked ({counts.get('documents_new', 0)} new, {counts.get('documents_updated', 0)} "
        f"updated), {counts.get('rejected', 0)} rejected, {counts.get('failed', 0)} failed"
    )


def _one_line(exc: BaseException) -> str:
    return " ".join(str(getattr(exc, "orig", None) or exc).split())[:300]


def _is_plain(value: Any) -> bool:
    return isinstance(value, (int, float, str, bool)) or value is None
