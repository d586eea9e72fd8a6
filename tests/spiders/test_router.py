"""The router of spiders/base.py, in process: hand-built responses of the fixture pages go in,
and what the spider yields (items, requests, drafts) comes out. No database: the run
extension is off (DA_RUN_ENABLED=False), as with `scrapy crawl … -s DA_RUN_ENABLED=0`."""

from __future__ import annotations

import asyncio
import hashlib
import io

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.internet.error import ConnectionRefusedError
from twisted.python.failure import Failure

from extensions.feeds import DocumentJsonLinesExporter
from extensions.run import RunExtension
from items import (
    CollectionItem,
    DocumentItem,
    FetchedPage,
    FetchRecord,
    ListingEntry,
    Outcome,
    RejectedItem,
    SiteGeneration,
)
from spiders.base import ArchiveSpider
from spiders.collection import CollectionSpider
from spiders.document import DocumentSpider
from spiders.drafts import CollectionDraft
from spiders.fetches import http_info
from spiders.offline import FixtureSite
from spiders.pages import CollectionPage, DocumentPage, ListingPage, parse_page

LIVE = "https://digitalarchive.wilsoncenter.org"
WAYBACK = "https://web.archive.org/web/20190315084512/"
COLLECTION = f"{LIVE}/collection/169/korean-war-armistice"
TOPIC = f"{LIVE}/topics/korean-war-armistice"
FACET = f"{LIVE}/search?f[0]=topics:86492&fo[0]=86492"
MAO = f"{LIVE}/document/ciphered-telegram-no-23256-mao-zedong-cde-filippov-stalin"
LEGACY_DOCUMENT = f"{LIVE}/document/114913"
CHALLENGE = f"{LIVE}/document/119999"
SITE = FixtureSite()


def make_spider(spidercls: type[ArchiveSpider] = CollectionSpider, **kwargs) -> ArchiveSpider:
    crawler = get_crawler(
        spidercls,
        {"DA_RUN_ENABLED": False, "EXTENSIONS": {"extensions.run.RunExtension": 100}},
    )
    crawler.spider = crawler._create_spider(**kwargs)
    assert crawler.get_extension(RunExtension) is None  # off: no database behind the spider
    return crawler.spider


@pytest.fixture
def spider() -> ArchiveSpider:
    return make_spider()


def fixture_body(url: str) -> bytes:
    """The page the offline mirror serves at a URL (fixtures/site/, see spiders/offline.py)."""
    answer = SITE.resolve(url)
    assert answer.status == 200, url
    return answer.body


def page(url: str, status: int = 200, headers=None, flags=None, **meta) -> HtmlResponse:
    """A fixture page as the downloader hands it to the spider."""
    request = Request(url, meta=meta)
    return HtmlResponse(
        url=request.url,
        status=status,
        headers=headers,
        body=fixture_body(url) if status == 200 else b"",
        encoding="utf-8",
        request=request,
        flags=flags,
    )


def parsed(url: str) -> CollectionPage | ListingPage:
    result = parse_page(fixture_body(url), url)
    assert isinstance(result, CollectionPage | ListingPage)
    return result


def requests_in(output: list) -> list[Request]:
    return [o for o in output if isinstance(o, Request)]


# -- documents --------------------------------------------------------------------------------


def test_document_page_becomes_an_item_with_collection_and_listing_summary(spider):
    entry = ListingEntry(url=MAO, position=0, summary="What the listing said.")
    headers = {"ETag": '"abc"', "Last-Modified": "Wed, 01 Jan 2025 00:00:00 GMT"}
    response = page(MAO, headers=headers, collection_id="topics:86492", listing_entry=entry)
    [item] = spider.route(response)
    assert isinstance(item, DocumentItem)
    assert (item.record_id, item.url) == ("113071", MAO)
    assert item.collections == ["topics:86492"]
    assert item.listing_summary == "What the listing said."
    assert item.fetched_at is not None
    assert item.http is not None
    assert (item.http.status, item.http.etag, item.http.urls) == (200, '"abc"', [MAO])
    assert spider.stats.get_value("archive/pages/current_document") == 1


def test_document_without_listing_has_no_listing_summary(spider):
    [item] = spider.route(page(MAO))
    assert isinstance(item, DocumentItem)
    assert item.listing_summary is None
    assert item.collections == []


def test_legacy_document_already_in_the_collection_lists_it_once(spider):
    listed = parse_page(fixture_body(LEGACY_DOCUMENT), LEGACY_DOCUMENT)
    assert isinstance(listed, DocumentPage) and listed.item.collections == [
        "169"
    ]  # the page says so
    [item] = spider.route(page(LEGACY_DOCUMENT, collection_id="169"))
    assert isinstance(item, DocumentItem)
    assert item.collections == ["169"]


