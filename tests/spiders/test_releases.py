"""Release announcements: the post's list of documents, and the `releases` spider."""

from __future__ import annotations

from conftest import DOCUMENTS, build, fixture_html, run_scrapy
from sqlalchemy import create_engine, text

from spiders.pages import parse_release_post
from spiders.pages.release_post import title_without_date

POST_URL = f"https://www.wilsoncenter.org/{build.RELEASE_PATH}"
ENTRIES = build.release_entries(DOCUMENTS)


def post():
    return parse_release_post(fixture_html(f"{build.RELEASE_PATH}.html"), POST_URL)


def test_post_title_and_dek():
    parsed = post()
    assert parsed.title == "New Korean War Armistice Documents on DigitalArchive.org"
    assert parsed.description == "Newly translated records on the armistice talks of 1951-1953."


def test_entries_in_order_with_their_dates_and_summaries():
    assert [(e.title, e.summary) for e in post().entries] == [
        (build.release_title(doc), doc["listing_summary"] or doc["summary"]) for doc, _ in ENTRIES
    ]
    assert post().entries[0].date_text == "27 August 1951"


def test_links_are_taken_when_present():
    assert [e.url for e in post().entries] == [
        f"https://digitalarchive.wilsoncenter.org/document/{doc['record_id']}" if linked else None
        for doc, linked in ENTRIES
    ]


def test_the_author_box_is_not_an_entry():
    assert all("Kraus" not in e.title for e in post().entries)


def test_title_without_date():
    assert title_without_date("Cable No. 21340, Mao Zedong to Filippov [Stalin], 30 June 1950") == (
        "Cable No. 21340, Mao Zedong to Filippov [Stalin]"
    )


def test_releases_spider_matches_every_entry_to_its_document(tmp_path):
    db = f"sqlite:///{tmp_path / 'a.db'}"
    result = run_scrapy("crawl", "releases", "-s", "DA_OFFLINE=1", "-s", f"DATABASE_URL={db}")
    assert result.returncode == 0, result.stderr[-2000:]
    engine = create_engine(db)
    with engine.connect() as conn:
        rows = conn.execute(
            text("""
            SELECT dc.position, d.record_id, dc.listing_date_text FROM document_collections dc
            JOIN collections c ON c.id = dc.collection_id LEFT JOIN documents d ON d.id = dc.document_id
            WHERE c.collection_id = 'release:new-korean-war-documents-digitalarchiveorg'
            ORDER BY dc.position""")
        ).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [
        (i, doc["record_id"], build.release_title(doc).rsplit(", ", 1)[1])
        for i, (doc, _) in enumerate(ENTRIES)
    ]
