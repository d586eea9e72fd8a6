"""`documents` and what hangs off them: URLs, versions, revisions, and (through
models/entities.py) names, citations and aliases.

Documents are keyed by record id (fallback: canonical URL, for a page that shows none). A
page with a record id adopts a stored row of the same canonical URL that has no record id (a
partial page stored earlier): that row is updated, never a second one inserted beside it; a
canonical URL is unique only together with the record id. Which stored documents a batch
writes is decided by models/changes.py: an unchanged document is not written at all; a
changed one is updated and its previous values kept in `document_revisions`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, delete, select, update

from items import (
    DOCUMENT_CHILDREN,
    DOCUMENT_COLUMNS,
    DOCUMENT_LIST_COLUMNS,
    TRACKED_FIELDS,
    DocumentItem,
    KnownDocuments,
    url_key,
)
from models import entities
from models.captures import store_captures
from models.changes import Change, Incoming, Stored, classify
from models.db import redact, upsert
from models.fetch_state import record_fetches
from models.outage import Failure, WriteFailed, failure_of
from models.rejects import upsert_rejects
from models.tables import (
    ENTITY_LINKS,
    Document,
    DocumentRevision,
    DocumentUrl,
    DocumentVersion,
    table_of,
    utc_datetime,
    utcnow,
)

documents = table_of(Document)
document_urls = table_of(DocumentUrl)
document_versions = table_of(DocumentVersion)
document_revisions = table_of(DocumentRevision)
DATE_COLUMNS = ("uploaded_date", "date_start", "date_end")


@dataclass
class SaveResult:
    counts: Counter[str] = field(default_factory=Counter)  # new | updated | unchanged
    failures: list[tuple[DocumentItem, str]] = field(default_factory=list)  # (item, reason)


def plain(value: Any) -> Any:
    """Item values as the database takes them: dataclasses as dicts, vocabularies as their
    strings. (`dataclasses.asdict` deep-copies every value on the way, a third of the store's
    CPU per document; nothing here is changed afterwards, so values are taken as they are.)"""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    names = _FIELD_NAMES.get(type(value))
    if names is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _FIELD_NAMES[type(value)] = tuple(f.name for f in dataclasses.fields(value))
    if names is not None:
        return {name: plain(getattr(value, name)) for name in names}
    return value


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def item_values(item: DocumentItem) -> dict[str, Any]:
    return plain(item)


def content_hash(values: dict[str, Any]) -> str:
    tracked = {name: values.get(name) for name in TRACKED_FIELDS}
    tracked["versions"] = [_as_hashed(v) for v in tracked.get("versions") or []]
    encoded = json.dumps(tracked, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()


def document_row(values: dict[str, Any]) -> dict[str, Any]:
    """The `documents` row for an item's values."""
    row = {name: values.get(name) for name in DOCUMENT_COLUMNS}
    row.update({name: list(values.get(name) or []) for name in DOCUMENT_LIST_COLUMNS})
    row["url"] = values["url"]
    for name in DATE_COLUMNS:
        row[name] = _iso_date(values.get(name))
    row["date_circa"] = bool(values.get("date_circa"))
    row["fetched_at"] = values.get("fetched_at")
    row["captured_at"] = utc_datetime(values.get("captured_at"))
    children = {name: values.get(name) or [] for name in DOCUMENT_CHILDREN}
    row["content_hash"] = content_hash({**row, **children})
    return row


def _iso_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date) or value is None:
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


class DocumentStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def save(self, items: Iterable[DocumentItem], run_id: int | None) -> SaveResult:
        """Store a batch in one transaction, a few set-based statements per table. If the batch
        fails, each item is tried alone, so that one bad item is recorded and the rest stored."""
        batch = _last_per_key(items)
        result = SaveResult()
        try:
            with self.engine.begin() as conn:
                counts = self._save_batch(conn, batch, run_id)
            result.counts.update(counts)  # only once committed
            return result
        except Exception as exc:  # find the culprit: item by item
            if (kind := failure_of(exc)) is not Failure.ITEM:  # the database's, not an item's
                raise WriteFailed(exc, list(batch), kind) from exc
            if len(batch) == 1:
                result.failures.append((batch[0], f"database error: {one_line(exc)}"))
                return result
        for position, item in enumerate(batch):
            try:
                with self.engine.begin() as conn:
                    counts = self._save_batch(conn, [item], run_id)
                result.counts.update(counts)
            except Exception as exc:  # recorded with its reason by the caller
                if (kind := failure_of(exc)) is not Failure.ITEM:
                    raise WriteFailed(exc, list(batch[position:]), kind, result) from exc
                result.failures.append((item, f"database error: {one_line(exc)}"))
        return result

    def _save_batch(
        self, conn: Connection, items: list[DocumentItem], run_id: int | None
    ) -> Counter[str]:
        values = [item_values(item) for item in items]
        rows = [document_row(v) for v in values]
        capture_ids = store_captures(conn, (v["capture"] for v in values))
        for item, row in zip(values, rows, strict=True):  # not content: outside the hash
            capture = item["capture"]
            row["capture_id"] = capture_ids.get(capture["record_id"]) if capture else None
        existing = self._existing(conn, rows)
        counts: Counter[str] = Counter()
        changed: list[tuple[dict[str, Any], dict[str, Any], Any]] = []  # (values, row, old)
        alias_only: list[tuple[dict[str, Any], int]] = []
        back: list[int] = []
        blanked: list[tuple[str, list[str]]] = []  # (url, fields that came out empty)
        recaptured: list[tuple[int, int]] = []  # (document id, capture id) of unchanged ones

        def unchanged(item: dict[str, Any], row: dict[str, Any], old: Any) -> None:
            counts["unchanged"] += 1
            alias_only.append((item, old["id"]))
            if row["capture_id"] and row["capture_id"] != old["capture_id"]:
                recaptured.append((old["id"], row["capture_id"]))

        for item, row in zip(values, rows, strict=True):
            old = existing.get(_key(row))
            if old is None and row["record_id"] and row["canonical_url"]:
                # a row stored from this URL without a record id: this page completes it
                old = existing.get("orphan:" + row["canonical_url"])
            if old is None:
                counts["new"] += 1
                changed.append((item, row, None))
                continue
            stored = Stored(old["content_hash"], old["captured_at"], old["withdrawn_at"])
            change = classify(stored, Incoming(row["content_hash"], row["captured_at"]))
            if change in (Change.UNCHANGED, Change.RESTORED):
                unchanged(item, row, old)
                if change is Change.RESTORED:
                    back.append(old["id"])  # on the site again
                continue
            emptied = keep_stored_values(row, old)
            if emptied:  # a field came out empty: the stored value stays, and that is recorded
                blanked.append((row["url"], emptied))
            children = {name: item.get(name) or [] for name in DOCUMENT_CHILDREN}
            kept_hash = content_hash({**row, **children})
            if kept_hash != row["content_hash"]:  # stored values were kept
                row["content_hash"] = kept_hash
                if kept_hash == old["content_hash"]:  # nothing else changed
                    unchanged(item, row, old)
                    continue
            counts[change.value] += 1
            changed.append((item, row, old))
        if blanked:
            _record_blanked(conn, blanked, run_id)
        now = utcnow()
        if back:
            conn.execute(
                update(documents).where(documents.c.id.in_(back)).values(withdrawn_at=None)
            )
        if recaptured:  # the same values from a newer capture: the row points to it
            conn.execute(
                update(documents).where(documents.c.id == bindparam("_id")),
                [{"_id": doc_id, "capture_id": capture_id} for doc_id, capture_id in recaptured],
            )
        updated = [(item, row, old) for item, row, old in changed if old is not None]
        if updated:
            self._keep_revisions(conn, updated, run_id)
            conn.execute(
                update(documents).where(documents.c.id == bindparam("_id")),
                [
                    {**row, "updated_at": now, "withdrawn_at": None, "_id": old["id"]}
                    for _, row, old in updated
                ],
            )
        new = [(item, row) for item, row, old in changed if old is None]
        if new:
            conn.execute(
                documents.insert(),
                [{**row, "first_seen_at": now, "updated_at": now} for _, row in new],
            )
            ids = self._existing(conn, [row for _, row in new])
            changed = [(item, row, old or ids[_key(row)]) for item, row, old in changed]
        batch = [(item, old["id"]) for item, _, old in changed]
        if batch:
            self._replace_children(conn, batch)
        aliases = [
            {"url": url, "document_id": doc_id} for item, doc_id in batch for url in _urls(item)
        ]
        upsert(
            conn,
            document_urls,
            list({a["url"]: a for a in aliases}.values()),
            ["url"],
            update=["document_id"],
        )
        kept = [
            {"url": url, "document_id": doc_id}
            for item, doc_id in alias_only
            for url in _urls(item)
        ]
        upsert(conn, document_urls, list({a["url"]: a for a in kept}.values()), ["url"])
        written = {id(item) for item, _ in batch}
        record_fetches(
            conn,
            [(item.http, id(value) in written) for item, value in zip(items, values, strict=True)],
            run_id,
        )
        return counts

    def _existing(self, conn: Connection, rows: list[dict[str, Any]]) -> dict[str, Any]:
        """{key: stored row} for the rows' documents: by record id; by canonical URL among
        the rows without record id (`url:`); and, for rows with both, the stored row of that
        canonical URL that has no record id (`orphan:`), which such a row adopts."""
        record_ids = [r["record_id"] for r in rows if r["record_id"]]
        urls = [r["canonical_url"] for r in rows if r["canonical_url"]]
        found: dict[str, Any] = {}
        if record_ids:
            for row in conn.execute(
                select(documents).where(documents.c.record_id.in_(record_ids))
            ).mappings():
                found["record:" + row["record_id"]] = row
        if urls:
            for row in conn.execute(
                select(documents)
                .where(documents.c.canonical_url.in_(urls))
                .order_by(documents.c.id.desc())  # the first stored wins below
            ).mappings():
                found["url:" + row["canonical_url"]] = row
                if row["record_id"] is None:
                    found["orphan:" + row["canonical_url"]] = row
        return found

    def _keep_revisions(
        self,
        conn: Connection,
        updated: list[tuple[dict[str, Any], dict[str, Any], Any]],
        run_id: int | None,
    ) -> None:
        ids = [old["id"] for _, _, old in updated]
        versions: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
        query = (
            select(
                document_versions.c.document_id,
                document_versions.c.type,
                document_versions.c.language,
                document_versions.c.url,
                document_versions.c.html,
            )
            .where(document_versions.c.document_id.in_(ids))
            .order_by(document_versions.c.document_id, document_versions.c.position)
        )
        for version in conn.execute(query).mappings():
            versions[version["document_id"]].append(
                {k: v for k, v in version.items() if k != "document_id"}
            )
        revisions = []
        for item, row, existing in updated:
            old = {name: existing[name] for name in (*DOCUMENT_COLUMNS, *DOCUMENT_LIST_COLUMNS)}
            old["versions"] = versions[existing["id"]]
            new = {**row, "versions": item.get("versions") or []}
            changed = [n for n in old if _comparable(old[n]) != _comparable(new[n])] or [
                "normalization"
            ]
            revisions.append(
                {
                    "document_id": existing["id"],
                    "crawl_run_id": run_id,
                    "capture_id": existing["capture_id"],  # where the old values came from
                    "changed_fields": changed,
                    "old_values": json.loads(
                        json.dumps({n: old[n] for n in changed if n in old}, default=str)
                    ),
                }
            )
        conn.execute(document_revisions.insert(), revisions)

    def _replace_children(self, conn: Connection, batch: entities.Batch) -> None:
        """Versions, names, citations and aliases of changed documents, replaced as a whole."""
        ids = [doc_id for _, doc_id in batch]
        for table in (
            document_versions,
            entities.citations,
            *{link for _, link, _ in ENTITY_LINKS.values()},
        ):
            conn.execute(delete(table).where(table.c.document_id.in_(ids)))
        versions = [
            {"document_id": doc_id, "position": position}
            | {k: v.get(k) for k in ("type", "language", "url", "html")}
            for item, doc_id in batch
            for position, v in enumerate(item.get("versions") or [])
        ]
        if versions:
            conn.execute(document_versions.insert(), versions)
        person_ids = entities.link_entities(conn, batch)
        entities.insert_citations(conn, batch)
        entities.add_aliases(conn, batch, person_ids)

    # -- what the spiders ask before they crawl -------------------------------------------

    def known_documents(self) -> KnownDocuments:
        """The stored documents by the archive's keys (for new_only, since)."""
        known = KnownDocuments()
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(document_urls.c.url, documents.c.record_id, documents.c.uploaded_date).join(
                    documents, documents.c.id == document_urls.c.document_id
                )
            )
            for url, record_id, uploaded in rows:
                date = uploaded.isoformat() if uploaded else None
                known.by_path[url_key(url)] = date
                if record_id:
                    known.by_record_id[record_id] = date
        return known

    def stored_item(self, urls: Sequence[str]) -> DocumentItem | None:
        """The stored document one of these URLs belongs to, as an item with the documents
        table's fields (for a feed: a page that answered 304 is still a document of the run)."""
        with self.engine.connect() as conn:
            row = (
                conn.execute(
                    select(documents)
                    .join(document_urls, document_urls.c.document_id == documents.c.id)
                    .where(document_urls.c.url.in_(list(urls)))
                    .limit(1)
                )
                .mappings()
                .first()
            )
        if row is None:
            return None
        values = {name: row[name] for name in (*DOCUMENT_COLUMNS, *DOCUMENT_LIST_COLUMNS)}
        for name in DATE_COLUMNS:
            values[name] = row[name].isoformat() if row[name] else None
        captured = row["captured_at"]
        return DocumentItem(
            url=row["url"],
            fetched_at=row["fetched_at"],
            captured_at=captured.isoformat() if captured else None,
            **values,
        )

    def link_urls(self, groups: Sequence[Sequence[str]]) -> None:
        """Each group: the URLs one response answered at (request, redirects, final). When one
        of them is a stored document's (a 304 after a redirect), the others become its URLs
        too, so that the next listing that links them knows the document without a request."""
        wanted = list({url for group in groups for url in group})
        if not wanted:
            return
        with self.engine.begin() as conn:
            owners = {
                url: document_id
                for url, document_id in conn.execute(
                    select(document_urls.c.url, document_urls.c.document_id).where(
                        document_urls.c.url.in_(wanted)
                    )
                )
            }
            rows = {}
            for group in groups:
                owner = next((owners[u] for u in reversed(group) if u in owners), None)
                for url in group:
                    if owner is not None and url not in owners:
                        rows[url] = {"url": url, "document_id": owner}
            upsert(conn, document_urls, list(rows.values()), ["url"])

    def revalidation_urls(self) -> list[tuple[str, ...]]:
        """For each document still on the site: its last URL first, then its other URLs."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(documents.c.id, documents.c.url, document_urls.c.url)
                .join(document_urls, document_urls.c.document_id == documents.c.id)
                .where(documents.c.withdrawn_at.is_(None))
                .order_by(documents.c.id)
            ).all()
        grouped: dict[int, list[str]] = {}
        for document_id, url, alias in rows:
            grouped.setdefault(document_id, [url])
            if alias != url:
                grouped[document_id].append(alias)
        return [tuple(urls) for urls in grouped.values()]

    def mark_withdrawn(self, urls: Sequence[str]) -> int:
        """Documents whose page now answers 404/410: `withdrawn_at` is set, nothing deleted."""
        if not urls:
            return 0
        with self.engine.begin() as conn:
            stored = conn.execute(
                select(documents.c.id, documents.c.content_hash, documents.c.withdrawn_at)
                .join(document_urls, document_urls.c.document_id == documents.c.id)
                .where(document_urls.c.url.in_(list(urls)))
            ).all()
            gone = {
                row.id
                for row in stored
                if classify(Stored(row.content_hash, withdrawn_at=row.withdrawn_at), None)
                is Change.WITHDRAWN
            }
            if gone:
                conn.execute(
                    update(documents).where(documents.c.id.in_(gone)).values(withdrawn_at=utcnow())
                )
            return len(gone)


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


# Fields that a fetch may lack by nature, not by a markup change: the listing's summary is
# only seen when the page is reached from a listing (not by `document -a id=`).
SILENTLY_KEPT = ("listing_summary",)


def keep_stored_values(row: dict[str, Any], stored: Any) -> list[str]:
    """A re-crawl never replaces a stored value with an empty one (a renamed block, a
    selector that no longer matches): the row takes the stored value back. Returns the names
    of the fields kept, except those a fetch may lack by nature (SILENTLY_KEPT: a fetch that
    saw no listing keeps the stored listing_summary, and the summary taken from it)."""
    kept = [
        name
        for name in (*DOCUMENT_COLUMNS, *DOCUMENT_LIST_COLUMNS)
        if _is_empty(row[name]) and not _is_empty(stored[name])
    ]
    silent = {name for name in kept if name in SILENTLY_KEPT}
    if (
        "listing_summary" in silent
        and "summary" in kept
        and stored["summary"] == stored["listing_summary"]
    ):
        silent.add("summary")  # the stored summary was the listing's (pipelines/clean.py)
    for name in kept:
        row[name] = stored[name]
    return [name for name in kept if name not in silent]


def _record_blanked(
    conn: Connection, blanked: list[tuple[str, list[str]]], run_id: int | None
) -> None:
    """One rejected_items row per page and set of emptied fields, counted on each run."""
    rows = [
        {
            "url": url,
            "outcome": "rejected",
            "reason": f"markup: {', '.join(fields)} came out empty; the stored values are kept",
            "payload": {"kept": fields},
        }
        for url, fields in blanked
    ]
    upsert_rejects(conn, rows, run_id)


def _key(row: dict[str, Any]) -> str:
    return (
        "record:" + row["record_id"] if row["record_id"] else "url:" + (row["canonical_url"] or "")
    )


def _urls(item: dict[str, Any]) -> list[str]:
    urls = [item.get("url"), item.get("canonical_url"), *(item.get("alias_urls") or [])]
    return list(dict.fromkeys(u for u in urls if u))


def _last_per_key(items: Iterable[DocumentItem]) -> list[DocumentItem]:
    """One item per document in a batch (the last wins), in arrival order."""
    latest: dict[str, DocumentItem] = {}
    for item in items:
        key = item.record_id or item.canonical_url or item.url
        latest.pop(key, None)
        latest[key] = item
    return list(latest.values())


def _as_hashed(version: dict[str, Any]) -> dict[str, Any]:
    """A version as the content hash has always seen it: a scan without `html`, a text
    without `url` (so that stored hashes stay valid and a re-crawl rewrites nothing)."""
    return {k: v for k, v in version.items() if k not in ("url", "html") or v is not None}


def _without_none(versions: list[Any]) -> list[Any]:
    """Versions: absent keys and None are the same."""
    return [
        {k: v for k, v in x.items() if v is not None} if isinstance(x, dict) else x
        for x in versions
    ]


def _comparable(value: Any) -> str:
    if isinstance(value, list):
        value = _without_none(value)
    return json.dumps(value, sort_keys=True, default=str)


def one_line(exc: BaseException) -> str:
    text = redact(" ".join(str(exc).split()))
    return f"{type(exc).__name__}: {text[:300]}"
