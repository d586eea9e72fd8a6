"""Page type and site generation come from the markup, not from the URL."""

from __future__ import annotations

import pytest
from conftest import DOCUMENTS, SITE, build, fixture_html, live_url, page_path

from spiders.pages import detect, detect_page

FACET = f"f[0]=topics:{build.TOPIC_ID}&fo[0]={build.TOPIC_ID}"
PAGES = [
    *[(page_path(d), "document", d["generation"]) for d in DOCUMENTS],
    (f"collection/{build.COLLECTION_ID}/{build.COLLECTION_SLUG}.html", "collection", "legacy"),
    (f"collection/{build.COLLECTION_ID}/{build.COLLECTION_SLUG}/2.html", "collection", "legacy"),
    (f"topics/{build.TOPIC_SLUG}.html", "collection", "current"),
    (f"search@{FACET}.html", "listing", "current"),
    ('search-results/1/{"subject":"668"}@recordType=Record.html', "listing", "legacy"),
]


@pytest.mark.parametrize(("path", "page_type", "generation"), PAGES)
def test_detects_fixture_pages(path, page_type, generation):
    kind = detect_page(fixture_html(path), "https://example.org/anything")
    assert (kind.type, kind.generation) == (page_type, generation)


def test_detection_ignores_the_url():
    """A legacy page at a current-style URL is still legacy."""
    legacy = next(d for d in DOCUMENTS if d["generation"] == "legacy")
    kind = detect_page(fixture_html(page_path(legacy)), live_url("/document/some-slug"))
    assert kind.generation == "legacy"


def test_challenge_page_served_with_200():
    kind = detect_page(fixture_html(f"document/{build.CHALLENGE_RECORD_ID}.html"))
    assert kind.type == "challenge"
    assert "challenge" in kind.reason


def test_block_page():
    html = (
        "<html><head><title>Attention Required! | Cloudflare</title></head><body>"
        '<div id="cf-wrapper"><h1 data-translate="block_headline">Sorry, you have been blocked</h1>'
        "</div></body></html>"
    )
    assert detect_page(html).type == "challenge"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ('<div id="challenge-stage"></div>', "challenge page: Cloudflare challenge form"),
        ('<p>x</p><form id="challenge-form"></form>', "challenge page: Cloudflare challenge form"),
        (
            "<script>window._CF_CHL_OPT = {};</script>",
            "challenge page: Cloudflare challenge script",
        ),
        ("<h2>Sorry,  you have been BLOCKED</h2>", "block page: Sorry, you have been BLOCKED"),
    ],
)
def test_challenge_reasons_without_a_challenge_title(body, reason):
    """Each of the tree's checks alone (the ids, the script, the heading) makes a challenge."""
    html = f"<html><head><title>Checking</title></head><body>{body}</body></html>"
    assert detect_page(html).reason == reason


@pytest.mark.parametrize(
    "body",
    [
        '<div id="challenge-stage-x"></div><p>challenge-stage</p>',  # no such id: only text
        '<div class="challenge-form"></div>',
        "<p>_cf_chl_opt is only text here</p>",  # not in a script
        "<h3>you have been blocked</h3>",  # not an h1 or h2
    ],
)
def test_look_alikes_are_not_challenges(body):
    html = f"<html><head><title>A page</title></head><body>{body}</body></html>"
    assert detect_page(html).type != "challenge"


def test_not_found_page():
    assert detect_page(fixture_html("404.html")).type == "error"


@pytest.mark.parametrize("html", ["", "   ", "<html></html>", "<p>hello</p>", "\x00\x01"])
def test_garbage_is_unknown_not_an_exception(html):
    assert detect_page(html).type == "unknown"


def test_every_fixture_page_is_classified():
    """Every Digital Archive page (the blog post is www.wilsoncenter.org's, read by its own parser)."""
    for path in (p for p in SITE.rglob("*.html") if "blog-post" not in p.parts):
        assert detect_page(path.read_text(encoding="utf-8")).type != "unknown", path


def test_a_text_the_pre_check_cleared_skips_the_tree_checks(monkeypatch):
    """The retry middleware's pre-check clears a page's text; detection given that same
    text object then runs no challenge check of its own, and decides as before."""
    html = fixture_html(page_path(DOCUMENTS[0]))
    before = detect_page(html)
    assert not detect.might_be_challenge(html)
    assert detect.cleared(html)
    assert not detect.cleared(html + " ")  # another text: not cleared

    def no_tree_check(*args):
        raise AssertionError("the tree's challenge checks ran for a cleared text")

    monkeypatch.setattr(detect, "_challenge_reason", no_tree_check)
    assert detect_page(html) == before


def test_a_challenge_page_is_never_cleared():
    html = fixture_html(f"document/{build.CHALLENGE_RECORD_ID}.html")
    assert detect.might_be_challenge(html)
    assert not detect.cleared(html)
    assert detect_page(html).type == "challenge"


def test_the_cleared_texts_are_bounded():
    texts = [f"<html><body><p>page {i}</p></body></html>" for i in range(detect.CLEARED_KEPT + 10)]
    for text in texts:
        assert not detect.might_be_challenge(text)
    assert len(detect._CLEARED) <= detect.CLEARED_KEPT
    assert detect.cleared(texts[-1]) and not detect.cleared(texts[0])
