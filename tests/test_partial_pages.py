"""No partial rows (issue 15): a page lxml cannot read whole (300 unclosed <font> tags around
its content) is quarantined in rejected_items with the reason and stores nothing; once the
site serves the page corrected at the same URL, the next crawl stores it with its record id.
Real `scrapy crawl` runs against a loopback catalog in the current site's markup."""

from __future__ import annotations

from conftest import query, run_scrapy
from support.hostile import Answer, Catalog, HostileSite, serve, too_deep

REASON = "page could not be parsed whole: excessive depth (lxml limit 256)"


def crawl(base_url: str, db: str):
    return run_scrapy(
        "crawl", "catalog", "-s", f"DA_BASE_URL={base_url}", "-s", f"DATABASE_URL={db}",
        "-s", "DA_PROGRESS_BAR=0",
    )  # fmt: skip


def test_a_page_nested_too_deep_is_quarantined_and_its_correct_page_stored_later(tmp_path):
    catalog = Catalog(3)
    site = HostileSite(catalog.routes())
    deep = catalog.path(1)
    site.routes[deep] = Answer(too_deep(catalog.document_page(1)).encode())
    db = f"sqlite:///{tmp_path / 'a.db'}"
    with serve(site) as base:
        first = crawl(base, db)
        assert first.returncode == 0, first.stderr[-3000:]
        assert query(db, "SELECT url, outcome, reason FROM rejected_items") == [
            (base + deep, "rejected", REASON)
        ]
        stored = query(db, "SELECT record_id FROM documents ORDER BY record_id")
        assert stored == sorted((catalog.record_id(i),) for i in (0, 2))
        assert query(db, "SELECT count(*) FROM documents WHERE url LIKE '%" + deep + "'") == [(0,)]
        assert "2 new" in first.stdout and "rejected 1" in first.stdout

        site.routes[deep] = Answer(catalog.document_page(1).encode())  # the page corrected
        second = crawl(base, db)
    assert second.returncode == 0, second.stderr[-3000:]
    assert query(db, f"SELECT record_id, title FROM documents WHERE url = '{base}{deep}'") == [
        (catalog.record_id(1), catalog.docs[1]["title"])
    ]
    assert query(db, "SELECT count(*) FROM documents") == [(3,)]
    assert "1 new" in second.stdout and "failed 0" in second.stdout
