"""`catalog -a new_only=1` knows stored documents by the archive's keys (record id, URL path),
not by absolute URL: nightly runs stay cheap after a port change, a mirror move or a redirect."""

from __future__ import annotations

import shutil

import pytest
from conftest import DOCUMENTS, SITE, query, run_scrapy
from sqlalchemy import create_engine, text
from support.mirror import FixtureSite, serve_in_thread


@pytest.fixture
def site_copy(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(SITE, root)
    return root


def serve(root):
    server, base_url = serve_in_thread(site=FixtureSite(root, real_mtimes=True))
    server.base_url = base_url
    return server


def crawl(server, db: str, *args: str, spider: str = "catalog"):
    mark = len(server.log)
    result = run_scrapy(
        "crawl", spider, *args, "-s", f"DA_BASE_URL={server.base_url}", "-s", f"DATABASE_URL={db}"
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result, server.log[mark:]


def test_nothing_new_costs_at_most_3_requests_also_after_a_port_change(site_copy, tmp_path):
    db = f"sqlite:///{tmp_path / 'a.db'}"
    first = serve(site_copy)
    try:
        crawl(first, db)
        _, same_port = crawl(first, db, "-a", "new_only=1")
    finally:
        first.shutdown()
    moved = serve(site_copy)  # the mirror moved: another port, so other absolute URLs
    try:
        result, other_port = crawl(moved, db, "-a", "new_only=1")
    finally:
        moved.shutdown()
    assert len(same_port) <= 3, [r.path for r in same_port]
    assert len(other_port) <= 3, [r.path for r in other_port]
    assert "documents 0 new / 0 updated" in result.stdout


def test_ten_new_after_a_port_change_cost_at_most_20_requests(site_copy, tmp_path):
    db = f"sqlite:///{tmp_path / 'a.db'}"
    first = serve(site_copy)
    try:
        crawl(first, db)
    finally:
        first.shutdown()
    newest = sorted(DOCUMENTS, key=lambda d: d["uploaded"], reverse=True)[:10]
    ids = ", ".join(f"'{d['record_id']}'" for d in newest)
    engine = create_engine(db)
    with engine.begin() as conn:  # as if these ten had been published since
        conn.execute(text("PRAGMA foreign_keys=ON"))
        conn.execute(text(f"DELETE FROM documents WHERE record_id IN ({ids})"))
    engine.dispose()
    moved = serve(site_copy)
    try:
        result, made = crawl(moved, db, "-a", "new_only=1")
    finally:
        moved.shutdown()
    assert len(made) <= 20, [r.path for r in made]
    assert "10 new" in result.stdout
    assert query(db, "SELECT count(*) FROM documents") == [(len(DOCUMENTS),)]


def test_redirected_listing_urls_are_learnt_once(site_copy, tmp_path):
    """Stored from the legacy collection (record-id URLs), the documents are listed by the
    catalog under slugs; a slug that redirects to a stored document is fetched once (a 304),
    then known: the next nightly run costs at most 3 requests."""
    db = f"sqlite:///{tmp_path / 'a.db'}"
    server = serve(site_copy)
    try:
        crawl(server, db, spider="collection")
        _, first = crawl(server, db, "-a", "new_only=1")
        _, second = crawl(server, db, "-a", "new_only=1")
    finally:
        server.shutdown()
    documents = [r for r in first if r.path.startswith("/document/")]
    assert all(r.status in (301, 304) for r in documents), [(r.path, r.status) for r in documents]
    assert len(second) <= 3, [r.path for r in second]
