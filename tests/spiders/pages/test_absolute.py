"""`absolute()`'s fast path for plain links gives exactly what urllib's `urljoin` gives."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from spiders.pages import common
from spiders.pages.common import absolute

BASES = [
    "https://digitalarchive.wilsoncenter.org/document/aide-memoire-meeting-hamdi-o-mouknass",
    "https://digitalarchive.wilsoncenter.org",
    "https://digitalarchive.wilsoncenter.org/",
    "http://127.0.0.1:8900/search?page=2#top",
    "https://digitalarchive.wilsoncenter.org/collection/169/korean-war-armistice/2",
    "HTTPS://Digitalarchive.wilsoncenter.org/a/b/",
    "https://web.archive.org/web/20190315084512/https://digitalarchive.wilsoncenter.org/x",
    "http://[::1]:8000/document/1",
    "https://host/pa\tth",
    "ftp://host/file",
    "",
]
# The characters that matter to urljoin, and plain ones.
ALPHABET = "/./..:?#;%@ \t\nabcAZ09-_~+=&'()!$,*é"


def reference(base: str, href: str | None) -> str | None:
    if not href or not href.strip():
        return None
    return urljoin(base, href.strip())


@pytest.mark.parametrize("base", BASES)
@given(href=st.text(alphabet=ALPHABET, max_size=30))
@example(href="/document/118508/download")
@example(href="https://digitalarchive.wilsoncenter.org/node/94237")
@example(href="http://digitalarchive.wilsoncenter.org/document/1")
@example(href="/")
@example(href="//other.host/path")
@example(href="/a/./b/../c/")
@example(href="/a//b")
@example(href="/a;params")
@example(href="/...")
@example(href="https://host")
@example(href="https://host:443/a/")
def test_same_as_urljoin(base, href):
    assert absolute(base, href) == reference(base, href)


@pytest.mark.parametrize("base", BASES)
@given(path=st.lists(st.text(alphabet="abc.-_%~", min_size=1, max_size=4), max_size=4))
def test_plain_paths_same_as_urljoin(base, path):
    for href in ("/" + "/".join(path), "https://h.org/" + "/".join(path), "/".join(path)):
        assert absolute(base, href) == reference(base, href)


@pytest.mark.parametrize(
    "href",
    [
        "/document/118508/download",
        "/",
        "https://digitalarchive.wilsoncenter.org/node/94237",
        "http://digitalarchive.wilsoncenter.org/document/1",
    ],
)
def test_plain_links_take_the_fast_path(monkeypatch, href):
    """The links every page has do not pay for urljoin."""
    monkeypatch.setattr(common, "urljoin", None)  # a call would raise TypeError
    assert absolute(BASES[0], href) == urljoin(BASES[0], href)
