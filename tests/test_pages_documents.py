"""Document parsers, field by field, on every fixture document of both site generations.

The expectations come from fixtures/data/documents.toml, the data the pages were generated
from; each field is its own small test so that a failure names the field and the page.
"""

from __future__ import annotations

import pytest
from conftest import DOCUMENTS, fixture_html
from expectations import expected_fields, page_path, page_url

from spiders.pages import parse_current_document, parse_legacy_document

PARSERS = {"current": parse_current_document, "legacy": parse_legacy_document}
CASES = [pytest.param(doc, id=f"{doc['generation']}-{doc['record_id']}") for doc in DOCUMENTS]
_parsed: dict[str, object] = {}


def parsed(doc: dict):
    """Parse each page once for all the field tests."""
    key = doc["record_id"]
    if key not in _parsed:
        _parsed[key] = PARSERS[doc["generation"]](fixture_html(page_path(doc)), page_url(doc))
    return _parsed[key]


def check(doc: dict, field: str) -> None:
    assert getattr(parsed(doc), field) == expected_fields(doc)[field]


@pytest.mark.parametrize("doc", CASES)
def test_title(doc):
    check(doc, "title")


@pytest.mark.parametrize("doc", CASES)
def test_date_text(doc):
    check(doc, "date_text")


@pytest.mark.parametrize("doc", CASES)
def test_summary(doc):
    check(doc, "summary")


@pytest.mark.parametrize("doc", CASES)
def test_authors(doc):
    check(doc, "authors")


@pytest.mark.parametrize("doc", CASES)
def test_people(doc):
    check(doc, "people")


@pytest.mark.parametrize("doc", CASES)
def test_places(doc):
    check(doc, "places")


@pytest.mark.parametrize("doc", CASES)
def test_topics(doc):
    check(doc, "topics")


@pytest.mark.parametrize("doc", CASES)
def test_subjects(doc):
    check(doc, "subjects")


@pytest.mark.parametrize("doc", CASES)
def test_source(doc):
    check(doc, "source")


@pytest.mark.parametrize("doc", CASES)
def test_original_archives(doc):
    check(doc, "original_archives")


@pytest.mark.parametrize("doc", CASES)
def test_languages(doc):
    check(doc, "languages")


@pytest.mark.parametrize("doc", CASES)
def test_uploaded_date(doc):
    check(doc, "uploaded_date")


@pytest.mark.parametrize("doc", CASES)
def test_donors(doc):
    check(doc, "donors")


@pytest.mark.parametrize("doc", CASES)
def test_classification(doc):
    check(doc, "classification")


@pytest.mark.parametrize("doc", CASES)
def test_document_type(doc):
    check(doc, "document_type")


@pytest.mark.parametrize("doc", CASES)
def test_record_id(doc):
    check(doc, "record_id")


@pytest.mark.parametrize("doc", CASES)
def test_node_id(doc):
    check(doc, "node_id")


@pytest.mark.parametrize("doc", CASES)
def test_site_generation(doc):
    check(doc, "site_generation")


@pytest.mark.parametrize("doc", CASES)
def test_canonical_url(doc):
    check(doc, "canonical_url")


@pytest.mark.parametrize("doc", CASES)
def test_download_url(doc):
    check(doc, "download_url")


@pytest.mark.parametrize("doc", CASES)
def test_collections(doc):
    check(doc, "collections")


@pytest.mark.parametrize("doc", CASES)
def test_versions(doc):
    versions = [(v.type, v.language, v.url) for v in parsed(doc).versions]
    assert versions == expected_fields(doc)["versions"]


@pytest.mark.parametrize("doc", CASES)
def test_text(doc):
    check(doc, "text")


@pytest.mark.parametrize("doc", CASES)
def test_rights_has_both_paragraphs(doc):
    rights = parsed(doc).rights
    assert rights.startswith("The History and Public Policy Program welcomes reuse")
    assert rights.count("\n\n") == 1


@pytest.mark.parametrize("doc", CASES)
def test_translation_html_is_stripped(doc):
    for version in parsed(doc).versions:
        html = version.html or ""
        for residue in ("<script", "<style", "<meta", "<title", "style="):
            assert residue not in html
