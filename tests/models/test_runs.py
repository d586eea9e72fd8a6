"""Crawl runs: the per-job lock, stale runs, resuming, and the record of each run."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import select, text, update

from items import HttpInfo, RunStatus
from models import runs
from models.db import make_engine, upgrade
from models.store import ArchiveStore
from models.tables import CrawlRun


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
