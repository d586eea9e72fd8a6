"""The contracts every layer shares: items, their parts, and the vocabularies.

Scrapy's convention puts `items.py` beside `settings.py`; here it is `items/__init__.py`, one
module still, because import-linter checks packages only. It imports no other module of the
project (import-linter checks that too), so the parsers (`spiders/pages/`), the spiders, the
pipelines, the models and `da` can all depend on it without depending on each other.

Dataclasses, so that itemadapter, the feed exporters (`-O items.jsonl`) and the tests all see
the same plain fields. Lists are lists (empty when absent), missing values are None.

The document field list is declared here once: each field of `DocumentItem` says in its
metadata where it is stored (`DOCUMENT_COLUMNS`, `DOCUMENT_LIST_COLUMNS`, `DOCUMENT_CHILDREN`),
and the store, the revisions, the exports and `da` derive their lists from it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from enum import Enum, StrEnum
from types import UnionType
from typing import Any, Union, get_args, get_origin, get_type_hints
from urllib.parse import urlsplit

# -- vocabularies ----------------------------------------------------------------------------


class PageType(StrEnum):
    DOCUMENT = "document"
    COLLECTION = "collection"
    LISTING = "listing"
    INDEX = "index"  # an index of collections (the current site's /topics)
    CHALLENGE = "challenge"
    ERROR = "error"
    UNKNOWN = "unknown"


class SiteGeneration(StrEnum):
    CURRENT = "current"  # the Drupal site, since about 2022
    LEGACY = "legacy"  # the site before it


class DatePrecision(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    DECADE = "decade"
    RANGE = "range"
    UNDATED = "undated"


class RunStatus(StrEnum):
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"
    INTERRUPTED = "interrupted"


class Outcome(StrEnum):
    """What became of a page that is not a document: see RejectedItem."""

    REJECTED = "rejected"
    FAILED = "failed"


class FetchedPage(StrEnum):
    DOCUMENT = "document"
    LISTING = "listing"


class VersionType(StrEnum):
    ORIGINAL = "original"  # scans
    TRANSLATION = "translation"
    TRANSCRIPT = "transcript"


# A document title ends with its date: "Letter, Kim Il Sung to Stalin, 30 June 1950".
TITLE_DATE = re.compile(
    r"(?:,|\(|\s-)\s*(?P<date>(?:\d{1,2}\s+)?[A-Z][a-z]+\.?,?\s+(?:\d{1,2},?\s+)?\d{4}|\d{4})\)?\s*$"
)

# -- parts of a document ---------------------------------------------------------------------


@dataclass
class Version:
    """A scan (url), translation or transcript (html) of a document, in page order."""

    type: VersionType
    language: str | None = None
    url: str | None = None
    html: str | None = None


@dataclass
class Citation:
    """One archival citation of a document's `source`, built by pipelines/citations.py."""

    raw: str
    kind: str = "unknown"  # archive | publication | person | unknown
    repository: str | None = None  # as written
    repository_name: str | None = None  # canonical, when the archive table knows it
    abbreviation: str | None = None
    country: str | None = None
    fond: str | None = None
    opis: str | None = None
    delo: str | None = None
    papka: str | None = None
    listy: str | None = None
    reference: str | None = None
    publication: str | None = None
    translated_by: list[str] = field(default_factory=list)
    contributed_by: list[str] = field(default_factory=list)
    obtained_by: list[str] = field(default_factory=list)
    transcribed_by: list[str] = field(default_factory=list)
    edited_by: list[str] = field(default_factory=list)
    annotated_by: list[str] = field(default_factory=list)
    parsed: bool = False


CREDIT_FIELDS = tuple(f.name for f in fields(Citation) if f.name.endswith("_by"))


@dataclass
class Archive:
    """An archive as the archive table knows it (pipelines/archive_table.py)."""

    name: str  # canonical
    abbreviation: str | None = None
    country: str | None = None


@dataclass
class PersonForm:
    """Display and sort forms of a named person ("Kim, Il Sung" -> "Kim Il Sung")."""

    name: str
    display_name: str
    sort_name: str
    aliases: list[str] = field(default_factory=list)


