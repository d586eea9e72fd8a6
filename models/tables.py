"""The relational schema: SQLAlchemy 2.x typed tables.

Documents keep their list fields twice on purpose: as JSON columns on `documents` (one flat
row, cheap revision diffs) and as link tables to `people`, `places`, … (for joins and
filters). Both are written from the same item in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def utc_datetime(value: str | None) -> dt.datetime | None:
    """An ISO 8601 time as the naive UTC datetime the tables hold."""
    if not value:
        return None
    parsed = dt.datetime.fromisoformat(value)
    return parsed.astimezone(dt.UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


class Base(DeclarativeBase):
    type_annotation_map: ClassVar = {dict[str, Any]: JSON, list[Any]: JSON}


def table_of(model: type[Any]) -> Table:
    """A model's Table (typed as one: `Model.__table__` is only a FromClause to mypy)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


class Collection(Base):
    __tablename__ = "collections"

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[str] = mapped_column(Text, unique=True)
    url: Mapped[str] = mapped_column(Text)
    site_generation: Mapped[str | None] = mapped_column(String(10))
    title: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    first_seen_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # From a Wayback Machine capture ("169@20190315084512"): when it was captured.
    captured_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Capture(Base):
    """Where the bytes of a fetched page are: one WARC record of a run's WACZ
    (extensions/captures.py). `da capture ID` reads them back; `da reparse` parses them again."""

    __tablename__ = "captures"

    id: Mapped[int] = mapped_column(primary_key=True)
    wacz: Mapped[str] = mapped_column(Text)  # file name under DA_CAPTURES_DIR
    warc: Mapped[str] = mapped_column(Text)  # archive/{warc} inside it
    offset: Mapped[int] = mapped_column(BigInteger)  # of the record's gzip member
    length: Mapped[int] = mapped_column(BigInteger)  # of that member
    record_id: Mapped[str] = mapped_column(Text, unique=True)  # WARC-Record-ID
    payload_digest: Mapped[str | None] = mapped_column(Text)  # WARC-Payload-Digest
    url: Mapped[str] = mapped_column(Text)  # WARC-Target-URI
    fetched_at: Mapped[dt.datetime] = mapped_column(DateTime)  # WARC-Date (UTC)


class Document(Base):
    """A document, keyed by its record id. The canonical URL is unique only together with the
    record id: a row stored without one (a partial page) never blocks the correct page, which
    adopts it (models/documents.py)."""

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("canonical_url", "record_id", name="uq_documents_canonical_url_record_id"),
        # A period's documents (date_start <= to AND date_end >= from) from one index walk,
        # whichever bound narrows it more, without reading a row (migration 0010).
        Index("ix_documents_date_start_end", "date_start", "date_end"),
        Index("ix_documents_date_end_start", "date_end", "date_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[str | None] = mapped_column(Text, unique=True)
    canonical_url: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    node_id: Mapped[str | None] = mapped_column(Text)
    site_generation: Mapped[str | None] = mapped_column(String(10))
    title: Mapped[str | None] = mapped_column(Text)
    date_text: Mapped[str | None] = mapped_column(Text)
    # Normalized from date_text (or the title's trailing date when the page shows none).
    date_start: Mapped[dt.date | None] = mapped_column(Date, index=True)
    date_end: Mapped[dt.date | None] = mapped_column(Date, index=True)
    date_precision: Mapped[str | None] = mapped_column(String(10))  # day … range | undated
    date_circa: Mapped[bool] = mapped_column(Boolean, default=False)
    date_source: Mapped[str | None] = mapped_column(String(10))  # page | title
    summary: Mapped[str | None] = mapped_column(Text)
    listing_summary: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)
    rights: Mapped[str | None] = mapped_column(Text)
    uploaded_date: Mapped[dt.date | None] = mapped_column(Date)
    classification: Mapped[str | None] = mapped_column(Text)
    document_type: Mapped[str | None] = mapped_column(Text)
    download_url: Mapped[str | None] = mapped_column(Text)
    # Read from the title: "Ciphered Telegram No. 23256, Mao Zedong to Cde. Filippov [Stalin]".
    number: Mapped[str | None] = mapped_column(Text)
    sender: Mapped[str | None] = mapped_column(Text)
    recipients: Mapped[list[Any]] = mapped_column(default=list)
    authors: Mapped[list[Any]] = mapped_column(default=list)
    people: Mapped[list[Any]] = mapped_column(default=list)
    contributors: Mapped[list[Any]] = mapped_column(default=list)
    places: Mapped[list[Any]] = mapped_column(default=list)
    topics: Mapped[list[Any]] = mapped_column(default=list)
    subjects: Mapped[list[Any]] = mapped_column(default=list)
    original_archives: Mapped[list[Any]] = mapped_column(default=list)
    languages: Mapped[list[Any]] = mapped_column(default=list)
    donors: Mapped[list[Any]] = mapped_column(default=list)
    related_urls: Mapped[list[Any]] = mapped_column(default=list)
    content_hash: Mapped[str] = mapped_column(String(64))
    first_seen_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    fetched_at: Mapped[str | None] = mapped_column(String(40))
    # Set when the document's page answers 404/410 where it used to answer: never deleted.
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # Stored from a Wayback Machine capture (no live page seen yet): when it was captured.
    captured_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # The capture (WARC record) the stored values were parsed from; none when captures were off.
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id"), index=True)


