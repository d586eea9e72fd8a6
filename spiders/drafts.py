"""A collection while the spider walks its listing pages, one after another."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from items import CollectionItem, ListingEntry, SiteGeneration

# Listing pages followed past the count line's last page, and the cap without a count line
# (the whole archive is about 1,700 pages of ten).
PAGER_MARGIN = 2
MAX_UNCOUNTED_PAGES = 5000


def pager_cut(page: int, total: int | None) -> str:
    """Why a listing's next page was not followed."""
    promised = f"the count line lists {total} documents" if total else "no count line"
    return f"pager cut at page {page}: {promised}"


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass
class CollectionDraft:
    """A collection while its listing pages are walked, one after another."""

    collection_id: str
    url: str
    site_generation: SiteGeneration | str | None
    title: str | None = None
    description: str | None = None
    entries: list[ListingEntry] = field(default_factory=list)
    captured_at: str | None = None
    total: int | None = None  # documents, by the listing's count line
    pages: int | None = None  # listing pages that count line promises
    pages_walked: int = 0

    def count_pages(self, count: tuple[int, int, int], rows: int) -> None:
        """Read a count line ("1 - 10 of 99"): how many documents and listing pages."""
        if self.total is None or count[2] > self.total:
            self.total = count[2]
            size = max(count[1] - count[0] + 1, rows, 1)
            self.pages = max(-(-count[2] // size), 1)

    def max_pages(self) -> int:
        """Listing pages walked at most: what the count line promised and a margin of two
        (it can lag behind a growing collection); without a count line, a generous cap."""
        return self.pages + PAGER_MARGIN if self.pages else MAX_UNCOUNTED_PAGES

    def take(self, entries: list[ListingEntry]) -> list[ListingEntry]:
        """Add a page's rows, numbered on from the pages before it."""
        offset = len(self.entries)
        taken = [replace(entry, position=offset + entry.position) for entry in entries]
        self.entries.extend(taken)
        return taken

    def item(self) -> CollectionItem:
        return CollectionItem(
            collection_id=self.collection_id,
            url=self.url,
            site_generation=self.site_generation,
            title=self.title,
            description=self.description,
            documents=list(self.entries),
            fetched_at=now_iso(),
            captured_at=self.captured_at,
        )
