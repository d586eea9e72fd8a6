"""A job's lock expires with its heartbeat (issue 15): a dead run whose pid was reused (here:
the pid of this very process, alive) no longer holds the job once its heartbeat is stale."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from sqlalchemy import select, update

from items import RunStatus
from models import runs
from models.db import prepare_database
from models.tables import utcnow


@pytest.fixture
def engine(database_url):
    engine = prepare_database(database_url)
    yield engine
    engine.dispose()


def age_heartbeat(engine, run_id: int, seconds: float) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(runs.runs)
            .where(runs.runs.c.id == run_id)
            .values(heartbeat_at=utcnow() - dt.timedelta(seconds=seconds))
        )


def status(engine, run_id: int) -> str:
    with engine.connect() as conn:
        return conn.execute(select(runs.runs.c.status).where(runs.runs.c.id == run_id)).scalar_one()


def test_a_live_pid_with_a_stale_heartbeat_does_not_keep_the_lock(engine):
    holder = runs.start_run(engine, "document", {"id": "1"})  # this process: pid alive
    age_heartbeat(engine, holder.id, runs.STALE_AFTER.total_seconds() + 60)
    run = runs.start_run(engine, "document", {"id": "1"})
    assert status(engine, holder.id) == RunStatus.INTERRUPTED
    assert run.resumed_from == holder.id


def test_a_live_pid_with_a_fresh_heartbeat_keeps_the_lock(engine):
    holder = runs.start_run(engine, "document", {"id": "1"})
    age_heartbeat(engine, holder.id, 60)
    with pytest.raises(runs.JobLocked, match=f"pid {os.getpid()}"):
        runs.start_run(engine, "document", {"id": "1"})
    assert status(engine, holder.id) == RunStatus.RUNNING


@pytest.mark.parametrize(
    ("interval", "age", "stale"),
    [
        (10.0, 290, False),
        (10.0, 310, True),
        (1.0, 100, False),
        (1.0, 130, True),
        (None, 800, False),
    ],
)
def test_the_lock_lasts_a_multiple_of_the_heartbeat_interval(engine, interval, age, stale):
    """30 heartbeats (DA_FLUSH_INTERVAL), at least 2 minutes; 15 minutes when not told."""
    holder = runs.start_run(engine, "document", {"id": "1"})
    age_heartbeat(engine, holder.id, age)
    if stale:
        runs.start_run(engine, "document", {"id": "1"}, heartbeat_interval=interval)
        assert status(engine, holder.id) == RunStatus.INTERRUPTED
    else:
        with pytest.raises(runs.JobLocked):
            runs.start_run(engine, "document", {"id": "1"}, heartbeat_interval=interval)


def test_stale_after():
    assert runs.stale_after(10) == dt.timedelta(minutes=5)
    assert runs.stale_after(0.5) == runs.STALE_MINIMUM
    assert runs.stale_after(None) == runs.STALE_AFTER