def test_document_reached_through_redirects_keeps_them_as_alias_urls(spider):
    shortlink = f"{LIVE}/document/113071"
    [item] = spider.route(page(MAO, redirect_urls=[shortlink]))
    assert isinstance(item, DocumentItem)
    assert item.alias_urls[0] == shortlink
    assert item.http is not None and item.http.urls == [shortlink, MAO]


def test_not_modified_response_is_a_document_fetch_record(spider):
    request = Request(MAO)
    response = Response(MAO, status=304, headers={"ETag": '"abc"'}, request=request)
    [record] = spider.route(response)
    assert isinstance(record, FetchRecord)
    assert record.page is FetchedPage.DOCUMENT
    assert (record.http.status, record.http.etag, record.http.body_hash) == (304, '"abc"', None)


# -- collections and listings -----------------------------------------------------------------


def test_legacy_collection_page_leads_to_its_documents_then_its_next_page(spider):
    output = list(spider.route(page(COLLECTION, collection_hint="169")))
    listing = parsed(COLLECTION)
    record, *documents, next_page = output
    assert isinstance(record, FetchRecord)
    assert (record.page, record.url) == (FetchedPage.LISTING, COLLECTION)
    assert record.http.body == fixture_body(COLLECTION)  # kept, to be replayed on a 304
    assert [r.url for r in documents] == [e.url for e in listing.entries]
    assert {r.meta["collection_id"] for r in documents} == {"169"}
    assert [r.meta["listing_entry"].position for r in documents] == list(range(20))
    assert [r.meta["listing_entry"].url for r in documents] == [e.url for e in listing.entries]
    assert isinstance(next_page, Request)
    assert next_page.url == f"{COLLECTION}/2"
    draft = next_page.meta["collection"]
    assert isinstance(draft, CollectionDraft)
    assert (draft.collection_id, draft.title, draft.url) == (
        "169",
        "Korean War Armistice",
        COLLECTION,
    )
    assert draft.site_generation == SiteGeneration.LEGACY
    assert [e.url for e in draft.entries] == [e.url for e in listing.entries]
    assert spider.stats.get_value("archive/pages/legacy_collection") == 1


def test_collection_walked_to_its_last_page_is_one_item_with_every_entry_in_order(spider):
    urls = [COLLECTION, f"{COLLECTION}/2", f"{COLLECTION}/3"]
    meta: dict = {"collection_hint": "169"}
    for url in urls[:-1]:
        *_, next_page = spider.route(page(url, **meta))
        assert isinstance(next_page, Request) and next_page.url == urls[urls.index(url) + 1]
        meta = {"collection": next_page.meta["collection"]}
    output = list(spider.route(page(urls[-1], **meta)))
    item = output[-1]
    assert isinstance(item, CollectionItem)
    expected = [e.url for url in urls for e in parsed(url).entries]
    assert [e.url for e in item.documents] == expected
    assert [e.position for e in item.documents] == list(range(len(expected)))
    assert (item.collection_id, item.title) == ("169", "Korean War Armistice")
    last_documents = requests_in(output)
    assert [r.meta["listing_entry"].position for r in last_documents] == list(
        range(len(expected) - len(last_documents), len(expected))
    )
    assert spider.stats.get_value("archive/collections_seen") == 1


def test_topic_page_leads_to_its_facet_listing_with_an_empty_draft(spider):
    record, listing = spider.route(page(TOPIC))
    assert isinstance(record, FetchRecord) and record.page is FetchedPage.LISTING
    assert isinstance(listing, Request)
    assert listing.url == Request(FACET).url
    draft = listing.meta["collection"]
    assert (draft.collection_id, draft.title, draft.entries) == (
        "topics:86492",
        "Korean War Armistice",
        [],
    )
    assert draft.site_generation == SiteGeneration.CURRENT


def test_last_facet_listing_page_completes_the_collection(spider):
    last = f"{FACET}&page=4"
    earlier = [ListingEntry(url=f"{LIVE}/document/{n}", position=n) for n in range(40)]
    draft = CollectionDraft("topics:86492", TOPIC, SiteGeneration.CURRENT, entries=list(earlier))
    output = list(spider.route(page(last, collection=draft)))
    item = output[-1]
    assert isinstance(item, CollectionItem)
    tail = [e.url for e in parsed(last).entries]
    assert [e.url for e in item.documents] == [e.url for e in earlier] + tail
    assert [e.position for e in item.documents] == list(range(40 + len(tail)))
    assert [r.meta["collection_id"] for r in requests_in(output)] == ["topics:86492"] * len(tail)


