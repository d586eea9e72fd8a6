"""RunExtension in process, on a real SQLite file: the crawl_runs row, the job lock, the
status a closed spider gets, the summary and progress lines, and the heartbeat."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, NotConfigured
from scrapy.utils.test import get_crawler
from sqlalchemy import select, update

from extensions.run import RunExtension, progress_line, summary_line
from items import RunStatus
from models.tables import CrawlRun
from spiders.collection import CollectionSpider

RUN_EXTENSION = {"extensions.run.RunExtension": 100}
UNREACHABLE = "postgresql+psycopg://u:secret@127.0.0.1:1/x"


def make_crawler(settings: dict, **spider_arguments) -> Crawler:
    crawler = get_crawler(CollectionSpider, {"EXTENSIONS": RUN_EXTENSION, **settings})
    crawler.spider = crawler._create_spider(**spider_arguments)
    crawler.stats.open_spider()
    return crawler


def extension_of(crawler: Crawler) -> RunExtension:
    run = crawler.get_extension(RunExtension)
    assert run is not None
    return run


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'archive.db'}"


@pytest.fixture
def crawler(database_url: str) -> Iterator[Crawler]:
    """A crawler of `scrapy crawl collection -a id=169` whose run has started."""
    crawler = make_crawler({"DATABASE_URL": database_url}, id="169")
    run = extension_of(crawler)
    run.spider_opened(crawler.spider)
    yield crawler
    if run.ticker is not None and run.ticker.running:
        run.ticker.stop()
    assert run.engine is not None
    run.engine.dispose()


def run_row(run: RunExtension):
    assert run.engine is not None
    with run.engine.connect() as conn:
        return conn.execute(select(CrawlRun).where(CrawlRun.id == run.run_id)).mappings().one()


def set_counts(crawler: Crawler, **counts: int) -> None:
    for name, value in counts.items():
        crawler.stats.set_value(f"archive/count/{name}", value)


# -- starting a run ---------------------------------------------------------------------------


def test_from_crawler_refuses_when_the_run_is_off():
    crawler = get_crawler(CollectionSpider, {"DA_RUN_ENABLED": False})
    with pytest.raises(NotConfigured):
        RunExtension.from_crawler(crawler)


def test_extension_is_off_in_a_crawler_with_the_run_disabled():
    crawler = make_crawler({"DA_RUN_ENABLED": False})
    assert crawler.get_extension(RunExtension) is None


def test_spider_opened_records_a_running_run_with_the_job_arguments(crawler):
    run = extension_of(crawler)
    row = run_row(run)
    assert (row["spider"], row["arguments"], row["status"]) == (
        "collection",
        {"id": "169"},
        "running",
    )
    assert row["job"] == 'collection {"id": "169"}'
    assert (row["host"], row["pid"]) == (socket.gethostname(), os.getpid())
    assert run.refused is None
    assert run.ticker is not None and run.ticker.running


def test_a_second_run_of_the_same_job_is_refused_while_the_first_runs(crawler, database_url):
    second = make_crawler({"DATABASE_URL": database_url}, id="169")
    run = extension_of(second)
    with pytest.raises(CloseSpider):
        run.spider_opened(second.spider)
    assert run.refused is not None
    assert run.refused.startswith(
        f"crawl refused: another run of this job is running (run {extension_of(crawler).run_id}, "
        f"pid {os.getpid()} on {socket.gethostname()}, started "
    )
    assert "\n" not in run.refused
    assert run.run is None and run.ticker is None
    assert run.outcome() == (None, None)


def test_another_job_is_not_locked_out(crawler, database_url):
    other = make_crawler({"DATABASE_URL": database_url}, id="170")
    run = extension_of(other)
    run.spider_opened(other.spider)
    assert run.refused is None and run.run_id != extension_of(crawler).run_id
    run.spider_closed(other.spider, "finished")


def test_an_unreachable_database_refuses_the_run_without_its_password():
    crawler = make_crawler({"DATABASE_URL": UNREACHABLE})
    run = extension_of(crawler)
    with pytest.raises(CloseSpider):
        run.spider_opened(crawler.spider)
    assert run.refused is not None
    assert run.refused.startswith(
        "crawl failed: database postgresql+psycopg://u:***@127.0.0.1:1/x unusable: "
    )
    assert "secret" not in run.refused
    assert "\n" not in run.refused


def test_a_refused_run_records_nothing_when_the_spider_closes(crawler, database_url, capsys):
    second = make_crawler({"DATABASE_URL": database_url}, id="169")
    run = extension_of(second)
    with pytest.raises(CloseSpider):
        run.spider_opened(second.spider)
    run.spider_closed(second.spider, "finished")
    assert capsys.readouterr().out == ""
    assert run_row(extension_of(crawler))["status"] == "running"  # the first run is untouched


# -- ending a run -----------------------------------------------------------------------------


def test_a_finished_run_records_its_counts_and_prints_the_summary(crawler, database_url, capsys):
    set_counts(crawler, collections=1, documents_new=2, documents_updated=1, documents_unchanged=3)
    set_counts(crawler, rejected=1, failed=1)
    crawler.stats.set_value("downloader/request_count", 9)
    crawler.stats.set_value("downloader/response_status_count/200", 5)
    crawler.stats.set_value("downloader/response_status_count/304", 3)
    crawler.stats.set_value("downloader/response_status_count/404", 1)
    run = extension_of(crawler)
    run.spider_closed(crawler.spider, "finished")
    assert capsys.readouterr().out == (
        "crawl finished: collections 1, documents 2 new / 1 updated / 3 unchanged, rejected 1, "
        f"failed 1; 9 requests (3 not modified) -> {database_url}\n"
    )
    row = run_row(run)
    assert (row["status"], row["reason"], row["finished_at"] is not None) == (
        "finished",
        None,
        True,
    )
    assert {k: row[k] for k in ("collections", "documents_new", "documents_updated")} == {
        "collections": 1,
        "documents_new": 2,
        "documents_updated": 1,
    }
    assert (row["requests"], row["responses_200"], row["responses_304"], row["responses_4xx"]) == (
        9,
        5,
        3,
        1,
    )
    assert row["stats"]["close_reason"] == "finished"
    assert crawler.stats.get_value("archive/run_status") == "finished"
    assert not run.ticker.running
    assert run.outcome() == (RunStatus.FINISHED, None)


@pytest.mark.parametrize(
    ("reason", "status", "why"),
    [
        ("shutdown", RunStatus.INTERRUPTED, "spider closed: shutdown"),
        ("cancelled", RunStatus.INTERRUPTED, "spider closed: cancelled"),
        ("closespider_errorcount", RunStatus.FAILED, "spider closed: closespider_errorcount"),
    ],
)
def test_close_reason_gives_the_run_status(crawler, capsys, reason, status, why):
    run = extension_of(crawler)
    run.spider_closed(crawler.spider, reason)
    assert (run.status, run.reason) == (status, why)
    assert (run_row(run)["status"], run_row(run)["reason"]) == (status.value, why)
    assert capsys.readouterr().out.startswith(f"crawl {status.value}: ")
    assert run.outcome() == (status, why)


@pytest.mark.parametrize(
    ("counts", "status", "why"),
    [
        pytest.param({"failed": 5, "documents_new": 4}, "failed", "5 of 9 pages failed", id="most"),
        pytest.param({"failed": 4}, "finished", None, id="fewer than five"),
        pytest.param({"failed": 5, "documents_new": 5}, "finished", None, id="exactly half"),
        pytest.param(
            {"failed": 5, "rejected": 1, "documents_unchanged": 3},
            "failed",
            "5 of 9 pages failed",
            id="rejected and unchanged are pages",
        ),
    ],
)
def test_a_run_where_too_many_pages_failed_has_failed(crawler, capsys, counts, status, why):
    set_counts(crawler, **counts)
    run = extension_of(crawler)
    run.spider_closed(crawler.spider, "finished")
    assert (run_row(run)["status"], run_row(run)["reason"]) == (status, why)
    assert capsys.readouterr().out.startswith(f"crawl {status}: ")


def test_the_failed_ratio_is_a_setting(database_url, capsys):
    crawler = make_crawler({"DATABASE_URL": database_url, "DA_MAX_FAILED_RATIO": 0.9})
    run = extension_of(crawler)
    run.spider_opened(crawler.spider)
    set_counts(crawler, failed=5, documents_new=4)
    run.spider_closed(crawler.spider, "finished")
    assert run_row(run)["status"] == "finished"


def test_a_run_never_closed_is_recorded_failed_by_outcome(crawler):
    run = extension_of(crawler)
    reason = "the crawl stopped before it could record its end"
    assert run.outcome() == (RunStatus.FAILED, reason)
    row = run_row(run)
    assert (row["status"], row["reason"], row["finished_at"] is not None) == (
        "failed",
        reason,
        True,
    )


# -- while a run runs -------------------------------------------------------------------------


def test_tick_beats_the_heart_and_writes_the_counts(crawler):
    run = extension_of(crawler)
    assert run.engine is not None
    long_ago = dt.datetime(2000, 1, 1)
    with run.engine.begin() as conn:
        conn.execute(
            update(CrawlRun).where(CrawlRun.id == run.run_id).values(heartbeat_at=long_ago)
        )
    set_counts(crawler, documents_new=4, failed=1)
    crawler.stats.set_value("downloader/request_count", 6)
    run.tick()
    row = run_row(run)
    assert row["heartbeat_at"] > long_ago
    assert (row["documents_new"], row["failed"], row["requests"], row["status"]) == (
        4,
        1,
        6,
        "running",
    )


def test_report_progress_logs_the_progress_line(crawler, caplog):
    run = extension_of(crawler)
    set_counts(crawler, documents_new=2)
    with caplog.at_level(logging.INFO, logger="extensions.run"):
        run.report_progress()
    assert any(r.getMessage().startswith("progress: 0 requests") for r in caplog.records)


def test_report_progress_with_a_total_says_done_of_total(crawler, caplog):
    run = extension_of(crawler)
    set_counts(crawler, documents_new=2)
    crawler.stats.set_value("archive/progress/total", 10)
    with caplog.at_level(logging.INFO, logger="extensions.run"):
        run.report_progress()
    assert any(r.getMessage().startswith("progress: 2/10 documents (20%)") for r in caplog.records)


def test_tick_only_beats_the_heart(crawler, caplog):
    with caplog.at_level(logging.INFO, logger="extensions.run"):
        extension_of(crawler).tick()
    assert not any(r.getMessage().startswith("progress:") for r in caplog.records)


# -- the lines --------------------------------------------------------------------------------


def test_summary_line_format():
    counts = Counter(
        collections=1, documents_new=48, documents_updated=0, documents_unchanged=0,
        rejected=0, failed=2, requests=98, responses_304=0,
    )  # fmt: skip
    assert summary_line(counts, RunStatus.FINISHED, "sqlite:///data/archive.db") == (
        "crawl finished: collections 1, documents 48 new / 0 updated / 0 unchanged, rejected 0, "
        "failed 2; 98 requests (0 not modified) -> sqlite:///data/archive.db"
    )


def test_summary_line_names_withdrawn_documents_when_there_are_some():
    line = summary_line(Counter(withdrawn=3, requests=5), RunStatus.FAILED, "db")
    assert line == (
        "crawl failed: collections 0, documents 0 new / 0 updated / 0 unchanged, rejected 0, "
        "failed 0, withdrawn 3; 5 requests (0 not modified) -> db"
    )


def test_progress_line_format():
    counts = {"requests": 30, "documents_new": 2, "documents_updated": 1, "documents_unchanged": 7}
    assert progress_line(counts | {"rejected": 1, "failed": 4}, 12.0) == (
        "progress: 30 requests (2.5/s), 10 documents checked (2 new, 1 updated), "
        "1 rejected, 4 failed"
    )


def test_progress_line_at_the_start():
    assert progress_line({}, 0.0) == (
        "progress: 0 requests (0.0/s), 0 documents checked (0 new, 0 updated), 0 rejected, 0 failed"
    )
