"""Collection and listing parsers of both generations, on the fixture mirror."""

from __future__ import annotations

import pytest
from conftest import DOCUMENTS, build, fixture_html, live_url

from items import ListingEntry
from spiders.pages import (
    parse_current_collection,
    parse_current_listing,
    parse_legacy_collection,
    parse_legacy_listing,
)

LEGACY_BASE = f"/collection/{build.COLLECTION_ID}/{build.COLLECTION_SLUG}"
ENTRIES = build.listing_entries(DOCUMENTS)
LEGACY_PAGES = -(-len(ENTRIES) // build.LEGACY_PAGE_SIZE)
FACET = f"f[0]=topics:{build.TOPIC_ID}&fo[0]={build.TOPIC_ID}"


def legacy_page(n: int):
    path = LEGACY_BASE if n == 1 else f"{LEGACY_BASE}/{n}"
    html = fixture_html(path.lstrip("/") + ".html")
    return parse_legacy_collection(html, live_url(path), offset=(n - 1) * build.LEGACY_PAGE_SIZE)


def test_legacy_collection_id():
    assert legacy_page(1).collection_id == build.COLLECTION_ID


def test_legacy_collection_title():
    assert legacy_page(1).title == build.COLLECTION_TITLE


def test_legacy_collection_description():
    assert legacy_page(1).description == build.COLLECTION_DESCRIPTION


def test_legacy_collection_generation():
    assert legacy_page(1).site_generation == "legacy"


@pytest.mark.parametrize("n", range(1, LEGACY_PAGES + 1))
def test_legacy_collection_next_page(n):
    expected = live_url(f"{LEGACY_BASE}/{n + 1}") if n < LEGACY_PAGES else None
    assert legacy_page(n).next_url == expected


def test_legacy_collection_rows_in_listing_order():
    rows = [row for n in range(1, LEGACY_PAGES + 1) for row in legacy_page(n).entries]
    assert [r.record_id for r in rows] == [d["record_id"] for d in ENTRIES]
    assert [r.position for r in rows] == list(range(len(ENTRIES)))


def test_legacy_collection_row_fields():
    row = legacy_page(1).entries[0]
    doc = ENTRIES[0]
    assert row == ListingEntry(
        url=live_url(f"/document/{doc['record_id']}"),
        record_id=doc["record_id"],
        position=0,
        date_text=build.display_date(doc["date"], "legacy") or None,
        title=doc["title"],
        summary=doc["listing_summary"] or None,
    )


def test_legacy_listing_rows():
    path = '/search-results/1/{"subject":"668"}'
    page = parse_legacy_listing(
        fixture_html(f"{path.lstrip('/')}@recordType=Record.html"),
        live_url(path + "?recordType=Record"),
    )
    expected = [d for d in DOCUMENTS if "Korean War, 1950-1953--Armistices" in d["subjects"]][:20]
    assert [e.title for e in page.entries] == [d["title"] for d in expected]
    assert page.next_url is None


def topic_page():
    path = f"/topics/{build.TOPIC_SLUG}"
    return parse_current_collection(fixture_html(path.lstrip("/") + ".html"), live_url(path))


def test_current_collection_id_is_the_topic():
    assert topic_page().collection_id == f"topics:{build.TOPIC_ID}"


def test_current_collection_title():
    assert topic_page().title == build.COLLECTION_TITLE


def test_current_collection_description():
    assert topic_page().description == build.COLLECTION_DESCRIPTION


def test_current_collection_listing_url():
    assert topic_page().listing_url == live_url(f"/search?{FACET}")


def test_current_collection_popular_documents():
    popular = [d for d in DOCUMENTS if d["popular"]]
    assert [e.title for e in topic_page().entries] == [d["title"] for d in popular]
    assert [e.url for e in topic_page().entries] == [
        live_url(f"/document/{d['slug']}") for d in popular
    ]


def current_listing(page: int):
    query = FACET + (f"&page={page}" if page else "")
    return parse_current_listing(fixture_html(f"search@{query}.html"), live_url(f"/search?{query}"))


CURRENT_PAGES = -(-len(DOCUMENTS) // build.CURRENT_PAGE_SIZE)


@pytest.mark.parametrize("page", range(CURRENT_PAGES))
def test_current_listing_count_line(page):
    first = page * build.CURRENT_PAGE_SIZE + 1
    last = min(first + build.CURRENT_PAGE_SIZE - 1, len(DOCUMENTS))
    assert current_listing(page).count == (first, last, len(DOCUMENTS))


@pytest.mark.parametrize("page", range(CURRENT_PAGES))
def test_current_listing_next_url(page):
    expected = live_url(f"/search?{FACET}&page={page + 1}") if page + 1 < CURRENT_PAGES else None
    assert current_listing(page).next_url == expected


def test_current_listing_rows():
    rows = [row for page in range(CURRENT_PAGES) for row in current_listing(page).entries]
    assert [r.url for r in rows] == [live_url(f"/document/{d['slug']}") for d in DOCUMENTS]
    assert [r.date_text for r in rows] == [
        build.display_date(d["date"], "current") or None for d in DOCUMENTS
    ]
    assert [r.summary for r in rows] == [d["listing_summary"] or None for d in DOCUMENTS]


def test_current_listing_without_results_stops():
    html = fixture_html(f"search@{FACET}.html").replace('class="document"', 'class="other"')
    page = parse_current_listing(html, live_url(f"/search?{FACET}"))
    assert page.entries == [] and page.next_url is None
