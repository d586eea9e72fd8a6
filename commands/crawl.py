"""`scrapy crawl`, with spider arguments checked before anything starts.

A bad `-a` argument gets one line and exit status 2, like any usage error, and an unusable
database one line and exit status 1, instead of a traceback from inside the engine.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError

from models.db import DatabaseUnavailable, prepare_database


class Command(ScrapyCrawl):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) == 1 and self.crawler_process is not None:
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
        if self.settings is not None:
            try:  # fail before the engine starts, in one line, without the password
                prepare_database(self.settings.get("DATABASE_URL")).dispose()
            except DatabaseUnavailable as exc:
                print(f"crawl failed: {exc}", file=sys.stderr)
                self.exitcode = 1
                return
        super().run(args, opts)
