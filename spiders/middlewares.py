"""Downloader middlewares of the project: conditional requests, and retries that honour
Retry-After and back off from Cloudflare challenge pages. (The offline mirror is a download
handler: spiders/offline.py.)"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import re
import time
from typing import Any

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as BaseRobotsTxtMiddleware
from scrapy.exceptions import DownloadCancelledError, NotConfigured
from scrapy.http import HtmlResponse, Request, Response, TextResponse
from scrapy.utils.response import response_status_message

from extensions.run import RunExtension
from spiders.pages.common import load_html
from spiders.pages.detect import challenge_reason, might_be_challenge

logger = logging.getLogger(__name__)


class ConditionalRequestMiddleware:
    """If-None-Match / If-Modified-Since from what fetch_state holds for the URL.

    A 304 for a listing page is answered with the body stored the last time (flag "stored"),
    so the spider can read its rows; a 304 for a document goes to the spider as it is.
    `DA_CONDITIONAL=0` fetches every page in full, so that a new version of the parsers
    re-reads pages the server would answer 304 (the documents whose parse changed are
    updated, with revisions).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.enabled = crawler.settings.getbool("DA_CONDITIONAL", True)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalRequestMiddleware:
        return cls(crawler)

    @property
    def run(self) -> RunExtension | None:
        """The run, once started (no database: no validators, nothing replayed)."""
        run = self.crawler.get_extension(RunExtension)
        return run if run is not None and run.run is not None else None

    def process_request(self, request: Request) -> None:
        if not self.enabled or not request.meta.get("conditional") or (run := self.run) is None:
            return
        validators = run.validators.get(request.url)
        if validators is None:
            return
        etag, last_modified, _ = validators
        if etag:
            request.headers.setdefault("If-None-Match", etag)
        if last_modified:
            request.headers.setdefault("If-Modified-Since", last_modified)
        self._count("conditional_requests")

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status != 304 or not request.meta.get("keep_body") or self.run is None:
            return response
        body = self.run.store.fetch_state.stored_body(request.url)
        if body is None:
            return response
        self._count("listing_pages_replayed")
        return HtmlResponse(
            url=response.url, status=200, headers=response.headers, body=body,
            encoding="utf-8", request=request, flags=["stored"],
        )  # fmt: skip

    def _count(self, name: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"archive/{name}")


