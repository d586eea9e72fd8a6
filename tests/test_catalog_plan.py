"""The catalog is a plan, not a chain (issue 15): on 2,000 documents in the real markup, a
catalog page that always fails, random catalog faults and a pager that never ends."""

from __future__ import annotations

import pytest
from conftest import query
from support.faults import archive_site, crawl

from spiders.catalog import MAX_PASSES
from spiders.drafts import PAGER_MARGIN

PAGES = 200  # 2,000 documents, ten a page


def counts(db: str) -> dict[str, int]:
    (row,) = query(db, "SELECT documents_new, documents_updated, documents_unchanged, failed "
                       "FROM crawl_runs ORDER BY id DESC LIMIT 1")  # fmt: skip
    return dict(zip(("new", "updated", "unchanged", "failed"), row, strict=True))


def test_a_catalog_page_that_always_fails_ends_the_run_incomplete(tmp_path):
    db = f"sqlite:///{tmp_path / 'a.db'}"
    with archive_site(catalog_fail=(57,)) as (archive, base):
        result = crawl(base, db, "-s", "RETRY_TIMES=1")
        # Every other page's documents are stored; the page is recorded; exit 1, one reason.
        assert result.returncode == 1, result.stderr[-3000:]
        assert "catalog incomplete: page 57 failed; 1,990 of 2,000 documents" in result.stderr
        assert query(db, "SELECT count(*) FROM documents") == [(1990,)]
        missing = {d["record_id"] for d in archive.docs[570:580]}
        stored = {r for (r,) in query(db, "SELECT record_id FROM documents")}
        assert not missing & stored
        assert query(db, "SELECT url, outcome, reason FROM rejected_items") == [
            (f"{base}/search?page=57", "failed", "HTTP 503")
        ]
        assert query(db, "SELECT status, reason FROM crawl_runs") == [
            ("failed", "catalog incomplete: page 57 failed; 1,990 of 2,000 documents")
        ]
        assert counts(db)["new"] == 1990
        # Every page was asked for: none was left out because another failed.
        assert archive.listing_requests >= PAGES
        # The page answers again: the next run fetches what was missing.
        archive.catalog_fail.clear()
        again = crawl(base, db)
    assert again.returncode == 0, again.stderr[-3000:]
    assert query(db, "SELECT count(*) FROM documents") == [(2000,)]
    assert counts(db)["new"] == 10


@pytest.mark.parametrize("seed", [1, 2])
def test_random_catalog_faults_end_complete_or_incomplete_never_silently_short(tmp_path, seed):
    db = f"sqlite:///{tmp_path / 'a.db'}"
    with archive_site(seed=seed, catalog_faults=0.3) as (archive, base):
        result = crawl(base, db, "-s", "RETRY_TIMES=1")
    stored = query(db, "SELECT count(*) FROM documents")[0][0]
    failed_pages = query(db, "SELECT count(*) FROM rejected_items WHERE url LIKE '%/search?%'")
    if result.returncode == 0:
        assert stored == 2000, result.stderr[-3000:]
    else:  # short only with the reason and the pages recorded
        assert result.returncode == 1, result.stderr[-3000:]
        assert "catalog incomplete: page" in result.stderr
        assert failed_pages[0][0] >= 1
        assert stored >= 2000 - 10 * failed_pages[0][0]
    assert counts(db)["new"] == stored  # the summary counts what the database holds
    assert archive.listing_requests > PAGES  # faults were served, and retried


def test_a_pager_that_never_ends_is_cut_at_the_count_line(tmp_path):
    db = f"sqlite:///{tmp_path / 'a.db'}"
    with archive_site(documents=30, endless=True) as (archive, base):
        result = crawl(base, db, timeout=120)
    # The count line says 30 documents on 3 pages: 2 pages more are allowed, then it is cut;
    # having seen 10 of the 30 documents, the walk is repeated, at most MAX_PASSES times.
    assert result.returncode == 0, result.stderr[-3000:]
    assert archive.listing_requests == MAX_PASSES * (3 + PAGER_MARGIN)
    assert query(db, "SELECT url, outcome, reason FROM rejected_items") == [
        (f"{base}/search?page=5", "rejected", "pager cut at page 5: the count line lists 30 documents")
    ]  # fmt: skip
    assert query(db, "SELECT count(*) FROM documents") == [(10,)]
