"""Stay on the host (issue 15): every request, redirect and link is checked against the
configured hosts; what is dropped is recorded in rejected_items with its reason, and no byte
goes to another host. Real `scrapy crawl` runs over two loopback hosts (127.0.0.1 is the
site, 127.0.0.2 the other host), and the spiders' host rules in process."""

from __future__ import annotations

import json

import pytest
from conftest import SITE, build, query, run_scrapy
from scrapy.crawler import Crawler
from scrapy.http import Request
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler
from support.hostile import Answer, Catalog, HostileSite, redirect, serve
from support.mirror import serve_in_thread

from items import RejectedItem
from spiders.catalog import CatalogSpider
from spiders.collection import CollectionSpider
from spiders.hosts import OffHost, OnHostMiddleware
from spiders.profile import LocalMirrorProfile
from spiders.releases import ReleasesSpider

OTHER = "127.0.0.2"
WAYBACK_LINK = "https://web.archive.org/web/2019/https://digitalarchive.wilsoncenter.org"


def crawl(base_url: str, db: str, spider: str, *args: str):
    return run_scrapy(
        "crawl", spider, *args, "-s", f"DA_BASE_URL={base_url}", "-s", f"DATABASE_URL={db}",
        "-s", "DA_PROGRESS_BAR=0",
    )  # fmt: skip


def rejected(db: str) -> dict[str, tuple[str, str, list[str] | None]]:
    rows = query(db, "SELECT url, outcome, reason, payload FROM rejected_items")
    return {
        url: (outcome, reason, ((json.loads(p) if isinstance(p, str) else p) or {}).get("urls"))
        for url, outcome, reason, p in rows
    }


def test_links_and_redirects_to_other_hosts_are_refused_and_recorded(tmp_path):
    catalog = Catalog(6)
    other_site = HostileSite(Catalog(6).routes())  # would answer every page, if it were asked
    with serve(other_site, OTHER) as other:
        site = HostileSite(catalog.routes())
        links = {3: other + catalog.path(3), 5: WAYBACK_LINK + catalog.path(5)}
        site.routes["/search?page=0"] = Answer(catalog.listing_page(links).encode())
        site.routes[catalog.path(4)] = redirect(other + catalog.path(4))  # a redirect off host
        with serve(site) as base:
            db = f"sqlite:///{tmp_path / 'a.db'}"
            result = crawl(base, db, "catalog")

    assert other_site.log == []  # not one request, not even robots.txt
    assert result.returncode == 0, result.stderr[-3000:]
    stored = {r for (r,) in query(db, "SELECT record_id FROM documents")}
    assert stored == {catalog.record_id(i) for i in (0, 1, 2)}
    allowed = "(allowed: 127.0.0.1)"
    assert rejected(db) == {
        other + catalog.path(3): (
            "rejected",
            f"off host: {other}{catalog.path(3)} {allowed}",
            None,
        ),
        base + catalog.path(4): (
            "rejected",
            f"off host: {other}{catalog.path(4)} {allowed}",
            [base + catalog.path(4), other + catalog.path(4)],  # the redirect is kept
        ),
        WAYBACK_LINK + catalog.path(5): (
            "rejected",
            f"off host: {WAYBACK_LINK}{catalog.path(5)} {allowed}",  # no Wayback start URL
            None,
        ),
    }
    assert "rejected 3, failed 0" in result.stdout


def test_an_off_host_start_url_is_recorded_and_fails_the_run(tmp_path):
    other_site = HostileSite(Catalog(1).routes())
    with serve(other_site, OTHER) as other, serve(HostileSite()) as base:
        db = f"sqlite:///{tmp_path / 'a.db'}"
        url = other + Catalog(1).path(0)
        result = crawl(base, db, "document", "-a", f"url={url}")
    assert other_site.log == []
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1].startswith(
        f"crawl failed: nothing to crawl: every start URL is off the configured host {base}"
    )
    assert rejected(db) == {url: ("rejected", f"off host: {url} (allowed: 127.0.0.1)", None)}


