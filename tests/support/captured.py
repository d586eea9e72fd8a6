"""Helpers of the captures tests: a crawl of the offline mirror with captures on, and `da`
as the real command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import PROJECT, run_scrapy

DA = Path(sys.executable).parent / "da"
TESTS = str(PROJECT / "tests")


def da(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(DA), *args], cwd=PROJECT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "LOG_LEVEL": "WARNING", **(env or {})}, check=False,
    )  # fmt: skip


def crawl(url: str, folder: Path, *settings: str) -> subprocess.CompletedProcess[str]:
    """`scrapy crawl collection` of the offline mirror into `url`, captures into `folder`
    (tests/support importable, for support.old_parser)."""
    result = run_scrapy(
        "crawl", "collection", "-s", "DA_OFFLINE=1", "-s", f"DATABASE_URL={url}", *settings,
        env={"DA_CAPTURES_DIR": str(folder), "PYTHONPATH": TESTS},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    return result
