"""Crawl runs: the per-job lock, stale runs, resuming, and the record of each run."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from sqlalchemy import select, text, update

from items import HttpInfo, RunStatus
from models import runs
from models.db import make_engine, upgrade
from models.store import ArchiveStore
from models.tables import CrawlRun, utcnow


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def status_of(engine, run_id: int) -> str:
    with engine.connect() as conn:
        return conn.execute(select(CrawlRun.status).where(CrawlRun.id == run_id)).scalar_one()


def dead_pid() -> int:
    """The pid of a process that has exited."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_second_run_of_the_same_job_is_refused(engine):
    first = runs.start_run(engine, "collection", {"id": "169"})
    with pytest.raises(
        runs.JobLocked, match=f"another run of this job is running \\(run {first.id}"
    ):
        runs.start_run(engine, "collection", {"id": "169"})


def test_other_jobs_are_not_locked_out(engine):
    runs.start_run(engine, "collection", {"id": "169"})
    runs.start_run(engine, "collection", {"id": "170"})
    runs.start_run(engine, "catalog", {})


def test_a_finished_run_releases_the_lock(engine):
    first = runs.start_run(engine, "catalog", {})
    runs.finish_run(engine, first.id, RunStatus.FINISHED, {"documents_new": 2}, {"x": 1})
    second = runs.start_run(engine, "catalog", {})
    assert second.resumed_from is None
    assert runs.run_outcome(engine, first.id) == ("finished", None)


def test_a_killed_run_is_found_stale_and_resumed(engine):
    killed = runs.start_run(engine, "catalog", {"new_only": "1"})
    with engine.begin() as conn:  # as if its process had died (kill -9)
        conn.execute(update(CrawlRun).where(CrawlRun.id == killed.id).values(pid=dead_pid()))
    resumed = runs.start_run(engine, "catalog", {"new_only": "1"})
    assert status_of(engine, killed.id) == "interrupted"
    assert resumed.resumed_from == killed.id


def test_resume_skips_what_the_interrupted_runs_committed(engine):
    store = ArchiveStore(engine)
    first = runs.start_run(engine, "catalog", {})
    store.fetch_state.save([HttpInfo(200, ["https://x/document/1"])], first.id)
    runs.finish_run(engine, first.id, RunStatus.INTERRUPTED, {}, {}, "spider closed: shutdown")
    second = runs.start_run(engine, "catalog", {})
    store.fetch_state.save([HttpInfo(200, ["https://x/document/2"])], second.id)
    runs.finish_run(engine, second.id, RunStatus.INTERRUPTED, {}, {}, "spider closed: shutdown")
    third = runs.start_run(engine, "catalog", {})
    assert runs.done_urls(engine, third) == {"https://x/document/1", "https://x/document/2"}


def test_a_run_after_a_finished_one_resumes_nothing(engine):
    first = runs.start_run(engine, "catalog", {})
    runs.finish_run(engine, first.id, RunStatus.FINISHED, {}, {})
    assert runs.done_urls(engine, runs.start_run(engine, "catalog", {})) == set()


def test_counts_and_reason_are_recorded(engine):
    run = runs.start_run(engine, "collection", {"id": "169"})
    counts = {"documents_new": 3, "rejected": 1, "requests": 9, "responses_304": 4}
    runs.finish_run(
        engine, run.id, "failed", counts, {"close_reason": "finished"}, "6 of 9 pages failed"
    )
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT status, reason, documents_new, rejected, requests, responses_304, job FROM crawl_runs"
            )
        ).one()
    assert tuple(row) == ("failed", "6 of 9 pages failed", 3, 1, 9, 4, 'collection {"id": "169"}')


def run_row(engine, run_id: int):
    with engine.connect() as conn:
        return conn.execute(select(CrawlRun.__table__).where(CrawlRun.id == run_id)).one()


def test_the_heartbeat_writes_the_progress_figures(engine):
    run = runs.start_run(engine, "catalog", {})
    before = utcnow()
    runs.heartbeat(engine, run.id, {"documents_new": 9, "failed": 1}, runs.Progress(10, 40, 5.0))
    row = run_row(engine, run.id)
    assert (row.documents_new, row.failed) == (9, 1)
    assert (row.documents_done, row.documents_total) == (10, 40)
    # 10 documents in 5 s: the 30 left take 15 s more.
    assert before + dt.timedelta(seconds=14) <= row.eta_at <= utcnow() + dt.timedelta(seconds=16)


def test_without_a_total_there_is_no_eta(engine):
    run = runs.start_run(engine, "catalog", {})
    runs.heartbeat(engine, run.id, {}, runs.Progress(3, None, 5.0))
    row = run_row(engine, run.id)
    assert (row.documents_done, row.documents_total, row.eta_at) == (3, None, None)


def test_a_finished_run_keeps_done_and_total_and_drops_the_eta(engine):
    run = runs.start_run(engine, "catalog", {})
    runs.heartbeat(engine, run.id, {}, runs.Progress(10, 40, 5.0))
    runs.finish_run(engine, run.id, RunStatus.FINISHED, {}, {}, None, runs.Progress(40, 40, 20.0))
    row = run_row(engine, run.id)
    assert (row.documents_done, row.documents_total, row.eta_at) == (40, 40, None)


@pytest.mark.parametrize(
    ("done", "total", "elapsed", "percent", "eta"),
    [(0, 100, 10.0, 0.0, None), (25, 100, 10.0, 25.0, 30.0), (120, 100, 10.0, 120.0, 0.0),
     (5, None, 10.0, None, None), (5, 0, 10.0, None, None), (5, 10, 0.0, 50.0, None)],
)  # fmt: skip
def test_progress_figures(done, total, elapsed, percent, eta):
    progress = runs.Progress(done, total, elapsed)
    assert progress.percent == percent
    assert progress.eta_seconds == eta
