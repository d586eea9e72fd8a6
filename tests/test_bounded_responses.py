"""Bounded responses (issue 15): a response over DOWNLOAD_MAXSIZE is refused, decompressed
size included, within bounded memory; the page is recorded in rejected_items with a reason
naming the limit, and the run goes on with the other pages. Real `scrapy crawl` runs against
a loopback catalog whose one document URL answers a gzip bomb (~300 KB inflating to 300 MB)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT, query
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.utils.project import get_project_settings
from support.hostile import Answer, Catalog, HostileSite, gzip_bomb, gzipped, serve

from spiders.middlewares import too_large_reason

# The child's peak resident memory, measured by a wrapper process of its own (RUSAGE_CHILDREN
# of the wrapper covers the crawl and nothing else the test runner started).
WRAPPER = """
import resource, subprocess, sys
result = subprocess.run(sys.argv[2:])
with open(sys.argv[1], "w") as out:
    out.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(result.returncode)
"""
MAX_RSS_KB = 350 * 1024
MAXSIZE = 32 * 1024 * 1024


def crawl_measured(tmp_path: Path, base_url: str, db: str, *settings: str):
    """`scrapy crawl catalog` in a subprocess: (result, the crawl's peak RSS in KB)."""
    scrapy = Path(sys.executable).parent / "scrapy"
    rss = tmp_path / "maxrss"
    command = [
        sys.executable, "-c", WRAPPER, str(rss), str(scrapy), "crawl", "catalog", "-s", f"DA_BASE_URL={base_url}",
        "-s", f"DATABASE_URL={db}", "-s", "DA_PROGRESS_BAR=0", *settings,
    ]  # fmt: skip
    result = subprocess.run(
        command, cwd=PROJECT, env={**os.environ, "LOG_LEVEL": "WARNING"},
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    return result, int(rss.read_text())


def test_a_gzip_bomb_is_refused_within_bounded_memory_and_the_run_goes_on(tmp_path):
    catalog = Catalog(3)
    site = HostileSite(catalog.routes())
    bomb = gzip_bomb()
    assert len(bomb) < 400 * 1024  # ~300 KB on the wire for 300 MB inflated
    site.routes[catalog.path(1)] = gzipped(bomb)
    db = f"sqlite:///{tmp_path / 'a.db'}"
    with serve(site) as base:
        result, max_rss_kb = crawl_measured(tmp_path, base, db)

    assert result.returncode == 0, result.stderr[-3000:]
    assert max_rss_kb < MAX_RSS_KB, f"peak memory {max_rss_kb / 1024:.0f} MB"
    stored = {r for (r,) in query(db, "SELECT record_id FROM documents")}
    assert stored == {catalog.record_id(0), catalog.record_id(2)}
    assert query(db, "SELECT url, outcome, reason FROM rejected_items") == [
        (
            base + catalog.path(1),
            "rejected",
            f"response too large: over DOWNLOAD_MAXSIZE ({MAXSIZE} B) decompressed",
        )
    ]
    assert site.log.count(catalog.path(1)) == 1  # refused, not retried
    assert "2 new" in result.stdout and "rejected 1, failed 0" in result.stdout


@pytest.mark.parametrize("content_length", [True, False], ids=["announced", "received"])
def test_a_plain_response_over_the_limit_is_refused(tmp_path, content_length):
    catalog = Catalog(2)
    site = HostileSite(catalog.routes())
    page = catalog.document_page(1)
    big = page.replace("</body>", "<!--" + "x" * 300_000 + "--></body>").encode()
    site.routes[catalog.path(1)] = Answer(big, content_length=content_length)
    db = f"sqlite:///{tmp_path / 'a.db'}"
    with serve(site) as base:
        result, _ = crawl_measured(tmp_path, base, db, "-s", "DOWNLOAD_MAXSIZE=200000")

    assert result.returncode == 0, result.stderr[-3000:]
    assert query(db, "SELECT record_id FROM documents") == [(catalog.record_id(0),)]
    assert query(db, "SELECT url, outcome, reason FROM rejected_items") == [
        (base + catalog.path(1), "rejected", "response too large: over DOWNLOAD_MAXSIZE (200000 B)")
    ]


def test_the_limits_are_set_and_can_be_overridden():
    settings = get_project_settings()
    assert settings.getint("DOWNLOAD_MAXSIZE") == MAXSIZE
    assert settings.getint("DOWNLOAD_WARNSIZE") == 8 * 1024 * 1024
    script = "from scrapy.utils.project import get_project_settings as g; "
    script += "print(g().getint('DOWNLOAD_MAXSIZE'))"
    env = {**os.environ, "DOWNLOAD_MAXSIZE": "1000"}
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT, env=env, capture_output=True, text=True
    )
    assert out.stdout.strip() == "1000", out.stderr


def test_size_refusals_have_a_stable_reason():
    inflating = IgnoreRequest(
        "Ignored response <200 http://x/d> because its body (307 B compressed, 33554433 B"
        " decompressed so far) exceeded DOWNLOAD_MAXSIZE (33554432 B) during decompression."
    )
    assert too_large_reason(inflating, MAXSIZE) == (
        "response too large: over DOWNLOAD_MAXSIZE (33554432 B) decompressed"
    )
    announced = Exception(
        "Expected to receive 300100 bytes which is larger than download max size (200000)"
        " in request <GET http://x/d>."
    )
    assert too_large_reason(announced, MAXSIZE) == (
        "response too large: over DOWNLOAD_MAXSIZE (200000 B)"
    )
    received = DownloadCancelledError("")  # the download cut off past the limit
    assert too_large_reason(received, 1000) == "response too large: over DOWNLOAD_MAXSIZE (1000 B)"
    assert too_large_reason(IgnoreRequest("Forbidden by robots.txt"), MAXSIZE) is None
    assert too_large_reason(None, MAXSIZE) is None