class DocumentUrl(Base):
    """Every URL a document answered at: listings link to any of them."""

    __tablename__ = "document_urls"

    url: Mapped[str] = mapped_column(Text, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))


class DocumentVersion(Base):
    __tablename__ = "document_versions"
    __table_args__ = (UniqueConstraint("document_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    type: Mapped[str] = mapped_column(String(20))  # original | transcript | translation
    language: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)


class DocumentCollection(Base):
    """A collection's listing row, in order; `document_id` is filled once the page is stored."""

    __tablename__ = "document_collections"
    __table_args__ = (UniqueConstraint("collection_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(
        ForeignKey("collections.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"), index=True
    )
    record_id: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    listing_title: Mapped[str | None] = mapped_column(Text)
    listing_date_text: Mapped[str | None] = mapped_column(Text)
    listing_summary: Mapped[str | None] = mapped_column(Text)


class DocumentRevision(Base):
    """The previous values of a document's fields, kept whenever a re-crawl changes them."""

    __tablename__ = "document_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    changed_fields: Mapped[list[Any]]
    old_values: Mapped[dict[str, Any]]
    # The capture the old values were parsed from.
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id"))


class CrawlRun(Base):
    """One run of a job (a spider with its arguments): its status, counts and lock.

    At most one run per job is `running` (a partial unique index): that is the lock that keeps
    two runs of the same job on one database from overlapping.
    """

    __tablename__ = "crawl_runs"
    __table_args__ = (
        Index(
            "uq_crawl_runs_running_job",
            "job",
            unique=True,
            sqlite_where=text("status = 'running'"),
            postgresql_where=text("status = 'running'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    spider: Mapped[str] = mapped_column(String(50))
    arguments: Mapped[dict[str, Any]] = mapped_column(default=dict)
    job: Mapped[str] = mapped_column(Text, default="", index=True)  # spider + arguments
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    host: Mapped[str | None] = mapped_column(Text)
    pid: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(20), default="running")
    reason: Mapped[str | None] = mapped_column(Text)  # why it failed or was interrupted
    # The interrupted run this one finishes: what that run stored is not fetched again.
    resumed_from: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    requests: Mapped[int] = mapped_column(default=0)
    responses_200: Mapped[int] = mapped_column(default=0)
    responses_304: Mapped[int] = mapped_column(default=0)
    responses_4xx: Mapped[int] = mapped_column(default=0)
    responses_5xx: Mapped[int] = mapped_column(default=0)
    browser_loads: Mapped[int] = mapped_column(default=0, server_default="0")  # DA_BROWSER
    collections: Mapped[int] = mapped_column(default=0)
    documents_new: Mapped[int] = mapped_column(default=0)
    documents_updated: Mapped[int] = mapped_column(default=0)
    documents_unchanged: Mapped[int] = mapped_column(default=0)
    rejected: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)
    # Progress, written by the heartbeat: documents done (stored, rejected or failed), how
    # many the spider expects (once it knows), and when the run should end at its pace.
    documents_done: Mapped[int] = mapped_column(default=0, server_default="0")
    documents_total: Mapped[int | None]
    eta_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    stats: Mapped[dict[str, Any]] = mapped_column(default=dict)


class FetchState(Base):
    """HTTP bookkeeping per URL, outside `documents`: validators for conditional requests,
    when it was last checked and by which run (what a resumed run skips), and for listing
    pages the body, replayed when the server answers 304."""

    __tablename__ = "fetch_state"

    url: Mapped[str] = mapped_column(Text, primary_key=True)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    http_status: Mapped[int | None]
    body_hash: Mapped[str | None] = mapped_column(String(64))
    body: Mapped[bytes | None] = mapped_column(LargeBinary)  # zlib; listing pages only
    last_checked_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"), index=True)


class RejectedItem(Base):
    """Pages and items that did not become documents, with why: never silently lost."""

    __tablename__ = "rejected_items"
    __table_args__ = (UniqueConstraint("url", "reason"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    spider: Mapped[str | None] = mapped_column(String(50))
    outcome: Mapped[str] = mapped_column(String(10))  # rejected | failed
    reason: Mapped[str] = mapped_column(Text)
    http_status: Mapped[int | None]
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    first_seen_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(default=1)
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))


class NamedEntity:
    """A name shared by many documents: a person, a place, an archive…"""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)


class Person(NamedEntity, Base):
    """A person or organisation, `name` as the archive shows it ("Zhou, Enlai")."""

    __tablename__ = "people"

    display_name: Mapped[str | None] = mapped_column(Text)  # "Zhou Enlai"
    sort_name: Mapped[str | None] = mapped_column(Text)  # "Zhou, Enlai"


class PersonAlias(Base):
    """A pseudonym or other name: "Filippov" is Stalin, "Pak Seong-cheol" is Pak Song-chol."""

    __tablename__ = "person_aliases"
    __table_args__ = (UniqueConstraint("name", "alias"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text)  # the real name as written
    alias: Mapped[str] = mapped_column(Text, index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))


class Place(NamedEntity, Base):
    __tablename__ = "places"


class Topic(NamedEntity, Base):
    __tablename__ = "topics"


class Subject(NamedEntity, Base):
    __tablename__ = "subjects"


class Language(NamedEntity, Base):
    __tablename__ = "languages"


class Archive(NamedEntity, Base):
    """An archive, by its canonical name when pipelines/archive_table.py knows it."""

    __tablename__ = "archives"

    abbreviation: Mapped[str | None] = mapped_column(Text)
    country: Mapped[str | None] = mapped_column(Text)


class Citation(Base):
    """One archival citation of a document's `source`, in order."""

    __tablename__ = "citations"
    __table_args__ = (
        UniqueConstraint("document_id", "position"),
        # `--archive X` also matches a citation by its repository as written (migration 0010).
        Index("ix_citations_repository_lower", text("lower(repository)")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    raw: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))  # archive | publication | unknown
    parsed: Mapped[bool] = mapped_column(Boolean)
    repository: Mapped[str | None] = mapped_column(Text)
    archive_id: Mapped[int | None] = mapped_column(
        ForeignKey("archives.id", ondelete="SET NULL"), index=True
    )
    fond: Mapped[str | None] = mapped_column(Text, index=True)
    opis: Mapped[str | None] = mapped_column(Text)
    delo: Mapped[str | None] = mapped_column(Text)
    papka: Mapped[str | None] = mapped_column(Text)
    listy: Mapped[str | None] = mapped_column(Text)
    reference: Mapped[str | None] = mapped_column(Text)
    publication: Mapped[str | None] = mapped_column(Text)
    translated_by: Mapped[list[Any]] = mapped_column(default=list)
    contributed_by: Mapped[list[Any]] = mapped_column(default=list)
    obtained_by: Mapped[list[Any]] = mapped_column(default=list)
    transcribed_by: Mapped[list[Any]] = mapped_column(default=list)
    edited_by: Mapped[list[Any]] = mapped_column(default=list)
    annotated_by: Mapped[list[Any]] = mapped_column(default=list, server_default=text("'[]'"))


class Donor(NamedEntity, Base):
    __tablename__ = "donors"


def link_table(name: str, entity: type[NamedEntity], *, with_role: bool = False) -> Table:
    """document × entity, ordered as on the page; people also carry their role."""
    columns = [
        Column(
            "document_id",
            ForeignKey("documents.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        Column(
            "entity_id",
            ForeignKey(f"{table_of(entity).name}.id", ondelete="CASCADE"),
            primary_key=True,
            index=True,
        ),
        Column("position", Integer, nullable=False),
    ]
    if with_role:
        # author | associated | contributor
        columns.append(Column("role", String(20), primary_key=True))  # type: ignore[arg-type]
    return Table(name, Base.metadata, *columns)


document_people = link_table("document_people", Person, with_role=True)
document_places = link_table("document_places", Place)
document_topics = link_table("document_topics", Topic)
document_subjects = link_table("document_subjects", Subject)
document_languages = link_table("document_languages", Language)
document_archives = link_table("document_archives", Archive)
document_donors = link_table("document_donors", Donor)

# item field -> (entity class, link table, role)
ENTITY_LINKS: dict[str, tuple[type[NamedEntity], Table, str | None]] = {
    "authors": (Person, document_people, "author"),
    "people": (Person, document_people, "associated"),
    "contributors": (Person, document_people, "contributor"),
    "places": (Place, document_places, None),
    "topics": (Topic, document_topics, None),
    "subjects": (Subject, document_subjects, None),
    "languages": (Language, document_languages, None),
    "original_archives": (Archive, document_archives, None),
    "donors": (Donor, document_donors, None),
}
