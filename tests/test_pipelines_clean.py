"""CleanTextPipeline: Unicode NFC in every string of an item."""

from __future__ import annotations

import unicodedata

from pipelines.clean import CleanTextPipeline
from spiders.items import DocumentItem

DECOMPOSED = unicodedata.normalize("NFD", "Révész, Béla")


def test_decomposed_names_are_composed():
    item = DocumentItem(url="https://x/document/1", title="T", people=[DECOMPOSED])
    CleanTextPipeline().process_item(item)
    assert item.people == ["Révész, Béla"]
    assert len(item.people[0]) == len("Révész, Béla")


def test_strings_inside_versions_are_composed():
    item = DocumentItem(url="u", versions=[{"type": "translation", "html": f"<p>{DECOMPOSED}</p>"}])
    CleanTextPipeline().process_item(item)
    assert item.versions[0]["html"] == "<p>Révész, Béla</p>"


def test_other_values_are_left_alone():
    item = DocumentItem(url="u", title=None, summary="plain")
    CleanTextPipeline().process_item(item)
    assert (item.title, item.summary, item.authors) == (None, "plain", [])
