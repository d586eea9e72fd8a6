"""Scrapy's feed exports (`-O file.jsonl|json|csv|xml`) of documents only.

The spiders also yield records the database needs (collections, rejected pages, fetch
records with raw listing bodies); a feed is for people and programs that want the documents,
so these exporters write documents only, with the fields of the `documents` table (lists as
lists; in CSV joined with "; "). `FEED_EXPORT_FIELDS` (or a feed's `fields`) still chooses
other fields. Collections and rejects are in the database (`da`, SQL).
"""

from __future__ import annotations

from typing import Any

from scrapy.exporters import (
    CsvItemExporter,
    JsonItemExporter,
    JsonLinesItemExporter,
    XmlItemExporter,
)

from items import DOCUMENT_COLUMNS, DOCUMENT_LIST_COLUMNS, DocumentItem

FEED_FIELDS = ("url", *DOCUMENT_COLUMNS, *DOCUMENT_LIST_COLUMNS)


class DocumentsOnly:
    """Mixin for an item exporter: documents only, the documents table's fields."""

    def __init__(self, file: Any, **kwargs: Any) -> None:
        if not kwargs.get("fields_to_export"):
            kwargs["fields_to_export"] = FEED_FIELDS
        super().__init__(file, **kwargs)  # type: ignore[call-arg]

    def export_item(self, item: Any) -> None:
        if isinstance(item, DocumentItem):
            super().export_item(item)  # type: ignore[misc]


class DocumentJsonLinesExporter(DocumentsOnly, JsonLinesItemExporter):
    pass


class DocumentJsonExporter(DocumentsOnly, JsonItemExporter):
    pass


class DocumentXmlExporter(DocumentsOnly, XmlItemExporter):
    pass


class DocumentCsvExporter(DocumentsOnly, CsvItemExporter):
    def __init__(self, file: Any, **kwargs: Any) -> None:
        kwargs.setdefault("join_multivalued", "; ")  # names contain commas: "Kim, Il Sung"
        super().__init__(file, **kwargs)
