"""Crawl runs: the record of each run, the lock between runs of one job, and resuming.

A job is a spider with its arguments. At most one run of a job is `running` on a database
(a partial unique index enforces it). A run whose process is gone (killed, machine restarted)
is found stale, marked `interrupted`, and the next run of the same job resumes it: what the
interrupted run committed is not fetched again.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import IntegrityError

from items import RunStatus
from models.db import redact, redact_value
from models.tables import CrawlRun, FetchState, table_of, utcnow

runs = table_of(CrawlRun)
fetch_state = table_of(FetchState)
COUNT_COLUMNS = (
    "collections",
    "documents_new",
    "documents_updated",
    "documents_unchanged",
    "rejected",
    "failed",
    "requests",
    "responses_200",
    "responses_304",
    "responses_4xx",
    "responses_5xx",
    "browser_loads",
)
STALE_AFTER = dt.timedelta(minutes=15)  # no heartbeat for this long: the run is gone
# With the run's heartbeat interval known (DA_FLUSH_INTERVAL), a run is gone once it missed
# this many heartbeats (and at least STALE_MINIMUM passed), whatever its pid says: a pid is
# reused after a reboot or by another process, a heartbeat is not.
STALE_HEARTBEATS = 30
STALE_MINIMUM = dt.timedelta(minutes=2)


def stale_after(heartbeat_interval: float | None = None) -> dt.timedelta:
    """How long without a heartbeat a running run's lock lasts."""
    if heartbeat_interval is None or heartbeat_interval <= 0:
        return STALE_AFTER
    return max(STALE_HEARTBEATS * dt.timedelta(seconds=heartbeat_interval), STALE_MINIMUM)


@dataclass(frozen=True)
class Progress:
    """How far a run is: documents done (stored, rejected or failed) of the total the spider
    expects, if it knows one, after `elapsed` seconds."""

    done: int
    total: int | None
    elapsed: float

    @property
    def per_second(self) -> float:
        return self.done / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def percent(self) -> float | None:
        return 100 * self.done / self.total if self.total else None

    @property
    def eta_seconds(self) -> float | None:
        """Seconds left at the pace so far; None without a total or a pace."""
        if not self.total or not self.per_second:
            return None
        return max(self.total - self.done, 0) / self.per_second

    def columns(self) -> dict[str, Any]:
        eta = self.eta_seconds
        return {
            "documents_done": self.done,
            "documents_total": self.total,
            "eta_at": utcnow() + dt.timedelta(seconds=eta) if eta is not None else None,
        }


class JobLocked(RuntimeError):
    """Another run of the same job is running on this database."""


@dataclass(frozen=True)
class Run:
    id: int
    job: str
    resumed_from: int | None


def job_key(spider: str, arguments: dict[str, Any]) -> str:
    return f"{spider} {json.dumps(arguments, sort_keys=True, ensure_ascii=False)}"


def start_run(
    engine: Engine,
    spider: str,
    arguments: dict[str, Any],
    heartbeat_interval: float | None = None,
) -> Run:
    """Record a new running run, taking the job's lock; resume an interrupted previous run.
    A running run of the job whose heartbeat is older than `stale_after(heartbeat_interval)`,
    or whose process on this host is gone, is marked interrupted and its lock taken over."""
    arguments = redact_value(arguments)
    job = job_key(spider, arguments)
    expiry = stale_after(heartbeat_interval)
    host, pid = socket.gethostname(), os.getpid()
    with engine.begin() as conn:
        for row in conn.execute(
            select(runs).where(runs.c.job == job, runs.c.status == RunStatus.RUNNING.value)
        ).mappings():
            if not _is_stale(row, host, expiry):
                raise JobLocked(
                    f"another run of this job is running (run {row['id']}, pid {row['pid']} on "
                    f"{row['host']}, started {row['started_at']:%Y-%m-%d %H:%M:%S} UTC)"
                )
            conn.execute(
                update(runs)
                .where(runs.c.id == row["id"])
                .values(
                    status=RunStatus.INTERRUPTED.value, finished_at=utcnow(), reason="process gone"
                )
            )
        previous = conn.execute(
            select(runs.c.id, runs.c.status)
            .where(runs.c.job == job)
            .order_by(runs.c.id.desc())
            .limit(1)
        ).first()
        resumed_from = (
            previous.id if previous and previous.status == RunStatus.INTERRUPTED else None
        )
        now = utcnow()
        try:
            run_id = conn.execute(
                runs.insert()
                .values(
                    spider=spider,
                    arguments=arguments,
                    job=job,
                    status=RunStatus.RUNNING.value,
                    started_at=now,
                    heartbeat_at=now,
                    host=host,
                    pid=pid,
                    resumed_from=resumed_from,
                )
                .returning(runs.c.id)
            ).scalar_one()
        except IntegrityError:  # a run of the job started between our check and insert
            raise JobLocked("another run of this job started at the same moment") from None
    return Run(run_id, job, resumed_from)


def _is_stale(row: Any, host: str, expiry: dt.timedelta = STALE_AFTER) -> bool:
    """A running run is gone when its heartbeat is older than `expiry` (whatever its pid:
    the pid of a dead run may have been reused), or sooner when it ran on this host and its
    process no longer exists."""
    heartbeat = row["heartbeat_at"] or row["started_at"]
    if utcnow() - heartbeat > expiry:
        return True
    if row["host"] == host and row["pid"]:
        try:
            os.kill(row["pid"], 0)
        except ProcessLookupError:
            return True
        except PermissionError:  # alive, another user's
            return False
    return False


def done_urls(engine: Engine, run: Run) -> set[str]:
    """URLs that the interrupted runs this run resumes have committed (followed back)."""
    chain = []
    with engine.connect() as conn:
        run_id = run.resumed_from
        while run_id is not None and run_id not in chain:
            chain.append(run_id)
            run_id = conn.execute(
                select(runs.c.resumed_from).where(
                    runs.c.id == run_id, runs.c.status == RunStatus.INTERRUPTED.value
                )
            ).scalar()
        if not chain:
            return set()
        return set(
            conn.execute(
                select(fetch_state.c.url).where(fetch_state.c.crawl_run_id.in_(chain))
            ).scalars()
        )


def heartbeat(
    engine: Engine, run_id: int, counts: dict[str, int], progress: Progress | None = None
) -> None:
    progress_columns = progress.columns() if progress else {}
    with engine.begin() as conn:
        conn.execute(
            update(runs)
            .where(runs.c.id == run_id)
            .values(
                heartbeat_at=utcnow(),
                **{k: counts.get(k, 0) for k in COUNT_COLUMNS},
                **progress_columns,
            )
        )


def finish_run(
    engine: Engine,
    run_id: int,
    status: RunStatus,
    counts: dict[str, int],
    stats: dict[str, Any],
    reason: str | None = None,
    progress: Progress | None = None,
) -> None:
    progress_columns = progress.columns() | {"eta_at": None} if progress else {}
    with engine.begin() as conn:
        conn.execute(
            update(runs)
            .where(runs.c.id == run_id)
            .values(
                status=RunStatus(status).value,
                finished_at=utcnow(),
                stats=redact_value(stats),
                reason=redact(reason) if reason else reason,
                **{k: counts.get(k, 0) for k in COUNT_COLUMNS},
                **progress_columns,
            )
        )


def run_outcome(engine: Engine, run_id: int) -> tuple[RunStatus, str | None]:
    with engine.connect() as conn:
        row = conn.execute(select(runs.c.status, runs.c.reason).where(runs.c.id == run_id)).one()
    return RunStatus(row.status), row.reason