def test_facet_listing_start_url_is_walked_as_a_collection():
    spider = make_spider(url="/search?f[0]=topics:86492&fo[0]=86492")

    async def first_request() -> Request:
        [request] = [r async for r in spider.start()]
        return request

    request = asyncio.run(first_request())
    response = HtmlResponse(
        url=request.url, body=fixture_body(FACET), encoding="utf-8", request=request
    )
    *_, next_page = spider.route(response)
    assert isinstance(next_page, Request)
    assert next_page.meta["collection"].collection_id == "topics:86492"


def test_what_a_collection_page_yields_can_be_exported_as_json_lines(spider):
    """The project's feed exporter (settings.FEED_EXPORTERS) writes documents only: the
    listing's FetchRecord (raw body bytes) stays out of the feed instead of breaking it."""
    items = [o for o in spider.route(page(COLLECTION)) if not isinstance(o, Request)]
    assert items  # the listing's FetchRecord
    out = io.BytesIO()
    exporter = DocumentJsonLinesExporter(out)
    exporter.start_exporting()
    for item in items:
        exporter.export_item(item)
    assert out.getvalue() == b""


def test_catalog_listing_leads_to_documents_and_the_next_page_without_a_draft(spider):
    url = f"{LIVE}/search?page=0"
    record, *documents, next_page = spider.route(page(url))
    assert isinstance(record, FetchRecord) and record.page is FetchedPage.LISTING
    assert [r.url for r in documents] == [e.url for e in parsed(url).entries]
    assert all("collection_id" not in r.meta for r in documents)
    assert next_page.url == f"{LIVE}/search?page=1"
    assert "collection" not in next_page.meta


def test_topics_index_leads_to_every_topic_page(spider):
    record, *topics = spider.route(page(f"{LIVE}/topics"))
    assert isinstance(record, FetchRecord) and record.page is FetchedPage.LISTING
    assert [r.url for r in topics] == [TOPIC]
    assert all(r.callback == spider.route and r.meta["keep_body"] for r in topics)
    assert spider.stats.get_value("archive/collections_listed") == 1


def test_wayback_capture_of_a_collection_is_a_collection_of_its_own(spider):
    capture = WAYBACK + COLLECTION
    record, first, *_, next_page = spider.route(page(capture, collection_hint="169"))
    assert isinstance(record, FetchRecord) and record.url == capture
    assert first.url == WAYBACK + f"{LIVE}/document/113071"  # its documents, from the archive
    assert first.meta["collection_id"] == "169@20190315084512"
    draft = next_page.meta["collection"]
    assert (draft.url, draft.captured_at) == (COLLECTION, "2019-03-15T08:45:12+00:00")


# -- pages that are not documents --------------------------------------------------------------


def test_challenge_page_after_its_retries_is_failed_with_the_retry_count(spider):
    [rejected] = spider.route(page(CHALLENGE, retry_times=3))
    assert isinstance(rejected, RejectedItem)
    assert rejected.outcome is Outcome.FAILED
    assert rejected.reason == "challenge page: title 'Just a moment...' (after 3 retries)"
    assert (rejected.url, rejected.http_status, rejected.spider) == (CHALLENGE, 200, "collection")


def test_error_page_answering_200_is_rejected(spider):
    request = Request(f"{LIVE}/document/119998")
    response = HtmlResponse(
        request.url, body=SITE.resolve(request.url).body, encoding="utf-8", request=request
    )
    [rejected] = spider.route(response)
    assert isinstance(rejected, RejectedItem)
    assert rejected.outcome is Outcome.REJECTED
    assert rejected.reason.startswith("error page: ")


def test_non_html_response_is_rejected(spider):
    url = f"{LIVE}/sites/default/files/scan.pdf"
    [rejected] = spider.route(Response(url, body=b"%PDF-1.4", request=Request(url)))
    assert isinstance(rejected, RejectedItem)
    assert (rejected.reason, rejected.outcome) == ("not an HTML page", Outcome.REJECTED)


def test_page_still_truncated_after_its_retries_is_failed(spider):
    [rejected] = spider.route(page(MAO, flags=["truncated"]))
    assert isinstance(rejected, RejectedItem)
    assert (rejected.reason, rejected.outcome) == ("truncated page", Outcome.FAILED)


# -- errbacks ---------------------------------------------------------------------------------


def http_error(request: Request, status: int) -> Failure:
    failure = Failure(HttpError(Response(request.url, status=status, request=request)))
    failure.request = request  # type: ignore[attr-defined]  # as Scrapy's errbacks get it
    return failure


def test_http_error_is_failed_with_its_status(spider):
    request = spider.document_request(f"{LIVE}/document/119998")
    [rejected] = spider.on_error(http_error(request, 404))
    assert isinstance(rejected, RejectedItem)
    assert (rejected.reason, rejected.outcome, rejected.http_status) == (
        "HTTP 404",
        Outcome.FAILED,
        404,
    )
    assert rejected.url == f"{LIVE}/document/119998"
    assert rejected.payload is None


