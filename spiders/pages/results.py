"""What the parsers return: a closed set of page results, one class per kind of page.

The spiders route them with an exhaustive `match` (mypy checks that every kind is handled),
so a new kind of page is added here, in `parse_page`, and in the router, or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from items import DocumentItem, ListingEntry, PageType, SiteGeneration
from spiders.pages.common import record_id_from_url


def listing_entry(
    url: str,
    position: int,
    date_text: str | None,
    title: str | None,
    summary: str | None,
) -> ListingEntry:
    """One listing row (the one place listing entries are built)."""
    return ListingEntry(
        url=url,
        record_id=record_id_from_url(url),
        position=position,
        date_text=date_text,
        title=title,
        summary=summary,
    )


@dataclass
class DocumentPage:
    type: ClassVar[PageType] = PageType.DOCUMENT
    item: DocumentItem
    site_generation: SiteGeneration


@dataclass
class ListingPage:
    type: ClassVar[PageType] = PageType.LISTING
    url: str
    site_generation: SiteGeneration
    entries: list[ListingEntry] = field(default_factory=list)
    count: tuple[int, int, int] | None = None  # "11 - 20 of 99"
    next_url: str | None = None
    page_urls: list[str] = field(default_factory=list)  # every pager link seen (legacy)


@dataclass
class CollectionPage:
    type: ClassVar[PageType] = PageType.COLLECTION
    url: str
    site_generation: SiteGeneration
    collection_id: str | None
    title: str | None
    description: str | None
    entries: list[ListingEntry] = field(default_factory=list)
    next_url: str | None = None  # the next page of this collection's own listing (legacy)
    listing_url: str | None = None  # where the full membership is listed (current: a facet)


@dataclass
class CollectionIndex:
    """An index of collections (the current site's /topics): where each collection is."""

    type: ClassVar[PageType] = PageType.INDEX
    url: str
    site_generation: SiteGeneration
    collection_urls: list[str] = field(default_factory=list)


@dataclass
class FailedPage:
    """A challenge, error or unknown page: no content, a reason."""

    type: PageType  # challenge | error | unknown
    reason: str
    site_generation: SiteGeneration | None = None


PageResult = DocumentPage | ListingPage | CollectionPage | CollectionIndex | FailedPage
