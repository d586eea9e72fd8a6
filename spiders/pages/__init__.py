"""Pure page parsers: (html, url) -> a page result, no Scrapy engine involved.

`parse_page` detects the page type and site generation from the markup and calls the parser
for it; tests and analysts can call each parser directly. Nothing here imports Scrapy, the
pipelines or the models (import-linter checks it: see docs/architecture.md).
"""

from __future__ import annotations

from typing import assert_never

from lxml import etree

from items import PageType, SiteGeneration
from spiders.pages.common import PartialParse, load_html
from spiders.pages.current import (
    collection_links,
    parse_collection_index,
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
from spiders.pages.release_post import ReleasePost, parse_release_post
from spiders.pages.results import (
    CollectionIndex,
    CollectionPage,
    DocumentPage,
    FailedPage,
    ListingPage,
    PageResult,
)

__all__ = [
    "CollectionIndex",
    "CollectionPage",
    "DocumentPage",
    "FailedPage",
    "ListingPage",
    "PageKind",
    "PageResult",
    "PartialParse",
    "ReleasePost",
    "collection_links",
    "detect_page",
    "parse_collection_index",
    "parse_current_collection",
    "parse_current_document",
    "parse_current_listing",
    "parse_legacy_collection",
    "parse_legacy_document",
    "parse_legacy_listing",
    "parse_page",
    "parse_release_post",
]

CURRENT, LEGACY = SiteGeneration.CURRENT, SiteGeneration.LEGACY


def parse_page(html: str | bytes | etree._Element, url: str) -> PageResult:
    """Detect and parse a page once. Challenge, error and unknown pages parse to FailedPage,
    and so do pages lxml cannot read whole (nested too deep, a text node too large)."""
    try:
        root = load_html(html)
    except PartialParse as exc:  # quarantined whole: never a partial row
        return FailedPage(PageType.UNKNOWN, str(exc))
    except (ValueError, etree.ParserError) as exc:
        return FailedPage(PageType.UNKNOWN, f"unparseable page: {exc}")
    kind = detect_page(root, url, raw=None if isinstance(html, etree._Element) else html)
    generation = kind.generation
    match kind.type:
        case PageType.CHALLENGE | PageType.ERROR | PageType.UNKNOWN:
            return FailedPage(kind.type, kind.reason or kind.type.value, generation)
        case PageType.DOCUMENT if generation is CURRENT:
            return DocumentPage(parse_current_document(root, url), CURRENT)
        case PageType.DOCUMENT:
            return DocumentPage(parse_legacy_document(root, url), LEGACY)
        case PageType.COLLECTION if generation is CURRENT:
            return parse_current_collection(root, url)
        case PageType.COLLECTION:
            return parse_legacy_collection(root, url)
        case PageType.LISTING if generation is CURRENT:
            return parse_current_listing(root, url)
        case PageType.LISTING:
            return parse_legacy_listing(root, url)
        case PageType.INDEX:
            return parse_collection_index(root, url)
        case _:
            assert_never(kind.type)
