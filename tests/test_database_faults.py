"""The database is allowed to fail (issue 15): PostgreSQL stopped and restarted mid-crawl,
an outage longer than DA_DB_OUTAGE_MAX, and a full disk, on 2,000 documents over loopback.
After any of them the database plus the spool hold every document the crawl fetched, and the
summary counts what the database holds."""

from __future__ import annotations

import json
import re
import subprocess
import threading
import time
from pathlib import Path

import pytest
from conftest import query
from support import pg
from support.faults import archive_site, crawl, start_crawl

SETTINGS = ("-s", "DA_FLUSH_INTERVAL=0.5", "-s", "DA_BATCH_SIZE=50")
STOP_AT = 600  # documents served before the fault

needs_cluster = pytest.mark.skipif(bool(pg.unavailable()), reason=str(pg.unavailable()))


def spooled_documents(folder: Path) -> set[str]:
    ids = set()
    for path in folder.glob("*.jsonl"):
        for line in path.read_text().splitlines()[1:]:
            record = json.loads(line)
            if record["kind"] == "document":
                ids.add(record["item"]["record_id"])
    return ids


def record_ids(database: str) -> set[str]:
    return {r for (r,) in query(database, "SELECT record_id FROM documents")}


def served_ids(archive) -> set[str]:
    return {archive.docs[archive.by_slug[slug]]["record_id"] for slug in archive.served}


def new_in_summary(stdout: str) -> int:
    return int(re.search(r"documents (\d+) new", stdout).group(1))


@needs_cluster
@pytest.mark.parametrize("outage", [1.5, 30])
def test_a_postgresql_outage_pauses_the_crawl_and_loses_nothing(tmp_path, outage):
    spool = tmp_path / "spool"
    with pg.throwaway_cluster() as cluster, archive_site() as (archive, base):
        reached = threading.Event()
        archive.on_document = lambda n: n >= STOP_AT and reached.set()
        process = start_crawl(base, cluster.url, *SETTINGS, "-s", f"DA_SPOOL_DIR={spool}")
        assert reached.wait(300)
        cluster.stop()
        time.sleep(outage)  # the outage's length: the fault itself, not a wait for a condition
        cluster.start()
        stdout, stderr = process.communicate(timeout=600)
        assert process.returncode == 0, stderr[-3000:]
        assert "database unavailable" in stderr and "database back after" in stderr
        assert record_ids(cluster.url) == served_ids(archive)
        assert len(served_ids(archive)) == 2000
        assert not list(spool.glob("*.jsonl"))
        assert new_in_summary(stdout) == 2000
        assert query(cluster.url, "SELECT status, documents_new FROM crawl_runs") == [
            ("finished", 2000)
        ]


@needs_cluster
def test_an_outage_longer_than_the_limit_spools_and_the_next_run_stores_the_spool(tmp_path):
    spool = tmp_path / "spool"
    with pg.throwaway_cluster() as cluster, archive_site() as (archive, base):
        reached = threading.Event()
        archive.on_document = lambda n: n >= STOP_AT and reached.set()
        args = (*SETTINGS, "-s", f"DA_SPOOL_DIR={spool}", "-s", "DA_DB_OUTAGE_MAX=2")
        process = start_crawl(base, cluster.url, *args)
        assert reached.wait(300)
        cluster.stop()
        stdout, stderr = process.communicate(timeout=600)  # it gives up while the server is down
        assert process.returncode == 1, stderr[-3000:]
        assert re.search(r"database unavailable for \d+ s .*; \d+ items spooled to ", stderr)
        fetched = served_ids(archive)
        cluster.start()
        stored = record_ids(cluster.url)
        kept = spooled_documents(spool)
        assert kept and stored | kept == fetched  # the database plus the spool: every one
        assert new_in_summary(stdout) == len(stored)  # only what was committed
        again = crawl(base, cluster.url, *args)
        assert again.returncode == 0, again.stderr[-3000:]
        assert "items spooled by an earlier run" in again.stderr
        assert not list(spool.glob("*.jsonl"))
        assert len(record_ids(cluster.url)) == 2000


def test_a_full_disk_stops_the_run_with_counts_equal_to_the_rows_stored(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1536k", "tmpfs", str(disk)],
                             capture_output=True, text=True, check=False)  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.strip()}")
    try:
        database = f"sqlite:///{disk / 'archive.db'}"
        spool = tmp_path / "spool"
        with archive_site() as (archive, base):
            result = crawl(base, database, *SETTINGS, "-s", f"DA_SPOOL_DIR={spool}")
        assert result.returncode == 1, result.stderr[-3000:]
        assert "database failed" in result.stderr and "disk is full" in result.stderr
        assert result.stderr.count("Traceback") == 0
        stored = record_ids(database)
        assert 0 < len(stored) < 2000
        assert new_in_summary(result.stdout) == len(stored)
        assert served_ids(archive) <= stored | spooled_documents(spool)
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)
