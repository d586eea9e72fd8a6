"""The documents table and the field list that items/ declares agree."""

from __future__ import annotations

from sqlalchemy import JSON

from items import DOCUMENT_CHILDREN, DOCUMENT_COLUMNS, DOCUMENT_LIST_COLUMNS
from models.tables import ENTITY_LINKS, Document, table_of

documents = table_of(Document)


def test_every_declared_column_is_a_column_of_documents():
    assert set(DOCUMENT_COLUMNS) <= set(documents.c.keys())


def test_every_declared_list_is_a_json_column():
    for name in DOCUMENT_LIST_COLUMNS:
        assert isinstance(documents.c[name].type, JSON), name


def test_every_column_of_documents_is_declared_or_bookkeeping():
    bookkeeping = {"id", "url", "content_hash", "first_seen_at", "updated_at", "fetched_at"}
    bookkeeping |= {"withdrawn_at", "captured_at", "capture_id"}
    declared = {*DOCUMENT_COLUMNS, *DOCUMENT_LIST_COLUMNS}
    assert set(documents.c.keys()) - declared == bookkeeping


def test_children_are_stored_in_their_own_tables():
    assert set(DOCUMENT_CHILDREN) == {"citations", "persons", "aliases", "versions"}
    assert not set(DOCUMENT_CHILDREN) & set(documents.c.keys())


def test_names_link_to_their_entity_tables():
    assert set(ENTITY_LINKS) <= set(DOCUMENT_LIST_COLUMNS)
