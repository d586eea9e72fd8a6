"""Round trips through the database, on a real SQLite file and a real PostgreSQL server."""

from __future__ import annotations

import copy
import dataclasses

import pytest
from conftest import DOCUMENTS, build, fixture_html, page_path, page_url
from sqlalchemy import func, inspect, select, text

from items import CollectionItem, DocumentItem, ListingEntry, RejectedItem, SiteGeneration, Version
from models.db import is_current, make_engine, upgrade
from models.store import ArchiveStore
from models.tables import (
    Archive,
    Citation,
    Collection,
    Document,
    DocumentCollection,
    DocumentRevision,
    DocumentVersion,
    Person,
    PersonAlias,
    document_people,
)
from models.tables import RejectedItem as RejectedRow
from pipelines.citations import CitationsPipeline
from pipelines.clean import CleanTextPipeline
from pipelines.dates import DatesPipeline
from pipelines.names import NamesPipeline
from spiders.pages import parse_current_document, parse_legacy_document

PARSERS = {"current": parse_current_document, "legacy": parse_legacy_document}


NORMALIZERS = (CleanTextPipeline(), DatesPipeline(), CitationsPipeline(), NamesPipeline())


def normalized_item(doc: dict) -> DocumentItem:
    """A fixture page as the pipelines hand it to the store."""
    item = PARSERS[doc["generation"]](fixture_html(page_path(doc)), page_url(doc))
    for pipeline in NORMALIZERS:
        pipeline.process_item(item)
    return item


ITEMS = [normalized_item(doc) for doc in DOCUMENTS]


@pytest.fixture
def store(database_url):
    engine = make_engine(database_url)
    upgrade(engine)
    yield ArchiveStore(engine)
    engine.dispose()


def count(store: ArchiveStore, table) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_migration_creates_every_table(store):
    tables = set(inspect(store.engine).get_table_names())
    assert {
        "documents",
        "collections",
        "document_collections",
        "people",
        "places",
        "topics",
        "subjects",
        "languages",
        "archives",
        "document_people",
        "document_versions",
        "crawl_runs",
        "rejected_items",
        "document_revisions",
        "alembic_version",
    } <= tables
    assert is_current(store.engine)


def test_documents_round_trip_field_by_field(store):
    result = store.documents.save(copy.deepcopy(ITEMS), run_id=None)
    assert result.counts["new"] == len(ITEMS) and not result.failures
    with store.engine.connect() as conn:
        for item in ITEMS:
            row = conn.execute(select(Document).where(Document.record_id == item.record_id))
            row = row.mappings().one()
            for name in (
                "title",
                "date_text",
                "summary",
                "source",
                "text",
                "canonical_url",
                "node_id",
                "authors",
                "people",
                "places",
                "subjects",
                "languages",
                "original_archives",
                "donors",
                "classification",
                "document_type",
            ):
                assert row[name] == getattr(item, name), name
            assert str(row["uploaded_date"]) == item.uploaded_date


def test_versions_are_stored_in_order(store):
    store.documents.save(copy.deepcopy(ITEMS), run_id=None)
    assert count(store, DocumentVersion) == sum(len(i.versions) for i in ITEMS)


def test_authors_and_associated_people_keep_their_roles(store):
    store.documents.save(copy.deepcopy(ITEMS), run_id=None)
    mao = next(i for i in ITEMS if i.record_id == "113071")
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(Person.name, document_people.c.role)
            .join(document_people, document_people.c.entity_id == Person.id)
            .join(Document, Document.id == document_people.c.document_id)
            .where(Document.record_id == "113071")
            .order_by(document_people.c.role, document_people.c.position)
        ).all()
    assert [n for n, role in rows if role == "author"] == mao.authors
    assert [n for n, role in rows if role == "associated"] == mao.people


