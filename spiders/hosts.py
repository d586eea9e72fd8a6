"""Stay on the configured hosts: every request the crawl sends, redirects included, is checked.

The hosts a spider may visit are its `allowed_domains`: the host of `DA_BASE_URL`, plus the
Wayback Machine only when a start URL is an explicit capture (`ArchiveSpider.starting`), plus
the blog's host for the `releases` spider. `OnHostMiddleware` replaces Scrapy's
`OffsiteMiddleware`, which drops a request silently: it raises `OffHost`, an `IgnoreRequest`
whose message is the reason, so Scrapy calls the request's errback and the spider records the
URL in `rejected_items` (`ArchiveSpider.on_error`). Redirects pass through the downloader
middlewares again, so a redirect off the host is refused the same way, before any byte is
sent to the other host.

The hosts other than DA_BASE_URL's are always real Internet hosts: they get the live site's
politeness (`DA_OTHER_HOST_DELAY`, one request at a time) through Scrapy's `DOWNLOAD_SLOTS`,
even when the settings profile dropped the delays for a loopback mirror (spiders/profile.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request
from scrapy.settings import BaseSettings

OFF_HOST_REFUSED = "archive/off_host_refused"
POLITE_JITTER = 0.5  # ±50%, as settings.py's DOWNLOAD_DELAY_JITTER for the live site


class OffHost(IgnoreRequest):
    """A request for a host the crawl may not visit; the message is the recorded reason."""


def on_hosts(url: str, hosts: Iterable[str]) -> bool:
    """On one of `hosts` (or a subdomain of one), as Scrapy's offsite filter sees it."""
    host = (urlsplit(url).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in (h.lower() for h in hosts if h))


def off_host_reason(url: str, hosts: Iterable[str]) -> str:
    return f"off host: {url} (allowed: {', '.join(h for h in hosts if h)})"


def polite_slots(settings: BaseSettings, hosts: Iterable[str]) -> None:
    """Give `hosts` the live site's delay and concurrency (DOWNLOAD_SLOTS), whatever the
    profile does to the default delays. Called from a spider's `from_crawler`, while the
    settings can still change; not with the offline mirror (nothing leaves the machine)."""
    if settings.frozen or settings.getbool("DA_OFFLINE"):
        return
    slots: dict[str, Any] = dict(settings.getdict("DOWNLOAD_SLOTS"))
    polite = {
        "delay": settings.getfloat("DA_OTHER_HOST_DELAY", 5.0),
        "jitter": POLITE_JITTER,
        "concurrency": 1,
    }
    for host in hosts:
        if host:
            slots.setdefault(host, polite)
    priority = settings.getpriority("DOWNLOAD_SLOTS") or 0
    settings.set("DOWNLOAD_SLOTS", slots, priority=max(priority, 20))  # 20: "project"


class OnHostMiddleware:
    """Refuse, with a reason, every request for a host the spider does not allow (see the
    module). A spider without `allowed_domains` is not restricted."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OnHostMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        hosts = list(getattr(self.crawler.spider, "allowed_domains", None) or [])
        if not hosts or on_hosts(request.url, hosts):
            return
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(OFF_HOST_REFUSED)
        raise OffHost(off_host_reason(request.url, hosts))
