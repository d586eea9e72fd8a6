"""Collection and listing parsers of both generations, on the fixture mirror: how pages
combine and what an odd page gives. (Each page's own values are the stored cases' job:
test_cases.py.)"""

from __future__ import annotations

from conftest import DOCUMENTS, build, fixture_html, live_url

from spiders.pages import parse_current_listing, parse_legacy_collection

LEGACY_BASE = f"/collection/{build.COLLECTION_ID}/{build.COLLECTION_SLUG}"
ENTRIES = build.listing_entries(DOCUMENTS)
LEGACY_PAGES = -(-len(ENTRIES) // build.LEGACY_PAGE_SIZE)
FACET = f"f[0]=topics:{build.TOPIC_ID}&fo[0]={build.TOPIC_ID}"


def legacy_page(n: int):
    path = LEGACY_BASE if n == 1 else f"{LEGACY_BASE}/{n}"
    html = fixture_html(path.lstrip("/") + ".html")
    return parse_legacy_collection(html, live_url(path), offset=(n - 1) * build.LEGACY_PAGE_SIZE)


def test_legacy_collection_rows_in_listing_order():
    """With each page's offset, positions run on across pages, in the listing's order."""
    rows = [row for n in range(1, LEGACY_PAGES + 1) for row in legacy_page(n).entries]
    assert [r.record_id for r in rows] == [d["record_id"] for d in ENTRIES]
    assert [r.position for r in rows] == list(range(len(ENTRIES)))


def test_current_listing_without_results_stops():
    html = fixture_html(f"search@{FACET}.html").replace('class="document"', 'class="other"')
    page = parse_current_listing(html, live_url(f"/search?{FACET}"))
    assert page.entries == [] and page.next_url is None