@dataclass
class Alias:
    name: str  # the real name
    alias: str  # the pseudonym ("Filippov" for Stalin)


@dataclass
class ListingEntry:
    """One row of a listing or collection page, in listing order."""

    url: str
    position: int
    record_id: str | None = None
    date_text: str | None = None
    title: str | None = None
    summary: str | None = None


# -- items -----------------------------------------------------------------------------------


def _stored(kind: str, **kwargs: Any) -> Any:
    return field(metadata={"store": kind}, **kwargs)


def column(default: Any = None) -> Any:
    """A scalar column of `documents`."""
    return _stored("column", default=default)


def list_column() -> Any:
    """A JSON list column of `documents` (and, for names, a link table)."""
    return _stored("list", default_factory=list)


def child() -> Any:
    """Rows of their own table (versions, citations, people's forms, aliases)."""
    return _stored("child", default_factory=list)


# The request meta key where extensions/captures.py puts the CaptureRecord of the response
# it got (the last attempt's), for the provenance of what is parsed from it.
CAPTURE_META = "da_capture"


@dataclass
class CaptureRecord:
    """Where a response was captured (extensions/captures.py): the WARC record its bytes are
    in, inside the run's WACZ. Stored in `captures`; a document points to the one it was
    parsed from (`documents.capture_id`)."""

    wacz: str  # the run's WACZ file name, under DA_CAPTURES_DIR ({job}-{run}.wacz)
    warc: str  # the WARC inside it (archive/{warc}), or under warcs/ until packaged
    offset: int  # of the record's gzip member in the WARC
    length: int  # of that gzip member
    record_id: str  # WARC-Record-ID of the response (or revisit) record
    record_type: str  # response | revisit
    url: str  # WARC-Target-URI
    fetched_at: str  # WARC-Date, ISO 8601 UTC
    payload_digest: str | None  # WARC-Payload-Digest (none for a revisit)


@dataclass
class DocumentItem:
    url: str
    title: str | None = column()
    kind: str = "document"
    canonical_url: str | None = column()
    record_id: str | None = column()
    node_id: str | None = column()
    site_generation: SiteGeneration | None = column()
    date_text: str | None = column()
    # Derived by the pipelines (pipelines/dates.py, citations.py, names.py):
    date_start: str | None = column()  # YYYY-MM-DD
    date_end: str | None = column()
    date_precision: DatePrecision | None = column()
    date_circa: bool = column(False)
    date_source: str | None = column()  # page | title
    citations: list[Citation] = child()
    persons: list[PersonForm] = child()
    number: str | None = column()
    sender: str | None = column()
    recipients: list[str] = list_column()
    aliases: list[Alias] = child()
    summary: str | None = column()
    listing_summary: str | None = column()
    text: str | None = column()
    versions: list[Version] = child()
    authors: list[str] = list_column()
    people: list[str] = list_column()
    contributors: list[str] = list_column()
    places: list[str] = list_column()
    topics: list[str] = list_column()
    subjects: list[str] = list_column()
    source: str | None = column()
    original_archives: list[str] = list_column()
    # The archive table's record for each of original_archives (pipelines/citations.py).
    archives: list[Archive] = field(default_factory=list)
    languages: list[str] = list_column()
    rights: str | None = column()
    uploaded_date: str | None = column()
    donors: list[str] = list_column()
    classification: str | None = column()
    document_type: str | None = column()
    collections: list[str] = field(default_factory=list)
    download_url: str | None = column()
    related_urls: list[str] = list_column()
    # Every URL this document answered at (request, redirects, canonical, shortlink, citation),
    # so that listings linking to any of them find the stored row.
    alias_urls: list[str] = field(default_factory=list)
    fetched_at: str | None = None
    # When the page comes from a Wayback Machine capture: when it was captured (ISO 8601).
    captured_at: str | None = None
    # HTTP bookkeeping, stored in fetch_state (not in documents).
    http: HttpInfo | None = None
    # The capture the page was parsed from (stored in `captures`; not part of the content).
    capture: CaptureRecord | None = None