def test_http_error_on_a_collection_page_keeps_the_collection_so_far(spider):
    entries = [ListingEntry(url=f"{LIVE}/document/{n}", position=n) for n in range(3)]
    draft = CollectionDraft("169", COLLECTION, SiteGeneration.LEGACY, "Korean War Armistice")
    draft.take(entries)
    request = spider.request(f"{COLLECTION}/2", collection=draft)
    rejected, item = spider.on_error(http_error(request, 404))
    assert isinstance(rejected, RejectedItem) and rejected.reason == "HTTP 404"
    assert isinstance(item, CollectionItem)
    assert (item.collection_id, item.documents) == ("169", entries)


def test_network_error_after_redirects_is_failed_at_the_first_url(spider):
    shortlink = f"{LIVE}/document/113071"
    request = Request(MAO, meta={"redirect_urls": [shortlink]})
    failure = Failure(ConnectionRefusedError("no one home"))
    failure.request = request  # type: ignore[attr-defined]
    [rejected] = spider.on_error(failure)
    assert isinstance(rejected, RejectedItem)
    assert rejected.reason.startswith("ConnectionRefusedError: ")
    assert (rejected.url, rejected.http_status) == (shortlink, None)
    assert rejected.payload == {"urls": [shortlink, MAO]}


# -- requests ---------------------------------------------------------------------------------


def test_document_request_skips_urls_already_requested(spider):
    first = spider.document_request(MAO, listing_entry=ListingEntry(MAO, 0))
    assert isinstance(first, Request)
    assert first.meta["conditional"] and "keep_body" not in first.meta
    assert first.meta["handle_httpstatus_list"] == [304]
    assert spider.document_request(MAO) is None


def test_page_request_is_conditional_and_keeps_its_body(spider):
    request = spider.request(COLLECTION, collection_hint="169")
    assert (request.callback, request.errback) == (spider.route, spider.on_error)
    assert request.meta["conditional"] and request.meta["keep_body"]
    assert request.meta["collection_hint"] == "169"


def test_document_spider_requests_each_target_once():
    spider = make_spider(DocumentSpider, url="/document/113071,/document/113071", id="114913")

    async def requests() -> list[Request]:
        return [r async for r in spider.start()]

    assert [r.url for r in asyncio.run(requests())] == [
        f"{LIVE}/document/113071",
        f"{LIVE}/document/114913",
    ]


# -- http_info and CollectionDraft ------------------------------------------------------------


def test_http_info_of_a_page_keeps_its_validators_and_hash_and_the_body_only_when_asked():
    headers = {"ETag": '"e1"', "Last-Modified": "Wed, 01 Jan 2025 00:00:00 GMT"}
    response = page(COLLECTION, headers=headers, redirect_urls=[f"{LIVE}/collection/169"])
    body = fixture_body(COLLECTION)
    info = http_info(response)
    assert (info.status, info.etag, info.last_modified) == (
        200,
        '"e1"',
        "Wed, 01 Jan 2025 00:00:00 GMT",
    )
    assert info.urls == [f"{LIVE}/collection/169", COLLECTION]
    assert info.body_hash == hashlib.sha256(body).hexdigest()
    assert info.body is None
    assert http_info(response, keep_body=True).body == body


def test_http_info_of_a_replayed_page_counts_as_not_modified():
    info = http_info(page(COLLECTION, flags=["stored"]), keep_body=True)
    assert (info.status, info.body_hash, info.body) == (304, None, None)


def test_http_info_of_an_error_has_no_body_hash():
    info = http_info(Response(MAO, status=404, body=b"gone", request=Request(MAO)))
    assert (info.status, info.etag, info.body_hash, info.urls) == (404, None, None, [MAO])


def test_collection_draft_numbers_each_page_on_from_the_pages_before():
    draft = CollectionDraft("169", COLLECTION, SiteGeneration.LEGACY)
    first = [ListingEntry(f"{LIVE}/document/a{n}", n) for n in range(3)]
    second = [ListingEntry(f"{LIVE}/document/b{n}", n) for n in range(2)]
    assert [e.position for e in draft.take(first)] == [0, 1, 2]
    taken = draft.take(second)
    assert [(e.url, e.position) for e in taken] == [
        (f"{LIVE}/document/b0", 3),
        (f"{LIVE}/document/b1", 4),
    ]
    assert [e.position for e in second] == [0, 1]  # the page's own rows are left as they are
    item = draft.item()
    assert [e.position for e in item.documents] == [0, 1, 2, 3, 4]
    assert item.fetched_at is not None
