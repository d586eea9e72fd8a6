"""Unattended runs: no console listening, and an operator the archive can reach."""

from __future__ import annotations

import pytest
from conftest import run_scrapy
from support.mirror import serve_in_thread

CONSOLES = ("Remote control HTTP server listening", "Telnet console listening")


def offline_crawl(tmp_path, *settings: str):
    return run_scrapy(
        "crawl", "document", "-a", "id=113071", "-s", "DA_OFFLINE=1",
        "-s", f"DATABASE_URL=sqlite:///{tmp_path / 'a.db'}", *settings,
        env={"LOG_LEVEL": "INFO"},
    )  # fmt: skip


def test_a_crawl_opens_no_console(tmp_path):
    result = offline_crawl(tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    for console in CONSOLES:
        assert console not in result.stderr


@pytest.mark.parametrize(
    ("setting", "console"),
    [("REMOTE_CONTROL_ENABLED=1", CONSOLES[0]), ("TELNETCONSOLE_ENABLED=1", CONSOLES[1])],
)
def test_a_setting_opens_one_for_debugging(tmp_path, setting, console):
    result = offline_crawl(tmp_path, "-s", setting)
    assert result.returncode == 0, result.stderr[-2000:]
    assert console in result.stderr


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (
            ["-s", "DA_CONTACT=ops@example.org"],
            "wilson-archive-harvester/0.1 (+https://github.com/wilson-archive-harvester/"
            "wilson-archive-harvester; ops@example.org)",
        ),
        (
            [],
            "wilson-archive-harvester/0.1 (+https://github.com/wilson-archive-harvester/"
            "wilson-archive-harvester)",
        ),
        (["-s", "DA_CONTACT=ops@example.org", "-s", "USER_AGENT=custom/1"], "custom/1"),
    ],
    ids=["contact", "no-contact", "explicit-user-agent"],
)
def test_every_request_names_the_operator(tmp_path, settings, expected):
    server, base_url = serve_in_thread()
    try:
        result = run_scrapy(
            "crawl", "document", "-a", "id=113071", "-s", f"DA_BASE_URL={base_url}",
            "-s", f"DATABASE_URL=sqlite:///{tmp_path / 'a.db'}", *settings,
        )  # fmt: skip
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr[-2000:]
    agents = {entry.user_agent for entry in server.log}
    assert agents == {expected}
    assert len(server.log) >= 2  # robots.txt and the document (and its redirect)
