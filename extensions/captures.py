"""Captures: every response the crawl receives, with its request, written to WARC as it
arrives, and each run's WARCs packaged as one WACZ (`{DA_CAPTURES_DIR}/{job}-{run}.wacz`).

Where the responses come from: Scrapy's `response_downloaded` signal, which the downloader
sends as soon as the download handler returns, before any downloader middleware has seen the
response. So every answer is captured as the server gave it: robots.txt, each attempt of a
retried page, the raw 3xx before RedirectMiddleware follows it, a 304 before the conditional
request middleware replays a stored listing in its place, error and challenge pages, and the
body still in its Content-Encoding (HttpCompressionMiddleware decodes it later). The request
carries its final headers by then (User-Agent, Accept-Encoding, If-None-Match…). A signal,
not a middleware, so that no priority number decides what is seen; an extension, because
the work is the whole crawl's, not a page's (docs/captures.md).

How records are written (warcio): one gzip member per record (response or revisit first,
then its request with WARC-Concurrent-To), compressed in memory and appended with one write
and a flush, so a `kill -9` loses at most the record being written. A 304 is a `revisit`
record (profile server-not-modified). Each WARC file is held with an exclusive `flock` while
its run writes it; a run opens new files only (a restart never appends to a file a killed run
left), and rotates to a new file past DA_CAPTURES_WARC_SIZE bytes.

Packaging (extensions/wacz_package.py): each response's CDXJ index line is written beside its
WARC as the record is; when the spider closes, the run's WARCs, the document pages it stored
(pages.jsonl) and the sorted index go into the WACZ, with datapackage.json. WARCs left by a
run that was killed (their lock is free) are packaged by the next run of the same job when it
starts, cut after their last complete record, and indexed by `wacz create` from the records.
With `DA_CAPTURES=0` nothing is written.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import io
import json
import logging
import re
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from extensions.run import RunExtension
from extensions.wacz_package import Sidecar, index_fields, package, remove, sidecar_of
from items import CAPTURE_META, CaptureRecord, DocumentItem, FetchedPage, FetchRecord
from models.wacz import WARC_FOLDER

logger = logging.getLogger(__name__)

# zlib level 1: the crawl is CPU-bound, and level 6 costs 0.1 ms more per 12 KB page for
# captures only 10% smaller (docs/captures.md).
GZIP_LEVEL = 1
SERVER_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
# Headers that describe the transfer, not the bytes kept: the body is stored de-chunked, so
# Transfer-Encoding is kept under the name replay tools know for original headers.
TRANSFER_HEADERS = ("Transfer-Encoding",)
# A page rendered in the browser (spiders/browser.py) is the browser's DOM, decoded: its
# encoding and length headers no longer describe the body.
BROWSER_HEADERS = ("Transfer-Encoding", "Content-Encoding", "Content-Length")
ORIGINAL_PREFIX = "X-Archive-Orig-"


def job_slug(spider: str, arguments: dict[str, Any]) -> str:
    """A file name for a job: the spider and its `-a` arguments, e.g. `collection_id-169`."""
    parts = [spider, *(f"{key}-{value}" for key, value in sorted(arguments.items()))]
    slug = "_".join(re.sub(r"[^A-Za-z0-9.]+", "-", part).strip("-.") for part in parts)
    if len(slug) > 80:
        digest = hashlib.sha1(slug.encode()).hexdigest()[:8]
        slug = f"{slug[:70].rstrip('-_.')}-{digest}"
    return slug or "crawl"


def warc_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def gzip_member(data: bytes) -> bytes:
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS + 16)
    return compressor.compress(data) + compressor.flush()


def complete_length(path: Path) -> int:
    """How many leading bytes of a WARC.gz are whole gzip members (one record each): a file
    cut by a kill ends with a partial member, which this leaves out."""
    good = position = 0
    decompressor = zlib.decompressobj(zlib.MAX_WBITS + 16)
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            data = chunk
            while data:
                try:
                    decompressor.decompress(data)
                except zlib.error:
                    return good
                if not decompressor.eof:
                    position += len(data)
                    break
                used = len(data) - len(decompressor.unused_data)
                position += used
                good = position
                data = decompressor.unused_data
                decompressor = zlib.decompressobj(zlib.MAX_WBITS + 16)
    return good


def http_headers(pairs: Iterable[tuple[bytes, bytes]], rename: tuple[str, ...]) -> list:
    headers = []
    lowered = {name.lower() for name in rename}
    for name, value in pairs:
        text = name.decode("latin-1")
        if text.lower() in lowered:
            text = ORIGINAL_PREFIX + text
        headers.append((text, value.decode("latin-1")))
    return headers


def header_pairs(headers: Any) -> list[tuple[bytes, bytes]]:
    """Scrapy's Headers as (name, value) pairs, every value of a repeated header."""
    return [(name, value) for name, values in headers.items() for value in values]


