"""A fetch that saw no listing keeps the stored listing summary (issue 15): `document -a id=`
after a collection crawl leaves `listing_summary`, and the summary taken from it, as they
were, silently (not recorded as a field that came out empty), and counts them unchanged."""

from __future__ import annotations

from conftest import query, run_scrapy

DERIVED = "118977"  # its page shows no summary: the listing's is its summary
OWN = "111242"  # its page has its own summary


def crawl(url: str, *args: str):
    result = run_scrapy(
        "crawl", *args, "-s", "DA_OFFLINE=1", "-s", f"DATABASE_URL={url}",
        env={"LOG_LEVEL": "ERROR"},
    )  # fmt: skip
    return result


def summaries(url: str) -> dict[str, tuple]:
    rows = query(
        url,
        "SELECT record_id, summary, listing_summary FROM documents "
        f"WHERE record_id IN ('{DERIVED}', '{OWN}')",
    )
    return {record_id: (summary, listing) for record_id, summary, listing in rows}


def test_a_single_document_fetch_keeps_the_listing_summary(database_url):
    crawl(database_url, "collection", "-a", "id=169")
    before = summaries(database_url)
    assert before[DERIVED][1] and before[DERIVED][0] == before[DERIVED][1]
    assert before[OWN][1] and before[OWN][0] != before[OWN][1]
    rejected_before = query(database_url, "SELECT count(*) FROM rejected_items")
    # DA_CONDITIONAL=0: the pages are read again, not answered 304
    result = crawl(database_url, "document", "-a", f"id={DERIVED},{OWN}", "-s", "DA_CONDITIONAL=0")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "documents 0 new / 0 updated / 2 unchanged, rejected 0" in result.stdout
    assert summaries(database_url) == before
    assert query(database_url, "SELECT count(*) FROM rejected_items") == rejected_before
    assert query(database_url, "SELECT count(*) FROM document_revisions") == [(0,)]