def test_saving_twice_changes_nothing(store):
    store.documents.save(copy.deepcopy(ITEMS), run_id=None)
    with store.engine.connect() as conn:
        before = conn.execute(select(Document.id, Document.updated_at)).all()
    again = store.documents.save(copy.deepcopy(ITEMS), run_id=None)
    assert again.counts == {"unchanged": len(ITEMS)}
    with store.engine.connect() as conn:
        assert conn.execute(select(Document.id, Document.updated_at)).all() == before
    assert count(store, DocumentRevision) == 0


def test_changed_document_is_updated_with_a_revision(store):
    store.documents.save(copy.deepcopy(ITEMS), run_id=None)
    changed = copy.deepcopy(ITEMS[0])
    old_title = changed.title
    changed.title = old_title + " (revised)"
    result = store.documents.save([changed], run_id=None)
    assert result.counts == {"updated": 1}
    with store.engine.connect() as conn:
        revision = conn.execute(select(DocumentRevision)).mappings().one()
        title = conn.execute(
            select(Document.title).where(Document.record_id == changed.record_id)
        ).scalar_one()
    assert revision["changed_fields"] == ["title"]
    assert revision["old_values"] == {"title": old_title}
    assert title == old_title + " (revised)"
    assert count(store, Document) == len(ITEMS)


def test_document_without_record_id_is_keyed_by_canonical_url(store):
    item = dataclasses.replace(copy.deepcopy(ITEMS[0]), record_id=None)
    assert store.documents.save([item], None).counts == {"new": 1}
    assert store.documents.save([copy.deepcopy(item)], None).counts == {"unchanged": 1}


def test_a_failing_item_is_reported_and_the_batch_stored(store):
    bad = copy.deepcopy(ITEMS[1])
    bad.versions = [Version(None)]  # type: ignore[arg-type]  # NOT NULL in the table: fails
    result = store.documents.save([copy.deepcopy(ITEMS[0]), bad, copy.deepcopy(ITEMS[2])], None)
    assert result.counts == {"new": 2}
    assert [(i.record_id, r.startswith("database error")) for i, r in result.failures] == [
        (bad.record_id, True)
    ]
    with store.engine.connect() as conn:
        ids = set(conn.execute(select(Document.record_id)).scalars())
    assert ids == {ITEMS[0].record_id, ITEMS[2].record_id}


def collection_item(entries: list[ListingEntry]) -> CollectionItem:
    return CollectionItem(
        collection_id=build.COLLECTION_ID,
        url="https://digitalarchive.wilsoncenter.org/collection/169/korean-war-armistice",
        site_generation=SiteGeneration.LEGACY,
        title=build.COLLECTION_TITLE,
        description=build.COLLECTION_DESCRIPTION,
        documents=entries,
    )


def entries_for(items: list[DocumentItem]) -> list[ListingEntry]:
    return [
        ListingEntry(
            url=f"https://digitalarchive.wilsoncenter.org/document/{i.record_id}",
            record_id=i.record_id,
            position=n,
            date_text=i.date_text,
            title=i.title,
            summary=i.summary,
        )
        for n, i in enumerate(items)
    ]


def test_collection_links_documents_in_listing_order(store):
    store.documents.save(copy.deepcopy(ITEMS), None)
    assert store.collections.save(collection_item(entries_for(ITEMS))) == "new"
    with store.engine.connect() as conn:
        linked = conn.execute(
            select(Document.record_id)
            .join(DocumentCollection, DocumentCollection.document_id == Document.id)
            .order_by(DocumentCollection.position)
        ).scalars()
        assert list(linked) == [i.record_id for i in ITEMS]


def test_collection_before_its_documents_is_linked_later(store):
    assert store.collections.save(collection_item(entries_for(ITEMS))) == "new"
    assert store.collections.resolve_links() == len(ITEMS)
    store.documents.save(copy.deepcopy(ITEMS), None)
    assert store.collections.resolve_links() == 0


def test_listing_row_matched_by_any_url_of_the_document(store):
    """Current listings link the slug URL; the stored document answered at its redirect."""
    item = copy.deepcopy(ITEMS[0])
    item.alias_urls = ["https://digitalarchive.wilsoncenter.org/node/1"]
    store.documents.save([item], None)
    entry = dataclasses.replace(
        entries_for([item])[0],
        record_id=None,
        url="https://digitalarchive.wilsoncenter.org/node/1",
    )
    store.collections.save(collection_item([entry]))
    assert store.collections.resolve_links() == 0