def test_the_releases_spider_may_read_its_blog_host_and_nothing_else(tmp_path):
    post_path = "/" + build.RELEASE_PATH
    post = (SITE / f"{build.RELEASE_PATH}.html").read_bytes()
    blog = HostileSite({post_path: Answer(post)})
    archive, archive_url = serve_in_thread(SITE)  # the mirror, as the archive's host
    try:
        with serve(blog, OTHER) as blog_url:
            db = f"sqlite:///{tmp_path / 'a.db'}"
            result = crawl(
                archive_url, db, "releases", "-a", f"url={blog_url}{post_path}",
                "-s", "DA_OTHER_HOST_DELAY=0",  # the blog's delay is tested below, in process
            )  # fmt: skip
    finally:
        archive.shutdown()
    assert result.returncode == 0, result.stderr[-3000:]
    assert post_path in blog.log  # the post, from the blog's host
    entries = len(build.release_entries(build.load_documents()))
    linked = query(
        db,
        "SELECT count(dc.document_id) FROM document_collections dc JOIN collections c"
        " ON c.id = dc.collection_id WHERE c.collection_id LIKE 'release:%'",
    )
    assert linked == [(entries,)]
    assert query(db, "SELECT count(*) FROM rejected_items") == [(0,)]
    assert all(not p.startswith("/document") for p in blog.log)  # documents from the archive


# -- in process: which hosts a spider allows, and their politeness -------------------------


def spider_of(spidercls, **kwargs):
    crawler = get_crawler(spidercls, {"DA_RUN_ENABLED": False, "DA_BASE_URL": "http://127.0.0.1:9"})
    crawler.spider = crawler._create_spider(**kwargs)
    return crawler


def test_the_wayback_machine_is_allowed_only_for_a_wayback_start_url():
    capture = f"https://web.archive.org/web/20190315084512/{WAYBACK_LINK}/collection/169/x"
    for url, allowed in [
        ("/collection/169/korean-war-armistice", ["127.0.0.1"]),
        (capture, ["127.0.0.1", "web.archive.org"]),
    ]:
        crawler = spider_of(CollectionSpider, url=url)
        spider = crawler.spider
        started = list(spider.starting([spider.start_request()]))
        assert [type(r) for r in started] == [Request]
        assert spider.allowed_domains == allowed


def test_the_middleware_refuses_other_hosts_with_the_reason():
    crawler = spider_of(CatalogSpider)
    middleware = OnHostMiddleware.from_crawler(crawler)
    assert middleware.process_request(Request("http://127.0.0.1:9/document/1")) is None
    for url in ["http://127.0.0.2:9/document/1", f"{WAYBACK_LINK}/document/1", "https://x.org/"]:
        with pytest.raises(OffHost, match=r"^off host: .+ \(allowed: 127\.0\.0\.1\)$"):
            middleware.process_request(Request(url))
    assert crawler.stats.get_value("archive/off_host_refused") == 3


def test_an_off_host_start_request_becomes_a_rejected_item():
    crawler = spider_of(CatalogSpider)
    spider = crawler.spider
    out = list(
        spider.starting(
            [Request("https://example.com/search"), spider.request(spider.site_url("/search"))]
        )
    )
    assert isinstance(out[0], RejectedItem)
    assert out[0].reason == "off host: https://example.com/search (allowed: 127.0.0.1)"
    assert isinstance(out[1], Request)


def configured(spidercls, settings: dict, **kwargs) -> Settings:
    """The settings a crawl runs with: the project's, the spider's, then the profile add-on."""
    project = get_project_settings()
    project.setdict(settings, priority="cmdline")
    crawler = Crawler(spidercls, project)
    spidercls.from_crawler(crawler, **kwargs)
    LocalMirrorProfile().update_settings(crawler.settings)
    return crawler.settings


@pytest.mark.parametrize(
    "base", ["http://127.0.0.1:8000", "https://digitalarchive.wilsoncenter.org"]
)
def test_other_hosts_keep_the_live_delay_even_against_a_loopback_mirror(base):
    settings = configured(ReleasesSpider, {"DA_BASE_URL": base}, url="https://blog.example/p/1")
    polite = {"delay": 5.0, "jitter": 0.5, "concurrency": 1}
    slots = settings.getdict("DOWNLOAD_SLOTS")
    assert slots == {"web.archive.org": polite, "blog.example": polite}
    assert settings.getfloat("DOWNLOAD_DELAY") == (0 if "127.0.0.1" in base else 5)


def test_the_offline_mirror_needs_no_delays():
    settings = configured(ReleasesSpider, {"DA_OFFLINE": "1"})
    assert settings.getdict("DOWNLOAD_SLOTS") == {}
    assert settings.getfloat("DOWNLOAD_DELAY") == 0


def test_scrapys_silent_offsite_filter_is_replaced():
    middlewares = get_project_settings().getdict("DOWNLOADER_MIDDLEWARES")
    assert middlewares["scrapy.downloadermiddlewares.offsite.OffsiteMiddleware"] is None
    assert middlewares["spiders.hosts.OnHostMiddleware"] == 50
