"""Routing shared by the spiders: which parser for a response, which request next.

No markup knowledge lives here (that is spiders/pages/); this module only decides where a
parsed page leads: documents to items, collection and listing pages to their next page and
their documents, failures to RejectedItems with a reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from spiders.items import CollectionItem, DocumentItem, RejectedItem
from spiders.pages import CollectionPage, ListingPage, parse_page
from spiders.pages.current import TOPIC_FACET
from spiders.pages.legacy import COLLECTION_PATH

LIVE_HOST = "digitalarchive.wilsoncenter.org"


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class ArchiveSpider(scrapy.Spider):
    """Base of the project's spiders. `-a` arguments are kept for the crawl_runs table."""

    base_url: str = f"https://{LIVE_HOST}"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.arguments = {
            k: v for k, v in kwargs.items() if v is not None and not k.startswith("_")
        }

    @classmethod
    def check_arguments(cls, **kwargs: Any) -> None:
        """Raise ValueError with a one-line message for bad `-a` arguments (before crawling)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ArchiveSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.base_url = (crawler.settings.get("DA_BASE_URL") or cls.base_url).rstrip("/")
        spider.allowed_domains = [urlsplit(spider.base_url).hostname]
        return spider

    def site_url(self, url_or_path: str) -> str:
        """Put a path, or a URL of the live site, on the configured host (DA_BASE_URL)."""
        parts = urlsplit(url_or_path.strip())
        base = urlsplit(self.base_url)
        if not parts.netloc or parts.hostname == LIVE_HOST:
            path = parts.path if parts.path.startswith("/") else "/" + parts.path
            return urlunsplit((base.scheme, base.netloc, path, parts.query, ""))
        return url_or_path.strip()

    def request(self, url: str, **meta: Any) -> scrapy.Request:
        return scrapy.Request(url, callback=self.route, errback=self.on_error, meta=meta)

    # -- routing ---------------------------------------------------------------------------

    def route(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            yield self.rejected(response.url, "not an HTML page", response.status)
            return
        try:
            kind, page = parse_page(response.text, response.url)
        except Exception as exc:  # a parser bug must not lose the page: record it
            yield self.rejected(
                response.url, f"parse error: {type(exc).__name__}: {exc}", response.status
            )
            return
        if page is None:
            yield self.rejected(response.url, kind.reason or kind.type, response.status)
            return
        self.crawler.stats.inc_value(f"archive/pages/{kind.generation}_{kind.type}")
        if isinstance(page, DocumentItem):
            yield self.document_item(page, response)
        elif isinstance(page, CollectionPage):
            yield from self.on_collection_page(page, response)
        elif isinstance(page, ListingPage):
            yield from self.on_listing_page(page, response)

    def document_item(self, item: DocumentItem, response: Response) -> DocumentItem:
        item.fetched_at = now_iso()
        collection_id = response.meta.get("collection_id")
        if collection_id and collection_id not in item.collections:
            item.collections.append(collection_id)
        listing_entry = response.meta.get("listing_entry") or {}
        item.listing_summary = listing_entry.get("summary")
        redirects = response.meta.get("redirect_urls", [])
        item.alias_urls = list(dict.fromkeys([*redirects, *item.alias_urls]))
        return item

    def on_collection_page(self, page: CollectionPage, response: Response) -> Iterator[Any]:
        """A collection's (first or next) page: follow its documents, then its next page."""
        state = response.meta.get("collection") or {
            "collection_id": response.meta.get("collection_hint") or page.collection_id,
            "url": response.url,
            "site_generation": page.site_generation,
            "title": page.title,
            "description": page.description,
            "entries": [],
        }
        if page.listing_url:  # current site: the full membership is in the facet listing
            yield self.request(page.listing_url, collection=state)
            return
        yield from self._take_entries(state, page.entries)
        yield from self._next_or_done(state, page.next_url)

    def on_listing_page(self, page: ListingPage, response: Response) -> Iterator[Any]:
        state = response.meta.get("collection")
        if state is None and (match := TOPIC_FACET.search(response.url)):
            topic = match.group(1) or match.group(2)  # a facet listing given as a collection
            state = {
                "collection_id": f"topics:{topic}",
                "url": response.url,
                "site_generation": "current",
                "title": None,
                "description": None,
                "entries": [],
            }
        if state is None:
            for entry in page.entries:
                yield self.request(entry["url"], listing_entry=entry)
            if page.next_url:
                yield self.request(page.next_url)
            return
        yield from self._take_entries(state, page.entries)
        yield from self._next_or_done(state, page.next_url)

    def _take_entries(self, state: dict[str, Any], entries: list[dict]) -> Iterator[Any]:
        offset = len(state["entries"])
        for entry in entries:
            entry = {**entry, "position": offset + entry["position"]}
            state["entries"].append(entry)
            yield self.request(
                entry["url"], collection_id=state["collection_id"], listing_entry=entry
            )

    def _next_or_done(self, state: dict[str, Any], next_url: str | None) -> Iterator[Any]:
        # Pages are walked one after another, so positions follow the listing order.
        if next_url:
            yield self.request(next_url, collection=state)
        else:
            yield self.collection_item(state)

    def collection_item(self, state: dict[str, Any]) -> CollectionItem:
        self.crawler.stats.inc_value("archive/collections_seen")
        return CollectionItem(
            collection_id=state["collection_id"],
            url=state["url"],
            site_generation=state["site_generation"],
            title=state["title"],
            description=state["description"],
            documents=state["entries"],
            fetched_at=now_iso(),
        )

    # -- failures --------------------------------------------------------------------------

    def on_error(self, failure: Failure) -> Iterator[Any]:
        request = failure.request
        status = None
        if failure.check(HttpError):
            status = failure.value.response.status
            reason = f"HTTP {status}"
        else:
            reason = f"{failure.type.__name__}: {failure.getErrorMessage()}"
        yield self.rejected(request.url, reason, status, outcome="failed")
        state = request.meta.get("collection")
        if state is not None:  # keep what the listing gave so far; the failed page is recorded
            yield self.collection_item(state)

    def rejected(
        self, url: str, reason: str, status: int | None = None, outcome: str = "rejected"
    ) -> RejectedItem:
        self.crawler.stats.inc_value(f"archive/{outcome}")
        return RejectedItem(
            url=url,
            reason=reason,
            outcome=outcome,
            spider=self.name,
            http_status=status,
            fetched_at=now_iso(),
        )


def collection_path(collection_id: str) -> str:
    return f"/collection/{collection_id}"


def collection_id_in(url: str) -> str | None:
    match = COLLECTION_PATH.match(urlsplit(url).path)
    return match.group(1) if match else None
