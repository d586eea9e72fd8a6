"""Wayback Machine captures: the capture URL, unwrapping, and a crawl of the legacy site
as captured in 2019 that recovers the collection's membership."""

from __future__ import annotations

import pytest
from conftest import DOCUMENTS, build, fixture_html, run_scrapy
from sqlalchemy import create_engine, text

from spiders.pages import CollectionPage, parse_page
from spiders.pages.wayback import capture_url, parse_capture_url, unwrap

LIVE = "https://digitalarchive.wilsoncenter.org"
TS = build.WAYBACK_TIMESTAMP
COLLECTION = f"{LIVE}/collection/169/korean-war-armistice"


@pytest.mark.parametrize(
    ("url", "original", "captured_at"),
    [
        (f"https://web.archive.org/web/{TS}/{COLLECTION}", COLLECTION, "2019-03-15T08:45:12+00:00"),
        (
            f"https://web.archive.org/web/{TS}id_/{COLLECTION}",
            COLLECTION,
            "2019-03-15T08:45:12+00:00",
        ),
        (
            "http://web.archive.org/web/2014/http://digitalarchive.wilsoncenter.org/document/111817",
            "http://digitalarchive.wilsoncenter.org/document/111817",
            "2014-01-01T00:00:00+00:00",
        ),
    ],
)
def test_capture_urls(url, original, captured_at):
    capture = parse_capture_url(url)
    assert (capture.original_url, capture.captured_at) == (original, captured_at)


def test_other_urls_are_not_captures():
    assert parse_capture_url(COLLECTION) is None


def test_capture_url_round_trips():
    assert parse_capture_url(capture_url(TS, COLLECTION)).original_url == COLLECTION


def unwrapped(path: str) -> str:
    html = fixture_html(f"_wayback/{TS}/{path}.html")
    return unwrap(html, parse_capture_url(f"https://web.archive.org/web/{TS}/{LIVE}/{path}"))


def test_toolbar_scripts_and_rewriting_are_gone():
    html = unwrapped("collection/169/korean-war-armistice")
    for residue in ("web.archive.org", "/web/", "wm-ipp", "_static", "__wm", "FILE ARCHIVED"):
        assert residue not in html


def test_unwrapped_collection_parses_like_the_original():
    original_url = COLLECTION
    captured = parse_page(unwrapped("collection/169/korean-war-armistice"), original_url)
    live = parse_page(fixture_html("collection/169/korean-war-armistice.html"), original_url)
    assert isinstance(captured, CollectionPage) and isinstance(live, CollectionPage)
    assert captured.entries == live.entries  # the toolbar's look-alike row is not a document
    assert (captured.title, captured.next_url) == (live.title, live.next_url)


def test_crawl_of_captures_recovers_the_membership_without_overwriting(tmp_path):
    db = f"sqlite:///{tmp_path / 'a.db'}"
    base = ("crawl", "collection", "-s", "DA_OFFLINE=1", "-s", f"DATABASE_URL={db}")
    assert run_scrapy(*base).returncode == 0  # the live site first
    result = run_scrapy(*base, "-a", f"url=https://web.archive.org/web/{TS}/{COLLECTION}")
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"0 new / 0 updated / {len(DOCUMENTS)} unchanged" in result.stdout
    engine = create_engine(db)
    with engine.connect() as conn:
        collections = conn.execute(
            text("SELECT collection_id, captured_at FROM collections ORDER BY id")
        ).all()
        linked = conn.execute(text("""
            SELECT d.record_id FROM document_collections dc JOIN collections c ON c.id = dc.collection_id
            JOIN documents d ON d.id = dc.document_id WHERE c.collection_id = :id ORDER BY dc.position"""),
            {"id": f"169@{TS}"}).scalars().all()  # fmt: skip
        live_rows = conn.execute(
            text("SELECT count(*) FROM documents WHERE captured_at IS NULL")
        ).scalar()
    engine.dispose()
    assert [(c, str(t)[:19] if t else None) for c, t in collections] == [
        ("169", None),
        (f"169@{TS}", "2019-03-15 08:45:12"),
    ]
    assert linked == [d["record_id"] for d in DOCUMENTS]
    assert live_rows == len(DOCUMENTS)
