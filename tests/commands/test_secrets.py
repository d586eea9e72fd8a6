"""The database password never shows: not in Scrapy's log or ours, a LOG_FILE, stdout or
stderr, the crawl_runs and rejected_items rows, `da`'s output and errors; in each form a URL
carries it (userinfo percent-encoded, `?password=`, an unencoded `@`), on a reachable and on an
unreachable database."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT, query, run_scrapy
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url

from models import db, urls
from models.db import normalize_url, redact, safe_url, url_secrets

SECRETS = ("S3cr@tPw", "S3cr%40tPw", "S3cretPw", "Pa@ssw0rd", "Pa%40ssw0rd", "ssw0rd")


def with_password(url: str, form: str) -> str:
    """The test database's URL with a password in one of its forms (trust auth ignores it)."""
    parsed = make_url(url)
    where = f"{parsed.host}:{parsed.port}/{parsed.database}"
    return {
        "userinfo": f"postgresql+psycopg://{parsed.username}:S3cr%40tPw@{where}",
        "query": f"postgresql+psycopg://{parsed.username}@{where}?password=S3cretPw",
        "unencoded-at": f"postgresql+psycopg://{parsed.username}:Pa@ssw0rd@{where}",
    }[form]


FORMS = ["userinfo", "query", "unencoded-at"]


def assert_no_secret(*outputs: str) -> None:
    for output in outputs:
        for secret in SECRETS:
            assert secret not in output, output[-3000:]


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql+psycopg://u:S3cr%40tPw@h:5/d", "postgresql+psycopg://u:***@h:5/d"),
        ("postgresql+psycopg://u@h/d?password=S3cretPw", "postgresql+psycopg://u@h/d?password=***"),
        ("postgresql+psycopg://u:Pa@ssw0rd@h/d", "postgresql+psycopg://u:***@h/d"),
        ("postgresql://u:Pa@ss:w0@rd@h/d?sslmode=require&PASSWORD=x%2By", "postgresql://u:***@h/d?sslmode=require&PASSWORD=***"),
        ("sqlite:///data/archive.db", "sqlite:///data/archive.db"),
    ],
)  # fmt: skip
def test_safe_url_masks_every_form(url, shown):
    assert safe_url(url) == shown


def test_an_unencoded_at_belongs_to_the_password():
    parsed = make_url(normalize_url("postgresql+psycopg://u:Pa@ssw0rd@db.example:5432/d"))
    assert (parsed.username, parsed.password, parsed.host) == ("u", "Pa@ssw0rd", "db.example")
    assert {"Pa@ssw0rd", "Pa%40ssw0rd"} <= url_secrets("postgresql://u:Pa@ssw0rd@h/d")


def test_log_records_and_their_tracebacks_are_masked(monkeypatch):
    monkeypatch.setattr(urls, "_secrets", set())  # the passwords registered (models/urls.py)
    db.register_secrets("postgresql+psycopg://u:S3cr%40tPw@h/d")
    stream = []

    class Keep(logging.Handler):
        def emit(self, record):
            stream.append(self.format(record))

    logger = logging.getLogger("test_secrets")
    handler = Keep()
    logger.addHandler(handler)
    old = logging.getLogRecordFactory()
    try:
        db.install_log_redaction()
        try:
            raise RuntimeError("could not log in with S3cr@tPw")
        except RuntimeError:
            logger.exception("connecting to %s", "postgresql://u:S3cr%40tPw@h/d")
    finally:
        logging.setLogRecordFactory(old)
        logger.removeHandler(handler)
    assert stream and "RuntimeError" in stream[0]
    assert_no_secret(*stream)
    assert redact("a S3cr@tPw b S3cr%40tPw") == "a *** b ***"


def crawl_with(url: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    log = tmp_path / "crawl.log"
    result = run_scrapy(
        "crawl", "document", "-a", "id=113071", "-s", "DA_OFFLINE=1",
        "-s", f"DATABASE_URL={url}", "-s", f"LOG_FILE={log}", "-s", "LOG_LEVEL=DEBUG",
    )  # fmt: skip
    assert log.exists()
    assert_no_secret(result.stdout, result.stderr, log.read_text(encoding="utf-8"))
    return result


def every_value(url: str) -> str:
    """Every column of every row of crawl_runs and rejected_items, as text."""
    engine = create_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    values = []
    for table in ("crawl_runs", "rejected_items"):
        if table in tables:
            values += [repr(row) for row in query(url, f"SELECT * FROM {table}")]
    return "\n".join(values)


@pytest.mark.postgres
@pytest.mark.parametrize("form", FORMS)
def test_a_crawl_on_a_reachable_database_shows_no_password(postgres_url, form, tmp_path):
    url = with_password(postgres_url, form)
    result = crawl_with(url, tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "crawl finished" in result.stdout
    assert "***@" in result.stdout or "password=***" in result.stdout
    stored = every_value(postgres_url)
    assert stored  # the run's row was written
    assert_no_secret(stored)
    assert query(postgres_url, "SELECT count(*) FROM documents") == [(1,)]


@pytest.mark.postgres
@pytest.mark.parametrize("form", FORMS)
def test_a_crawl_on_an_unreachable_database_shows_no_password(postgres_url, form, tmp_path):
    url = with_password(postgres_url, form).replace(f":{make_url(postgres_url).port}/", ":1/")
    result = crawl_with(url, tmp_path)
    assert result.returncode == 1
    assert "crawl failed: database postgresql+psycopg://" in result.stderr
    assert "Traceback" not in result.stderr


def da(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).parent / "da"), *args],
        cwd=PROJECT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


@pytest.mark.postgres
@pytest.mark.parametrize("form", FORMS)
def test_da_shows_no_password(postgres_url, form, tmp_path):
    url = with_password(postgres_url, form)
    unreachable = url.replace(f":{make_url(postgres_url).port}/", ":1/")
    results = [da("--db", url, "stats"), da("--db", url, "db", "upgrade")]
    results += [da("--db", url, command) for command in ("stats", "runs", "search")]
    results += [da("--db", unreachable, command) for command in ("stats", "db", "search")]
    results.append(da("--db", url, "show", "1"))
    for result in results:
        assert "Traceback" not in result.stderr, result.stderr
        assert_no_secret(result.stdout, result.stderr)
    assert results[0].returncode == 2  # no archive tables yet: said without the password
    assert results[1].returncode == 0 and "is at the newest schema" in results[1].stdout
    assert all(r.returncode in (1, 2) for r in results[5:8])


def test_what_the_store_and_the_run_record_is_masked(tmp_path, monkeypatch):
    """A database error recorded for an item (models/documents.one_line) and a run's reason,
    arguments and stats (models/runs) hold no password."""
    from models import runs
    from models.documents import one_line

    monkeypatch.setattr(urls, "_secrets", set())  # the passwords registered (models/urls.py)
    db.register_secrets("postgresql://u:S3cr%40tPw@h/d")
    db.register_secrets("postgresql://u@h/d?password=S3cretPw")
    assert_no_secret(one_line(RuntimeError("login S3cr@tPw failed")))
    url = f"sqlite:///{tmp_path / 'x.db'}"
    engine = db.prepare_database(url)
    run = runs.start_run(engine, "document", {"url": "x S3cr@tPw"})
    runs.finish_run(
        engine, run.id, runs.RunStatus.FAILED, {}, {"error": "S3cr%40tPw"}, "why S3cretPw S3cr@tPw"
    )
    engine.dispose()
    stored = every_value(url)
    assert "***" in stored
    assert_no_secret(stored)
