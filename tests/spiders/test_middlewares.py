"""The downloader middlewares and the offline download handler, in process.

ConditionalRequestMiddleware runs against a real run (RunExtension started on a SQLite file
holding fetch_state rows); PoliteRetryMiddleware with DA_BACKOFF_BASE=0, so no retry here
waits. Its pause (a Retry-After honoured by pausing the engine) sleeps for real and needs a
running engine: tests/test_incremental.py::test_retry_after_is_waited_for covers it."""

from __future__ import annotations

import asyncio
import email.utils
import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SITE
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.utils.test import get_crawler

import settings as project_settings
from extensions.run import RunExtension
from items import FetchedPage, FetchRecord, HttpInfo, RunStatus
from models import runs
from models.db import prepare_database
from models.store import ArchiveStore
from pipelines.citations import CitationsPipeline
from pipelines.clean import CleanTextPipeline
from pipelines.dates import DatesPipeline
from pipelines.names import NamesPipeline
from spiders.collection import CollectionSpider
from spiders.middlewares import (
    ConditionalRequestMiddleware,
    PoliteRetryMiddleware,
    challenge_in,
    is_truncated,
    retry_after_seconds,
)
from spiders.offline import FIXTURES_MODIFIED, OfflineDownloadHandler
from spiders.pages import DocumentPage, parse_page

LIVE = "https://digitalarchive.wilsoncenter.org"
MAO = f"{LIVE}/document/ciphered-telegram-no-23256-mao-zedong-cde-filippov-stalin"
MAO_FILE = SITE / "document" / "ciphered-telegram-no-23256-mao-zedong-cde-filippov-stalin.html"
COLLECTION = f"{LIVE}/collection/169/korean-war-armistice"
COLLECTION_FILE = SITE / "collection" / "169" / "korean-war-armistice.html"
UNSTORED = f"{LIVE}/document/cable-vyshinsky-molotov-top-secret"  # validators, no document
CHALLENGE_FILE = SITE / "document" / "119999.html"
MODIFIED = "Wed, 01 Jan 2025 00:00:00 GMT"
RUN_EXTENSION = {"extensions.run.RunExtension": 100}
NORMALIZERS = (CleanTextPipeline(), DatesPipeline(), CitationsPipeline(), NamesPipeline())


def crawler_for(settings: dict) -> Crawler:
    crawler = get_crawler(CollectionSpider, {"EXTENSIONS": RUN_EXTENSION, **settings})
    crawler.spider = crawler._create_spider()
    crawler.stats.open_spider()
    return crawler


def html(url: str, body: bytes, status: int = 200, request: Request | None = None, **kwargs):
    return HtmlResponse(
        url=url,
        status=status,
        body=body,
        encoding="utf-8",
        request=request or Request(url),
        **kwargs,
    )


# -- ConditionalRequestMiddleware -------------------------------------------------------------


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """A SQLite file that a finished run left validators in: a stored document's page, a
    listing page with its body, and a page whose document is not stored."""
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    engine = prepare_database(url)
    store = ArchiveStore(engine)
    previous = runs.start_run(engine, "document", {"url": MAO})
    item = parse_page(MAO_FILE.read_text(encoding="utf-8"), MAO)
    assert isinstance(item, DocumentPage)
    document = item.item
    for pipeline in NORMALIZERS:
        pipeline.process_item(document)
    assert store.documents.save([document], previous.id).counts == {"new": 1}
    store.fetch_state.save(
        [
            HttpInfo(200, [MAO], etag='"doc-1"', last_modified=MODIFIED),
            HttpInfo(200, [COLLECTION], etag='"list-1"', body=COLLECTION_FILE.read_bytes()),
            HttpInfo(200, [UNSTORED], etag='"other-1"'),
        ],
        previous.id,
    )
    runs.finish_run(engine, previous.id, RunStatus.FINISHED, {}, {})
    engine.dispose()
    return url


@pytest.fixture
def running(database_url: str) -> Iterator[Crawler]:
    """A crawler whose run has started on that database."""
    crawler = crawler_for({"DATABASE_URL": database_url})
    run = crawler.get_extension(RunExtension)
    assert run is not None
    run.spider_opened(crawler.spider)
    yield crawler
    run.spider_closed(crawler.spider, "finished")
    assert run.engine is not None
    run.engine.dispose()


