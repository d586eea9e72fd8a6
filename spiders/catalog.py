"""`scrapy crawl catalog`: the current site's catalog, `/search?page=N`, every page.

- `-a facet=topics:86492` walks one facet listing (topics, people, places, languages,
  original_repositories) instead of the whole catalog.
- `-a new_only=1` (nightly): newest upload first, stops at the first page on which every
  document is already stored.
- `-a since=YYYY-MM-DD`: newest upload first, skips stored documents uploaded before it.
- `-a revalidate=1` (weekly): every stored document is re-checked, listed or not.

The catalog is a plan, not a chain: the first page's count line ("1 - 10 of 1,990") says how
many pages there are, and every page is requested from it (page URLs are computable), each
retried like a document. A page that still fails is recorded and the run ends incomplete
(exit 1, "catalog incomplete: page 57 failed; 1,980 of 1,990 documents"); the next run
fetches what is missing. The pager's own "next" link is followed only without a count line,
and never more than `PAGER_MARGIN` pages past what the count line promised (a pager that
never ends is cut there, and the cut recorded).

The listing order shifts while the archive is updated, so documents are deduplicated by URL
and record id; if the count line promised more than the walk saw, the pages are walked again
(at most twice more) for what was missed. `new_only` walks page after page (it stops at the
first page it already holds), skipping over a failed page to the next one.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlencode

from scrapy.http import Request, Response
from twisted.python.failure import Failure

from extensions.run import INCOMPLETE
from items import ListingEntry, RejectedItem
from spiders.base import ArchiveSpider, flag
from spiders.drafts import MAX_UNCOUNTED_PAGES, PAGER_MARGIN, pager_cut
from spiders.pages import ListingPage

FACET = re.compile(r"^(topics|people|places|languages|original_repositories):(\d+)$")
MAX_PASSES = 3


class CatalogSpider(ArchiveSpider):
    name = "catalog"
    ARGUMENTS = frozenset({"facet", "new_only"})

    def __init__(self, facet: str | None = None, **kwargs: Any) -> None:
        super().__init__(facet=facet, **kwargs)
        self.check_arguments(facet=facet, **kwargs)
        self.facet = facet
        self.new_only = flag(kwargs.get("new_only"))
        self.seen: set[str] = set()  # URLs and record ids
        self.documents_seen = 0
        self.passes = 1
        self.stopped_early = False
        self.total: int | None = None  # documents, by the largest count line seen
        self.pages: int | None = None  # pages that count line promises
        self.planned = 1  # pages below this one are requested in this pass
        self.pending: set[int] = set()  # requested in this pass, not yet answered
        self.answered: set[int] = set()  # read as listing pages (in any pass)
        self.failed: dict[int, str] = {}  # page -> why it failed (in its last attempt)

    @classmethod
    def check_arguments(cls, **kwargs: Any) -> None:
        super().check_arguments(**kwargs)
        facet = kwargs.get("facet")
        if facet is not None and not FACET.match(facet):
            raise ValueError(f"-a facet= takes NAME:ID (e.g. topics:86492), not {facet!r}")

    def listing_url(self, page: int) -> str:
        query: list[tuple[str, str]] = []
        if self.facet:
            name, facet_id = self.facet.split(":")
            query += [("f[0]", f"{name}:{facet_id}"), ("fo[0]", facet_id)]
        query.append(("page", str(page)))
        if self.new_only or self.since:
            query.append(("sort_bef_combine", "created_DESC"))
        return self.site_url("/search?" + urlencode(query, safe="[]:"))

    def page_request(self, page: int) -> Request:
        """Catalog page `page` (from 0); its answer or its failure settles it."""
        self.pending.add(page)
        request = self.request(self.listing_url(page), catalog_page=page)
        return request.replace(
            callback=self.on_catalog_response,
            errback=self.on_catalog_error,
            dont_filter=self.passes > 1,  # a page walked again
        )

    async def start(self) -> AsyncIterator[Any]:
        for request in self.starting([self.page_request(0)]):
            yield request

    # -- a page answered, or failed --------------------------------------------------------

    def on_catalog_response(self, response: Response) -> Iterator[Any]:
        page = response.meta["catalog_page"]
        self.failed.pop(page, None)
        for output in self.route(response):
            if isinstance(output, RejectedItem) and output.url == response.url:
                self.failed[page] = output.reason
            yield output
        if page not in self.answered and page not in self.failed:
            self.failed[page] = "not a listing page"
            yield self.rejected(response.url, "not a listing page", response.status)
        yield from self.settle(page)

    def on_catalog_error(self, failure: Failure) -> Iterator[Any]:
        request: Request = failure.request  # type: ignore[attr-defined]
        page = request.meta["catalog_page"]
        self.failed[page] = "failed"
        for output in self.on_error(failure):
            if isinstance(output, RejectedItem):
                self.failed[page] = output.reason
            yield output
        yield from self.settle(page)

    def on_listing_page(self, page: ListingPage, response: Response) -> Iterator[Any]:
        number = response.meta.get("catalog_page", 0)
        self.answered.add(number)
        if page.count and (self.total is None or page.count[2] > self.total):
            self.total = page.count[2]
            size = max(page.count[1] - page.count[0] + 1, len(page.entries), 1)
            self.pages = max(-(-self.total // size), 1)
            if not self.new_only:
                self.expect_documents(self.total)
        fresh = [e for e in page.entries if not self._seen(e)]
        known = self.known_documents()
        if self.new_only:  # stored documents (by record id or path, on any host) are not new
            stored = [e for e in page.entries if known.has(e.url, e.record_id)]
            fresh = [e for e in fresh if not known.has(e.url, e.record_id)]
            if page.entries and len(stored) == len(page.entries):
                self.stopped_early = True  # everything from here on is older and stored
                self.stats.set_value("archive/catalog_stopped_at_page", number)
        for entry in fresh:
            if request := self.document_request(entry.url, listing_entry=entry):
                yield request
        if self.stopped_early:
            return
        if self.new_only or self.pages is None:  # one page after another
            if page.next_url:
                yield from self.follow(number + 1)
            return
        if self.planned < self.pages:  # every page the count line promises, at once
            for later in range(self.planned, self.pages):
                if later not in self.answered or self.passes > 1:
                    yield self.page_request(later)
            self.planned = self.pages
        if page.next_url and number + 1 >= self.pages:  # a pager going on past the count
            yield from self.follow(number + 1)

    def follow(self, number: int) -> Iterator[Any]:
        """The pager's next page, unless it runs past what the count line promised (plus a
        margin): a pager that never ends is cut there, and the cut recorded."""
        limit = self.pages + PAGER_MARGIN if self.pages else MAX_UNCOUNTED_PAGES
        if number < limit:
            yield self.page_request(number)
            return
        self.count("catalog_pager_cut")
        yield self.rejected(self.listing_url(number), pager_cut(number, self.total))

    def settle(self, page: int) -> Iterator[Any]:
        """Page `page` is answered or failed; once no page is pending, the pass is over."""
        self.pending.discard(page)
        if page in self.failed and self.new_only and self.pages and page + 1 < self.pages:
            yield from self.follow(page + 1)  # the pages after a failed one still count
        if not self.pending:
            yield from self.finish_pass()

    def finish_pass(self) -> Iterator[Any]:
        total = self.total
        more = self.passes < MAX_PASSES and not self.new_only and not self.stopped_early
        if more and self.failed and total is not None:
            # Ask the failed pages once more, after everything else (the site may be back).
            self.passes += 1
            self.count("catalog_pages_retried")
            for page in sorted(self.failed):
                yield self.page_request(page)
            return
        if more and total is not None and self.documents_seen < total:
            # The order shifted under us: walk every page again for the documents we missed.
            self.passes += 1
            self.count("catalog_extra_passes")
            self.planned = 1
            yield self.page_request(0)
            return
        self.stats.set_value("archive/catalog_total", total)
        if self.failed:
            pages = ", ".join(str(p) for p in sorted(self.failed)[:10])
            others = f" and {len(self.failed) - 10} more" if len(self.failed) > 10 else ""
            plural = "s" if len(self.failed) > 1 else ""
            seen = f"; {self.documents_seen:,} of {total:,} documents" if total else ""
            self.stats.set_value(
                INCOMPLETE, f"catalog incomplete: page{plural} {pages}{others} failed{seen}"
            )
        elif total is not None and self.documents_seen < total and not self.stopped_early:
            self.logger.warning(
                "catalog lists %d documents, %d seen after %d passes",
                total, self.documents_seen, self.passes,
            )  # fmt: skip
        yield from self.revalidate_rest()

    def _seen(self, entry: ListingEntry) -> bool:
        keys = {key for key in (entry.url, entry.record_id) if key}
        if keys & self.seen:
            return True
        self.seen |= keys
        self.documents_seen += 1
        return False
