"""`collections` and `document_collections`: a collection and its listing, in order."""

from __future__ import annotations

import dataclasses
import hashlib
import json

from sqlalchemy import Connection, Engine, and_, delete, func, or_, select, update

from items import CollectionItem
from models.changes import Change
from models.db import upsert
from models.tables import (
    Collection,
    Document,
    DocumentCollection,
    DocumentUrl,
    table_of,
    utc_datetime,
    utcnow,
)

collections = table_of(Collection)
documents = table_of(Document)
document_collections = table_of(DocumentCollection)
document_urls = table_of(DocumentUrl)


class CollectionStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def save(self, item: CollectionItem) -> Change:
        """Store a collection and its listing in order; returns new | updated | unchanged."""
        entries = [dataclasses.asdict(entry) for entry in item.documents]
        digest = hashlib.sha256(
            json.dumps(
                [item.title, item.description, entries], sort_keys=True, default=str
            ).encode()
        ).hexdigest()
        with self.engine.begin() as conn:
            existing = conn.execute(
                select(collections.c.id, collections.c.content_hash).where(
                    collections.c.collection_id == item.collection_id
                )
            ).first()
            if existing is not None and existing.content_hash == digest:
                return Change.UNCHANGED
            now = utcnow()
            row = {
                "collection_id": item.collection_id,
                "url": item.url,
                "captured_at": utc_datetime(item.captured_at),
                "site_generation": item.site_generation and str(item.site_generation),
                "title": item.title,
                "description": item.description,
                "content_hash": digest,
                "updated_at": now,
            }
            upsert(
                conn, collections, [{**row, "first_seen_at": now}], ["collection_id"], update=[*row]
            )
            pk = conn.execute(
                select(collections.c.id).where(collections.c.collection_id == item.collection_id)
            ).scalar_one()
            conn.execute(
                delete(document_collections).where(document_collections.c.collection_id == pk)
            )
            if entries:
                conn.execute(
                    document_collections.insert(),
                    [
                        {
                            "collection_id": pk,
                            "position": entry.position,
                            "record_id": entry.record_id,
                            "url": entry.url or None,
                            "listing_title": entry.title,
                            "listing_date_text": entry.date_text,
                            "listing_summary": entry.summary,
                        }
                        for entry in item.documents
                    ],
                )
            resolve_collection_links(conn)
            return Change.NEW if existing is None else Change.UPDATED

    def resolve_links(self) -> int:
        """Link listing rows to documents stored since; returns how many are still open."""
        with self.engine.begin() as conn:
            resolve_collection_links(conn)
            return conn.execute(
                select(func.count()).where(document_collections.c.document_id.is_(None))
            ).scalar_one()


def resolve_collection_links(conn: Connection) -> None:
    by_record = (
        select(documents.c.id)
        .where(
            and_(
                documents.c.record_id.is_not(None),
                documents.c.record_id == document_collections.c.record_id,
            )
        )
        .scalar_subquery()
    )
    by_url = (
        select(document_urls.c.document_id)
        .where(document_urls.c.url == document_collections.c.url)
        .scalar_subquery()
    )
    conn.execute(
        update(document_collections)
        .where(document_collections.c.document_id.is_(None))
        .where(or_(by_record.is_not(None), by_url.is_not(None)))
        .values(document_id=func.coalesce(by_record, by_url))
    )
