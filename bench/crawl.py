"""Crawl benchmarks on the synthetic mirror (bench/mirror.py, its own process): our crawler
against the baselines B0 and B1, re-crawls, fault injection, kill -9 and resume (parse
throughput: bench/parse.py). Each function returns the figures that go into
bench/results/latest.json."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SCRAPY = str(Path(PYTHON).parent / "scrapy")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def mirror(
    documents: int, *options: str, manifest: Path | None = None, port: int | None = None
) -> Iterator[str]:
    """Start bench/mirror.py in its own process; yields its base URL. Re-crawls reuse the
    port: page URLs (and so the stored download links) must not change with it."""
    port = port or free_port()
    command = [
        PYTHON,
        "-m",
        "bench.mirror",
        "--documents",
        str(documents),
        "--port",
        str(port),
        *options,
    ]
    if manifest is not None:
        command += ["--manifest", str(manifest)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()  # "ready …" once it listens
        if not line.startswith("ready"):
            raise RuntimeError(f"the mirror did not start: {line!r}")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait()


def served(base: str, reset: bool = False) -> dict[str, int]:
    with urllib.request.urlopen(f"{base}/{'__reset' if reset else '__stats'}") as response:
        return json.loads(response.read())


def measured(command: list[str]) -> dict[str, Any]:
    """Wall, CPU and peak RSS of a command (bench/measure.py runs it as its only child)."""
    result = subprocess.run([PYTHON, "-m", "bench.measure", "--", *command], cwd=ROOT, capture_output=True,
                            text=True, check=True)  # fmt: skip
    return json.loads(result.stdout)


def ours(base: str, database: str, *settings: str, spider: str = "catalog") -> list[str]:
    command = [SCRAPY, "crawl", spider, "-s", f"DA_BASE_URL={base}", "-s", f"DATABASE_URL=sqlite:///{database}",
               "-s", "LOG_LEVEL=ERROR"]  # fmt: skip
    for setting in settings:
        command += ["-s", setting]
    return command


def crawl_run(base: str, command: list[str]) -> dict[str, Any]:
    served(base, reset=True)
    run = measured(command)
    traffic = served(base)
    pages = traffic["requests"]
    return {
        "pages": pages,
        "bytes": traffic["bytes"],
        "wall_s": round(run["wall_s"], 2),
        "pages_per_s": round(pages / run["wall_s"], 1),
        "cpu_ms_per_page": round(1000 * run["cpu_s"] / max(pages, 1), 2),
        "peak_rss_mb": round(run["peak_rss_mb"], 1),
        "returncode": run["returncode"],
        "document_pages": traffic["document_pages"],
    }


def db_rows(database: str, sql: str) -> list[tuple]:
    with contextlib.closing(sqlite3.connect(database)) as db:
        return db.execute(sql).fetchall()


def cold(documents: int, baseline_documents: int, folder: Path) -> dict[str, Any]:
    """Our crawl from an empty database, and the baselines on (a sample of) the same mirror."""
    results: dict[str, Any] = {}
    with mirror(documents) as base:
        results["ours"] = crawl_run(base, ours(base, str(folder / "ours.db")))
        results["ours"]["documents"] = db_rows(
            str(folder / "ours.db"), "SELECT count(*) FROM documents"
        )[0][0]
        results["ours"]["items_per_s"] = round(
            results["ours"]["documents"] / results["ours"]["wall_s"], 1
        )
        # The lean crawler (baseline L) on the same mirror and size: the floor of CPU per page.
        results["lean"] = crawl_run(
            base, [PYTHON, "-m", "bench.baseline_lean", base, str(folder / "lean.db")]
        )
    # The baselines are slow by design: they are measured on a mirror of `baseline_documents`.
    with mirror(baseline_documents) as base:
        results["b0"] = crawl_run(
            base, [PYTHON, "-m", "bench.baseline_b0", base, str(folder / "b0.db")]
        )
        results["b1"] = crawl_run(
            base, [PYTHON, "-m", "bench.baseline_b1", base, str(folder / "b1.db")]
        )
    for name in ("lean", "b0", "b1"):
        stored = db_rows(str(folder / f"{name}.db"), "SELECT count(*) FROM documents")[0][0]
        results[name]["documents"] = stored
        results[name]["items_per_s"] = round(stored / results[name]["wall_s"], 1)
    return results


def recrawl(documents: int, folder: Path) -> dict[str, Any]:
    """A no-change re-crawl, then one where 1% of the documents changed, on the cold database."""
    database = str(folder / "ours.db")
    results = {}
    port = free_port()
    with mirror(documents, port=port) as base:
        first = crawl_run(base, ours(base, database))  # (the cold crawl, again, if it was not kept)
        before = db_rows(database, "SELECT count(*) FROM document_revisions")[0][0]
        same = crawl_run(base, ours(base, database))
        written = db_rows(
            database,
            "SELECT documents_new + documents_updated FROM crawl_runs ORDER BY id DESC LIMIT 1",
        )[0][0]
        results["no_change"] = same | {"rows_written": written, "bytes_ratio": round(same["bytes"] / first["bytes"], 4),
                                       "revisions_added": db_rows(database, "SELECT count(*) FROM document_revisions")[0][0] - before}  # fmt: skip
    with mirror(documents, "--generation", "2", "--mutate", "1", port=port) as base:
        changed = crawl_run(base, ours(base, database))
        written = db_rows(
            database,
            "SELECT documents_new + documents_updated FROM crawl_runs ORDER BY id DESC LIMIT 1",
        )[0][0]
        results["one_percent_changed"] = changed | {
            "rows_written": written,
            "bytes_ratio": round(changed["bytes"] / first["bytes"], 4),
        }
    return results


def faults(documents: int, share: float, folder: Path) -> dict[str, Any]:
    """A cold crawl through seeded faults, checked against the mirror's manifest."""
    database, manifest = str(folder / f"faults-{share}.db"), folder / f"manifest-{share}.jsonl"
    with mirror(documents, "--faults", str(share), "--hang-s", "4", manifest=manifest) as base:
        run = crawl_run(base, ours(base, database, "DOWNLOAD_TIMEOUT=2", "RETRY_TIMES=3"))
    truth = [json.loads(line) for line in manifest.read_text().splitlines()]
    stored = {
        r[0]: r[1:]
        for r in db_rows(database, "SELECT record_id, title, source, text FROM documents")
    }
    recorded = {
        url.rsplit("/", 1)[-1] for (url,) in db_rows(database, "SELECT url FROM rejected_items")
    }
    lost = [t for t in truth if t["record_id"] not in stored and t["slug"] not in recorded]
    partial = [t for t in truth if t["record_id"] in stored and (
        stored[t["record_id"]][0] != t["title"] or stored[t["record_id"]][1] != t["source"] or not stored[t["record_id"]][2])]  # fmt: skip
    duplicates = db_rows(database, "SELECT count(*) - count(DISTINCT record_id) FROM documents")[0][
        0
    ]
    return {"p": share, "documents": len(truth), "stored": len(stored), "recorded_failed": len(recorded),
            "lost": len(lost), "partial": len(partial), "duplicates": duplicates, "wall_s": run["wall_s"],
            "pages": run["pages"]}  # fmt: skip


