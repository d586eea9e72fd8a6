"""What a running crawl reads from the database: its run, validators for conditional
requests, what an interrupted run already did, which documents are already stored.

One instance per crawler, shared by the spider, the middlewares and the store pipeline,
created on first use (`CrawlState.for_crawler`).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from sqlalchemy import Engine

from models.db import database_url, prepare_database
from models.runs import Run, done_urls, start_run
from models.store import ArchiveStore


class CrawlState:
    def __init__(self, engine: Engine, run: Run) -> None:
        self.engine = engine
        self.run = run
        self.store = ArchiveStore(engine)

    @classmethod
    def for_crawler(cls, crawler: Any) -> CrawlState:
        state = getattr(crawler, "_archive_state", None)
        if state is None:
            settings = crawler.settings
            engine = prepare_database(database_url(settings.get("DATABASE_URL")))
            run_id = settings.getint("DA_RUN_ID")
            if run_id:  # started by the crawl command, which took the lock
                run = Run(run_id, "", settings.getint("DA_RESUMED_FROM") or None)
            else:
                spider = crawler.spider
                run = start_run(engine, spider.name, getattr(spider, "arguments", {}))
            state = crawler._archive_state = cls(engine, run)
        return state

    @cached_property
    def validators(self) -> dict[str, tuple[str | None, str | None, bool]]:
        return self.store.validators()

    @cached_property
    def done(self) -> set[str]:
        """URLs the interrupted run(s) this run resumes have already committed."""
        return done_urls(self.engine, self.run)

    @cached_property
    def known(self) -> dict[str, str | None]:
        """{url: uploaded_date} of the stored documents."""
        return self.store.known_documents()
