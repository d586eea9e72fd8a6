"""`scrapy crawl`, with what a scheduled job needs around it.

Before the engine starts, spider arguments are checked: a bad one gets one line and exit
status 2, like any usage error. The run itself (database, job lock, crawl_runs row, summary)
is the run extension's (extensions/run.py); afterwards this command turns its outcome into
the exit status: 0 finished, 1 refused, failed or interrupted, with a one-line reason. No
message shows the password of DATABASE_URL.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError

from extensions.run import RunExtension
from items import RunStatus
from spiders import browser


class Command(ScrapyCrawl):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
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
        print(message, file=sys.stderr, flush=True)
        self.exitcode = 1
