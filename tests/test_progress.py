"""The progress line: done / total, percentage, rate and ETA, at a fixed interval."""

from __future__ import annotations

import re

from conftest import DOCUMENTS, run_scrapy

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