@dataclass
class WarcFile:
    """One WARC.gz being appended to, locked while this process holds it."""

    path: Path
    file: IO[bytes]
    writer: WARCWriter = field(init=False)
    index: Sidecar = field(init=False)
    member_sha256: str = field(init=False, default="")  # of the last record written

    def __post_init__(self) -> None:
        self.writer = WARCWriter(None, gzip=False, warc_version="1.1")
        self.index = Sidecar(self.path)

    @classmethod
    def create(cls, path: Path) -> WarcFile:
        file = path.open("xb")  # never append to a file another run left
        fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return cls(path, file)

    @property
    def size(self) -> int:
        return self.file.tell()

    def write(self, record: Any) -> tuple[int, int]:
        """Append one record as one gzip member, flushed; (offset, length) in the file."""
        buffer = io.BytesIO()
        self.writer.out = buffer
        self.writer.write_record(record)
        member = gzip_member(buffer.getvalue())
        self.member_sha256 = hashlib.sha256(member).hexdigest()
        offset = self.file.tell()
        self.file.write(member)
        self.file.flush()
        return offset, len(member)

    def close(self) -> None:
        self.index.close()
        self.file.close()  # releases the lock


class CapturesExtension:
    """Writes the crawl's WARCs and packages the run's WACZ (see the module's docstring)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.folder = Path(settings.get("DA_CAPTURES_DIR") or "data/captures")
        self.max_size = settings.getint("DA_CAPTURES_WARC_SIZE", 1024**3)
        self.job = "crawl"
        self.crawl: dict[str, str] = {}
        self.run = ""
        self.started = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S")
        self.sequence = 0
        self.current: WarcFile | None = None
        self.warcs: list[Path] = []
        self.indexes: list[Sidecar] = []
        self.pages: IO[str] | None = None
        self.paged: set[str] = set()
        self.records = 0
        self.closed = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CapturesExtension:
        if not crawler.settings.getbool("DA_CAPTURES", True):
            raise NotConfigured  # asked for: no warning (Scrapy logs a NotConfigured's message)
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.response_downloaded, signal=signals.response_downloaded)
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    # -- names ------------------------------------------------------------------------------

    @property
    def warc_folder(self) -> Path:
        return self.folder / WARC_FOLDER

    @property
    def name(self) -> str:
        return f"{self.job}-{self.run}"

    # -- lifecycle --------------------------------------------------------------------------

    def spider_opened(self, spider: Spider) -> None:
        """Name the run's files after the job and the run (RunExtension opened it just before:
        a run refused by the job lock writes nothing); package what killed runs left."""
        run = self.crawler.get_extension(RunExtension)
        if run is not None and run.run is None:  # refused: another run, or no database
            self.closed = True
            return
        arguments = getattr(spider, "arguments", {})
        self.job = job_slug(spider.name, arguments)
        # What `da reparse` needs to crawl the run again from its captures (models/wacz.py).
        self.crawl = {
            "da-spider": spider.name,
            "da-arguments": json.dumps(arguments, sort_keys=True, default=str),
            "da-base-url": str(getattr(spider, "base_url", "")),
        }
        self.run = str(run.run_id) if run is not None else self.started
        if (self.folder / f"{self.name}.wacz").exists():  # the same run id of another database
            self.run = f"{self.run}.{self.started}"  # so every capture names the final file
        self.warc_folder.mkdir(parents=True, exist_ok=True)
        self.package_leftovers()

    def response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        if self.closed:
            return
        warc = self.warc()
        when = warc_now()
        uri = response.url
        in_browser = bool(request.meta.get("playwright"))
        status = response.status
        reason = _reason(status)
        protocol = getattr(response, "protocol", None) or "HTTP/1.1"
        headers = http_headers(
            header_pairs(response.headers), BROWSER_HEADERS if in_browser else TRANSFER_HEADERS
        )
        status_line = StatusAndHeaders(f"{status} {reason}".strip(), headers, protocol=protocol)
        warc_headers = {"WARC-Date": when}
        ip = getattr(response, "ip_address", None)
        if ip is not None:
            warc_headers["WARC-IP-Address"] = str(ip)
        writer = warc.writer
        if status == 304:
            warc_headers["WARC-Profile"] = SERVER_NOT_MODIFIED
            warc_headers["WARC-Refers-To-Target-URI"] = uri
            record = writer.create_warc_record(
                uri, "revisit", http_headers=status_line, warc_headers_dict=warc_headers
            )
        else:
            body = response.body
            record = writer.create_warc_record(
                uri, "response", payload=io.BytesIO(body), length=len(body),
                http_headers=status_line, warc_headers_dict=warc_headers,
            )  # fmt: skip
        offset, length = warc.write(record)
        sent = request_headers(request)
        warc.index.add(index_fields(record, offset, length, warc.path.name, warc.member_sha256,
                                    sent.headers))  # fmt: skip
        record_id = record.rec_headers.get_header("WARC-Record-ID")
        request.meta[CAPTURE_META] = CaptureRecord(
            wacz=f"{self.name}.wacz", warc=warc.path.name, offset=offset, length=length,
            record_id=record_id, record_type=record.rec_type, url=uri, fetched_at=when,
            payload_digest=record.rec_headers.get_header("WARC-Payload-Digest"),
        )  # fmt: skip
        request_record = writer.create_warc_record(
            request.url, "request", payload=io.BytesIO(request.body), length=len(request.body),
            http_headers=sent,
            warc_headers_dict={"WARC-Date": when, "WARC-Concurrent-To": record_id},
        )  # fmt: skip
        warc.write(request_record)
        self.records += 2
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value("archive/captures/records", 2)
        if warc.size >= self.max_size:
            self.close_warc()

    def item_scraped(self, item: Any, spider: Spider) -> None:
        """The WACZ's page list: the document pages the crawl stored (unchanged ones too)."""
        if isinstance(item, DocumentItem):
            entry = {"url": item.url, **({"title": item.title} if item.title else {})}
        elif isinstance(item, FetchRecord) and item.page is FetchedPage.DOCUMENT:  # a 304
            entry = {"url": item.url}
        else:
            return
        if self.closed or item.url in self.paged:
            return
        self.paged.add(item.url)
        if self.pages is None:
            self.warc_folder.mkdir(parents=True, exist_ok=True)
            self.pages = (self.warc_folder / f"{self.name}.pages.jsonl").open("a", encoding="utf-8")
        self.pages.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self.pages.flush()

    def spider_closed(self, spider: Spider) -> None:
        if self.closed:
            return
        self.closed = True
        self.close_warc()
        if self.pages is not None:
            self.pages.close()
        if not self.warcs:
            return
        indexed = all(index.complete for index in self.indexes)
        try:
            path = package(self.folder, self.name, self.warcs, indexed=indexed)
        except Exception as exc:  # the WARCs stay; the next run of the job packages them
            logger.error("captures: could not write the WACZ of %s: %s", self.name, exc)
            return
        logger.info("captures: %s records in %s", self.records, path)

    # -- files ------------------------------------------------------------------------------

    def warc(self) -> WarcFile:
        if self.current is None:
            self.warc_folder.mkdir(parents=True, exist_ok=True)
            while True:
                self.sequence += 1
                path = self.warc_folder / f"{self.name}-{self.started}-{self.sequence:05d}.warc.gz"
                try:
                    self.current = WarcFile.create(path)
                    break
                except FileExistsError:
                    continue
            self.warcs.append(path)
            self.indexes.append(self.current.index)
            self.current.write(
                self.current.writer.create_warcinfo_record(path.name, warcinfo(self.crawl))
            )
        return self.current

    def close_warc(self) -> None:
        if self.current is not None:
            self.current.close()
            self.current = None

    def package_leftovers(self) -> None:
        """WARCs of this job that no running process holds (a run killed before it could
        package them): cut after their last whole record, packaged per run, removed."""
        prefix = re.compile(rf"^{re.escape(self.job)}-(?P<run>[^-]+)-\d{{14}}-\d{{5}}\.warc\.gz$")
        by_run: dict[str, list[Path]] = {}
        for path in sorted(self.warc_folder.glob(f"{self.job}-*.warc.gz")):
            match = prefix.match(path.name)
            if match is None or match.group("run") == self.run:
                continue
            try:
                file = path.open("r+b")
            except OSError:
                continue
            with file:
                try:
                    fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:  # a running crawl of the job is writing it
                    continue
                length = complete_length(path)
                if length < path.stat().st_size:
                    logger.warning(
                        "captures: %s ends with a partial record (cut at byte %s)",
                        path.name,
                        length,
                    )
                    file.truncate(length)
            by_run.setdefault(match.group("run"), []).append(path)
        for run, paths in by_run.items():
            name = f"{self.job}-{run}"
            if already_packaged(self.folder, name, paths):  # only the removal was cut short
                remove([*paths, *map(sidecar_of, paths), self.warc_folder / f"{name}.pages.jsonl"])
                continue
            try:
                path = package(self.folder, name, [p for p in paths if p.stat().st_size])
            except Exception as exc:
                logger.error("captures: could not package the WARCs of %s: %s", name, exc)
                continue
            logger.info("captures: packaged the WARCs an interrupted run left: %s", path)


