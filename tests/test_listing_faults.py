"""A collection whose listing page fails is incomplete, not silently short; a collection pager
that never ends is cut at its count line (issue 15)."""

from __future__ import annotations

import re

from conftest import query, run_scrapy
from support.faults import archive_site, crawl
from support.mirror import FixtureSite, MirrorResponse, serve_in_thread

from spiders.drafts import PAGER_MARGIN

LEGACY_PAGE_2 = "/collection/169/korean-war-armistice/2"
FACET = "/search?f[0]=topics:86492&fo[0]=86492"


def crawl_mirror(base: str, db: str, *args: str):
    return run_scrapy("crawl", "collection", *args, "-s", f"DA_BASE_URL={base}",
                      "-s", f"DATABASE_URL={db}", "-s", "RETRY_TIMES=0")  # fmt: skip


def test_a_failed_legacy_listing_page_ends_the_run_incomplete(tmp_path):
    site = FixtureSite(real_mtimes=True)
    site.scripted[LEGACY_PAGE_2] = [MirrorResponse(503, b"busy", {})]
    server, base = serve_in_thread(site=site)
    db = f"sqlite:///{tmp_path / 'a.db'}"
    result = crawl_mirror(base, db)
    server.shutdown()
    assert result.returncode == 1, result.stderr[-3000:]
    listed = query(db, "SELECT count(*) FROM document_collections")[0][0]
    assert listed > 0  # the rows of page 1 are kept, with the collection
    reason = f"collection 169 incomplete: a listing page failed (HTTP 503: {base}{LEGACY_PAGE_2}); {listed} documents listed"  # fmt: skip
    assert query(db, "SELECT status, reason FROM crawl_runs") == [("failed", reason)]
    assert reason in result.stderr
    assert query(db, "SELECT url, outcome FROM rejected_items") == [
        (f"{base}{LEGACY_PAGE_2}", "failed")
    ]
    assert query(db, "SELECT count(*) FROM documents")[0][0] == listed


def test_a_failed_facet_listing_page_says_how_many_of_the_total_were_listed(tmp_path):
    site = FixtureSite(real_mtimes=True)
    for path in (f"{FACET}&page=2", FACET.replace("[", "%5B").replace("]", "%5D") + "&page=2"):
        site.scripted[path] = [MirrorResponse(503, b"busy", {})]  # as sent, either way
    server, base = serve_in_thread(site=site)
    db = f"sqlite:///{tmp_path / 'a.db'}"
    result = crawl_mirror(base, db, "-a", f"url={FACET}")
    server.shutdown()
    assert result.returncode == 1, result.stderr[-3000:]
    (reason,) = query(db, "SELECT reason FROM crawl_runs")[0]
    assert re.fullmatch(
        r"collection topics:86492 incomplete: a listing page failed \(HTTP 503: \S+page=2\); "
        r"(\d+) of (\d+) documents listed",
        reason,
    ), reason
    listed, total = map(int, re.findall(r"(\d+) of (\d+)", reason)[0])
    assert listed == query(db, "SELECT count(*) FROM document_collections")[0][0] < total


def test_a_collection_pager_that_never_ends_is_cut_at_its_count_line(tmp_path):
    db = f"sqlite:///{tmp_path / 'a.db'}"
    with archive_site(documents=30, endless=True) as (archive, base):
        result = crawl(base, db, "-a", "url=/search?f[0]=topics:1&fo[0]=1", spider="collection")
    assert result.returncode == 0, result.stderr[-3000:]
    assert archive.listing_requests == 3 + PAGER_MARGIN
    ((url, outcome, reason),) = query(db, "SELECT url, outcome, reason FROM rejected_items")
    assert url.endswith("page=5") and outcome == "rejected"
    assert reason == "pager cut at page 5: the count line lists 30 documents"
