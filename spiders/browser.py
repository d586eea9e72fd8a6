"""A real browser for pages behind a JavaScript check: scrapy-playwright driving Chromium.

`DA_BROWSER`:
- `off`: plain HTTP only; a challenge page is retried with backoff, then recorded as failed.
- `auto` (the default for the live site; `off` for the bundled mirror and loopback servers):
  plain HTTP first. When a response is a challenge (a 403/503 with `cf-mitigated: challenge`,
  or the challenge markup spiders/pages/detect.py knows), the same URL is loaded in the
  browser, the check is let run until the page is no longer a challenge (at most
  `DA_BROWSER_TIMEOUT` seconds), and the page goes through the usual parsers and pipelines.
  The clearance cookies and the browser's exact User-Agent then serve plain HTTP requests to
  that host, until the site challenges again (at most `DA_BROWSER_MAX_SOLVES` browser
  solves per run).
- `always`: every request through the browser.

The browser is Debian's Chromium (`DA_BROWSER_PATH`, else `chromium` or `chromium-browser` on
PATH; Playwright's own downloads are never needed), launched on the first browser request,
one page at a time, closed when the run ends. Images, fonts, media and analytics are not
loaded. The clearance (cookies and User-Agent) is kept between runs in `DA_BROWSER_STATE`
(default `data/browser-state.json`, mode 0600), never logged or stored in the database.

An interactive check (a CAPTCHA, a "verify you are human" box) is never clicked: the page is
recorded as failed with reason `interactive challenge`, and the summary tells the operator to
run the crawl once with `-s DA_BROWSER_HEADED=1` on a machine with a display and solve it by
hand; the saved state then serves the scheduled runs.

Why a middleware of our own around scrapy-playwright: the decision to use the browser is per
response (a challenge), not per request as scrapy-playwright's `playwright` meta key is, and
the clearance must flow back to plain HTTP requests.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.settings import BaseSettings

from items import PageType
from spiders.middlewares import challenge_in
from spiders.pages.detect import CHALLENGE_TITLE, detect_page

logger = logging.getLogger(__name__)

MODES = ("off", "auto", "always")
HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
# An interactive check: a widget a person must answer.
INTERACTIVE = (
    "cf-turnstile", "challenges.cloudflare.com/turnstile", "h-captcha", "g-recaptcha",
    "verify you are human",
)  # fmt: skip
BLOCKED_RESOURCES = frozenset({"image", "font", "media"})
ANALYTICS = ("google-analytics.com", "googletagmanager.com", "doubleclick.net")
# Chromium as root in a container, with no background traffic (the network may be closed);
# `--da-harvester` marks our processes (ignored by Chromium) so that tests can find leftovers.
CHROMIUM_ARGS = [
    "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    "--da-harvester",
]  # fmt: skip


class InteractiveChallenge(IgnoreRequest):
    """The site asks a person (a CAPTCHA, a checkbox): the program never answers it."""


class ChallengeNotPassed(IgnoreRequest):
    """The browser ran the check for DA_BROWSER_TIMEOUT seconds and it did not let us in."""


def mode(settings: BaseSettings) -> str:
    """The mode asked for; the profile add-on sets the default (`off` on a local mirror)."""
    return (settings.get("DA_BROWSER") or "auto").strip().lower()


def browser_path(settings: BaseSettings) -> str | None:
    """The Chromium to drive: DA_BROWSER_PATH, else chromium / chromium-browser on PATH."""
    configured = settings.get("DA_BROWSER_PATH")
    if configured:
        return configured if os.access(configured, os.X_OK) else shutil.which(configured)
    return shutil.which("chromium") or shutil.which("chromium-browser")


def configure(settings: BaseSettings, local_mirror: bool) -> None:
    """The default mode (`auto`; `off` against a local mirror), and scrapy-playwright as the
    http(s) download handler (requests without its `playwright` meta key still go through
    Scrapy's own HTTP handler), set up for one Chromium page at a time."""
    settings.set("DA_BROWSER", "off" if local_mirror else "auto", priority="addon")
    chosen = mode(settings)
    if chosen == "off" or chosen not in MODES or settings.getbool("DA_OFFLINE"):
        return
    executable = browser_path(settings)
    if executable is None:
        return  # the middleware says so once the crawl starts
    timeout_ms = int(settings.getfloat("DA_BROWSER_TIMEOUT", 30) * 1000)
    args = [*CHROMIUM_ARGS, *(["--no-sandbox"] if os.geteuid() == 0 else [])]
    for name, value in {
        "DOWNLOAD_HANDLERS": {"http": HANDLER, "https": HANDLER},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {
            "executable_path": executable,
            "headless": not settings.getbool("DA_BROWSER_HEADED"),
            "args": args,
        },
        "PLAYWRIGHT_MAX_CONTEXTS": 1,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": 1,
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": timeout_ms,
        "PLAYWRIGHT_ABORT_REQUEST": "spiders.browser.abort_request",
    }.items():
        settings.set(name, value, priority="addon")


def abort_request(request: Any) -> bool:
    """Load only what the page and its check need: no images, fonts, media or analytics."""
    if request.resource_type in BLOCKED_RESOURCES:
        return True
    return any(host in request.url for host in ANALYTICS)


@dataclass
class Clearance:
    """What the browser earned on a host: its cookies and the User-Agent they are bound to."""

    user_agent: str
    cookies: list[dict[str, Any]] = field(default_factory=list)
    at: float = field(default_factory=time.time)

    def cookie_header(self, host: str) -> str:
        now = time.time()
        return "; ".join(
            f"{c['name']}={c['value']}"
            for c in self.cookies
            if _domain_matches(host, c.get("domain", ""))
            and (c.get("expires", -1) in (-1, None) or c["expires"] > now)
        )


class BrowserState:
    """Clearances per host, kept in a file only its owner can read (never logged)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.hosts: dict[str, Clearance] = {}
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            saved = {}
        for host, value in (saved.get("hosts") or {}).items():
            try:
                self.hosts[host] = Clearance(**value)
            except TypeError:
                continue

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"hosts": {h: c.__dict__ for h, c in self.hosts.items()}}
        # Created 0600 before anything is written: the cookies are credentials.
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(payload, out)
        os.chmod(self.path, 0o600)

    def storage_state(self, host: str) -> dict[str, Any] | None:
        """The saved cookies in Playwright's storage-state form, for a new browser context."""
        clearance = self.hosts.get(host)
        if clearance is None:
            return None
        return {"cookies": clearance.cookies, "origins": []}


async def pass_check(page: Any, outcome: dict[str, Any], timeout: float) -> None:
    """A scrapy-playwright page method: let the check run until the page is no longer a
    challenge; then note the clearance (cookies, User-Agent) in `outcome`, or why not."""
    deadline = time.monotonic() + timeout
    html = ""
    while (left := deadline - time.monotonic()) > 0:
        try:  # every call bounded: a page in the middle of a navigation may not answer
            html = await asyncio.wait_for(page.content(), left)
            if not is_challenge(html):
                cookies = await asyncio.wait_for(page.context.cookies(), max(left, 1))
                agent = await asyncio.wait_for(page.evaluate("navigator.userAgent"), max(left, 1))
                outcome.update(passed=True, cookies=cookies, user_agent=agent)
                return
        except Exception:  # the page is navigating (the check reloads it), or timed out
            pass
        await asyncio.sleep(0.2)
    # Not raised here: a page method that raises makes scrapy-playwright log a traceback.
    outcome["failure"] = (
        "interactive challenge"
        if any(marker in html.lower() for marker in INTERACTIVE)
        else f"challenge not passed in the browser after {timeout:g} s"
    )


def is_challenge(html: str) -> bool:
    head = html[:4000]
    title_start = head.find("<title>")
    if title_start >= 0:
        title = head[title_start + 7 : head.find("</title>", title_start)]
        if CHALLENGE_TITLE.match(title.strip()):
            return True
    return detect_page(html).type is PageType.CHALLENGE


class BrowserMiddleware:
    """Sends challenged requests (or all, under `always`) to the browser, and the clearance
    it earns to the plain requests that follow."""

    def __init__(self, crawler: Crawler, chosen: str, executable: str | None) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.mode = chosen
        self.executable = executable
        self.timeout = settings.getfloat("DA_BROWSER_TIMEOUT", 30)
        self.max_solves = settings.getint("DA_BROWSER_MAX_SOLVES", 20)
        self.state = BrowserState(
            Path(settings.get("DA_BROWSER_STATE") or "data/browser-state.json")
        )
        self.solves = 0
        self.solving: dict[str, asyncio.Event] = {}  # host -> a browser solve in flight
        self.interactive: set[str] = set()  # hosts that asked for a person: not tried again

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BrowserMiddleware:
        settings = crawler.settings
        chosen = mode(settings)
        if chosen == "off" or settings.getbool("DA_OFFLINE"):
            raise NotConfigured  # no message: Scrapy would log it as a warning
        executable = browser_path(settings)
        if executable is None:  # `always` was refused by the crawl command already
            logger.warning(
                "DA_BROWSER=%s but no Chromium was found (install Debian's chromium or set "
                "DA_BROWSER_PATH): challenge pages will fail as without a browser",
                chosen,
            )
            raise NotConfigured
        return cls(crawler, chosen, executable)

    def process_request(self, request: Request) -> None:
        if request.meta.get("playwright"):
            return
        if self.mode == "always":
            self._to_browser(request.meta, request.url)
            return
        host = _host(request.url)
        clearance = self.state.hosts.get(host)
        request.meta["da_clearance"] = clearance.at if clearance else None
        if clearance is not None:
            cookies = clearance.cookie_header(host)
            if cookies:
                request.headers["Cookie"] = cookies
                request.headers["User-Agent"] = clearance.user_agent

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        outcome = request.meta.get("da_browser")
        host = _host(request.url)
        if outcome is not None:  # a browser load
            self._count("count/browser_loads")
            failure = outcome.get("failure")
            if failure == "interactive challenge":
                raise InteractiveChallenge(failure)
            if failure:
                raise ChallengeNotPassed(failure)
            if not outcome.get("passed"):
                return response
            self.state.hosts[host] = Clearance(outcome["user_agent"], outcome["cookies"])
            self._save_state()
            # The check let us in: the page is the document, whatever the first status said.
            headers = response.headers.copy()
            headers.pop("cf-mitigated", None)
            return response.replace(status=200, headers=headers)
        self._count("count/http_loads")
        if self.mode != "auto" or not _challenged(response):
            return response
        if host in self.interactive:
            raise InteractiveChallenge("interactive challenge")
        if request.meta.get("da_again", 0) > self.max_solves:  # never loop on one page
            return response
        current = self.state.hosts.get(host)
        if host in self.solving:  # the browser is at it: wait, then go with its clearance
            await self.solving[host].wait()
            return self._again(request)
        if current is not None and current.at != request.meta.get("da_clearance"):
            return self._again(request)  # sent before the newest clearance: try with it
        if self.solves >= self.max_solves:
            self._count("browser_solves_exhausted")
            return response
        self.solves += 1
        solving = self.solving[host] = asyncio.Event()
        logger.info("challenge at %s: loading it in the browser", request.url)
        browser_request = self._again(request)
        self._to_browser(browser_request.meta, request.url)
        # Straight to the downloader, not through the scheduler: the requests waiting for this
        # solve hold the engine's concurrency, and a queued browser request would wait on them.
        engine = self.crawler.engine
        assert engine is not None
        try:
            return await engine.download_async(browser_request)
        except InteractiveChallenge:
            self.interactive.add(host)
            self._count("interactive_challenges")
            raise
        finally:
            del self.solving[host]
            solving.set()  # the requests that waited go again, with the new clearance

    def _again(self, request: Request) -> Request:
        retry = request.replace(dont_filter=True)
        retry.headers.pop("Cookie", None)
        retry.meta["da_again"] = retry.meta.get("da_again", 0) + 1
        return retry

    def _to_browser(self, meta: dict[str, Any], url: str) -> None:
        from scrapy_playwright.page import PageMethod

        outcome: dict[str, Any] = {}
        meta["playwright"] = True
        meta["da_browser"] = outcome
        meta["playwright_page_methods"] = [PageMethod(pass_check, outcome, self.timeout)]
        context: dict[str, Any] = {"user_agent": self.crawler.settings.get("USER_AGENT")}
        storage = self.state.storage_state(_host(url))
        if storage is not None:
            context["storage_state"] = storage
            context["user_agent"] = self.state.hosts[_host(url)].user_agent
        meta["playwright_context_kwargs"] = context

    def _save_state(self) -> None:
        try:
            self.state.save()
        except OSError as exc:
            logger.warning(
                "could not save the browser state to %s: %s", self.state.path, exc.strerror
            )

    def _count(self, name: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"archive/{name}")


def _challenged(response: Response) -> bool:
    return challenge_in(response) is not None


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _domain_matches(host: str, domain: str) -> bool:
    domain = domain.lstrip(".").lower()
    return not domain or host == domain or host.endswith("." + domain)
