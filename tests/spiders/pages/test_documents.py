"""Document parsers on every fixture document: what holds for all of them. (Their field
values are the stored cases' job: test_cases.py.)"""

from __future__ import annotations

import functools

import pytest
from conftest import DOCUMENTS, fixture_html, page_path, page_url

from items import DocumentItem
from spiders.pages import parse_current_document, parse_legacy_document

PARSERS = {"current": parse_current_document, "legacy": parse_legacy_document}
CASES = [pytest.param(doc, id=f"{doc['generation']}-{doc['record_id']}") for doc in DOCUMENTS]


@functools.cache
def _parse(record_id: str) -> DocumentItem:
    doc = next(d for d in DOCUMENTS if d["record_id"] == record_id)
    return PARSERS[doc["generation"]](fixture_html(page_path(doc)), page_url(doc))


def parsed(doc: dict) -> DocumentItem:
    """Parse each page once for all the tests."""
    return _parse(doc["record_id"])


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