def resume(documents: int, folder: Path) -> dict[str, Any]:
    """kill -9 at about 30% of the documents, then the same command again."""
    database = str(folder / "resume.db")
    with mirror(documents) as base:
        served(base, reset=True)
        command = ours(base, database, "DA_BATCH_SIZE=20", "DA_FLUSH_INTERVAL=1")
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and served(base)["document_pages"] < 0.3 * documents:
            time.sleep(0.2)  # polling the mirror's counter; the benchmark, not a test
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        committed = db_rows(database, "SELECT count(*) FROM documents")[0][0]
        first_fetches = served(base)["document_pages"]
        served(base, reset=True)
        finish = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        second_fetches = served(base)["document_pages"]
    stored = db_rows(database, "SELECT count(*) FROM documents")[0][0]
    # Fetched again although done: what the second run fetched beyond what was still missing.
    duplicate = max(0, second_fetches - (documents - committed))
    return {"killed_after_fetches": first_fetches, "committed_before_kill": committed, "complete": stored == documents,
            "stored": stored, "duplicate_fetches": duplicate, "duplicate_fetch_ratio": round(duplicate / documents, 4),
            "returncode": finish.returncode}  # fmt: skip


def scale(documents: int, folder: Path) -> dict[str, Any]:
    """Our cold crawl at a larger size, for the memory trend (peak RSS should not grow)."""
    database = str(folder / f"scale-{documents}.db")
    with mirror(documents) as base:
        run = crawl_run(base, ours(base, database))
    return {"documents": documents, "peak_rss_mb": run["peak_rss_mb"], "pages_per_s": run["pages_per_s"],
            "cpu_ms_per_page": run["cpu_ms_per_page"]}  # fmt: skip
