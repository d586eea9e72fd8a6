"""Routing shared by the spiders: which parser for a response, which request next.

No markup knowledge lives here (that is spiders/pages/); this module only decides where a
parsed page leads: documents to items, collection and listing pages to their next page and
their documents, 304s and listing pages to fetch records, failures to RejectedItems with a
reason. Re-crawls are incremental: every request is conditional when the database has
validators for its URL, and a run that resumes an interrupted one skips what that run stored.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Iterator
from typing import Any, assert_never
from urllib.parse import urlsplit, urlunsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.statscollectors import StatsCollector
from twisted.python.failure import Failure

from extensions.run import EXPECTED_DOCUMENTS, INCOMPLETE, START_FAILURE, RunExtension
from items import (
    CAPTURE_META,
    CaptureRecord,
    CollectionItem,
    DocumentItem,
    FetchedPage,
    FetchRecord,
    KnownDocuments,
    ListingEntry,
    Outcome,
    PageType,
    RejectedItem,
    SiteGeneration,
)
from spiders.browser import ChallengeNotPassed, InteractiveChallenge
from spiders.drafts import CollectionDraft, now_iso, pager_cut
from spiders.fetches import http_info
from spiders.hosts import OffHost, off_host_reason, on_hosts, polite_slots
from spiders.middlewares import too_large_reason
from spiders.pages import (
    CollectionIndex,
    CollectionPage,
    DocumentPage,
    FailedPage,
    ListingPage,
    parse_page,
)
from spiders.pages.current import TOPIC_FACET
from spiders.pages.legacy import COLLECTION_PATH
from spiders.pages.wayback import WAYBACK_HOST, Capture, capture_url, parse_capture_url, unwrap

LIVE_HOST = "digitalarchive.wilsoncenter.org"
TRUE = {"1", "true", "yes", "on"}


def flag(value: Any) -> bool:
    return str(value or "").strip().lower() in TRUE


def job_arguments(kwargs: dict[str, Any]) -> dict[str, Any]:
    """The `-a` arguments that make a job (and its lock key): set, and not internal."""
    return {k: v for k, v in kwargs.items() if v is not None and not k.startswith("_")}


class ArchiveSpider(scrapy.Spider):
    """Base of the project's spiders. `-a` arguments are kept for the crawl_runs table.

    A start URL may be a Wayback Machine capture of the legacy site
    (`https://web.archive.org/web/{timestamp}/{original URL}`): the crawl then stays in the
    archive, reading each capture as the original page and recording when it was captured.

    Common arguments: `revalidate=1` also re-checks every stored document the listings did
    not show (so withdrawn documents are found); `since=YYYY-MM-DD` skips stored documents
    uploaded before that date.
    """

    base_url: str = f"https://{LIVE_HOST}"
    allowed_domains: list[str]
    # The `-a` arguments a spider takes (its own plus these); any other is a usage error.
    ARGUMENTS: frozenset[str] = frozenset({"revalidate", "since"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.arguments = job_arguments(kwargs)
        self.revalidate = flag(kwargs.get("revalidate"))
        self.since: str | None = kwargs.get("since")
        self.requested: set[str] = set()
        self.wayback: Capture | None = None  # crawling Wayback Machine captures from this one

    @classmethod
    def accepted_arguments(cls) -> frozenset[str]:
        return frozenset().union(*(getattr(k, "ARGUMENTS", frozenset()) for k in cls.__mro__))

    @classmethod
    def check_arguments(cls, **kwargs: Any) -> Any:
        """Raise ValueError with a one-line message for bad `-a` arguments (before crawling).
        Arguments starting with "_" are the scheduler's (Scrapyd's `_job`), not ours."""
        accepted = cls.accepted_arguments()
        for name in kwargs:
            if name not in accepted and not name.startswith("_"):
                close = difflib.get_close_matches(name, sorted(accepted), n=1)
                hint = f" (did you mean {close[0]}?)" if close else ""
                known = ", ".join(sorted(accepted))
                raise ValueError(f"unknown argument {name!r}{hint}; {cls.name} takes {known}")
        since = kwargs.get("since")
        if since is not None:
            try:
                dt.date.fromisoformat(since)
            except ValueError:
                raise ValueError(f"-a since= takes a date YYYY-MM-DD, not {since!r}") from None
        return None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ArchiveSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.base_url = (crawler.settings.get("DA_BASE_URL") or cls.base_url).rstrip("/")
        # The configured host only; `starting` adds the Wayback Machine for a Wayback start URL.
        spider.allowed_domains = [urlsplit(spider.base_url).hostname or ""]
        polite_slots(crawler.settings, [WAYBACK_HOST])
        return spider

    # -- what the database knows (through the run extension; nothing when it is off) ---------

    @property
    def run(self) -> RunExtension | None:
        return self.crawler.get_extension(RunExtension)

    def done_urls(self) -> set[str]:
        run = self.run
        return run.done if run is not None and run.run is not None else set()

    def known_documents(self) -> KnownDocuments:
        run = self.run
        return run.known if run is not None and run.run is not None else KnownDocuments()

    @property
    def stats(self) -> StatsCollector:
        assert self.crawler.stats is not None
        return self.crawler.stats

    def count(self, name: str) -> None:
        self.stats.inc_value(f"archive/{name}")

    def starting(
        self, requests: Iterable[scrapy.Request | None]
    ) -> Iterator[scrapy.Request | RejectedItem]:
        """The start requests, marked: if one of them fails, the run has failed. A Wayback
        Machine capture as a start URL lets the crawl into the archive. Start URLs off the
        configured host are not crawled but recorded; if none is left, the run has failed."""
        off_site, started = [], 0
        for request in requests:
            if request is None:  # nothing to do there (resumed, or too old)
                continue
            if parse_capture_url(request.url) and WAYBACK_HOST not in self.allowed_domains:
                self.allowed_domains.append(WAYBACK_HOST)
            if not self.on_site(request.url):
                off_site.append(request.url)
                yield self.rejected(request.url, off_host_reason(request.url, self.allowed_domains))
                continue
            request.meta["start"] = True
            started += 1
            yield request
        for url in off_site:
            self.logger.warning("not crawled: %s is off the configured host %s", url, self.base_url)
        if off_site and not started:
            self.start_failed(
                f"nothing to crawl: every start URL is off the configured host {self.base_url}"
                f" (DA_BASE_URL): {', '.join(off_site)}"
            )

    def on_site(self, url: str) -> bool:
        """On an allowed host (or a subdomain of one), as spiders/hosts.py checks requests."""
        return on_hosts(url, self.allowed_domains)

    def expect_documents(self, total: int) -> None:
        """How many documents this run will see (for the progress line's done / total); the
        largest count any listing gave."""
        self.stats.max_value(EXPECTED_DOCUMENTS, total)

    def start_failed(self, reason: str) -> None:
        """A start page failed (or nothing could start): the run extension fails the run."""
        if not self.stats.get_value(START_FAILURE):
            self.stats.set_value(START_FAILURE, reason)

    def site_url(self, url_or_path: str) -> str:
        """Put a path, or a URL of the live site, on the configured host (DA_BASE_URL).
        Wayback Machine captures are kept as they are."""
        if parse_capture_url(url_or_path.strip()):
            return url_or_path.strip()
        parts = urlsplit(url_or_path.strip())
        base = urlsplit(self.base_url)
        if not parts.netloc or parts.hostname == LIVE_HOST:
            path = parts.path if parts.path.startswith("/") else "/" + parts.path
            return urlunsplit((base.scheme, base.netloc, path, parts.query, ""))
        return url_or_path.strip()

    # -- requests --------------------------------------------------------------------------

    def fetch_url(self, url: str) -> str:
        """Where to fetch a page: on a Wayback crawl, its capture nearest the first one's."""
        if self.wayback is None or parse_capture_url(url):
            return url
        return capture_url(self.wayback.timestamp, url)

    def request(self, url: str, **meta: Any) -> scrapy.Request:
        """A page of unknown or listing kind: conditional, its body kept for 304 replays."""
        meta = {"conditional": True, "keep_body": True, "handle_httpstatus_list": [304], **meta}
        return scrapy.Request(
            self.fetch_url(url), callback=self.route, errback=self.on_error, meta=meta
        )

    def document_request(self, url: str, **meta: Any) -> scrapy.Request | None:
        """A document page, unless this run has nothing to do there (resumed, or too old)."""
        if url in self.requested:
            return None
        self.requested.add(url)
        if self.fetch_url(url) in self.done_urls():
            self.count("resume_skipped")
            return None
        uploaded = self.known_documents().uploaded(url) if self.since else None
        if uploaded and self.since and uploaded < self.since:
            self.count("skipped_before_since")
            return None
        meta = {"conditional": True, "handle_httpstatus_list": [304], **meta}
        return scrapy.Request(
            self.fetch_url(url), callback=self.route, errback=self.on_error, meta=meta
        )

    # -- routing ---------------------------------------------------------------------------

    def route(self, response: Response) -> Iterator[Any]:
        for output in self._route(response):
            if isinstance(output, RejectedItem) and response.meta.get("start"):
                self.start_failed(f"start page failed: {output.reason}: {output.url}")
            yield output
            draft = response.meta.get("collection")
            if isinstance(output, RejectedItem) and draft and output.url == response.url:
                # A listing page of a collection could not be read: keep what it listed so far.
                self.listing_failed(draft, output)
                yield self.collection_item(draft)

    def listing_failed(self, draft: CollectionDraft, record: RejectedItem) -> None:
        """A collection's listing page failed: the run is incomplete."""
        total = f" of {draft.total:,}" if draft.total else ""
        self.incomplete(
            f"collection {draft.collection_id or draft.url} incomplete: a listing page failed "
            f"({record.reason}: {record.url}); {len(draft.entries):,}{total} documents listed"
        )

    def incomplete(self, reason: str) -> None:
        """The run could not do all it was asked (the first reason is kept)."""
        if not self.stats.get_value(INCOMPLETE):
            self.stats.set_value(INCOMPLETE, reason)

    def listing_request(self, url: str, draft: CollectionDraft) -> scrapy.Request:
        """A collection's next listing page; if it fails, the collection is incomplete."""
        return self.request(url, collection=draft).replace(errback=self.on_listing_error)

    def on_listing_error(self, failure: Failure) -> Iterator[Any]:
        request: scrapy.Request = failure.request  # type: ignore[attr-defined]
        draft: CollectionDraft = request.meta["collection"]
        for output in self.on_error(failure):  # the record, and the collection as listed
            if isinstance(output, RejectedItem):
                self.listing_failed(draft, output)
            yield output

    def _route(self, response: Response) -> Iterator[Any]:
        if response.status == 304:  # a document that has not changed since we stored it
            yield FetchRecord(url=response.url, page=FetchedPage.DOCUMENT, http=http_info(response))
            return
        if not isinstance(response, TextResponse):
            yield self.rejected(response.url, "not an HTML page", response.status)
            return
        if "truncated" in response.flags:  # still cut short after the retries: not fetched
            yield self.rejected(
                response.url, "truncated page", response.status, outcome=Outcome.FAILED
            )
            return
        html, page_url = response.text, response.url
        capture = parse_capture_url(response.url)
        if capture is not None:  # read the page as it was served, at its original URL
            self.wayback = self.wayback or capture
            html, page_url = unwrap(html, capture), capture.original_url
        try:
            page = parse_page(html, page_url)
        except Exception as exc:  # a parser bug must not lose the page: record it
            yield self.rejected(
                response.url, f"parse error: {type(exc).__name__}: {exc}", response.status
            )
            return
        if not isinstance(page, FailedPage):
            self.count(f"pages/{page.site_generation}_{page.type}")
            if not isinstance(page, DocumentPage):
                yield FetchRecord(
                    url=response.url,
                    page=FetchedPage.LISTING,
                    http=http_info(response, keep_body=True),
                )
        match page:
            case FailedPage():
                yield self.on_failed_page(page, response)
            case DocumentPage():
                yield self.on_document_page(page, response, capture)
            case CollectionPage():
                yield from self.on_collection_page(page, response)
            case ListingPage():
                yield from self.on_listing_page(page, response)
            case CollectionIndex():
                yield from self.on_collection_index(page, response)
            case _:
                assert_never(page)

    def on_failed_page(self, page: FailedPage, response: Response) -> RejectedItem:
        if page.type is PageType.CHALLENGE:  # still a challenge after the retries: not fetched
            retries = response.meta.get("retry_times", 0)
            reason = f"{page.reason} (after {retries} retries)"
            return self.rejected(response.url, reason, response.status, outcome=Outcome.FAILED)
        return self.rejected(response.url, page.reason, response.status)

    def on_document_page(
        self, page: DocumentPage, response: Response, wayback: Capture | None
    ) -> DocumentItem:
        item = page.item
        capture = response.meta.get(CAPTURE_META)  # where the bytes are (extensions/captures.py)
        if isinstance(capture, CaptureRecord) and capture.record_type == "response":
            item.capture = capture
        item.fetched_at = fetched_at(item.capture) if item.capture else now_iso()
        collection_id = response.meta.get("collection_id")
        if collection_id and collection_id not in item.collections:
            item.collections.append(collection_id)
        entry: ListingEntry | None = response.meta.get("listing_entry")
        item.listing_summary = entry.summary if entry else None
        redirects = response.meta.get("redirect_urls", [])
        item.alias_urls = list(dict.fromkeys([*redirects, *item.alias_urls]))
        item.http = http_info(response)
        if wayback is not None:
            item.captured_at = wayback.captured_at
            item.alias_urls = [u for u in item.alias_urls if not parse_capture_url(u)]
        return item

    def on_collection_index(self, page: CollectionIndex, response: Response) -> Iterator[Any]:
        """An index of collections (`-a all=1`): every collection it lists, one by one."""
        self.count("collections_listed")
        for url in page.collection_urls:
            yield self.request(self.site_url(url), collection_hint=collection_id_in(url))

    def on_collection_page(self, page: CollectionPage, response: Response) -> Iterator[Any]:
        """A collection's (first or next) page: follow its documents, then its next page."""
        capture = parse_capture_url(response.url)
        draft: CollectionDraft | None = response.meta.get("collection")
        if draft is None:
            # Without an id the collection is rejected by validation; its documents are not.
            collection_id = response.meta.get("collection_hint") or page.collection_id or ""
            if capture is not None and collection_id:  # the collection as it was then, on its own
                collection_id = f"{collection_id}@{capture.timestamp}"
            draft = CollectionDraft(
                collection_id=collection_id,
                url=capture.original_url if capture else response.url,
                site_generation=page.site_generation,
                title=page.title,
                description=page.description,
                captured_at=capture.captured_at if capture else None,
            )
        if page.listing_url:  # current site: the full membership is in the facet listing
            yield self.listing_request(page.listing_url, draft)
            return
        yield from self._take_entries(draft, page.entries)
        yield from self._next_or_done(draft, page.next_url)

    def on_listing_page(self, page: ListingPage, response: Response) -> Iterator[Any]:
        draft: CollectionDraft | None = response.meta.get("collection")
        if draft is None and (match := TOPIC_FACET.search(response.url)):
            topic = match.group(1)  # a facet listing given as a collection
            draft = CollectionDraft(
                collection_id=f"topics:{topic}",
                url=response.url,
                site_generation=SiteGeneration.CURRENT,
            )
        if draft is None:
            for entry in page.entries:
                if request := self.document_request(entry.url, listing_entry=entry):
                    yield request
            if page.next_url:
                yield self.request(page.next_url)
            else:
                yield from self.revalidate_rest()
            return
        if page.count:  # "1 - 10 of 99": the collection's size from its first page
            self.expect_documents(page.count[2])
            draft.count_pages(page.count, len(page.entries))
        yield from self._take_entries(draft, page.entries)
        yield from self._next_or_done(draft, page.next_url)

    def _take_entries(
        self, draft: CollectionDraft, entries: list[ListingEntry]
    ) -> Iterator[scrapy.Request]:
        for entry in draft.take(entries):
            request = self.document_request(
                entry.url, collection_id=draft.collection_id, listing_entry=entry
            )
            if request is not None:
                yield request

    def _next_or_done(self, draft: CollectionDraft, next_url: str | None) -> Iterator[Any]:
        # Pages are walked one after another, so positions follow the listing order.
        self.expect_documents(len(draft.entries))  # so far: the listing pages walked
        draft.pages_walked += 1
        if next_url and draft.pages_walked >= draft.max_pages():
            # A pager that never ends: cut past what the count line promised, and recorded.
            self.count("listing_pager_cut")
            yield self.rejected(next_url, pager_cut(draft.pages_walked, draft.total))
            next_url = None
        if next_url:
            yield self.listing_request(next_url, draft)
        else:
            yield self.collection_item(draft)
            yield from self.revalidate_rest()

    def revalidate_rest(self) -> Iterator[scrapy.Request]:
        """With `revalidate=1`: every stored document the listings did not lead to."""
        run = self.run
        if not self.revalidate or run is None or run.run is None:
            return
        for urls in run.store.documents.revalidation_urls():
            if self.requested.isdisjoint(urls) and (request := self.document_request(urls[0])):
                self.count("revalidated_unlisted")
                yield request

    def collection_item(self, draft: CollectionDraft) -> CollectionItem:
        self.count("collections_seen")
        return draft.item()

    # -- failures --------------------------------------------------------------------------

    def on_error(self, failure: Failure) -> Iterator[Any]:
        request: scrapy.Request = failure.request  # type: ignore[attr-defined]
        status, outcome = None, Outcome.FAILED
        maxsize = self.settings.getint("DOWNLOAD_MAXSIZE")
        if isinstance(failure.value, OffHost):  # refused, not failed: nothing was sent there
            reason, outcome = str(failure.value), Outcome.REJECTED
        elif too_large := too_large_reason(  # refused: a retry would not help
            failure.value, request.meta.get("download_maxsize", maxsize)
        ):
            reason, outcome = too_large, Outcome.REJECTED
        elif isinstance(failure.value, HttpError):
            status = failure.value.response.status
            reason = f"HTTP {status}"
        elif isinstance(failure.value, (InteractiveChallenge, ChallengeNotPassed)):
            reason = str(failure.value)  # "interactive challenge"
        else:
            reason = f"{type(failure.value).__name__}: {failure.getErrorMessage()}"
        urls = [*request.meta.get("redirect_urls", []), request.url]
        if request.meta.get("start"):
            self.start_failed(f"start page failed: {reason}: {urls[0]}")
        yield self.rejected(urls[0], reason, status, outcome=outcome, urls=urls)
        draft = request.meta.get("collection")
        if draft is not None:  # keep what the listing gave so far; the failed page is recorded
            yield self.collection_item(draft)

    def rejected(
        self,
        url: str,
        reason: str,
        status: int | None = None,
        outcome: Outcome = Outcome.REJECTED,
        urls: list[str] | None = None,
    ) -> RejectedItem:
        return RejectedItem(
            url=url,
            reason=reason,
            outcome=outcome,
            spider=self.name,
            http_status=status,
            fetched_at=now_iso(),
            payload={"urls": urls} if urls and len(urls) > 1 else None,
        )


def fetched_at(capture: CaptureRecord) -> str:
    """When a page was fetched, as `now_iso` writes it: its capture's WARC-Date, so that a
    re-parse of the capture stores the same time as the crawl did."""
    when = dt.datetime.fromisoformat(capture.fetched_at.replace("Z", "+00:00"))
    return when.astimezone(dt.UTC).isoformat(timespec="seconds")


def collection_path(collection_id: str) -> str:
    return f"/collection/{collection_id}"


def collection_id_in(url: str) -> str | None:
    match = COLLECTION_PATH.match(urlsplit(url).path)
    return match.group(1) if match else None
