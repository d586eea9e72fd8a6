"""The exit status tells the truth: 0 only when the run did what was asked; 1 when a start
page fails or nothing could be crawled; 2 for usage errors. One line, never a traceback."""

from __future__ import annotations

import pytest
from conftest import run_scrapy

LIVE = "https://digitalarchive.wilsoncenter.org"


def crawl(tmp_path, *args: str):
    return run_scrapy(
        "crawl", *args, "-s", "DA_OFFLINE=1", "-s", f"DATABASE_URL=sqlite:///{tmp_path / 'a.db'}",
        env={"LOG_LEVEL": "ERROR"},
    )  # fmt: skip


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["collection", "-a", "id=99999"],
            f"crawl failed: start page failed: HTTP 404: {LIVE}/collection/99999 (run 1)",
        ),
        (
            ["document", "-a", "url=/document/119999"],
            "crawl failed: start page failed: challenge page: title 'Just a moment...' "
            f"(after 3 retries): {LIVE}/document/119999 (run 1)",
        ),
        (
            ["document", "-a", "url=/blog-post/new-korean-war-documents-digitalarchiveorg"],
            "crawl failed: start page failed: not a Digital Archive page (no known markup): "
            f"{LIVE}/blog-post/new-korean-war-documents-digitalarchiveorg (run 1)",
        ),
        (
            ["collection", "-a", "url=https://example.com/document/1"],
            f"crawl failed: nothing to crawl: every start URL is off the configured host {LIVE}"
            " (DA_BASE_URL): https://example.com/document/1 (run 1)",
        ),
    ],
    ids=["404-start-page", "challenge-start-page", "unknown-start-page", "off-host"],
)
def test_a_run_that_could_not_start_exits_1(tmp_path, args, line):
    result = crawl(tmp_path, *args)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == line  # after Scrapy's own errors, if any
    assert "Traceback" not in result.stderr


def test_a_missing_offline_mirror_exits_1_before_any_request(tmp_path):
    missing = tmp_path / "nowhere"
    result = crawl(tmp_path, "document", "-a", "id=113071", "-s", f"DA_FIXTURES_DIR={missing}")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"crawl failed: nothing to crawl: the offline mirror's folder {missing} is missing "
        "(DA_OFFLINE=1; set DA_FIXTURES_DIR to fixtures/site of a checkout) (run 1)"
    ]
    assert "; 0 requests" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["catalog", "-a", "new_onyl=1"],
            "unknown argument 'new_onyl' (did you mean new_only?); "
            "catalog takes facet, new_only, revalidate, since",
        ),
        (
            ["collection", "-a", "ids=169"],
            "unknown argument 'ids' (did you mean id?); "
            "collection takes all, id, revalidate, since, url",
        ),
        (
            ["document", "-a", "colour=red"],
            "unknown argument 'colour'; document takes id, revalidate, since, url",
        ),
    ],
    ids=["typo", "plural", "unrelated"],
)
def test_an_unknown_argument_is_a_usage_error(tmp_path, args, message):
    result = crawl(tmp_path, *args)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == f"scrapy: error: {message}"
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "a.db").exists()  # refused before anything ran


def test_a_scheduler_argument_is_not_ours_to_refuse(tmp_path):
    """Scrapyd passes `-a _job=…`: arguments starting with "_" are the scheduler's."""
    result = crawl(tmp_path, "document", "-a", "id=113071", "-a", "_job=abc")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "crawl finished: collections 0, documents 1 new" in result.stdout
