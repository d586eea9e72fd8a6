"""Pure page parsers: (html, url) -> item or page model, no Scrapy engine involved.

`parse_page` detects the page type and site generation from the markup and calls the parser
for it; tests and analysts can call each parser directly.
"""

from __future__ import annotations

from lxml import etree

from spiders.items import DocumentItem
from spiders.pages.common import load_html
from spiders.pages.current import (
    collection_links,
    parse_current_collection,
    parse_current_document,
    parse_current_listing,
)
from spiders.pages.detect import PageKind, detect_page
from spiders.pages.legacy import (
    parse_legacy_collection,
    parse_legacy_document,
    parse_legacy_listing,
)
from spiders.pages.listing import CollectionPage, ListingPage
from spiders.pages.release_post import ReleasePost, parse_release_post

__all__ = [
    "CollectionPage",
    "ListingPage",
    "PageKind",
    "ReleasePost",
    "collection_links",
    "detect_page",
    "parse_current_collection",
    "parse_current_document",
    "parse_current_listing",
    "parse_legacy_collection",
    "parse_legacy_document",
    "parse_legacy_listing",
    "parse_page",
    "parse_release_post",
]

PARSERS = {
    ("document", "current"): parse_current_document,
    ("document", "legacy"): parse_legacy_document,
    ("collection", "current"): parse_current_collection,
    ("collection", "legacy"): parse_legacy_collection,
    ("listing", "current"): parse_current_listing,
    ("listing", "legacy"): parse_legacy_listing,
    ("index", "current"): collection_links,
}


def parse_page(
    html: str | bytes | etree._Element, url: str
) -> tuple[PageKind, DocumentItem | CollectionPage | ListingPage | list[str] | None]:
    """Detect and parse a page once. Challenge, error and unknown pages parse to None; an
    index of collections parses to the list of their URLs."""
    try:
        root = load_html(html)
    except (ValueError, etree.ParserError) as exc:
        return PageKind("unknown", reason=f"unparseable page: {exc}"), None
    kind = detect_page(root, url, raw=None if isinstance(html, etree._Element) else html)
    if kind.is_failure:
        return kind, None
    return kind, PARSERS[(kind.type, kind.generation)](root, url)
