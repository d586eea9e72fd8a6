"""Shared test fixtures: the fixture data, real databases, and running a real `scrapy crawl`."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from fixtures import build  # the mirror's generator, and the data it writes the pages from

PROJECT = Path(__file__).resolve().parent.parent
SITE = PROJECT / "fixtures" / "site"
CASES = PROJECT / "fixtures" / "cases"
SHARED_REAL = PROJECT.parent / "shared" / "site" / "real"

DOCUMENTS = build.load_documents()

# The crawls tests run write their captures (extensions/captures.py) here, not into the
# project's data/captures; a test that looks at them sets DA_CAPTURES_DIR itself.
if "DA_CAPTURES_DIR" not in os.environ:
    os.environ["DA_CAPTURES_DIR"] = tempfile.mkdtemp(prefix="da-test-captures-")
    atexit.register(shutil.rmtree, os.environ["DA_CAPTURES_DIR"], True)


def postgres_admin_url() -> str | None:
    return os.environ.get("TEST_POSTGRES_URL")


def _postgres_database() -> Iterator[str]:
    """A fresh, empty database on the test PostgreSQL server, dropped afterwards."""
    admin_url = postgres_admin_url()
    if not admin_url:
        if os.environ.get("TEST_REQUIRE_POSTGRES"):
            pytest.fail("TEST_POSTGRES_URL is not set but TEST_REQUIRE_POSTGRES is")
        pytest.skip("no PostgreSQL server (set TEST_POSTGRES_URL)")
    name = f"da_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each storage test runs on a real SQLite file and on a real PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'archive.db'}"
    else:
        yield from _postgres_database()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    yield from _postgres_database()


def run_scrapy(
    *args: str, cwd: Path = PROJECT, env: dict[str, str] | None = None, timeout: int = 300
) -> subprocess.CompletedProcess[str]:
    """Run the real `scrapy` command of the project's environment in a subprocess."""
    scrapy = Path(sys.executable).parent / "scrapy"
    full_env = {**os.environ, "LOG_LEVEL": "WARNING", **(env or {})}
    return subprocess.run(
        [str(scrapy), *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def query(database_url: str, sql: str) -> list[tuple]:
    """The rows a SQL query returns, through a short-lived engine."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql))]
    finally:
        engine.dispose()


def fixture_html(relative: str) -> str:
    return (SITE / relative).read_text(encoding="utf-8")


def live_url(path: str) -> str:
    return f"https://digitalarchive.wilsoncenter.org{path}"


def page_path(doc: dict) -> str:
    """A fixture document's page, relative to fixtures/site/."""
    if doc["generation"] == "legacy":
        return f"document/{doc['record_id']}.html"
    return f"document/{doc['slug']}.html"


def page_url(doc: dict) -> str:
    return live_url("/" + page_path(doc).removesuffix(".html"))


def expected_document(doc: dict) -> dict:
    """What the parser gives for a fixture document: its case's stored expected.json
    (fixtures/cases/<generation>_document/<record id>/, refreshed by `make fixtures`)."""
    case = CASES / f"{doc['generation']}_document" / doc["record_id"]
    return json.loads((case / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def crawled_db(request, tmp_path_factory) -> Iterator[str]:
    """A database holding the offline crawl (`make crawl`), on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('crawled') / 'archive.db'}"
        databases = iter([url])
    else:
        databases = _postgres_database()
        url = next(databases)
    result = run_scrapy("crawl", "collection", "-s", "DA_OFFLINE=1", "-s", f"DATABASE_URL={url}")
    assert result.returncode == 0, result.stderr[-2000:]
    yield url
    for _ in databases:  # drops the PostgreSQL database
        pass
