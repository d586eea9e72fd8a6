"""What listing and collection parsers return: rows in order, and where to go next."""

from __future__ import annotations

from dataclasses import dataclass, field

from spiders.pages.common import record_id_from_url


def entry(
    url: str | None,
    position: int,
    date_text: str | None,
    title: str | None,
    summary: str | None,
) -> dict:
    """One listing row as stored in a collection item's `documents`."""
    return {
        "url": url,
        "record_id": record_id_from_url(url),
        "position": position,
        "date_text": date_text,
        "title": title,
        "summary": summary,
    }


@dataclass
class ListingPage:
    url: str
    entries: list[dict] = field(default_factory=list)
    count: tuple[int, int, int] | None = None  # "11 - 20 of 99"
    next_url: str | None = None
    page_urls: list[str] = field(default_factory=list)  # every pager link seen (legacy)


@dataclass
class CollectionPage:
    url: str
    collection_id: str | None
    title: str | None
    description: str | None
    entries: list[dict] = field(default_factory=list)
    next_url: str | None = None  # the next page of this collection's own listing (legacy)
    listing_url: str | None = None  # where the full membership is listed (current: a facet)
    site_generation: str | None = None