def request_headers(request: Request) -> StatusAndHeaders:
    parts = urlsplit(request.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    pairs = header_pairs(request.headers)
    if not any(name.lower() == b"host" for name, _ in pairs):
        pairs.insert(0, (b"Host", (parts.netloc or "").encode("latin-1")))
    return StatusAndHeaders(
        f"{request.method} {target} HTTP/1.1", http_headers(pairs, ()), protocol=""
    )


def warcinfo(crawl: dict[str, str]) -> dict[str, str]:
    from importlib.metadata import version

    return {
        **crawl,
        "software": f"wilson-archive-harvester (warcio {version('warcio')}, "
        f"Scrapy {version('scrapy')})",
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        "description": "Wilson Center Digital Archive pages, as a crawl received them; "
        "the pages are the archive's, captured for research use under its terms",
    }


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def already_packaged(folder: Path, name: str, warcs: list[Path]) -> bool:
    """Whether a WACZ of the run already holds these WARCs (a kill after the WACZ was renamed
    into place, before its WARCs were removed)."""
    wanted = {f"archive/{path.name}" for path in warcs}
    for wacz in folder.glob(f"{name}*.wacz"):
        try:
            with zipfile.ZipFile(wacz) as archive:
                if wanted <= set(archive.namelist()):
                    return True
        except (OSError, zipfile.BadZipFile):
            continue
    return False
