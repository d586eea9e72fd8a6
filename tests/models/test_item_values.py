"""The store's values of an item (models/documents.item_values) are what `dataclasses.asdict`
gives, vocabularies as their strings, for every document page of the mirror after the
normalizing pipelines (the store no longer pays asdict's deep copy)."""

from __future__ import annotations

import dataclasses
from enum import Enum

from conftest import SITE

from items import DocumentItem
from models.documents import item_values
from pipelines.citations import CitationsPipeline
from pipelines.clean import CleanTextPipeline
from pipelines.dates import DatesPipeline
from pipelines.names import NamesPipeline
from spiders.pages import DocumentPage, parse_page


class Counts:
    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        pass


def reference(value):
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [reference(v) for v in value]
    if isinstance(value, dict):
        return {k: reference(v) for k, v in value.items()}
    return value


def normalized_items() -> list[DocumentItem]:
    items = []
    for page in sorted((SITE / "document").glob("*.html")):
        result = parse_page(page.read_text(encoding="utf-8"), f"https://x.org/document/{page.stem}")
        if isinstance(result, DocumentPage):
            for pipeline in (CleanTextPipeline(), DatesPipeline(Counts()),
                             CitationsPipeline(Counts()), NamesPipeline()):  # fmt: skip
                pipeline.process_item(result.item)
            items.append(result.item)
    return items


def test_values_are_asdicts_with_plain_vocabularies():
    items = normalized_items()
    assert len(items) > 40 and any(item.citations and item.persons for item in items)
    for item in items:
        values = item_values(item)
        assert values == reference(dataclasses.asdict(item)), item.url
        assert not any(isinstance(v, Enum) for v in values.values())
