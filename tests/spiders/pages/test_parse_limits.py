"""Pages lxml cannot read whole (issue 15): libxml2 stops at nesting depth 256 or at a text
node over 10 MB and returns the start of the page; such pages are FailedPages with the
reason, never a partial document. Pages within the limits parse as before."""

from __future__ import annotations

import pytest
from conftest import DOCUMENTS, SITE, expected_document, fixture_html, page_path, page_url
from hypothesis import given, settings
from hypothesis import strategies as st
from support.hostile import too_deep

from items import PageType
from spiders.pages import (
    DocumentPage,
    FailedPage,
    PartialParse,
    detect_page,
    parse_current_document,
    parse_legacy_document,
    parse_page,
)
from spiders.pages.common import load_html, text_content

MAO = next(d for d in DOCUMENTS if d["record_id"] == "113071")
LEGACY = next(d for d in DOCUMENTS if d["generation"] == "legacy")
DEPTH = "page could not be parsed whole: excessive depth (lxml limit 256)"
HUGE = "page could not be parsed whole: a text or attribute over lxml's size limit (10 MB)"


def deep_legacy(html: str, depth: int = 300) -> str:
    marker = '<div class="doc-inf-information"'
    assert marker in html
    return html.replace(marker, "<font>" * depth + marker, 1)


@pytest.mark.parametrize("depth", [250, 300, 5000])
def test_a_current_page_nested_too_deep_is_a_failed_page(depth):
    page = parse_page(too_deep(fixture_html(page_path(MAO)), depth), page_url(MAO))
    assert page == FailedPage(PageType.UNKNOWN, DEPTH)


def test_a_legacy_page_nested_too_deep_is_a_failed_page():
    page = parse_page(deep_legacy(fixture_html(page_path(LEGACY))), page_url(LEGACY))
    assert page == FailedPage(PageType.UNKNOWN, DEPTH)


@pytest.mark.parametrize("where", ["text", "attribute"])
def test_a_page_with_a_text_over_10_mb_is_a_failed_page(where):
    html = fixture_html(page_path(MAO))
    huge = "x" * (11 * 1024 * 1024)
    filler = f"<p>{huge}</p>" if where == "text" else f'<p title="{huge}">a</p>'
    page = parse_page(html.replace("</body>", filler + "</body>"), page_url(MAO))
    assert page == FailedPage(PageType.UNKNOWN, HUGE)


def test_the_parsers_raise_rather_than_return_a_partial_document():
    with pytest.raises(PartialParse, match="excessive depth"):
        parse_current_document(too_deep(fixture_html(page_path(MAO))), page_url(MAO))
    with pytest.raises(PartialParse, match="excessive depth"):
        parse_legacy_document(deep_legacy(fixture_html(page_path(LEGACY))), page_url(LEGACY))
    kind = detect_page(too_deep(fixture_html(page_path(MAO))), page_url(MAO))
    assert kind.type is PageType.UNKNOWN and "excessive depth" in (kind.reason or "")


def test_nesting_within_the_limit_parses_as_before():
    page = parse_page(too_deep(fixture_html(page_path(MAO)), 200), page_url(MAO))
    assert isinstance(page, DocumentPage)
    expected = expected_document(MAO)
    for name in ("record_id", "title", "source", "uploaded_date", "summary", "languages"):
        assert getattr(page.item, name) == expected[name], name


def test_other_fatal_errors_do_not_stop_a_page():
    """An unknown encoding name is fatal to libxml2 but the page is still read whole."""
    html = b"<html><head><meta charset='x-bogus-42'></head><body><p>end</p></body></html>"
    assert text_content(load_html(html)).endswith("end")


def test_no_page_of_the_mirror_reaches_a_limit():
    pages = [p for p in SITE.rglob("*.html") if p.stat().st_size]
    assert len(pages) > 50
    for path in pages:
        load_html(path.read_bytes())  # raises PartialParse on a page read in part


@settings(deadline=None, max_examples=30)
@given(fraction=st.floats(min_value=0.02, max_value=0.98))
def test_a_truncated_page_is_not_mistaken_for_a_limit(fraction):
    html = fixture_html(page_path(MAO))
    page = parse_page(html[: int(len(html) * fraction)], page_url(MAO))
    assert not (isinstance(page, FailedPage) and "parsed whole" in page.reason)
