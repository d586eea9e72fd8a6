"""`scrapy crawl catalog`: the current site's catalog, `/search?page=N`, to the end.

- `-a facet=topics:86492` walks one facet listing (topics, people, places, languages,
  original_repositories) instead of the whole catalog.
- `-a new_only=1` (nightly): newest upload first, stops at the first page on which every
  document is already stored.
- `-a since=YYYY-MM-DD`: newest upload first, skips stored documents uploaded before it.
- `-a revalidate=1` (weekly): every stored document is re-checked, listed or not.

The listing order shifts while the archive is updated, so documents are deduplicated by URL
and record id, and the count line ("11 - 20 of 99") is read again at the end: if the catalog
holds more than was seen, the walk is repeated (at most twice) for what it missed.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlencode

from scrapy.http import Response

from items import ListingEntry
from spiders.base import ArchiveSpider, flag
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

    async def start(self) -> AsyncIterator[Any]:
        for request in self.starting([self.request(self.listing_url(0), catalog_page=0)]):
            yield request

    def on_listing_page(self, page: ListingPage, response: Response) -> Iterator[Any]:
        if page.count and not self.new_only:  # the catalog's size, from its count line
            self.expect_documents(page.count[2])
        fresh = [e for e in page.entries if not self._seen(e)]
        known = self.known_documents()
        if self.new_only:  # stored documents (by record id or path, on any host) are not new
            stored = [e for e in page.entries if known.has(e.url, e.record_id)]
            fresh = [e for e in fresh if not known.has(e.url, e.record_id)]
        if self.new_only and page.entries and len(stored) == len(page.entries):
            self.stopped_early = True  # everything from here on is older and stored
            self.stats.set_value(
                "archive/catalog_stopped_at_page", response.meta.get("catalog_page")
            )
            return
        for entry in fresh:
            if request := self.document_request(entry.url, listing_entry=entry):
                yield request
        if page.next_url:
            yield self.request(page.next_url, catalog_page=response.meta.get("catalog_page", 0) + 1)
            return
        total = page.count[2] if page.count else None
        if (
            total is not None
            and self.documents_seen < total
            and self.passes < MAX_PASSES
            and not self.new_only
        ):
            # The order shifted under us: walk again for the documents we missed.
            self.passes += 1
            self.count("catalog_extra_passes")
            yield self.request(
                self.listing_url(0), catalog_page=0, dont_filter_pass=self.passes
            ).replace(dont_filter=True)
            return
        if total is not None and self.documents_seen < total:
            self.logger.warning(
                "catalog lists %d documents, %d seen after %d passes",
                total,
                self.documents_seen,
                self.passes,
            )
        self.stats.set_value("archive/catalog_total", total)
        yield from self.revalidate_rest()

    def _seen(self, entry: ListingEntry) -> bool:
        keys = {key for key in (entry.url, entry.record_id) if key}
        if keys & self.seen:
            return True
        self.seen |= keys
        self.documents_seen += 1
        return False
