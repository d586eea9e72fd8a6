"""`fetch_state`: validators for conditional requests, listing bodies replayed on 304, and
which run last checked each URL (what a resumed run skips)."""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator, Sequence

from sqlalchemy import Connection, Engine, or_, select

from items import HttpInfo
from models.db import upsert
from models.tables import DocumentUrl, FetchState, table_of, utcnow

fetch_state = table_of(FetchState)
document_urls = table_of(DocumentUrl)
Validators = tuple[str | None, str | None, bool]  # etag, last_modified, has a stored body


class FetchStateStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def save(self, records: Iterable[HttpInfo], run_id: int | None) -> None:
        """Pages checked without a document to store: 304s and listing pages."""
        with self.engine.begin() as conn:
            record_fetches(conn, [(http, http.status == 200) for http in records], run_id)

    def validators(self) -> dict[str, Validators]:
        """{url: (etag, last_modified, has_body)} for conditional requests: listing pages
        whose body we keep, and pages of documents we have stored (a 304 for anything else
        would leave us with nothing)."""
        stored = (
            select(document_urls.c.url).where(document_urls.c.url == fetch_state.c.url).exists()
        )
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(
                    fetch_state.c.url,
                    fetch_state.c.etag,
                    fetch_state.c.last_modified,
                    fetch_state.c.body.is_not(None),
                )
                .where(
                    or_(fetch_state.c.etag.is_not(None), fetch_state.c.last_modified.is_not(None))
                )
                .where(or_(fetch_state.c.body.is_not(None), stored))
            )
            return {url: (etag, modified, bool(has_body)) for url, etag, modified, has_body in rows}

    def stored_body(self, url: str) -> bytes | None:
        with self.engine.connect() as conn:
            body = conn.execute(select(fetch_state.c.body).where(fetch_state.c.url == url)).scalar()
        return zlib.decompress(body) if body else None


def record_fetches(
    conn: Connection, fetches: Sequence[tuple[HttpInfo | None, bool]], run_id: int | None
) -> None:
    """fetch_state for a batch of responses: (http info, whether the content changed)."""
    groups: dict[tuple[str, ...], list[dict[str, object]]] = {}
    for http, changed in fetches:
        for columns, rows in _fetch_rows(http, run_id, changed):
            groups.setdefault(columns, []).extend(rows)
    for columns, rows in groups.items():
        upsert(
            conn,
            fetch_state,
            list({r["url"]: r for r in rows}.values()),
            ["url"],
            update=list(columns),
        )


def _fetch_rows(
    http: HttpInfo | None, run_id: int | None, changed: bool
) -> Iterator[tuple[tuple[str, ...], list[dict[str, object]]]]:
    """Rows of fetch_state for every URL a response answered (request, redirects, final),
    grouped by the columns an existing row takes from them."""
    if not http:
        return
    now = utcnow()
    row: dict[str, object] = {
        "etag": http.etag,
        "last_modified": http.last_modified,
        "http_status": http.status,
        "body_hash": http.body_hash,
        "last_checked_at": now,
        "crawl_run_id": run_id,
    }
    update_columns = list(row)
    if http.body is not None:
        row["body"] = zlib.compress(http.body)
        update_columns.append("body")
    if changed:
        row["last_changed_at"] = now
        update_columns.append("last_changed_at")
    if http.status == 304:  # a 304 keeps the validators and the body we have
        update_columns = ["http_status", "last_checked_at", "crawl_run_id"]
    yield (
        tuple(update_columns),
        [{"url": url, **row} for url in dict.fromkeys(http.urls)],
    )
