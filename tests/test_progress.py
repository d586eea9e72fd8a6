"""The progress line: done / total, percentage, rate and ETA, at a fixed interval."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

from conftest import DOCUMENTS, PROJECT, run_scrapy

from extensions.run import progress_line

PROGRESS = re.compile(
    r"progress: (\d+)/(\d+) documents \((\d+)%\), [\d.]+ documents/s, ETA ([\d:]+|unknown); "
)


def test_progress_line_with_a_total():
    counts = {"documents_new": 30, "documents_unchanged": 10, "failed": 2, "rejected": 3,
              "requests": 60}  # fmt: skip
    line = progress_line(counts, elapsed=90.0, total=180)
    assert line.startswith(
        "progress: 45/180 documents (25%), 0.5 documents/s, ETA 0:04:30; 40 checked (30 new, "
        "0 updated), 3 rejected, 2 failed, 60 requests"
    )


def test_progress_line_before_anything_is_done():
    assert "ETA unknown" in progress_line({}, elapsed=10.0, total=99)


def test_a_crawl_reports_done_of_total_while_it_runs(tmp_path):
    """The catalog's count line gives the total from the first page; the line comes every
    DA_PROGRESS_INTERVAL seconds (here 50 ms, with a delay so that the crawl lasts)."""
    result = run_scrapy(
        "crawl", "catalog", "-s", "DA_OFFLINE=1", "-s", f"DATABASE_URL=sqlite:///{tmp_path / 'a.db'}",
        "-s", "DA_PROGRESS_INTERVAL=0.05", "-s", "DOWNLOAD_DELAY=0.02", "-s", "CONCURRENT_REQUESTS=1",
        env={"LOG_LEVEL": "INFO"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    lines = [PROGRESS.search(line) for line in result.stderr.splitlines()]
    reports = [(int(m[1]), int(m[2]), int(m[3])) for m in lines if m]
    assert len(reports) >= 3
    assert {total for _, total, _ in reports} == {len(DOCUMENTS)}
    done = [d for d, _, _ in reports]
    assert done == sorted(done) and done[-1] > done[0]
    assert all(pct == round(100 * d / len(DOCUMENTS)) for d, _, pct in reports)


def crawl_on_a_terminal(tmp_path, *settings: str) -> str:
    """`scrapy crawl collection` with a pseudo-terminal as stdout and stderr: what a person at
    the shell sees (ANSI codes and all)."""
    primary, secondary = pty.openpty()
    scrapy = Path(sys.executable).parent / "scrapy"
    command = [str(scrapy), "crawl", "collection", "-s", "DA_OFFLINE=1",
               "-s", f"DATABASE_URL=sqlite:///{tmp_path / 'a.db'}", "-s", "DOWNLOAD_DELAY=0.01",
               "-s", "CONCURRENT_REQUESTS=1", "-s", "DA_PROGRESS_INTERVAL=0.05", *settings]  # fmt: skip
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "200", "LOG_LEVEL": "INFO"}
    process = subprocess.Popen(command, cwd=PROJECT, env=env, stdin=subprocess.DEVNULL,
                               stdout=secondary, stderr=secondary)  # fmt: skip
    os.close(secondary)
    output = bytearray()
    while True:  # until the crawl exits and the terminal closes (EIO)
        try:
            chunk = os.read(primary, 65536)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    os.close(primary)
    assert process.wait(timeout=300) == 0, output.decode(errors="replace")[-3000:]
    return output.decode("utf-8", errors="replace")


def test_on_a_terminal_the_progress_is_a_bar(tmp_path):
    output = crawl_on_a_terminal(tmp_path)
    total = len(DOCUMENTS) + 2  # the collection lists two pages that always fail
    assert "━" in output  # rich's bar
    assert f"{total}/{total}" in output and "100%" in output
    assert "documents/s, ETA" in output
    assert not PROGRESS.search(output)  # the bar instead of the progress line
    assert "Spider opened" in output  # log lines still print, above the bar
    assert "crawl finished: collections 1, documents 48 new" in output
    assert "Traceback" not in output


def test_the_bar_can_be_turned_off(tmp_path):
    output = crawl_on_a_terminal(tmp_path, "-s", "DA_PROGRESS_BAR=0")
    assert "━" not in output
    assert PROGRESS.search(output)
