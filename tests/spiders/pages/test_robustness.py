"""Broken markup never raises out of the parsers, and never yields a silently wrong document."""

from __future__ import annotations

import pytest
from conftest import DOCUMENTS, expected_document, fixture_html, page_path, page_url

from pipelines.validate import validation_errors
from spiders.pages import DocumentPage, FailedPage, parse_page

MAO = next(d for d in DOCUMENTS if d["record_id"] == "113071")
LEGACY = next(d for d in DOCUMENTS if d["generation"] == "legacy")


@pytest.mark.parametrize("doc", [MAO, LEGACY], ids=["current", "legacy"])
@pytest.mark.parametrize("fraction", [0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95])
def test_truncated_page_is_rejected_or_partial_never_an_exception(doc, fraction):
    html = fixture_html(page_path(doc))
    page = parse_page(html[: int(len(html) * fraction)], page_url(doc))
    if isinstance(page, FailedPage):
        assert page.type in {"unknown", "error"}
        return
    assert isinstance(page, DocumentPage)
    item = page.item
    # Whatever survives is what the page said, and an item without its key fails validation.
    expected = expected_document(doc)
    if item.title is not None:
        assert item.title == expected["title"]
    if item.record_id is None and item.canonical_url is None:
        assert validation_errors(item)


def test_stray_closing_div_after_main():
    """Seen on real pages: an inner </div> closes early, so </main> is followed by </div>."""
    html = fixture_html(page_path(MAO)).replace("</main>", "</div></div></main></div>", 1)
    html = html.replace('<div class="text-block">', '<div class="text-block"></div>', 1)
    page = parse_page(html, page_url(MAO))
    assert isinstance(page, DocumentPage)
    item = page.item
    assert (item.title, item.source, item.record_id) == (
        MAO["title"],
        MAO["source"],
        MAO["record_id"],
    )


def test_empty_body_is_unknown():
    page = parse_page(b"", "https://x/document/1")
    assert isinstance(page, FailedPage) and page.type == "unknown"


def test_bytes_with_declared_encoding():
    html = fixture_html(page_path(MAO)).encode("utf-8")
    page = parse_page(b'<?xml version="1.0" encoding="utf-8"?>' + html, page_url(MAO))
    assert isinstance(page, DocumentPage) and page.item.title == MAO["title"]