def test_unchanged_collection_is_not_rewritten(store):
    item = collection_item(entries_for(ITEMS))
    store.collections.save(item)
    assert store.collections.save(copy.deepcopy(item)) == "unchanged"
    assert count(store, Collection) == 1
    assert count(store, DocumentCollection) == len(ITEMS)


def test_rejected_item_is_kept_once_and_counted_again(store):
    record = RejectedItem(
        url="https://x/document/1",
        reason="challenge page",
        spider="collection",
        http_status=200,
        payload={"a": 1},
    )
    store.rejects.record([record], None)
    store.rejects.record([copy.deepcopy(record)], None)
    with store.engine.connect() as conn:
        row = conn.execute(select(RejectedRow)).mappings().one()
    assert (row["attempts"], row["reason"], row["http_status"]) == (2, "challenge page", 200)


def test_normalized_dates_round_trip(store):
    store.documents.save(copy.deepcopy(ITEMS), None)
    with store.engine.connect() as conn:
        stored = {
            r.record_id: r
            for r in conn.execute(
                select(
                    Document.record_id,
                    Document.date_start,
                    Document.date_end,
                    Document.date_precision,
                    Document.date_circa,
                )
            )
        }
    for item in ITEMS:
        row = stored[item.record_id]
        assert (str(row.date_start) if row.date_start else None) == item.date_start
        assert (str(row.date_end) if row.date_end else None) == item.date_end
        assert (row.date_precision, row.date_circa) == (item.date_precision, item.date_circa)


def test_citations_round_trip_in_order_with_their_archives(store):
    store.documents.save(copy.deepcopy(ITEMS), None)
    mao = next(i for i in ITEMS if i.record_id == "113071")
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(
                Citation.repository,
                Archive.abbreviation,
                Citation.fond,
                Citation.opis,
                Citation.delo,
                Citation.papka,
                Citation.listy,
            )
            .join(Document, Document.id == Citation.document_id)
            .outerjoin(Archive, Archive.id == Citation.archive_id)
            .where(Document.record_id == "113071")
            .order_by(Citation.position)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("APRF", "APRF", "45", "1", "340", None, "86-88"),
        ("AVP RF", "AVP RF", "059a", "5a", "5", "11", "51-53"),
        ("RGASPI", "RGASPI", "558", "11", "341", None, "86-88"),
    ]
    assert len(mao.citations) == 3
    assert count(store, Citation) == sum(len(i.citations) for i in ITEMS)


def test_people_get_display_and_sort_names_and_aliases(store):
    store.documents.save(copy.deepcopy(ITEMS), None)
    with store.engine.connect() as conn:
        zhou = conn.execute(
            select(Person.display_name, Person.sort_name).where(Person.name == "Zhou, Enlai")
        ).one()
        filippov = (
            conn.execute(select(PersonAlias.name).where(PersonAlias.alias == "Filippov"))
            .scalars()
            .all()
        )
    assert tuple(zhou) == ("Zhou Enlai", "Zhou, Enlai")
    assert filippov == ["Stalin"]


def test_upgrade_from_the_first_schema_keeps_rows(database_url):
    engine = make_engine(database_url)
    upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO documents (record_id, url, content_hash, authors, people, contributors, "
                "places, topics, subjects, original_archives, languages, donors, related_urls, "
                "first_seen_at, updated_at) VALUES ('1', 'u', 'h', '[]', '[]', '[]', '[]', '[]', '[]', "
                "'[]', '[]', '[]', '[]', '2025-01-01', '2025-01-01')"
            )
        )
    upgrade(engine)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT record_id, date_circa, recipients FROM documents")).one()
    engine.dispose()
    assert (row[0], bool(row[1]), row[2] in ("[]", [])) == ("1", False, True)