def test_conditional_request_gets_the_stored_validators(running):
    middleware = ConditionalRequestMiddleware.from_crawler(running)
    request = Request(MAO, meta={"conditional": True})
    assert middleware.process_request(request) is None
    assert request.headers.get("If-None-Match") == b'"doc-1"'
    assert request.headers.get("If-Modified-Since") == MODIFIED.encode()
    assert running.stats.get_value("archive/conditional_requests") == 1


def test_listing_request_gets_its_etag_only(running):
    request = Request(COLLECTION, meta={"conditional": True, "keep_body": True})
    ConditionalRequestMiddleware.from_crawler(running).process_request(request)
    assert request.headers.get("If-None-Match") == b'"list-1"'
    assert b"If-Modified-Since" not in request.headers


def test_request_not_marked_conditional_gets_no_validators(running):
    request = Request(MAO)
    ConditionalRequestMiddleware.from_crawler(running).process_request(request)
    assert b"If-None-Match" not in request.headers
    assert running.stats.get_value("archive/conditional_requests") is None


def test_page_without_stored_document_or_body_gets_no_validators(running):
    request = Request(UNSTORED, meta={"conditional": True})
    ConditionalRequestMiddleware.from_crawler(running).process_request(request)
    assert b"If-None-Match" not in request.headers


def test_not_modified_listing_is_replayed_from_the_stored_body(running):
    middleware = ConditionalRequestMiddleware.from_crawler(running)
    request = Request(COLLECTION, meta={"conditional": True, "keep_body": True})
    not_modified = Response(COLLECTION, status=304, headers={"ETag": '"list-1"'}, request=request)
    replayed = middleware.process_response(request, not_modified)
    assert isinstance(replayed, HtmlResponse)
    assert (replayed.status, replayed.flags) == (200, ["stored"])
    assert replayed.body == COLLECTION_FILE.read_bytes()
    assert running.stats.get_value("archive/listing_pages_replayed") == 1
    record = next(iter(running.spider.route(replayed)))  # the spider reads it as a 304
    assert isinstance(record, FetchRecord) and record.page is FetchedPage.LISTING
    assert record.http.status == 304


def test_not_modified_document_goes_on_as_it_is(running):
    request = Request(MAO, meta={"conditional": True})
    not_modified = Response(MAO, status=304, request=request)
    middleware = ConditionalRequestMiddleware.from_crawler(running)
    assert middleware.process_response(request, not_modified) is not_modified


def test_nothing_is_added_or_replayed_with_the_run_extension_off():
    crawler = crawler_for({"DA_RUN_ENABLED": False})
    middleware = ConditionalRequestMiddleware.from_crawler(crawler)
    request = Request(COLLECTION, meta={"conditional": True, "keep_body": True})
    middleware.process_request(request)
    assert b"If-None-Match" not in request.headers
    not_modified = Response(COLLECTION, status=304, request=request)
    assert middleware.process_response(request, not_modified) is not_modified


def test_nothing_is_added_before_the_run_has_started(database_url):
    crawler = crawler_for({"DATABASE_URL": database_url})  # spider_opened not called yet
    request = Request(MAO, meta={"conditional": True})
    ConditionalRequestMiddleware.from_crawler(crawler).process_request(request)
    assert b"If-None-Match" not in request.headers


# -- PoliteRetryMiddleware: the pure parts ----------------------------------------------------


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        pytest.param("120", 120.0, id="delta seconds"),
        pytest.param(b" 7 ", 7.0, id="delta seconds as bytes"),
        pytest.param(email.utils.formatdate(1_000_090, usegmt=True), 90.0, id="HTTP date"),
        pytest.param(email.utils.formatdate(999_000, usegmt=True), 0.0, id="HTTP date passed"),
        pytest.param("soon", None, id="garbage"),
        pytest.param("-5", None, id="negative"),
        pytest.param("", None, id="empty"),
        pytest.param(None, None, id="absent"),
    ],
)
def test_retry_after_seconds(value, seconds):
    assert retry_after_seconds(value, now=1_000_000) == seconds


def test_challenge_in_reads_the_cf_mitigated_header():
    response = html(
        MAO, b"<html><body></body></html>", status=403, headers={"cf-mitigated": "challenge"}
    )
    assert challenge_in(response) == "challenge page: cf-mitigated header"


