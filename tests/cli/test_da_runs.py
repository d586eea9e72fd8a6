"""`da runs`: the last crawl runs with status, progress, counts, duration and reason, after
real crawls, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re

from conftest import DOCUMENTS, query, run_scrapy
from test_cli import da

from models import runs
from models.db import make_engine, prepare_database

FAILED_PAGES = 2  # the offline mirror's collection lists two pages that always fail


def test_the_run_row_holds_the_final_progress(crawled_db):
    total = len(DOCUMENTS) + FAILED_PAGES
    sql = "SELECT documents_done, documents_total, eta_at FROM crawl_runs"
    assert query(crawled_db, sql) == [(total, total, None)]


def test_da_runs_shows_the_crawl(capsys, crawled_db):
    code, out, err = da(capsys, "--db", crawled_db, "runs")
    assert code == 0, err
    title, row = out.splitlines()
    assert title == "# Crawl runs"
    cells = row.split("\t")
    [(started, new, failed, requests)] = query(
        crawled_db, "SELECT started_at, documents_new, failed, requests FROM crawl_runs"
    )
    total = len(DOCUMENTS) + FAILED_PAGES
    assert cells[:4] == ["1", "collection", "", "finished"]
    assert cells[4] == str(started)[:19].replace("T", " ")
    assert re.fullmatch(r"\d+:\d\d:\d\d", cells[5])
    assert cells[6] == f"{total}/{total} (100%)"
    assert cells[7:14] == [str(new), "0", "0", "0", str(failed), str(requests), ""]


def test_da_runs_json(capsys, crawled_db):
    code, out, _ = da(capsys, "--db", crawled_db, "runs", "--json")
    assert code == 0
    [run] = json.loads(out)
    assert run["status"] == "finished" and run["arguments"] == {}
    assert run["documents_done"] == run["documents_total"] == len(DOCUMENTS) + FAILED_PAGES
    assert run["percent_done"] == 100.0
    assert run["documents_new"] == len(DOCUMENTS) and run["reason"] is None


def test_a_failed_run_shows_its_reason_and_needs_no_documents(capsys, tmp_path):
    db = f"sqlite:///{tmp_path / 'a.db'}"
    result = run_scrapy(
        "crawl", "collection", "-a", "id=99999", "-s", "DA_OFFLINE=1", "-s", f"DATABASE_URL={db}"
    )
    assert result.returncode == 1
    code, out, err = da(capsys, "--db", db, "runs")
    assert code == 0, err
    cells = out.splitlines()[1].split("\t")
    assert cells[1:4] == ["collection", "id=99999", "failed"]
    [(reason,)] = query(db, "SELECT reason FROM crawl_runs")
    assert reason and cells[-1] == reason and "404" in reason


def test_a_running_run_shows_its_rate_and_eta(capsys, database_url):
    engine = prepare_database(database_url)
    try:
        old = runs.start_run(engine, "collection", {"id": "169"})
        runs.finish_run(engine, old.id, "finished", {}, {})
        run = runs.start_run(engine, "catalog", {"new_only": "1"})
        runs.heartbeat(engine, run.id, {"documents_new": 10}, runs.Progress(10, 40, 60.0))
    finally:
        engine.dispose()
    code, out, err = da(capsys, "--db", database_url, "runs", "--limit", "1")
    assert code == 0, err
    [row] = out.splitlines()[1:]
    cells = row.split("\t")
    assert cells[:4] == [str(run.id), "catalog", "new_only=1", "running"]
    assert re.fullmatch(
        r"10/40 \(25%\), [\d.]+/min, ETA \d{4}-\d\d-\d\d \d\d:\d\d:\d\d", cells[6]
    ), cells[6]


def test_da_runs_on_a_database_without_tables(capsys, tmp_path):
    db = f"sqlite:///{tmp_path / 'empty.db'}"
    make_engine(db).dispose()
    code, out, err = da(capsys, "--db", db, "runs")
    assert code == 2 and out == ""
    assert err.startswith("da runs: ") and "has no archive tables" in err
    assert len(err.splitlines()) == 1
