"""Scheduled crawls against a loopback HTTP mirror that serves the fixtures with ETag and
Last-Modified: conditional re-crawls, changes and revisions, withdrawals, kill -9 and resume,
the per-job lock, Retry-After, and the cheap nightly `new_only` run."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import DOCUMENTS, PROJECT, SITE, build, query, run_scrapy
from sqlalchemy import create_engine, text
from support.mirror import FixtureSite, MirrorResponse, serve_in_thread

MAO = next(d for d in DOCUMENTS if d["record_id"] == "113071")


@pytest.fixture
def site_copy(tmp_path) -> Path:
    """A copy of the mirror that a test may edit."""
    root = tmp_path / "site"
    shutil.copytree(SITE, root)
    return root


@pytest.fixture
def mirror(site_copy):
    site = FixtureSite(site_copy, real_mtimes=True)
    server, base_url = serve_in_thread(site=site)
    server.site, server.base_url = site, base_url
    yield server
    server.shutdown()


def crawl(server, db: str, *args: str, spider: str = "collection"):
    result = run_scrapy(
        "crawl", spider, *args, "-s", f"DA_BASE_URL={server.base_url}", "-s", f"DATABASE_URL={db}"
    )
    return result


def requests_since(server, start: int):
    return server.log[start:]


def doc_path(doc: dict) -> str:
    return f"/document/{doc['record_id'] if doc['generation'] == 'legacy' else doc['slug']}"


def test_second_crawl_sends_conditional_requests_and_writes_nothing(mirror, tmp_path):
    db = f"sqlite:///{tmp_path / 'a.db'}"
    assert crawl(mirror, db).returncode == 0
    first = list(mirror.log)
    before = query(db, "SELECT id, updated_at, content_hash FROM documents ORDER BY id")
    mark = len(mirror.log)
    second_run = crawl(mirror, db)
    assert second_run.returncode == 0, second_run.stderr[-2000:]
    second = requests_since(mirror, mark)
    broken = {f"/document/{build.CHALLENGE_RECORD_ID}", f"/document/{build.MISSING_RECORD_ID}"}
    pages = [r for r in second if r.path not in broken | {"/robots.txt"} and r.status != 301]
    assert pages and all(r.conditional and r.status == 304 for r in pages)
    assert query(db, "SELECT id, updated_at, content_hash FROM documents ORDER BY id") == before
    assert query(db, "SELECT count(*) FROM document_revisions") == [(0,)]
    assert f"0 new / 0 updated / {len(DOCUMENTS)} unchanged" in second_run.stdout
    # Only the pages that fail every time (a challenge, a 404) are downloaded again.
    good_bytes = lambda log: sum(r.bytes for r in log if r.path not in broken)  # noqa: E731
    assert good_bytes(second) <= 0.01 * good_bytes(first)


def test_without_conditional_requests_an_upgraded_parser_rereads_every_page(mirror, tmp_path):
    """A database an older parser wrote (here: one stored citation and its hash made old):
    the usual re-crawl gets 304s and keeps it; with DA_CONDITIONAL=0 every page is fetched in
    full and the document whose parse differs is updated, with a revision."""
    db = f"sqlite:///{tmp_path / 'a.db'}"
    assert crawl(mirror, db).returncode == 0
    engine = create_engine(db)
    with engine.begin() as conn:
        doc_id = conn.execute(text("SELECT id FROM documents WHERE record_id = '113071'")).scalar()
        conn.execute(
            text("UPDATE citations SET fond = 'old' WHERE document_id = :d"), {"d": doc_id}
        )
        conn.execute(text("UPDATE documents SET content_hash = 'old' WHERE id = :d"), {"d": doc_id})
    engine.dispose()
    fond = "SELECT fond FROM citations WHERE document_id = (SELECT id FROM documents WHERE record_id = '113071') ORDER BY position"
    assert crawl(mirror, db).returncode == 0
    assert query(db, fond) == [("old",)] * 3  # 304: not re-read
    mark = len(mirror.log)
    result = crawl(mirror, db, "-s", "DA_CONDITIONAL=0")
    assert result.returncode == 0, result.stderr[-2000:]
    assert not any(r.conditional for r in requests_since(mirror, mark))
    assert query(db, fond) == [("45",), ("059a",), ("558",)]
    assert "0 new / 1 updated" in result.stdout and "(0 not modified)" in result.stdout
    assert query(db, "SELECT count(*) FROM document_revisions") == [(1,)]


def test_a_changed_page_gives_one_update_and_one_revision(mirror, site_copy, tmp_path):
    db = f"sqlite:///{tmp_path / 'a.db'}"
    assert crawl(mirror, db).returncode == 0
    page = site_copy / f"document/{MAO['slug']}.html"
    old_summary = MAO["summary"]
    html = page.read_text(encoding="utf-8")
    page.write_text(
        html.replace(old_summary, "A corrected summary of the telegram."), encoding="utf-8"
    )
    second = crawl(mirror, db)
    assert f"0 new / 1 updated / {len(DOCUMENTS) - 1} unchanged" in second.stdout
    [(record_id, fields, summary)] = query(
        db,
        """
        SELECT d.record_id, r.changed_fields, d.summary FROM document_revisions r
        JOIN documents d ON d.id = r.document_id""",
    )
    assert (record_id, summary) == (MAO["record_id"], "A corrected summary of the telegram.")
    assert fields == '["summary"]'
    assert query(db, "SELECT old_values FROM document_revisions") == [
        (f'{{"summary": "{old_summary}"}}',)
    ]


def test_a_document_gone_from_the_site_is_marked_withdrawn(mirror, site_copy, tmp_path):
    db = f"sqlite:///{tmp_path / 'a.db'}"
    assert crawl(mirror, db).returncode == 0
    (site_copy / f"document/{MAO['slug']}.html").unlink()
    second = crawl(mirror, db)
    assert "withdrawn 1" in second.stdout
    rows = query(db, "SELECT record_id FROM documents WHERE withdrawn_at IS NOT NULL")
    assert rows == [(MAO["record_id"],)]
    assert query(db, "SELECT count(*) FROM documents") == [(len(DOCUMENTS),)]  # nothing deleted


def test_retry_after_is_waited_for(mirror, tmp_path):
    path = doc_path(MAO)
    mirror.site.scripted[path] = [MirrorResponse(429, b"slow down", {"Retry-After": "1"})]
    db = f"sqlite:///{tmp_path / 'a.db'}"
    result = crawl(mirror, db, "-a", f"url={path}", spider="document")
    assert result.returncode == 0, result.stderr[-2000:]
    hits = [r for r in mirror.log if r.path == path]
    assert [r.status for r in hits] == [429, 200]
    assert hits[1].at - hits[0].at >= 1.0
    assert query(db, "SELECT record_id FROM documents") == [(MAO["record_id"],)]


def test_new_only_costs_a_handful_of_requests(mirror, tmp_path):
    db = f"sqlite:///{tmp_path / 'a.db'}"
    assert crawl(mirror, db, spider="catalog").returncode == 0
    newest = sorted(DOCUMENTS, key=lambda d: d["uploaded"], reverse=True)[:10]
    ids = ", ".join(f"'{d['record_id']}'" for d in newest)
    engine = create_engine(db)
    with engine.begin() as conn:  # as if these ten had been published since
        conn.execute(text("PRAGMA foreign_keys=ON"))
        conn.execute(text(f"DELETE FROM documents WHERE record_id IN ({ids})"))
    engine.dispose()
    mark = len(mirror.log)
    result = crawl(mirror, db, "-a", "new_only=1", spider="catalog")
    assert result.returncode == 0, result.stderr[-2000:]
    made = requests_since(mirror, mark)
    assert len(made) <= 20, [r.path for r in made]
    assert "10 new" in result.stdout
    assert query(db, "SELECT count(*) FROM documents") == [(len(DOCUMENTS),)]


def test_catalog_walks_every_page_and_deduplicates(mirror, tmp_path):
    db = f"sqlite:///{tmp_path / 'a.db'}"
    result = crawl(mirror, db, spider="catalog")
    assert result.returncode == 0, result.stderr[-2000:]
    assert query(db, "SELECT count(*) FROM documents") == [(len(DOCUMENTS),)]
    listing = [r.path for r in mirror.log if r.path.startswith("/search")]
    assert len(listing) == -(-len(DOCUMENTS) // build.CURRENT_PAGE_SIZE)


def start_crawl(server, db: str, *args: str) -> subprocess.Popen:
    scrapy = Path(sys.executable).parent / "scrapy"
    command = [str(scrapy), "crawl", "collection", *args, "-s", f"DA_BASE_URL={server.base_url}",
               "-s", f"DATABASE_URL={db}", "-s", "CONCURRENT_REQUESTS=1", "-s", "DA_BATCH_SIZE=1",
               "-s", "DA_FLUSH_INTERVAL=0.2"]  # fmt: skip
    env = {**os.environ, "LOG_LEVEL": "WARNING"}
    return subprocess.Popen(
        command, cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


@pytest.fixture
def slow_mirror(site_copy):
    """A mirror that answers slowly and says when the 20th document page was asked for."""
    reached = threading.Event()
    documents = []

    def observe(entry):
        if entry.path.startswith("/document/") and entry.status == 200:
            documents.append(entry.path)
            if len(documents) == 20:
                reached.set()

    server, base_url = serve_in_thread(site=FixtureSite(site_copy, real_mtimes=True), latency=0.05,
                                       on_request=observe)  # fmt: skip
    server.base_url, server.reached = base_url, reached
    yield server
    server.shutdown()


def test_kill_9_then_resume_completes_without_refetching(slow_mirror, tmp_path):
    db = f"sqlite:///{tmp_path / 'a.db'}"
    process = start_crawl(slow_mirror, db)
    assert slow_mirror.reached.wait(timeout=120), "the crawl never got 20 documents in"
    process.send_signal(signal.SIGKILL)
    process.wait()
    committed = {
        url.split("/", 3)[3]
        for (url,) in query(db, "SELECT url FROM fetch_state WHERE http_status = 200")
    }
    stored_before = query(db, "SELECT count(*) FROM documents")[0][0]
    assert 0 < stored_before < len(DOCUMENTS)
    mark = len(slow_mirror.log)
    resumed = start_crawl(slow_mirror, db)
    _, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, err[-2000:]
    assert query(db, "SELECT count(*) FROM documents") == [(len(DOCUMENTS),)]
    refetched = [
        r.path for r in requests_since(slow_mirror, mark) if r.path.startswith("/document/")
    ]
    assert not {p.lstrip("/") for p in refetched} & committed  # nothing done is fetched again
    statuses = query(db, "SELECT status, resumed_from FROM crawl_runs ORDER BY id")
    assert statuses == [("interrupted", None), ("finished", 1)]


def test_a_second_run_of_the_same_job_is_refused_while_the_first_runs(slow_mirror, tmp_path):
    db = f"sqlite:///{tmp_path / 'a.db'}"
    first = start_crawl(slow_mirror, db)
    try:
        assert slow_mirror.reached.wait(timeout=120)
        second = run_scrapy("crawl", "collection", "-s", f"DA_BASE_URL={slow_mirror.base_url}",
                            "-s", f"DATABASE_URL={db}")  # fmt: skip
        assert second.returncode == 1
        assert "crawl refused: another run of this job is running (run 1, pid" in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        first.kill()
        first.wait()


def test_a_run_where_most_pages_fail_exits_non_zero(mirror, site_copy, tmp_path):
    shutil.rmtree(site_copy / "document")
    db = f"sqlite:///{tmp_path / 'a.db'}"
    result = crawl(mirror, db)
    assert result.returncode == 1
    assert (
        result.stderr.strip().splitlines()[-1]
        == f"crawl failed: {len(DOCUMENTS) + 2} of {len(DOCUMENTS) + 2} pages failed (run 1)"
    )
    assert query(db, "SELECT status FROM crawl_runs") == [("failed",)]


def test_since_skips_stored_documents_uploaded_before(mirror, tmp_path):
    db = f"sqlite:///{tmp_path / 'a.db'}"
    assert crawl(mirror, db, spider="catalog").returncode == 0
    cutoff = sorted(d["uploaded"] for d in DOCUMENTS)[-5]  # the five newest uploads and later
    mark = len(mirror.log)
    result = crawl(mirror, db, "-a", f"since={cutoff}", spider="catalog")
    assert result.returncode == 0, result.stderr[-2000:]
    fetched = {
        r.path
        for r in requests_since(mirror, mark)
        if r.path.startswith("/document/") and r.status != 301
    }
    assert fetched == {doc_path(d) for d in DOCUMENTS if d["uploaded"] >= cutoff}


def test_bad_since_is_a_usage_error(tmp_path):
    result = run_scrapy(
        "crawl",
        "catalog",
        "-a",
        "since=yesterday",
        "-s",
        f"DATABASE_URL=sqlite:///{tmp_path / 'a.db'}",
    )
    assert result.returncode == 2
    assert "-a since= takes a date YYYY-MM-DD, not 'yesterday'" in result.stderr
