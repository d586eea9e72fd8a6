"""Harvesting through a JavaScript check with a real browser (DA_BROWSER, spiders/browser.py):
a loopback server that only lets in a client that runs its script (tests/support/jscheck.py),
Debian's Chromium driven by scrapy-playwright, and real `scrapy crawl` runs."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import DOCUMENTS, PROJECT, SHARED_REAL, SITE, query, run_scrapy
from sqlalchemy import create_engine
from support.jscheck import serve_check_in_thread
from support.mirror import FixtureSite

from spiders.browser import BrowserState, Clearance

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None and os.environ.get("TEST_REQUIRE_BROWSER"):
    raise RuntimeError("TEST_REQUIRE_BROWSER is set but no Chromium is installed")
needs_browser = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium here (apt-get install chromium)"
)
ALWAYS_FAILING = 2  # the mirror's 404 page and its static challenge page fail in every crawl


@pytest.fixture
def gate():
    servers = []

    def start(root: Path = SITE, **options):
        server, base_url, checks = serve_check_in_thread(
            FixtureSite(root, real_mtimes=True), **options
        )
        servers.append(server)
        return base_url, checks

    yield start
    for server in servers:
        server.shutdown()


def crawl(
    base_url: str, tmp_path: Path, *args: str, spider: str = "collection", mode: str = "auto"
):
    return run_scrapy(
        "crawl", spider, *args, "-s", f"DA_BASE_URL={base_url}",
        "-s", f"DATABASE_URL=sqlite:///{tmp_path / 'a.db'}", "-s", f"DA_BROWSER={mode}",
        "-s", f"DA_BROWSER_STATE={tmp_path / 'browser-state.json'}", "-s", "DA_BROWSER_TIMEOUT=3",
        env={"LOG_LEVEL": "INFO"},
    )  # fmt: skip


def browser_loads(tmp_path: Path) -> int:
    [(loads,)] = query(
        f"sqlite:///{tmp_path / 'a.db'}",
        "SELECT browser_loads FROM crawl_runs ORDER BY id DESC LIMIT 1",
    )
    return loads


@needs_browser
def test_auto_passes_the_check_once_and_stores_every_page(gate, tmp_path):
    base_url, checks = gate(uses=1000)
    result = crawl(base_url, tmp_path, "-O", str(tmp_path / "feed.jsonl"))
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"documents {len(DOCUMENTS)} new" in result.stdout
    # One solve for the site; the mirror's static challenge page takes one more, and fails.
    assert browser_loads(tmp_path) <= 2
    assert checks.passed >= len(DOCUMENTS)
    state = tmp_path / "browser-state.json"
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    # The clearance is a credential: in the state file only.
    tokens = [
        c["value"] for h in json.loads(state.read_text())["hosts"].values() for c in h["cookies"]
    ]
    assert tokens
    engine = create_engine(f"sqlite:///{tmp_path / 'a.db'}")
    with engine.connect() as conn:
        dump = "\n".join(conn.connection.dbapi_connection.iterdump())
    engine.dispose()
    for token in tokens:
        for text in (result.stdout, result.stderr, dump, (tmp_path / "feed.jsonl").read_text()):
            assert token not in text


@needs_browser
def test_a_clearance_that_expires_is_earned_again(gate, tmp_path):
    base_url, _ = gate(uses=40)
    result = crawl(base_url, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"documents {len(DOCUMENTS)} new" in result.stdout
    [(requests,)] = query(f"sqlite:///{tmp_path / 'a.db'}", "SELECT requests FROM crawl_runs")
    # At most one solve per clearance (each admits 40 requests), plus the static challenge page.
    assert 2 <= browser_loads(tmp_path) <= requests // 40 + 2


@needs_browser
def test_the_saved_clearance_serves_the_next_run_over_plain_http(gate, tmp_path):
    base_url, checks = gate(uses=1000)
    assert crawl(base_url, tmp_path).returncode == 0
    challenges = checks.challenges
    result = crawl(base_url, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert browser_loads(tmp_path) <= 1  # only the mirror's static challenge page
    assert checks.challenges - challenges <= 2


@needs_browser
def test_off_records_the_challenged_pages_as_failed(gate, tmp_path):
    base_url, _ = gate()
    result = crawl(base_url, tmp_path, mode="off")
    assert result.returncode == 1
    assert query(f"sqlite:///{tmp_path / 'a.db'}", "SELECT count(*) FROM documents") == [(0,)]
    assert browser_loads(tmp_path) == 0
    assert "Traceback" not in result.stderr


@needs_browser
def test_an_interactive_check_is_recorded_and_the_operator_told(gate, tmp_path):
    base_url, _ = gate(interactive=True)
    result = crawl(base_url, tmp_path, "-a", "id=169")
    assert result.returncode == 1
    reasons = query(f"sqlite:///{tmp_path / 'a.db'}", "SELECT DISTINCT reason FROM rejected_items")
    assert ("interactive challenge",) in reasons or any(
        "interactive challenge" in r for (r,) in reasons
    )
    assert "-s DA_BROWSER_HEADED=1" in result.stderr
    assert browser_loads(tmp_path) <= 1  # a person is needed: not tried again
    assert "Traceback" not in result.stderr


@needs_browser
@pytest.mark.skipif(not SHARED_REAL.exists(), reason="../shared/site/real/ not present")
def test_a_real_captured_page_behind_the_check(gate, tmp_path):
    root = tmp_path / "site"
    (root / "document").mkdir(parents=True)
    shutil.copy(SITE / "robots.txt", root / "robots.txt")
    shutil.copy(SHARED_REAL / "document-aide-memoire-meeting-hamdi-o-mouknass.html",
                root / "document" / "aide-memoire-meeting-hamdi-o-mouknass.html")  # fmt: skip
    base_url, _ = gate(root)
    result = crawl(
        base_url,
        tmp_path,
        "-a",
        "url=/document/aide-memoire-meeting-hamdi-o-mouknass",
        spider="document",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert query(f"sqlite:///{tmp_path / 'a.db'}", "SELECT record_id, source FROM documents") == [
        (
            "118508",
            "S-0878-0001-05, United Nations Archives and Management Section. Obtained for CWIHP by Charles Kraus.",
        )
    ]
    assert browser_loads(tmp_path) == 1


def test_always_without_a_browser_fails_at_once(tmp_path):
    result = run_scrapy("crawl", "collection", "-s", "DA_BASE_URL=http://127.0.0.1:9", "-s", "DA_BROWSER=always",
                        "-s", "DA_BROWSER_PATH=/nonexistent/chromium", "-s", f"DATABASE_URL=sqlite:///{tmp_path / 'a.db'}")  # fmt: skip
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .startswith("crawl failed: DA_BROWSER=always but no Chromium")
    )


def test_a_bad_mode_is_a_usage_error(tmp_path):
    result = run_scrapy("crawl", "collection", "-s", "DA_BROWSER=sometimes", "-s", "DA_OFFLINE=1")
    assert result.returncode == 2
    assert "DA_BROWSER must be off, auto or always, not 'sometimes'" in result.stderr
    assert "Traceback" not in result.stderr


def harvester_chromiums() -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if b"--da-harvester" in (proc / "cmdline").read_bytes():
                    found.append(int(proc.name))
            except OSError:
                continue
    return found


@needs_browser
def test_sigterm_leaves_no_chromium_behind(gate, tmp_path):
    base_url, _ = gate()
    scrapy = Path(sys.executable).parent / "scrapy"
    process = subprocess.Popen(
        [str(scrapy), "crawl", "collection", "-s", f"DA_BASE_URL={base_url}", "-s", "DA_BROWSER=always",
         "-s", f"DATABASE_URL=sqlite:///{tmp_path / 'a.db'}", "-s", "DOWNLOAD_DELAY=0.5",
         "-s", f"DA_BROWSER_STATE={tmp_path / 'state.json'}"],
        cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not harvester_chromiums() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.1)
    assert harvester_chromiums(), "the browser never started"
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=120)
    deadline = time.monotonic() + 10
    while harvester_chromiums() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert harvester_chromiums() == []


def test_the_state_file_is_private_and_round_trips(tmp_path):
    state = BrowserState(tmp_path / "sub" / "state.json")
    state.hosts["example.org"] = Clearance(
        "UA/1", [{"name": "cf_clearance", "value": "t", "domain": ".example.org", "expires": -1}]
    )
    state.save()
    assert stat.S_IMODE((tmp_path / "sub" / "state.json").stat().st_mode) == 0o600
    again = BrowserState(tmp_path / "sub" / "state.json")
    assert again.hosts["example.org"].cookie_header("www.example.org") == "cf_clearance=t"
    assert again.hosts["example.org"].cookie_header("example.com") == ""


def test_expired_cookies_are_not_sent():
    clearance = Clearance("UA", [{"name": "a", "value": "1", "domain": "h", "expires": time.time() - 10},
                                 {"name": "b", "value": "2", "domain": "h", "expires": time.time() + 100}])  # fmt: skip
    assert clearance.cookie_header("h") == "b=2"


@needs_browser
def test_max_solves_bounds_the_browser(gate, tmp_path):
    """DA_BROWSER_MAX_SOLVES=1: one solve, then the pages the site challenges again fail."""
    base_url, _ = gate(uses=30)
    result = crawl(base_url, tmp_path, "-s", "DA_BROWSER_MAX_SOLVES=1")
    assert result.returncode == 1  # most pages could not be fetched: the run failed
    assert browser_loads(tmp_path) == 1
    [(stored,)] = query(f"sqlite:///{tmp_path / 'a.db'}", "SELECT count(*) FROM documents")
    assert 0 < stored < len(DOCUMENTS)
    assert "Traceback" not in result.stderr


XVFB = shutil.which("xvfb-run")


@needs_browser
@pytest.mark.skipif(
    XVFB is None and not os.environ.get("TEST_REQUIRE_BROWSER"),
    reason="no xvfb-run here (apt-get install xvfb)",
)
def test_headed_opens_a_real_window(gate, tmp_path):
    """DA_BROWSER_HEADED=1, on a (virtual) display: the browser runs with a window."""
    base_url, _ = gate(uses=1000)
    scrapy = Path(sys.executable).parent / "scrapy"
    process = subprocess.Popen(
        [str(XVFB), "-a", str(scrapy), "crawl", "collection", "-a", "id=169", "-s", f"DA_BASE_URL={base_url}",
         "-s", "DA_BROWSER=auto", "-s", "DA_BROWSER_HEADED=1", "-s", "DA_BROWSER_TIMEOUT=3",
         "-s", f"DATABASE_URL=sqlite:///{tmp_path / 'a.db'}", "-s", f"DA_BROWSER_STATE={tmp_path / 's.json'}"],
        cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    command_lines = set()
    while process.poll() is None:
        for pid in harvester_chromiums():
            with contextlib.suppress(OSError):  # it may have ended meanwhile
                command_lines.add(Path(f"/proc/{pid}/cmdline").read_bytes())
        time.sleep(0.05)
    out, err = process.communicate()
    assert process.returncode == 0, err[-3000:]
    assert f"documents {len(DOCUMENTS)} new" in out
    assert command_lines and not any(b"--headless" in line for line in command_lines)
