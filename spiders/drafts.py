"""A collection while the spider walks its listing pages, one after another."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from items import CollectionItem, ListingEntry, SiteGeneration


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
