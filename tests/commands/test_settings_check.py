"""Bad settings and URLs (issue 15): one line on stderr and exit 2 before anything runs, never
a traceback or a hang (DA_BASE_URL=ftp://… used to hang for 16 minutes)."""

from __future__ import annotations

import pytest
from conftest import run_scrapy


def crawl(tmp_path, *settings: str):
    args = ["crawl", "document", "-a", "id=113071", "-s", "DA_OFFLINE=1"]
    if not any(s.startswith("DATABASE_URL=") for s in settings):
        args += ["-s", f"DATABASE_URL=sqlite:///{tmp_path / 'a.db'}"]
    for setting in settings:
        args += ["-s", setting]
    return run_scrapy(*args, env={"LOG_LEVEL": "ERROR"}, timeout=120)


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("DA_BASE_URL=ftp://example.com/", "DA_BASE_URL must be an http:// or https:// URL with a host, not 'ftp://example.com/'"),
        ("DA_BASE_URL=http://", "DA_BASE_URL must be an http:// or https:// URL with a host, not 'http://'"),
        ("DA_BASE_URL=digitalarchive.wilsoncenter.org", "DA_BASE_URL must be an http:// or https:// URL with a host, not 'digitalarchive.wilsoncenter.org'"),
        ("DA_BASE_URL=https://host:port/", "DA_BASE_URL must be an http:// or https:// URL with a host, not 'https://host:port/'"),
        ("DA_BATCH_SIZE=abc", "DA_BATCH_SIZE must be a whole number, not 'abc'"),
        ("DA_BATCH_SIZE=2.5", "DA_BATCH_SIZE must be a whole number, not '2.5'"),
        ("DA_FLUSH_INTERVAL=x", "DA_FLUSH_INTERVAL must be a number, not 'x'"),
        ("DOWNLOAD_DELAY=soon", "DOWNLOAD_DELAY must be a number, not 'soon'"),
        ("DA_OFFLINE=maybe", "DA_OFFLINE must be true or false (1/0), not 'maybe'"),
        ("DATABASE_URL=nonsense", "DATABASE_URL cannot be parsed: 'nonsense' (expected sqlite:///FILE or postgresql+psycopg://USER:PASSWORD@HOST/DATABASE)"),
        ("DATABASE_URL=postgresql+psycopg://u:pw@h:port/d", "DATABASE_URL cannot be parsed: 'postgresql+psycopg://u:***@h:port/d' (expected sqlite:///FILE or postgresql+psycopg://USER:PASSWORD@HOST/DATABASE)"),
        ("DATABASE_URL=mysql://u:secret99@h/d", "DATABASE_URL names an unsupported database 'mysql': use sqlite:///FILE or postgresql+psycopg://USER:PASSWORD@HOST/DATABASE"),
    ],
)  # fmt: skip
def test_a_bad_setting_is_one_line_and_exit_2(tmp_path, setting, message):
    result = crawl(tmp_path, setting)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [f"scrapy: error: {message}"]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "a.db").exists()  # refused before anything ran


def test_an_unreachable_database_is_one_line_and_exit_1(tmp_path):
    result = crawl(tmp_path, "DATABASE_URL=postgresql+psycopg://u:secret99@127.0.0.1:1/d")
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(
        "crawl failed: database postgresql+psycopg://u:***@127.0.0.1:1/d unusable: "
    )
    assert "Traceback" not in result.stderr and "secret99" not in result.stderr


def test_good_settings_pass(tmp_path):
    result = crawl(
        tmp_path,
        "DA_BATCH_SIZE=5",
        "DA_FLUSH_INTERVAL=0.5",
        "DA_BASE_URL=https://digitalarchive.wilsoncenter.org",
    )
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.mark.parametrize(
    ("name", "value", "kind"),
    [("DA_BATCH_SIZE", "lots", "a whole number"), ("DA_FLUSH_INTERVAL", "x", "a number"),
     ("DA_DB_OUTAGE_MAX", "forever", "a number"), ("DOWNLOAD_MAXSIZE", "big", "a whole number")],
)  # fmt: skip
def test_a_bad_number_from_the_environment_is_one_line_too(tmp_path, name, value, kind):
    result = run_scrapy(
        "crawl", "document", "-a", "id=113071", "-s", "DA_OFFLINE=1",
        "-s", f"DATABASE_URL=sqlite:///{tmp_path / 'a.db'}",
        env={"LOG_LEVEL": "ERROR", name: value}, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [f"scrapy: error: {name} must be {kind}, not {value!r}"]
