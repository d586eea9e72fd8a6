"""Crawling the captures instead of the site (`DA_REPLAY`): what `da reparse` runs.

A re-parse is a crawl of the same job (spider and arguments, read from the WACZ's warcinfo),
through the same spider, middlewares and pipelines, whose download handler answers every
request from the captures instead of the network, the way spiders/offline.py answers from
the bundled mirror. So listings lead to their documents, captured redirects are followed,
and collections are rebuilt with their membership, exactly as the crawl that captured them.

Which capture answers a URL: of all the given WACZs, the newest definitive answer (2xx, 3xx,
or a 4xx other than 403/408/425/429), so that a challenge page or a 503 that a retry got
past in the crawl does not stand for the page; with none, the newest answer of any kind.
Revisit records (304) hold no body: the page is served from its last full capture. A
URL with no capture fails with the reason "not in the captures" (recorded, as any failure).
Each response's request carries the capture it came from (`da_capture`), so documents keep
pointing to the original WARC records.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from scrapy import Request, signals
from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from w3lib.url import canonicalize_url

from extensions.captures import ORIGINAL_PREFIX
from extensions.run import START_FAILURE
from items import CAPTURE_META, CaptureRecord
from models.wacz import IndexEntry, read_capture, read_index

TRANSIENT = frozenset({403, 408, 425, 429})  # challenges, rate limits: a retry may pass


class NotCaptured(Exception):
    """The page was not captured by the crawls being re-parsed."""


def replay_files(value: str | list[str] | None) -> list[Path]:
    """The WACZ files DA_REPLAY names (os.pathsep-separated, or a list), folders expanded."""
    items = value if isinstance(value, list) else (value or "").split(os.pathsep)
    files: list[Path] = []
    for item in (i.strip() for i in items if i and i.strip()):
        path = Path(item)
        files += sorted(path.glob("*.wacz")) if path.is_dir() else [path]
    return files


@dataclass(frozen=True)
class Found:
    wacz: Path
    entry: IndexEntry


def _rank(found: Found, order: int) -> tuple[bool, str, int, int]:
    definitive = found.entry.status < 500 and found.entry.status not in TRANSIENT
    return (definitive, found.entry.timestamp, order, found.entry.offset)


class CapturesIndex:
    """URL -> the capture that answers it (see the module's docstring)."""

    def __init__(self, files: list[Path]) -> None:
        best: dict[str, tuple[tuple[bool, str, int, int], Found]] = {}
        for order, wacz in enumerate(files):
            for entry in read_index(wacz):
                if entry.revisit:
                    continue
                found = Found(wacz, entry)
                rank = _rank(found, order)
                for key in {entry.url, canonicalize_url(entry.url)}:
                    if key not in best or rank > best[key][0]:
                        best[key] = (rank, found)
        self.by_url = {key: found for key, (_, found) in best.items()}

    def __len__(self) -> int:
        return len(self.by_url)

    def find(self, url: str) -> Found | None:
        return self.by_url.get(url) or self.by_url.get(canonicalize_url(url))


class ReplayDownloadHandler(BaseDownloadHandler):
    """Scrapy's download handler for http(s) under DA_REPLAY: answers from the captures."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.files = replay_files(crawler.settings.get("DA_REPLAY"))
        self.index = CapturesIndex([f for f in self.files if f.is_file()])
        crawler.signals.connect(self.check_captures, signal=signals.spider_opened)

    def check_captures(self) -> None:
        missing = [str(f) for f in self.files if not f.is_file()]
        if not missing and len(self.index):
            return
        reason = (
            f"nothing to re-parse: no such capture file {', '.join(missing)}"
            if missing
            else "nothing to re-parse: the captures hold no responses"
        )
        assert self.crawler.stats is not None
        self.crawler.stats.set_value(START_FAILURE, reason)
        raise CloseSpider("no captures")

    async def download_request(self, request: Request) -> Response:
        found = self.index.find(request.url)
        if found is None:
            raise NotCaptured(f"not in the captures: {request.url}")
        entry = found.entry
        captured = read_capture(found.wacz.parent, found.wacz.name, entry.warc, entry.offset,
                                entry.length)  # fmt: skip
        request.meta[CAPTURE_META] = CaptureRecord(
            wacz=found.wacz.name, warc=entry.warc, offset=entry.offset, length=entry.length,
            record_id=captured.record_id, record_type=captured.record_type, url=captured.url,
            fetched_at=captured.date, payload_digest=captured.payload_digest,
        )  # fmt: skip
        headers = Headers()
        transfer = ORIGINAL_PREFIX.lower()  # headers of the transfer, not of the body kept
        for name, value in captured.headers:
            if not name.lower().startswith(transfer):
                headers.appendlist(name, value)
        response_class = responsetypes.from_args(
            headers=headers, url=request.url, body=captured.payload
        )
        return response_class(
            url=request.url,
            status=captured.status,
            headers=headers,
            body=captured.payload,
            request=request,
            protocol=captured.protocol,
        )
