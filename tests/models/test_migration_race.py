"""Two first runs on one fresh database take turns on the migrations (issue 15): the second
waits (an advisory lock on PostgreSQL, an exclusive transaction on SQLite), then finds the
schema current. Real `scrapy crawl` processes, started together, several times over."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT, _postgres_database, query

JOBS = (["document", "-a", "id=113071"], ["document", "-a", "id=113019"])
ROUNDS = 3


def start(args: list[str], url: str) -> subprocess.Popen[str]:
    scrapy = Path(sys.executable).parent / "scrapy"
    return subprocess.Popen(
        [str(scrapy), "crawl", *args, "-s", "DA_OFFLINE=1", "-s", f"DATABASE_URL={url}"],
        cwd=PROJECT, env={**os.environ, "LOG_LEVEL": "ERROR"}, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


def race(url: str) -> None:
    processes = [start(args, url) for args in JOBS]
    outputs = [process.communicate(timeout=300) for process in processes]
    for process, (_, stderr) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, stderr[-3000:]
        assert "already exists" not in stderr
    assert query(url, "SELECT count(*) FROM documents") == [(2,)]
    assert query(url, "SELECT count(*) FROM alembic_version") == [(1,)]
    assert query(url, "SELECT status FROM crawl_runs") == [("finished",), ("finished",)]


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_first_runs_on_a_fresh_sqlite_file(tmp_path, round_):
    race(f"sqlite:///{tmp_path / 'archive.db'}")


@pytest.mark.postgres
@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_first_runs_on_a_fresh_postgresql_database(round_):
    databases = _postgres_database()  # CREATE DATABASE, dropped afterwards
    url = next(databases)
    try:
        race(url)
    finally:
        for _ in databases:
            pass
