"""`captures`: the WARC record each stored document was parsed from (extensions/captures.py
writes the records; the store keeps where they are, so `da capture` can read them back)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, select

from models.db import upsert
from models.tables import Capture, table_of, utc_datetime

captures = table_of(Capture)
COLUMNS = ("wacz", "warc", "offset", "length", "record_id", "payload_digest", "url", "fetched_at")


def store_captures(conn: Connection, records: Iterable[dict[str, Any]]) -> dict[str, int]:
    """{WARC-Record-ID: captures.id} for these records (each a CaptureRecord's values), stored
    once each: a record already stored (a re-parse of the same capture) keeps its row."""
    rows = {r["record_id"]: {name: r.get(name) for name in COLUMNS} for r in records if r}
    if not rows:
        return {}
    for row in rows.values():
        row["fetched_at"] = utc_datetime(row["fetched_at"])
    upsert(conn, captures, list(rows.values()), ["record_id"])
    found = conn.execute(
        select(captures.c.record_id, captures.c.id).where(captures.c.record_id.in_(list(rows)))
    )
    return {record_id: capture_id for record_id, capture_id in found}
