"""Downloader middlewares of the project."""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Request, Response, TextResponse

from spiders.mirror import FixtureSite


class OfflineMirrorMiddleware:
    """With `DA_OFFLINE=1`, answer every request from fixtures/: no network at all.

    It sits next to the downloader, so Scrapy's own middlewares (robots.txt, redirects,
    retries, HTTP errors) treat its answers like real ones.
    """

    def __init__(self, site: FixtureSite) -> None:
        self.site = site

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OfflineMirrorMiddleware:
        if not crawler.settings.getbool("DA_OFFLINE"):
            raise NotConfigured("DA_OFFLINE is not set")
        return cls(FixtureSite(crawler.settings.get("DA_FIXTURES_DIR") or None))

    def process_request(self, request: Request) -> Response:
        answer = self.site.resolve(request.url)
        response_class = (
            HtmlResponse
            if answer.headers.get("Content-Type", "").startswith("text/html")
            else TextResponse
        )
        return response_class(
            url=request.url,
            status=answer.status,
            headers=answer.headers,
            body=answer.body,
            encoding="utf-8",
            request=request,
        )
