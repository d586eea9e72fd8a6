"""The bundled offline mirror, `fixtures/site/`, answering requests as the site would:
URL path -> fixture file, with redirects, 404s, ETag/Last-Modified and 304s.

With `DA_OFFLINE=1` (spiders/profile.py) `OfflineDownloadHandler` is Scrapy's download
handler for http and https: no network at all, and every downloader middleware (robots.txt,
redirects, retries, stats, conditional requests) sees its answers as real ones. The tests'
loopback server (tests/support/mirror.py) serves the same `FixtureSite` over real HTTP.

Layout of `fixtures/site/` (by URL path):
  /document/some-slug                 -> document/some-slug.html
  /collection/169/korean-war-armistice/2 -> collection/169/korean-war-armistice/2.html
  /search?page=1&f[0]=topics:1        -> search@f[0]=topics:1&page=1.html  (query sorted)
  /robots.txt                         -> robots.txt
  _redirects.json                     -> {"/document/111817": "/document/some-slug", …} (301)
  _wayback/{timestamp}/{path}.html    -> Wayback Machine captures: /web/{timestamp}/{original URL}
  404.html                            -> body of every 404
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from scrapy import Request, signals
from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider
from scrapy.http import HtmlResponse, Response, TextResponse

from extensions.run import START_FAILURE

WAYBACK_PATH = re.compile(
    r"^/web/(?P<ts>\d{14})(?:[a-z]{2}_)?/(?P<original>https?://[^/]+(?P<path>/.*))$"
)


DEFAULT_ROOT = Path(__file__).resolve().parent.parent / "fixtures" / "site"
# Fixed, so that ETag / Last-Modified do not depend on when the repository was cloned.
FIXTURES_MODIFIED = email.utils.formatdate(1735689600, usegmt=True)  # 2025-01-01


@dataclass
class MirrorResponse:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


class FixtureSite:
    def __init__(self, root: Path | str | None = None, real_mtimes: bool = False) -> None:
        self.root = Path(root) if root else DEFAULT_ROOT
        # Offline mode uses one fixed date (clones differ in mtimes); a served copy that tests
        # edit uses the files' own, so that a changed page is newer.
        self.real_mtimes = real_mtimes
        # Canned answers served before the real one, per path (or "path?query"): fault
        # injection for tests and benchmarks (a 429 with Retry-After, a 503…).
        self.scripted: dict[str, list[MirrorResponse]] = {}
        redirects = self.root / "_redirects.json"
        self.redirects: dict[str, str] = (
            json.loads(redirects.read_text()) if redirects.exists() else {}
        )

    def file_for(self, url: str) -> Path:
        """The fixture file that answers a URL (it may not exist)."""
        parts = urlsplit(url)
        path = unquote(parts.path).strip("/") or "index"
        if parts.query:
            query = "&".join(
                f"{k}={v}" for k, v in sorted(parse_qsl(parts.query, keep_blank_values=True))
            )
            path = f"{path}@{query}"
        if path.endswith(".txt"):
            return self.root / path
        return self.root / f"{path}.html"

    def _wayback(self, url: str, headers: Mapping[str, str] | None) -> MirrorResponse:
        """Captures live in _wayback/{timestamp}/{original path}.html; like the real Wayback
        Machine, a request for another timestamp is redirected to the nearest capture."""
        match = WAYBACK_PATH.match(unquote(urlsplit(url).path))
        if not match:
            return self._not_found()
        relative = match.group("path").strip("/")
        folder = self.root / "_wayback"
        captures = sorted(p.relative_to(folder).parts[0] for p in folder.glob(f"*/{relative}.html"))
        if not captures:
            return self._not_found()
        wanted = match.group("ts")
        nearest = min(captures, key=lambda ts: abs(int(ts) - int(wanted)))
        if nearest != wanted:
            return MirrorResponse(
                302, b"", {"Location": f"/web/{nearest}/{match.group('original')}"}
            )
        return self.resolve(f"/_wayback/{nearest}/{relative}", headers)

    def _not_found(self) -> MirrorResponse:
        not_found = self.root / "404.html"
        body = not_found.read_bytes() if not_found.exists() else b"Not Found"
        return MirrorResponse(404, body, {"Content-Type": "text/html; charset=utf-8"})

    def resolve(self, url: str, headers: Mapping[str, str] | None = None) -> MirrorResponse:
        """The answer to a GET; honours If-None-Match / If-Modified-Since with 304."""
        parts = urlsplit(url)
        canned = self.scripted.get(f"{parts.path}?{parts.query}") or self.scripted.get(parts.path)
        if canned:
            return canned.pop(0)
        if parts.path.startswith("/web/"):
            return self._wayback(url, headers)
        target = self.redirects.get(parts.path.rstrip("/") or "/")
        if target:
            return MirrorResponse(301, b"", {"Location": target})
        path = self.file_for(url)
        try:
            resolved = path.resolve()
            resolved.relative_to(self.root.resolve())  # never serve outside the mirror
            body = resolved.read_bytes()
        except (OSError, ValueError):
            return self._not_found()
        content_type = "text/plain" if path.suffix == ".txt" else "text/html; charset=utf-8"
        validators = {
            "ETag": '"' + hashlib.sha1(body).hexdigest()[:16] + '"',
            "Last-Modified": email.utils.formatdate(resolved.stat().st_mtime, usegmt=True)
            if self.real_mtimes
            else FIXTURES_MODIFIED,
        }
        if _not_modified({k.lower(): v for k, v in (headers or {}).items()}, validators):
            return MirrorResponse(304, b"", validators)
        return MirrorResponse(200, body, {"Content-Type": content_type, **validators})


def _not_modified(request_headers: Mapping[str, str], validators: dict[str, str]) -> bool:
    if "if-none-match" in request_headers:  # RFC 9110: the ETag wins over the date
        tags = {t.strip() for t in request_headers["if-none-match"].split(",")}
        return validators["ETag"] in tags or "*" in tags
    since = request_headers.get("if-modified-since")
    if not since:
        return False
    try:
        modified = email.utils.parsedate_to_datetime(validators["Last-Modified"])
        return modified <= email.utils.parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False


class OfflineDownloadHandler(BaseDownloadHandler):
    """Scrapy's download handler for http(s) under `DA_OFFLINE=1`: answers from the mirror."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.site = FixtureSite(crawler.settings.get("DA_FIXTURES_DIR") or None)
        crawler.signals.connect(self.check_mirror, signal=signals.spider_opened)

    def check_mirror(self) -> None:
        """No mirror folder (a wrong DA_FIXTURES_DIR, or a Scrapyd egg, which holds no
        fixtures): nothing can be crawled, so the spider closes before its first request."""
        if (self.site.root / "robots.txt").is_file():
            return
        reason = (
            f"nothing to crawl: the offline mirror's folder {self.site.root} is missing "
            "(DA_OFFLINE=1; set DA_FIXTURES_DIR to fixtures/site of a checkout)"
        )
        assert self.crawler.stats is not None
        self.crawler.stats.set_value(START_FAILURE, reason)
        raise CloseSpider("offline mirror missing")

    async def download_request(self, request: Request) -> Response:
        headers = {k.decode(): v[0].decode() for k, v in request.headers.items() if v}
        answer = self.site.resolve(request.url, headers)
        content_type = answer.headers.get("Content-Type", "")
        response_class = HtmlResponse if content_type.startswith("text/html") else TextResponse
        return response_class(
            url=request.url,
            status=answer.status,
            headers=answer.headers,
            body=answer.body,
            encoding="utf-8",
            request=request,
        )