def test_challenge_in_reads_the_challenge_markup():
    response = html(f"{LIVE}/document/119999", CHALLENGE_FILE.read_bytes())
    assert challenge_in(response) == "challenge page: title 'Just a moment...'"


def test_challenge_in_clears_an_ordinary_page_with_cloudflare_script():
    body = MAO_FILE.read_bytes()
    assert b"/cdn-cgi/challenge-platform/" in body  # the inline script every page carries
    assert challenge_in(html(MAO, body)) is None


def test_challenge_in_clears_a_non_text_response():
    assert challenge_in(Response(MAO, body=b"Just a moment...", request=Request(MAO))) is None


@pytest.mark.parametrize(
    ("response", "truncated"),
    [
        pytest.param(html(MAO, MAO_FILE.read_bytes()), False, id="whole page"),
        pytest.param(html(MAO, MAO_FILE.read_bytes()[:5000]), True, id="cut short"),
        pytest.param(html(MAO, b"<html><body>gone", status=404), False, id="not a 200"),
        pytest.param(
            TextResponse(MAO, body=b"User-agent: *", encoding="utf-8"), False, id="not HTML"
        ),
    ],
)
def test_is_truncated(response, truncated):
    assert is_truncated(response) is truncated


# -- PoliteRetryMiddleware.process_response ---------------------------------------------------


@pytest.fixture
def retry() -> PoliteRetryMiddleware:
    crawler = crawler_for(
        {
            "DA_RUN_ENABLED": False,
            "RETRY_TIMES": 2,
            "RETRY_HTTP_CODES": project_settings.RETRY_HTTP_CODES,
            "DA_BACKOFF_BASE": 0,
            "DA_RETRY_AFTER_MAX": 600,
        }
    )
    return PoliteRetryMiddleware.from_crawler(crawler)


def respond(middleware: PoliteRetryMiddleware, request: Request, response: Response):
    return asyncio.run(middleware.process_response(request, response))


def test_challenge_page_is_retried(retry):
    request = Request(f"{LIVE}/document/119999")
    result = respond(
        retry, request, html(request.url, CHALLENGE_FILE.read_bytes(), request=request)
    )
    assert isinstance(result, Request)
    assert (result.url, result.meta["retry_times"], result.dont_filter) == (request.url, 1, True)
    assert retry.crawler.stats.get_value("archive/challenges_retried") == 1


def test_truncated_page_is_retried(retry):
    request = Request(MAO, meta={"retry_times": 1})
    result = respond(retry, request, html(MAO, MAO_FILE.read_bytes()[:5000], request=request))
    assert isinstance(result, Request)
    assert result.meta["retry_times"] == 2
    assert retry.crawler.stats.get_value("archive/challenges_retried") is None


def test_challenge_page_goes_on_when_retries_run_out(retry):
    request = Request(f"{LIVE}/document/119999", meta={"retry_times": 2})
    response = html(request.url, CHALLENGE_FILE.read_bytes(), request=request)
    assert respond(retry, request, response) is response
    assert retry.crawler.stats.get_value("retry/max_reached") == 1


def test_truncated_page_goes_on_flagged_when_retries_run_out(retry):
    request = Request(MAO, meta={"retry_times": 2})
    response = html(MAO, MAO_FILE.read_bytes()[:5000], request=request)
    result = respond(retry, request, response)
    assert isinstance(result, HtmlResponse)
    assert "truncated" in result.flags
    assert result.body == response.body


def test_server_error_is_retried_without_waiting_at_backoff_zero(retry):
    request = Request(MAO)
    result = respond(retry, request, html(MAO, b"", status=503, request=request))
    assert isinstance(result, Request) and result.meta["retry_times"] == 1
    assert retry.crawler.stats.get_value("archive/retry_after_waits") is None


def test_retry_after_beyond_the_cap_gives_up_at_once(retry):
    request = Request(MAO)
    response = html(MAO, b"slow down", status=429, request=request, headers={"Retry-After": "3600"})
    assert respond(retry, request, response) is response
    assert retry.crawler.stats.get_value("retry/count") is None


