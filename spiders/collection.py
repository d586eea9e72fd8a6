"""`scrapy crawl collection [-a url=URL | -a id=ID]`: a collection and all its documents.

`-a all=1` crawls every collection the site lists (the topics index of the current site).
Accepts a legacy collection URL (`/collection/169/korean-war-armistice`, paged `/2`, `/3`…),
a current-site topic page (`/topics/{slug}`) or a topic facet listing
(`/search?f[0]=topics:{id}&fo[0]={id}`). Default: the Korean War Armistice collection (169).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy import Request

from spiders.base import ArchiveSpider, collection_id_in, collection_path, flag
from spiders.pages.wayback import parse_capture_url

DEFAULT_COLLECTION_ID = "169"
TOPICS_INDEX = "/topics"


class CollectionSpider(ArchiveSpider):
    name = "collection"
    ARGUMENTS = frozenset({"url", "id", "all"})

    def __init__(self, url: str | None = None, id: str | None = None, **kwargs: Any) -> None:
        super().__init__(url=url, id=id, **kwargs)
        self.check_arguments(url=url, id=id, **kwargs)
        self.start_url = url
        self.collection_id = str(id).strip() if id else None
        self.all = flag(kwargs.get("all"))

    @classmethod
    def check_arguments(cls, **kwargs: Any) -> None:
        super().check_arguments(**kwargs)
        url, id = kwargs.get("url"), kwargs.get("id")
        if sum(bool(x) for x in (url, id, flag(kwargs.get("all")))) > 1:
            raise ValueError("give one of -a url=…, -a id=… or -a all=1")
        if id is not None and not str(id).strip().isdigit():
            raise ValueError(f"-a id= takes a numeric collection id, not {id!r}")

    async def start(self) -> AsyncIterator[Any]:
        for request in self.starting([self.start_request()]):
            yield request

    def start_request(self) -> Request:
        if self.all:  # every collection the site lists: the topics of the current site
            return self.request(self.site_url(TOPICS_INDEX))
        if self.start_url:
            url = self.site_url(self.start_url)
        else:
            url = self.site_url(collection_path(self.collection_id or DEFAULT_COLLECTION_ID))
        # If a legacy collection URL now lands on a topic page, keep the legacy id.
        capture = parse_capture_url(url)
        return self.request(
            url, collection_hint=collection_id_in(capture.original_url if capture else url)
        )
