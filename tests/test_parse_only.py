"""`DA_RUN_ENABLED=0`: a crawl without a database (the run extension and the store are off)."""

from __future__ import annotations

import json

from conftest import run_scrapy


def test_a_parse_only_run_writes_the_feed_and_no_database(tmp_path):
    database = tmp_path / "never.db"
    feed = tmp_path / "items.jsonl"
    result = run_scrapy(
        "crawl", "document", "-a", "id=113071", "-s", "DA_OFFLINE=1", "-s", "DA_RUN_ENABLED=0",
        "-s", f"DATABASE_URL=sqlite:///{database}", "-O", str(feed),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    [item] = [json.loads(line) for line in feed.read_text().splitlines()]
    assert item["record_id"] == "113071"
    assert item["date_start"] == "1951-08-27" and item["sender"]  # the pipelines ran
    assert not database.exists()
    assert "crawl finished" not in result.stdout  # no run, so no run summary
