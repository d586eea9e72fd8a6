"""The spool keeps items whole: every kind round-trips through its JSON lines, a spool is only
for its own database, and a line cut short by a crash is skipped."""

from __future__ import annotations

from items import (
    Citation,
    CollectionItem,
    DocumentItem,
    FetchedPage,
    FetchRecord,
    HttpInfo,
    ListingEntry,
    Outcome,
    PersonForm,
    RejectedItem,
    SiteGeneration,
    Version,
    VersionType,
)
from models import spool

DATABASE = "postgresql+psycopg://crawler:***@db/archive"
ITEMS = [
    DocumentItem(
        url="https://digitalarchive.wilsoncenter.org/document/119999",
        record_id="119999", site_generation=SiteGeneration.CURRENT, title="Ciphered Telegram",
        versions=[Version(VersionType.TRANSLATION, "English", None, "<p>Text</p>")],
        citations=[Citation(raw="APRF, f. 45", kind="archive", fond="45", translated_by=["A"])],
        persons=[PersonForm("Stalin, Joseph", "Joseph Stalin", "Stalin, Joseph")],
        http=HttpInfo(200, ["https://x/a", "https://x/b"], etag='"e"', page=b"<html>"),
    ),
    CollectionItem("169", "https://x/collection/169", site_generation="release",
                   documents=[ListingEntry("https://x/document/1", 0, "1", "1950", "T", "S")]),
    RejectedItem("https://x/search?page=57", "HTTP 503", Outcome.FAILED, http_status=503,
                 payload={"urls": ["a", "b"]}),
    FetchRecord("https://x/search?page=1", FetchedPage.LISTING,
                HttpInfo(200, ["https://x/search?page=1"], body=b"<html>\x00\xff</html>")),
]  # fmt: skip


def test_every_kind_comes_back_equal(tmp_path):
    path = spool.write(tmp_path, DATABASE, 7, ITEMS)
    back = list(spool.read(path))
    assert back[1:] == ITEMS[1:]
    document = back[0]
    assert document.http.page is None  # the raw page of a stored document is not spooled
    document.http.page = ITEMS[0].http.page
    assert document == ITEMS[0]


def test_a_spool_is_replayed_only_into_its_own_database(tmp_path):
    spool.write(tmp_path, DATABASE, 1, ITEMS[:1])
    assert len(spool.pending(tmp_path, DATABASE)) == 1
    assert spool.pending(tmp_path, "sqlite:///data/archive.db") == []


def test_appending_keeps_one_header_and_a_cut_line_is_skipped(tmp_path):
    path = spool.write(tmp_path, DATABASE, 1, ITEMS[:2])
    spool.write(tmp_path, DATABASE, 1, ITEMS[2:])
    with path.open("a") as out:
        out.write(spool.line_of(ITEMS[0])[:40])  # killed while writing
    assert [type(x) for x in spool.read(path)] == [type(x) for x in ITEMS]
