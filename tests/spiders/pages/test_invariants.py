"""Invariants over every item parsed from every page of the offline mirror."""

from __future__ import annotations

import re

import pytest
from conftest import SITE, live_url

from items import DOCUMENT_LIST_COLUMNS
from spiders.pages import CollectionPage, DocumentPage, ListingPage, parse_page

# Wayback captures are covered by test_wayback.py (they parse once unwrapped).
PAGES = sorted(p for p in SITE.rglob("*.html") if "_wayback" not in p.parts)


def parse_fixture(path):
    relative = path.relative_to(SITE).as_posix().removesuffix(".html").replace("@", "?", 1)
    return parse_page(path.read_text(encoding="utf-8"), live_url("/" + relative))


PARSED = [(path, parse_fixture(path)) for path in PAGES]
DOCUMENT_ITEMS = [
    pytest.param(page.item, id=p.name) for p, page in PARSED if isinstance(page, DocumentPage)
]
LISTINGS = [
    pytest.param(page, id=str(p.relative_to(SITE)))
    for p, page in PARSED
    if isinstance(page, (CollectionPage, ListingPage))
]
# Lists of names (versions, citations… are lists of parts, checked on their own).
LIST_FIELDS = [*DOCUMENT_LIST_COLUMNS, "collections", "alias_urls"]
TEXT_FIELDS = ["title", "date_text", "summary", "source", "classification", "document_type"]


def test_the_mirror_has_every_page_kind():
    kinds = {(page.type, page.site_generation) for _, page in PARSED}
    assert {
        ("document", "current"),
        ("document", "legacy"),
        ("collection", "legacy"),
        ("collection", "current"),
        ("listing", "current"),
        ("listing", "legacy"),
        ("challenge", None),
        ("error", None),
    } <= kinds


@pytest.mark.parametrize("item", DOCUMENT_ITEMS)
def test_every_document_has_a_title_and_a_key(item):
    assert item.title
    assert item.record_id and item.record_id.isdigit()
    assert item.canonical_url.startswith("https://digitalarchive.wilsoncenter.org/document/")


@pytest.mark.parametrize("item", DOCUMENT_ITEMS)
def test_lists_are_lists_of_nonempty_unique_strings(item):
    for name in LIST_FIELDS:
        value = getattr(item, name)
        assert isinstance(value, list), name
        assert all(isinstance(v, str) and v for v in value), name
        assert len(set(value)) == len(value), name


@pytest.mark.parametrize("item", DOCUMENT_ITEMS)
def test_text_is_whitespace_normalized(item):
    for name in TEXT_FIELDS:
        value = getattr(item, name)
        assert value is None or (value == " ".join(value.split()) and value), name
    for name in LIST_FIELDS:
        for value in getattr(item, name):
            if isinstance(value, str):
                assert value == " ".join(value.split()), name


@pytest.mark.parametrize("item", DOCUMENT_ITEMS)
def test_no_markup_or_css_in_text(item):
    for value in (item.text or "", item.summary or "", item.title):
        assert "<" not in value and "{" not in value
        assert not re.search(r"\.cs[0-9A-F]{6,}", value)


@pytest.mark.parametrize("item", DOCUMENT_ITEMS)
def test_header_distractors_never_leak(item):
    """The megamenus list Mao and Kim Il Sung with (1912-1994)-style details."""
    for name in item.people + item.authors + item.topics:
        assert not re.search(r"\(\d+\)$|\(\d{4}-\d{4}\)$", name)
    assert "Cold War History" not in item.topics


@pytest.mark.parametrize("item", DOCUMENT_ITEMS)
def test_uploaded_date_is_iso(item):
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", item.uploaded_date)


@pytest.mark.parametrize("item", DOCUMENT_ITEMS)
def test_versions_have_type_and_url_or_html(item):
    for version in item.versions:
        assert version.type in {"original", "translation", "transcript"}
        assert bool(version.url) != bool(version.html)


@pytest.mark.parametrize("page", LISTINGS)
def test_listing_rows_link_documents_in_order(page):
    assert page.entries
    assert [e.position for e in page.entries] == sorted(e.position for e in page.entries)
    for entry in page.entries:
        assert "/document/" in entry.url
        assert entry.title
