"""The items the spiders yield and the pipelines store.

Dataclasses, so that itemadapter, the feed exporters (`-O items.jsonl`) and the tests all see
the same plain fields. Lists are lists (empty when absent), missing values are None.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class DocumentItem:
    url: str
    title: str | None = None
    kind: str = "document"
    canonical_url: str | None = None
    record_id: str | None = None
    node_id: str | None = None
    site_generation: str | None = None  # "current" | "legacy"
    date_text: str | None = None
    # Derived by the pipelines (pipelines/dates.py, citations.py, names.py):
    date_start: str | None = None  # YYYY-MM-DD
    date_end: str | None = None
    date_precision: str | None = None  # day | month | year | decade | range | undated
    date_circa: bool = False
    date_source: str | None = None  # page | title
    citations: list[dict[str, Any]] = field(default_factory=list)
    persons: list[dict[str, Any]] = field(default_factory=list)  # name, display_name, sort_name
    number: str | None = None
    sender: str | None = None
    recipients: list[str] = field(default_factory=list)
    aliases: list[dict[str, str]] = field(default_factory=list)  # {"name", "alias"}
    summary: str | None = None
    listing_summary: str | None = None
    text: str | None = None
    versions: list[dict[str, Any]] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    contributors: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    source: str | None = None
    original_archives: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    rights: str | None = None
    uploaded_date: str | None = None
    donors: list[str] = field(default_factory=list)
    classification: str | None = None
    document_type: str | None = None
    collections: list[str] = field(default_factory=list)
    download_url: str | None = None
    related_urls: list[str] = field(default_factory=list)
    # Every URL this document answered at (request, redirects, canonical, shortlink, citation),
    # so that listings linking to any of them find the stored row.
    alias_urls: list[str] = field(default_factory=list)
    fetched_at: str | None = None
    # When the page comes from a Wayback Machine capture: when it was captured (ISO 8601).
    captured_at: str | None = None
    # HTTP bookkeeping, stored in fetch_state (not in documents): status, etag,
    # last_modified, body_hash, urls (request, redirects, final).
    http: dict[str, Any] | None = None


@dataclass
class CollectionEntry:
    """One row of a collection listing, in listing order."""

    url: str
    position: int
    record_id: str | None = None
    date_text: str | None = None
    title: str | None = None
    summary: str | None = None


@dataclass
class CollectionItem:
    collection_id: str
    url: str
    kind: str = "collection"
    site_generation: str | None = None
    title: str | None = None
    description: str | None = None
    documents: list[dict[str, Any]] = field(default_factory=list)
    fetched_at: str | None = None
    captured_at: str | None = None  # a Wayback Machine capture: when it was captured


@dataclass
class RejectedItem:
    """A page or item that could not become a document: kept with its reason, never dropped.

    `outcome` is "rejected" (fetched, but a challenge page, an error page or invalid data) or
    "failed" (not fetched: HTTP error, network error; or not stored: database error).
    """

    url: str
    reason: str
    outcome: str = "rejected"
    kind: str = "rejected"
    spider: str | None = None
    http_status: int | None = None
    payload: dict[str, Any] | None = None
    fetched_at: str | None = None


@dataclass
class FetchRecord:
    """A page checked without a document to store: a document answering 304 Not Modified,
    or a listing page (whose body is kept, to be replayed when it answers 304 next time)."""

    url: str
    page: str  # document | listing
    http: dict[str, Any] = field(default_factory=dict)
    kind: str = "fetch"
