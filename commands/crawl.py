"""`scrapy crawl`, with what a scheduled job needs around it.

Before the engine starts, spider arguments and the settings are checked: a bad argument, a
numeric setting that is not a number, a DA_BASE_URL that is not http(s) with a host, a
DATABASE_URL that cannot be parsed or names an unsupported database get one line and exit
status 2, like any usage error, never a traceback. The run itself (database, job lock,
crawl_runs row, summary) is the run extension's (extensions/run.py); afterwards this command
turns its outcome into the exit status: 0 finished, 1 refused, failed or interrupted, with a
one-line reason. No message shows the password of DATABASE_URL: its every form is masked in
every log record of the process (models.db.install_log_redaction), Scrapy's included.
"""

from __future__ import annotations

import argparse
import sys
from urllib.parse import urlsplit

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError
from scrapy.settings import BaseSettings
from scrapy.utils.project import get_project_settings

from extensions.run import RunExtension
from items import RunStatus
from models.db import (
    DatabaseUrlError,
    check_database_url,
    database_url,
    install_log_redaction,
    redact,
)
from spiders import browser

# Settings read with getint: a fraction is as wrong as a word. Any other setting whose default
# is a number must parse as one, a boolean default as a boolean.
INTEGER_SETTINGS = frozenset(
    {
        "DA_BATCH_SIZE",
        "DA_CAPTURES_WARC_SIZE",
        "DA_BROWSER_MAX_SOLVES",
        "CONCURRENT_REQUESTS",
        "CONCURRENT_REQUESTS_PER_DOMAIN",
        "CONCURRENT_ITEMS",
        "RETRY_TIMES",
        "DOWNLOAD_MAXSIZE",
        "DOWNLOAD_WARNSIZE",
        "REDIRECT_MAX_TIMES",
        "DEPTH_LIMIT",
        "CLOSESPIDER_ITEMCOUNT",
        "CLOSESPIDER_PAGECOUNT",
        "CLOSESPIDER_ERRORCOUNT",
    }
)


# Switches whose default comes from the environment as text ("1"), read with getbool.
BOOLEAN_TEXT_SETTINGS = ("DA_OFFLINE", "DA_RUN_ENABLED", "DA_CAPTURES")


# Settings read with getfloat (their defaults are numbers, but a value from the environment
# arrives as text in the defaults too).
NUMBER_SETTINGS = frozenset(
    {
        "DA_FLUSH_INTERVAL",
        "DA_DB_OUTAGE_MAX",
        "DA_PROGRESS_INTERVAL",
        "DA_MARKUP_MAX_RATIO",
        "DA_MAX_FAILED_RATIO",
        "DA_OTHER_HOST_DELAY",
        "DA_RETRY_AFTER_MAX",
        "DA_BACKOFF_BASE",
        "DA_BROWSER_TIMEOUT",
        "DOWNLOAD_DELAY",
        "DOWNLOAD_TIMEOUT",
    }
)


class SettingsError(ValueError):
    """A setting the crawl cannot run with: one line, exit status 2."""


def check_settings(settings: BaseSettings, defaults: BaseSettings | None = None) -> None:
    """Refuse, before anything runs, the settings a crawl would trip over later (a traceback
    deep in a component, a hang on an ftp:// host)."""
    defaults = defaults if defaults is not None else get_project_settings()
    for name, attribute in sorted(settings.attributes.items()):
        value = attribute.value  # not settings.get: that warns about deprecated names
        if not isinstance(value, str):  # only what came in as text can be malformed
            continue
        known = defaults.attributes.get(name)
        default = known.value if known is not None else None
        try:
            if isinstance(default, bool) or name in BOOLEAN_TEXT_SETTINGS:
                settings.getbool(name)
            elif name in INTEGER_SETTINGS:
                int(value.strip())
            elif (name in NUMBER_SETTINGS or isinstance(default, (int, float))) and value.strip():
                float(value.strip())
        except ValueError:
            kind = (
                "a whole number"
                if name in INTEGER_SETTINGS
                else "true or false (1/0)"
                if isinstance(default, bool) or name in BOOLEAN_TEXT_SETTINGS
                else "a number"
            )
            raise SettingsError(f"{name} must be {kind}, not {redact(value)!r}") from None
    base = str(settings.get("DA_BASE_URL") or "").strip()
    if base:
        try:
            parts = urlsplit(base)
            host = parts.hostname
            parts.port  # noqa: B018 - raises on a malformed port
        except ValueError:
            host, parts = None, urlsplit("")
        if parts.scheme not in ("http", "https") or not host:
            raise SettingsError(
                f"DA_BASE_URL must be an http:// or https:// URL with a host, not {base!r}"
            )
    try:
        check_database_url(database_url(settings.get("DATABASE_URL")))
    except DatabaseUrlError as exc:
        raise SettingsError(str(exc)) from None


class Command(ScrapyCrawl):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        install_log_redaction(self.settings.get("DATABASE_URL"))
        if len(args) != 1 or self.crawler_process is None:
            super().run(args, opts)
            return
        try:
            spidercls = self.crawler_process.spider_loader.load(args[0])
        except KeyError:
            raise UsageError(f"no spider named {args[0]!r}", print_help=False) from None
        check = getattr(spidercls, "check_arguments", None)
        if check is not None:
            try:
                check(**opts.spargs)
            except (TypeError, ValueError) as exc:
                raise UsageError(str(exc), print_help=False) from None
        try:
            check_settings(self.settings)
        except SettingsError as exc:
            self._refuse(str(exc))
            return
        if self._browser_refused():
            return
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
        try:
            run = crawler.get_extension(RunExtension)
        except RuntimeError:  # no extensions: the spider could not even be created
            return
        if run is None:  # DA_RUN_ENABLED is off: no run to judge
            return
        if run.refused is not None:
            self._fail(run.refused)
            return
        status, reason = run.outcome()
        if status is not None and status is not RunStatus.FINISHED:
            self._fail(f"crawl {status}: {reason or 'see the log'} (run {run.run_id})")

    def _browser_refused(self) -> bool:
        """DA_BROWSER: a bad value is a usage error; `always` without a browser fails at once."""
        assert self.settings is not None
        asked = (self.settings.get("DA_BROWSER") or "").strip().lower()
        if asked and asked not in browser.MODES:
            raise UsageError(
                f"DA_BROWSER must be off, auto or always, not {asked!r}", print_help=False
            )
        offline = self.settings.getbool("DA_OFFLINE")
        if asked == "always" and not offline and browser.browser_path(self.settings) is None:
            self._fail(
                "crawl failed: DA_BROWSER=always but no Chromium was found (install "
                "Debian's chromium, or set DA_BROWSER_PATH)"
            )
            return True
        return False

    def _fail(self, message: str) -> None:
        print(redact(message), file=sys.stderr, flush=True)
        self.exitcode = 1

    def _refuse(self, message: str) -> None:
        """A usage error in one line (Scrapy's UsageError prints its usage text too)."""
        print(f"scrapy: error: {redact(message)}", file=sys.stderr, flush=True)
        self.exitcode = 2
