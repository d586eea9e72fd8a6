"""CleanTextPipeline: Unicode NFC in every string of an item."""

from __future__ import annotations

import unicodedata

import pytest

from items import DocumentItem
from pipelines.clean import CleanTextPipeline, clean_text

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


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("PÃ³Å‚noc", "Północ"),  # UTF-8 read as Windows-1252
        ("The Ministryâ€™s telegram", "The Ministry’s telegram"),
        ("RÃ©vÃ©sz", "Révész"),
    ],
)
def test_mojibake_is_repaired(broken, fixed):
    assert clean_text(broken) == fixed


@pytest.mark.parametrize(
    "text", ["Révész", "Północ", "Мао Цзэдун", "周恩来", "“quoted” — dash", "ÅŸ plain"]
)
def test_clean_text_is_left_alone(text):
    assert clean_text(text) == unicodedata.normalize("NFC", text)


def test_summary_falls_back_to_the_listing_summary():
    item = DocumentItem(url="u", summary=None, listing_summary="From the listing.")
    CleanTextPipeline().process_item(item)
    assert (item.summary, item.listing_summary) == ("From the listing.", "From the listing.")


def test_page_summary_wins_and_both_are_kept():
    item = DocumentItem(url="u", summary="From the page.", listing_summary="From the listing.")
    CleanTextPipeline().process_item(item)
    assert (item.summary, item.listing_summary) == ("From the page.", "From the listing.")