@pytest.mark.parametrize(
    ("status", "meta"),
    [
        pytest.param(200, {}, id="ordinary page"),
        pytest.param(404, {}, id="not found"),
        pytest.param(503, {"dont_retry": True}, id="dont_retry"),
    ],
)
def test_other_responses_go_on_untouched(retry, status, meta):
    request = Request(MAO, meta=meta)
    response = html(MAO, MAO_FILE.read_bytes(), status=status, request=request)
    assert respond(retry, request, response) is response


# -- OfflineDownloadHandler -------------------------------------------------------------------


@pytest.fixture
def handler() -> OfflineDownloadHandler:
    return OfflineDownloadHandler(crawler_for({"DA_RUN_ENABLED": False}))


def download(handler: OfflineDownloadHandler, url: str, **headers: str) -> Response:
    return asyncio.run(handler.download_request(Request(url, headers=headers)))


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:16] + '"'


def test_offline_document_answers_200_with_validators(handler):
    response = download(handler, MAO)
    assert isinstance(response, HtmlResponse)
    assert (response.status, response.body) == (200, MAO_FILE.read_bytes())
    assert response.headers.get("ETag") == etag_of(MAO_FILE.read_bytes()).encode()
    assert response.headers.get("Last-Modified") == FIXTURES_MODIFIED.encode()


def test_offline_record_id_url_redirects_to_the_slug(handler):
    response = download(handler, f"{LIVE}/document/113071")
    assert response.status == 301
    assert response.headers.get("Location") == (
        b"/document/ciphered-telegram-no-23256-mao-zedong-cde-filippov-stalin"
    )


def test_offline_missing_page_answers_404(handler):
    response = download(handler, f"{LIVE}/document/119998")
    assert isinstance(response, HtmlResponse)
    assert (response.status, response.body) == (404, (SITE / "404.html").read_bytes())


def test_offline_page_answers_304_when_its_etag_matches(handler):
    response = download(handler, MAO, **{"If-None-Match": etag_of(MAO_FILE.read_bytes())})
    assert (response.status, response.body) == (304, b"")


def test_offline_page_answers_200_when_its_etag_differs(handler):
    response = download(handler, MAO, **{"If-None-Match": '"something-else"'})
    assert response.status == 200


def test_offline_page_answers_304_when_not_modified_since(handler):
    response = download(handler, MAO, **{"If-Modified-Since": FIXTURES_MODIFIED})
    assert response.status == 304


def test_offline_robots_txt_is_plain_text(handler):
    response = download(handler, f"{LIVE}/robots.txt")
    assert type(response) is TextResponse
    assert response.status == 200


@pytest.mark.parametrize(
    ("component", "setting", "scrapy_class"),
    [
        ("CookiesMiddleware", "COOKIES_ENABLED", "scrapy.downloadermiddlewares.cookies"),
        ("RemoteControl", "REMOTE_CONTROL_ENABLED", "scrapy.extensions.remote_control"),
    ],
)
def test_scrapy_components_load_only_when_turned_on(component, setting, scrapy_class, monkeypatch):
    """Off (the project's settings): not configured (Scrapy's module, slow to import, is
    imported only when on); on: Scrapy's own component."""
    import importlib

    import spiders.middlewares as middlewares

    wrapper = getattr(middlewares, component)
    if component == "RemoteControl":  # Scrapy's wants the asyncio reactor, not this test's
        monkeypatch.setattr("scrapy.extensions.remote_control.is_asyncio_available", lambda: True)
    with pytest.raises(NotConfigured):
        wrapper.from_crawler(get_crawler(settings_dict={setting: False}))
    instance = wrapper.from_crawler(get_crawler(settings_dict={setting: True}))
    assert type(instance) is getattr(importlib.import_module(scrapy_class), component)


def test_the_project_loads_no_cookie_or_remote_control_code():
    """Scrapy's base lists hold the stand-ins instead of Scrapy's classes (a key set to None in
    DOWNLOADER_MIDDLEWARES or EXTENSIONS would still be imported by Scrapy, to be compared)."""
    base = project_settings.DOWNLOADER_MIDDLEWARES_BASE | project_settings.EXTENSIONS_BASE
    assert base["spiders.middlewares.CookiesMiddleware"] == 700
    assert "spiders.middlewares.RemoteControl" in base
    assert not any(
        name.startswith(
            ("scrapy.downloadermiddlewares.cookies", "scrapy.extensions.remote_control")
        )
        for name in base
    )
