"""`scrapy crawl document -a url=URL[,URL…]` (or `-a id=RECORD_ID[,…]`): single documents.

URLs may be in slug (`/document/aide-memoire-…`), record-id (`/document/118508`) or shortlink
(`/node/94237`) form, absolute or as paths.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from spiders.base import ArchiveSpider


class DocumentSpider(ArchiveSpider):
    name = "document"
    ARGUMENTS = frozenset({"url", "id"})

    def __init__(self, url: str | None = None, id: str | None = None, **kwargs: Any) -> None:
        super().__init__(url=url, id=id, **kwargs)
        self.targets = self.check_arguments(url=url, id=id, **kwargs)

    @classmethod
    def check_arguments(cls, **kwargs: Any) -> list[str]:
        super().check_arguments(**kwargs)
        url, id = kwargs.get("url"), kwargs.get("id")
        targets = [u.strip() for u in (url or "").split(",") if u.strip()]
        for record_id in (i.strip() for i in (id or "").split(",") if i.strip()):
            if not record_id.isdigit():
                raise ValueError(f"-a id= takes numeric record ids, not {record_id!r}")
            targets.append(f"/document/{record_id}")
        if not targets:
            raise ValueError("give -a url=URL[,URL…] or -a id=RECORD_ID[,…]")
        return targets

    async def start(self) -> AsyncIterator[Any]:
        self.expect_documents(len(self.targets))
        targets = (self.document_request(self.site_url(target)) for target in self.targets)
        for request in self.starting(targets):
            yield request
