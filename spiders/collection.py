"""`scrapy crawl collection [-a url=URL | -a id=ID]`: a collection and all its documents.

Accepts a legacy collection URL (`/collection/169/korean-war-armistice`, paged `/2`, `/3`…),
a current-site topic page (`/topics/{slug}`) or a topic facet listing
(`/search?f[0]=topics:{id}&fo[0]={id}`). Default: the Korean War Armistice collection (169).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from spiders.base import ArchiveSpider, collection_id_in, collection_path

DEFAULT_COLLECTION_ID = "169"


class CollectionSpider(ArchiveSpider):
    name = "collection"

    def __init__(self, url: str | None = None, id: str | None = None, **kwargs: Any) -> None:
        super().__init__(url=url, id=id, **kwargs)
        self.check_arguments(url=url, id=id)
        self.start_url = url
        self.collection_id = str(id).strip() if id else None

    @classmethod
    def check_arguments(cls, url: str | None = None, id: str | None = None, **_: Any) -> None:
        if url and id:
            raise ValueError("give either -a url=… or -a id=…, not both")
        if id is not None and not str(id).strip().isdigit():
            raise ValueError(f"-a id= takes a numeric collection id, not {id!r}")

    async def start(self) -> AsyncIterator[Any]:
        if self.start_url:
            url = self.site_url(self.start_url)
        else:
            url = self.site_url(collection_path(self.collection_id or DEFAULT_COLLECTION_ID))
        # If a legacy collection URL now lands on a topic page, keep the legacy id.
        yield self.request(url, collection_hint=collection_id_in(url))
