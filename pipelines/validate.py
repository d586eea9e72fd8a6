"""Validate items against the schema; what fails becomes a RejectedItem with its reasons.

Invalid items never reach `documents`, and are never dropped: the store keeps them in
`rejected_items` with the payload, so a parser bug shows up as data, not as silence.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict
from typing import Any

from scrapy.crawler import Crawler

from items import (
    CollectionItem,
    DatePrecision,
    DocumentItem,
    Item,
    RejectedItem,
    SiteGeneration,
    VersionType,
)

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
RECORD_ID = re.compile(r"^\d+$")
GENERATIONS = set(SiteGeneration)
VERSION_TYPES = set(VersionType)
PRECISIONS = set(DatePrecision)


def document_errors(item: DocumentItem) -> list[str]:
    errors: list[str] = []
    if not item.url:
        errors.append("missing url")
    if not item.title:
        errors.append("missing title")
    if not (item.record_id or item.canonical_url):
        errors.append("missing record_id and canonical_url")
    if item.record_id and not RECORD_ID.match(item.record_id):
        errors.append(f"record_id is not a number: {item.record_id!r}")
    if item.site_generation not in GENERATIONS:
        errors.append(f"unknown site_generation {item.site_generation!r}")
    if item.uploaded_date and not ISO_DATE.match(item.uploaded_date):
        errors.append(f"uploaded_date is not YYYY-MM-DD: {item.uploaded_date!r}")
    if item.date_precision is not None and item.date_precision not in PRECISIONS:
        errors.append(f"unknown date_precision {item.date_precision!r}")
    if item.date_start and item.date_end:
        if item.date_start > item.date_end:
            errors.append(f"date_start {item.date_start} after date_end {item.date_end}")
        if item.date_start > dt.date.today().isoformat():
            errors.append(f"date_start {item.date_start} is in the future")
    for version in item.versions:
        if version.type not in VERSION_TYPES:
            errors.append(f"unknown version type {version.type!r}")
        if not (version.url or version.html):
            errors.append("version without url or html")
    return errors


def collection_errors(item: CollectionItem) -> list[str]:
    errors: list[str] = []
    if not item.collection_id:
        errors.append("missing collection_id")
    if not item.url:
        errors.append("missing url")
    positions = [entry.position for entry in item.documents]
    if len(set(positions)) != len(positions):
        errors.append("duplicate positions in the listing")
    return errors


def validation_errors(item: Any) -> list[str]:
    if isinstance(item, DocumentItem):
        return document_errors(item)
    if isinstance(item, CollectionItem):
        return collection_errors(item)
    return []


class ValidatePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler)

    def process_item(self, item: Item) -> Item:
        if not isinstance(item, (DocumentItem, CollectionItem)):
            return item  # rejected and fetch records are what they are
        errors = validation_errors(item)
        if not errors:
            return item
        self.crawler.stats.inc_value("archive/invalid_items")
        return RejectedItem(
            url=item.url or "(no url)",
            reason="invalid item: " + "; ".join(errors),
            spider=self.crawler.spider.name if self.crawler.spider else None,
            payload=asdict(item),
            fetched_at=item.fetched_at,
        )