def retry_after_seconds(value: bytes | str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds: delta-seconds or an HTTP date; None if absent or unreadable."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def challenge_in(response: Response) -> str | None:
    """Why a response is a Cloudflare challenge or block page (cheap check first)."""
    if (response.headers.get("cf-mitigated") or b"").lower() == b"challenge":
        return "challenge page: cf-mitigated header"
    if not isinstance(response, TextResponse) or not might_be_challenge(response.text):
        return None
    try:
        return challenge_reason(load_html(response.text))
    except ValueError:
        return None


# Scrapy's messages when a response passes DOWNLOAD_MAXSIZE: announced by Content-Length or
# received (the download handler), or while a compressed body inflates (HttpCompression).
TOO_LARGE = re.compile(
    r"larger than download max size \((?P<limit>\d+)\)"
    r"|exceeded DOWNLOAD_MAXSIZE \((?P<inflated>\d+) B\) during decompression"
)


def too_large_reason(error: BaseException | None, maxsize: int) -> str | None:
    """Why a response was refused for its size (the same reason on every run, so that
    rejected_items counts the attempts), or None when `error` is about something else.
    A body that grows past `maxsize` without a Content-Length is cut off by cancelling its
    download: a DownloadCancelledError without a message."""
    if isinstance(error, DownloadCancelledError) and not str(error) and maxsize:
        return f"response too large: over DOWNLOAD_MAXSIZE ({maxsize} B)"
    match = TOO_LARGE.search(str(error))
    if match is None:
        return None
    if inflated := match.group("inflated"):
        return f"response too large: over DOWNLOAD_MAXSIZE ({inflated} B) decompressed"
    return f"response too large: over DOWNLOAD_MAXSIZE ({match.group('limit')} B)"


def is_truncated(response: Response) -> bool:
    """An HTML page cut short (a dropped transfer whose Content-Length still matched):
    every page of the site ends with </html>."""
    if response.status != 200 or not isinstance(response, HtmlResponse):
        return False
    return b"</html>" not in response.body[-2048:].lower()


class PoliteRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, plus: wait as long as Retry-After says on 429 and 503 (the whole
    crawl pauses, not just the one request), and treat challenge pages (with exponential
    backoff) and truncated pages as retryable. When retries run out the response goes on, to
    be recorded as failed."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.max_wait = settings.getfloat("DA_RETRY_AFTER_MAX", 600)
        self.backoff = settings.getfloat("DA_BACKOFF_BASE", 10)
        self.resume_at = 0.0

    async def process_response(  # type: ignore[override]  # Scrapy 2.13+ takes coroutines
        self, request: Request, response: Response
    ) -> Request | Response:
        if request.meta.get("dont_retry", False):
            return response
        challenge = challenge_in(response)
        truncated = challenge is None and is_truncated(response)
        if challenge is None and not truncated and response.status not in self.retry_http_codes:
            return response
        reason = challenge or (
            "truncated page" if truncated else response_status_message(response.status)
        )
        delay = None
        if response.status in (429, 503):
            delay = retry_after_seconds(response.headers.get("Retry-After"))
            if delay is not None and delay > self.max_wait:
                logger.warning(
                    "%s asks to retry after %.0fs (cap %.0fs): giving up",
                    request.url,
                    delay,
                    self.max_wait,
                )
                return response
        if delay is None:
            delay = (
                self.backoff * 2 ** request.meta.get("retry_times", 0)
                if (challenge or response.status in (429, 503))
                else 0
            )
        retry = self._retry(request, reason)
        if retry is None:
            return response.replace(flags=[*response.flags, "truncated"]) if truncated else response
        if challenge:
            self.crawler.stats.inc_value("archive/challenges_retried")
        if delay > 0:
            await self._pause(delay)
        return retry

    async def _pause(self, delay: float) -> None:
        """Hold the whole crawl (one host) until the server's wait is over."""
        self.crawler.stats.inc_value("archive/retry_after_waits")
        engine = self.crawler.engine
        self.resume_at = max(self.resume_at, time.monotonic() + delay)
        engine.pause()
        try:
            while (remaining := self.resume_at - time.monotonic()) > 0:
                await asyncio.sleep(remaining)
        finally:
            engine.unpause()


class OneLineErrors(logging.Filter):
    """Errors logged with their traceback, logged as one line (the reason is in the message)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info:
            record.exc_info, record.exc_text = None, None
        return True


class RobotsTxtMiddleware(BaseRobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, whose "Error downloading" (a site that is down) is one
    line, not a traceback: the page's own failure is recorded, and the run fails, anyway."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RobotsTxtMiddleware:
        log = logging.getLogger(BaseRobotsTxtMiddleware.__module__)
        if not any(isinstance(f, OneLineErrors) for f in log.filters):
            log.addFilter(OneLineErrors())
        return cls(crawler)


class CookiesMiddleware:
    """Scrapy's cookies middleware, imported only when `COOKIES_ENABLED` is on: it imports
    tldextract (about 40 ms of every crawl's start-up) before it finds itself turned off."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        if not crawler.settings.getbool("COOKIES_ENABLED"):
            raise NotConfigured
        from scrapy.downloadermiddlewares.cookies import CookiesMiddleware as Cookies

        return Cookies.from_crawler(crawler)


class RemoteControl:
    """Scrapy's remote-control extension, imported only when `REMOTE_CONTROL_ENABLED` is on:
    it imports aiohttp (about 80 ms of every crawl's start-up) before it finds itself off."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        if not crawler.settings.getbool("REMOTE_CONTROL_ENABLED"):
            raise NotConfigured
        from scrapy.extensions.remote_control import RemoteControl as Control

        return Control.from_crawler(crawler)
