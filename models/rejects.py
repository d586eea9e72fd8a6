"""`rejected_items`: pages and items that did not become documents, with their reasons."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Engine

from items import RejectedItem
from models.db import upsert
from models.tables import RejectedItem as RejectedRow
from models.tables import table_of, utcnow

rejected_items = table_of(RejectedRow)


class RejectStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def record(self, items: Iterable[RejectedItem], run_id: int | None) -> None:
        """Keep each (url, reason) once, counting how often it was seen."""
        rows = [
            {
                "url": item.url,
                "spider": item.spider,
                "outcome": str(item.outcome),
                "reason": item.reason,
                "http_status": item.http_status,
                "payload": json.loads(json.dumps(item.payload, default=str)),
            }
            for item in items
        ]
        with self.engine.begin() as conn:
            upsert_rejects(conn, rows, run_id)


def upsert_rejects(conn: Connection, rows: list[dict[str, Any]], run_id: int | None) -> None:
    """Insert rejected_items rows; a (url, reason) seen before counts one more attempt."""
    now = utcnow()
    stamped = [
        {**row, "first_seen_at": now, "last_seen_at": now, "attempts": 1, "crawl_run_id": run_id}
        for row in rows
    ]
    upsert(
        conn,
        rejected_items,
        stamped,
        ["url", "reason"],
        update={
            "last_seen_at": now,
            "attempts": rejected_items.c.attempts + 1,
            "crawl_run_id": run_id,
        },
    )
