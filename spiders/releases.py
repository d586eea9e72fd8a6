"""`scrapy crawl releases [-a url=POST[,POST…]]`: blog posts announcing new translations.

Each post's list of documents (title ending in the document's date, summary) becomes a
collection `release:{post slug}` in the post's order, and every listed document is followed:
by its link when the post has one, otherwise by looking its title up in the catalog
(`/search?search_api_fulltext={title}`) and taking the result with that exact title.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Response
from twisted.python.failure import Failure

from items import ListingEntry
from spiders.base import ArchiveSpider
from spiders.drafts import CollectionDraft
from spiders.hosts import polite_slots
from spiders.pages import PartialParse, parse_current_listing
from spiders.pages.common import record_id_from_url
from spiders.pages.release_post import parse_release_post, title_without_date
from spiders.pages.results import listing_entry

# Stored as the collection's site generation: a Wilson Center blog post, not the archive.
RELEASE = "release"
DEFAULT_POST = "https://www.wilsoncenter.org/blog-post/new-korean-war-documents-digitalarchiveorg"


@dataclass
class ReleaseDraft(CollectionDraft):
    pending: int = 0  # catalog searches still to answer


class ReleasesSpider(ArchiveSpider):
    name = "releases"
    ARGUMENTS = frozenset({"url"})

    def __init__(self, url: str | None = None, **kwargs: Any) -> None:
        super().__init__(url=url, **kwargs)
        self.posts = [u.strip() for u in (url or DEFAULT_POST).split(",") if u.strip()]

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ReleasesSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        assert isinstance(spider, ReleasesSpider)
        # The blog's hosts (only for this spider), as polite as the live site.
        blog = sorted({h for u in spider.posts if (h := urlsplit(u).hostname)})
        spider.allowed_domains += [h for h in blog if h not in spider.allowed_domains]
        polite_slots(crawler.settings, [h for h in blog if h != urlsplit(spider.base_url).hostname])
        return spider

    async def start(self) -> AsyncIterator[Any]:
        posts = (
            scrapy.Request(post, callback=self.on_post, errback=self.on_error)
            for post in self.posts
        )
        for request in self.starting(posts):
            yield request

    def on_post(self, response: Response) -> Iterator[Any]:
        try:
            post = parse_release_post(response.text, response.url)
            reason = "no list of documents in the post"
        except PartialParse as exc:  # quarantined: a partial post would be a partial list
            post, reason = None, str(exc)
        if post is None or not post.entries:
            self.start_failed(f"start page failed: {reason}: {response.url}")
            yield self.rejected(response.url, reason, response.status)
            return
        slug = urlsplit(response.url).path.rstrip("/").rsplit("/", 1)[-1]
        draft = ReleaseDraft(
            collection_id=f"release:{slug}",
            url=response.url,
            site_generation=RELEASE,
            title=post.title,
            description=post.description,
        )
        for release_entry in post.entries:
            url = self.site_url(release_entry.url) if release_entry.url else None
            entry = listing_entry(
                url or "",  # "" until the catalog search finds the document
                release_entry.position,
                release_entry.date_text,
                release_entry.title,
                release_entry.summary,
            )
            draft.entries.append(entry)
            if url:
                if request := self.document_request(
                    url, collection_id=draft.collection_id, listing_entry=entry
                ):
                    yield request
                continue
            draft.pending += 1
            query = urlencode({"search_api_fulltext": title_without_date(release_entry.title)})
            yield scrapy.Request(
                self.site_url(f"/search?{query}"),
                callback=self.on_search,
                errback=self.on_search_error,
                meta={"release": draft, "entry": entry},
            )
        yield from self._search_done(draft, finished=0)

    def on_search(self, response: Response) -> Iterator[Any]:
        entry: ListingEntry = response.meta["entry"]
        draft: ReleaseDraft = response.meta["release"]
        wanted = title_without_date(entry.title or "").casefold()
        try:
            entries = parse_current_listing(response.text, response.url).entries
        except PartialParse as exc:
            yield self.rejected(response.url, str(exc), response.status)
            yield from self._search_done(draft)
            return
        matches = [e for e in entries if (e.title or "").casefold() == wanted]
        if matches:
            entry.url = matches[0].url
            entry.record_id = record_id_from_url(entry.url)
            request = self.document_request(
                entry.url, collection_id=draft.collection_id, listing_entry=entry
            )
            if request is not None:
                yield request
        else:
            yield self.rejected(
                response.url, f"no catalog result titled {entry.title!r}", response.status
            )
        yield from self._search_done(draft)

    def on_search_error(self, failure: Failure) -> Iterator[Any]:
        yield from self.on_error(failure)
        yield from self._search_done(failure.request.meta["release"])  # type: ignore[attr-defined]

    def _search_done(self, draft: ReleaseDraft, finished: int = 1) -> Iterator[Any]:
        """The post's collection item, once every title lookup has answered."""
        draft.pending -= finished
        if draft.pending == 0:
            yield self.collection_item(draft)
