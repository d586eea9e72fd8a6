"""`scrapy crawl`, with what a scheduled job needs around it.

Before the engine starts: spider arguments are checked (a bad one gets one line and exit
status 2, like any usage error), the database is reached and migrated, and the job's lock is
taken (a second run of the same job on the same database is refused). Afterwards the exit
status says how the run went: 0 finished, 1 failed or interrupted, with a one-line reason.
No message shows the password of DATABASE_URL.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError

from models import runs
from models.db import DatabaseUnavailable, prepare_database


class Command(ScrapyCrawl):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1 or self.crawler_process is None or self.settings is None:
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
        try:  # fail before the engine starts, in one line
            engine = prepare_database(self.settings.get("DATABASE_URL"))
            run = runs.start_run(engine, spidercls.name, _arguments(opts.spargs))
        except (DatabaseUnavailable, runs.JobLocked) as exc:
            self._fail(
                f"crawl refused: {exc}"
                if isinstance(exc, runs.JobLocked)
                else f"crawl failed: {exc}"
            )
            return
        self.settings.set("DA_RUN_ID", run.id, priority="cmdline")
        self.settings.set("DA_RESUMED_FROM", run.resumed_from or 0, priority="cmdline")
        try:
            super().run(args, opts)
        finally:
            status, reason = runs.run_outcome(engine, run.id)
            if status == "running":  # the engine never got to close the run
                reason = "the crawl stopped before it could record its end"
                runs.finish_run(engine, run.id, "failed", {}, {}, reason)
                status = "failed"
            engine.dispose()
        if status != "finished":
            self._fail(f"crawl {status}: {reason or 'see the log'} (run {run.id})")

    def _fail(self, message: str) -> None:
        print(message, file=sys.stderr, flush=True)
        self.exitcode = 1


def _arguments(spargs: dict[str, str]) -> dict[str, str]:
    """The job's arguments as the spider keeps them (see ArchiveSpider.arguments)."""
    return {k: v for k, v in spargs.items() if v is not None and not k.startswith("_")}
