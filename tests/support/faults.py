"""The fault harness: bench/mirror.py's synthetic archive (the current site's real markup,
2,000 documents by default) served on loopback in a thread, with scripted faults, and the
real `scrapy crawl` run against it. Bounded: every crawl has a timeout and stops by itself."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.mirror import Archive, serve

PROJECT = Path(__file__).resolve().parents[2]


@contextmanager
def archive_site(documents: int = 2000, **faults: Any) -> Iterator[tuple[Archive, str]]:
    """(the archive, its base URL) while it is served."""
    archive = Archive(documents, **faults)
    server = serve(archive, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield archive, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _command(base_url: str, database: str, spider: str, args: tuple[str, ...]) -> list[str]:
    scrapy = Path(sys.executable).parent / "scrapy"
    return [str(scrapy), "crawl", spider, "-s", f"DA_BASE_URL={base_url}",
            "-s", f"DATABASE_URL={database}", "-s", "DA_PROGRESS_BAR=0", *args]  # fmt: skip


def _env(env: dict[str, str] | None) -> dict[str, str]:
    return {**os.environ, "LOG_LEVEL": "WARNING", **(env or {})}


def crawl(
    base_url: str, database: str, *args: str, spider: str = "catalog", timeout: int = 600,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """`scrapy crawl SPIDER` against the archive (no delays: a loopback base URL)."""
    return subprocess.run(
        _command(base_url, database, spider, args), cwd=PROJECT, env=_env(env),
        capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip


def start_crawl(
    base_url: str, database: str, *args: str, spider: str = "catalog",
    env: dict[str, str] | None = None,
) -> subprocess.Popen[str]:  # fmt: skip
    """The same crawl, started in the background (for faults injected while it runs)."""
    return subprocess.Popen(
        _command(base_url, database, spider, args), cwd=PROJECT, env=_env(env),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