def _stored_as(kind: str) -> tuple[str, ...]:
    return tuple(f.name for f in fields(DocumentItem) if f.metadata.get("store") == kind)


DOCUMENT_COLUMNS = _stored_as("column")
DOCUMENT_LIST_COLUMNS = _stored_as("list")
DOCUMENT_CHILDREN = _stored_as("child")
# What makes a document "changed": its content and what we derive from it, not where or
# when it was fetched. (A better normalizer therefore updates rows, with a revision.)
TRACKED_FIELDS = (*DOCUMENT_COLUMNS, *DOCUMENT_LIST_COLUMNS, *DOCUMENT_CHILDREN)


@dataclass
class HttpInfo:
    """What fetch_state keeps of a response."""

    status: int
    urls: list[str]  # request, redirects, final
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    body: bytes | None = field(default=None, repr=False)  # listing pages, replayed on 304
    # The page as fetched (the response's own bytes, no copy): kept with a quarantined page,
    # never written to fetch_state.
    page: bytes | None = field(default=None, repr=False, compare=False)


@dataclass
class CollectionItem:
    collection_id: str
    url: str
    kind: str = "collection"
    site_generation: SiteGeneration | str | None = None  # "release": a blog post
    title: str | None = None
    description: str | None = None
    documents: list[ListingEntry] = field(default_factory=list)
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
    outcome: Outcome = Outcome.REJECTED
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
    page: FetchedPage
    http: HttpInfo
    kind: str = "fetch"


Item = DocumentItem | CollectionItem | RejectedItem | FetchRecord


# -- what is stored, as the spiders ask it ------------------------------------------------


def payload_of(item: Any) -> dict[str, Any]:
    """An item as `rejected_items.payload` keeps it: plain values, without the raw bytes."""
    values: dict[str, Any] = asdict(item)
    if isinstance(values.get("http"), dict):
        values["http"].pop("body", None)
        values["http"].pop("page", None)
    return values


def from_payload(cls: type[Any], values: dict[str, Any]) -> Any:
    """The item (or part) of class `cls` whose plain values (`dataclasses.asdict`) these are:
    nested parts, vocabularies and bytes rebuilt from their types."""
    hints = get_type_hints(cls)
    names = {f.name for f in fields(cls)}
    return cls(**{k: _typed(hints[k], v) for k, v in values.items() if k in names})


def _typed(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = get_origin(hint)
    if origin in (Union, UnionType):
        for option in get_args(hint):
            if option is not type(None) and (typed := _typed_as(option, value)) is not None:
                return typed
        return value
    return _typed_as(hint, value) if _typed_as(hint, value) is not None else value


def _typed_as(hint: Any, value: Any) -> Any:
    """`value` as a `hint`, or None when it is not one."""
    if get_origin(hint) is list and isinstance(value, list):
        (arg,) = get_args(hint) or (Any,)
        return [_typed(arg, v) for v in value]
    if is_dataclass(hint) and isinstance(value, dict):
        return from_payload(hint, value)  # type: ignore[arg-type]
    if isinstance(hint, type) and issubclass(hint, Enum):
        try:
            return hint(value)
        except ValueError:
            return None
    if hint is bytes and isinstance(value, bytes):
        return value
    if hint in (str, int, float, bool) and isinstance(value, hint):
        return value
    if hint is Any:
        return value
    return None


def url_key(url: str) -> str:
    """A URL without its scheme and host: the same page on the live site, a mirror, or
    another port (and a listing that links a record id's redirect finds its document)."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@dataclass
class KnownDocuments:
    """What is stored, by the archive's keys: record ids, and URL paths on any host."""

    by_path: dict[str, str | None] = field(default_factory=dict)  # -> uploaded date
    by_record_id: dict[str, str | None] = field(default_factory=dict)

    def __contains__(self, url: str) -> bool:
        return url_key(url) in self.by_path

    def has(self, url: str, record_id: str | None = None) -> bool:
        return (record_id is not None and record_id in self.by_record_id) or url in self

    def uploaded(self, url: str) -> str | None:
        """The stored document's uploaded date, if the URL is one of its URLs."""
        return self.by_path.get(url_key(url))
