"""Writing items to the database: idempotent, batched, with history and nothing lost.

Documents are keyed by record id (fallback: canonical URL). A document whose content hash
is unchanged is not written at all; a changed one is updated and its previous values are kept
in `document_revisions`. The pipelines call this; tests and scripts can too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, and_, bindparam, delete, func, or_, select, update

from models.db import upsert
from models.tables import (
    ENTITY_LINKS,
    Archive,
    Citation,
    Collection,
    Document,
    DocumentCollection,
    DocumentRevision,
    DocumentUrl,
    DocumentVersion,
    FetchState,
    Person,
    PersonAlias,
    RejectedItem,
    utcnow,
)
from pipelines.citations import archive_for

SCALAR_FIELDS = (
    "canonical_url",
    "record_id",
    "node_id",
    "site_generation",
    "title",
    "date_text",
    "date_start",
    "date_end",
    "date_precision",
    "date_circa",
    "date_source",
    "summary",
    "listing_summary",
    "text",
    "source",
    "rights",
    "uploaded_date",
    "classification",
    "document_type",
    "download_url",
    "number",
    "sender",
)
LIST_FIELDS = (
    "authors",
    "people",
    "contributors",
    "places",
    "topics",
    "subjects",
    "original_archives",
    "languages",
    "donors",
    "related_urls",
    "recipients",
)
# Stored in their own tables (versions, citations, people, aliases).
CHILD_FIELDS = ("versions", "citations", "persons", "aliases")
# What makes a document "changed": its content and what we derive from it, not where or
# when it was fetched. (A better normalizer therefore updates rows, with a revision.)
TRACKED_FIELDS = (*SCALAR_FIELDS, *LIST_FIELDS, *CHILD_FIELDS)

documents = Document.__table__
collections = Collection.__table__
document_collections = DocumentCollection.__table__
document_urls = DocumentUrl.__table__
document_versions = DocumentVersion.__table__
rejected_items = RejectedItem.__table__
fetch_state = FetchState.__table__
citations = Citation.__table__
archives = Archive.__table__
people = Person.__table__
person_aliases = PersonAlias.__table__
CITATION_COLUMNS = (
    "raw",
    "kind",
    "parsed",
    "repository",
    "fond",
    "opis",
    "delo",
    "papka",
    "listy",
    "reference",
    "publication",
    "translated_by",
    "contributed_by",
    "obtained_by",
    "transcribed_by",
    "edited_by",
)


@dataclass
class SaveResult:
    counts: Counter = field(default_factory=Counter)  # new | updated | unchanged
    failures: list[tuple[dict[str, Any], str]] = field(default_factory=list)  # (item, reason)


def content_hash(values: dict[str, Any]) -> str:
    tracked = {name: values.get(name) for name in TRACKED_FIELDS}
    encoded = json.dumps(tracked, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()


def document_row(item: dict[str, Any]) -> dict[str, Any]:
    """The `documents` row for an item (a plain dict, as itemadapter gives it)."""
    row = {name: item.get(name) for name in SCALAR_FIELDS}
    row.update({name: list(item.get(name) or []) for name in LIST_FIELDS})
    row["url"] = item["url"]
    for name in ("uploaded_date", "date_start", "date_end"):
        row[name] = _iso_date(item.get(name))
    row["date_circa"] = bool(item.get("date_circa"))
    row["fetched_at"] = item.get("fetched_at")
    row["captured_at"] = _utc_datetime(item.get("captured_at"))
    row["content_hash"] = content_hash({**row, **{n: item.get(n) or [] for n in CHILD_FIELDS}})
    return row


def _utc_datetime(value: str | None) -> dt.datetime | None:
    """An ISO 8601 time as the naive UTC datetime the tables hold."""
    if not value:
        return None
    parsed = dt.datetime.fromisoformat(value)
    return parsed.astimezone(dt.UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


def _iso_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date) or value is None:
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


class ArchiveStore:
    """All writes of a crawl, through one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- documents ----------------------------------------------------------------------

    def save_documents(self, items: Iterable[dict[str, Any]], run_id: int | None) -> SaveResult:
        """Store a batch in one transaction, a few set-based statements per table. If the batch
        fails, each item is tried alone, so that one bad item is recorded and the rest stored."""
        batch = _last_per_key(items)
        result = SaveResult()
        try:
            with self.engine.begin() as conn:
                result.counts.update(self._save_batch(conn, batch, run_id))
            return result
        except Exception as exc:  # find the culprit: item by item
            if len(batch) == 1:
                result.failures.append((batch[0], f"database error: {_one_line(exc)}"))
                return result
        for item in batch:
            try:
                with self.engine.begin() as conn:
                    result.counts.update(self._save_batch(conn, [item], run_id))
            except Exception as exc:  # recorded with its reason by the caller
                result.failures.append((item, f"database error: {_one_line(exc)}"))
        return result

    def _save_batch(
        self, conn: Connection, items: list[dict[str, Any]], run_id: int | None
    ) -> Counter:
        rows = [document_row(item) for item in items]
        existing = self._existing(conn, rows)
        counts: Counter = Counter()
        changed: list[tuple[dict, dict, Any]] = []  # (item, row, existing row or None)
        alias_only: list[tuple[dict, int]] = []
        back: list[int] = []
        for item, row in zip(items, rows, strict=True):
            old = existing.get(_key(row))
            if old is not None and (
                _older_capture(row, old) or old["content_hash"] == row["content_hash"]
            ):
                counts["unchanged"] += 1
                alias_only.append((item, old["id"]))
                if old["withdrawn_at"] is not None and not _older_capture(row, old):
                    back.append(old["id"])  # on the site again
                continue
            counts["updated" if old is not None else "new"] += 1
            changed.append((item, row, old))
        now = utcnow()
        if back:
            conn.execute(
                update(documents).where(documents.c.id.in_(back)).values(withdrawn_at=None)
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
        document_ids = [(item, old["id"]) for item, _, old in changed]
        if document_ids:
            self._replace_children(conn, document_ids)
        aliases = [
            {"url": url, "document_id": doc_id}
            for item, doc_id in document_ids
            for url in _aliases(item)
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
            for url in _aliases(item)
        ]
        upsert(conn, document_urls, list({a["url"]: a for a in kept}.values()), ["url"])
        changed_urls = {id(item) for item, _ in document_ids}
        _record_fetches(
            conn, [(item.get("http"), id(item) in changed_urls) for item in items], run_id
        )
        return counts

    def _existing(self, conn: Connection, rows: list[dict[str, Any]]) -> dict[str, Any]:
        """{key: stored row} for the rows' documents, by record id or canonical URL."""
        record_ids = [r["record_id"] for r in rows if r["record_id"]]
        urls = [r["canonical_url"] for r in rows if not r["record_id"]]
        found: dict[str, Any] = {}
        if record_ids:
            for row in conn.execute(
                select(documents).where(documents.c.record_id.in_(record_ids))
            ).mappings():
                found["record:" + row["record_id"]] = row
        if urls:
            for row in conn.execute(
                select(documents).where(documents.c.canonical_url.in_(urls))
            ).mappings():
                found["url:" + row["canonical_url"]] = row
        return found

    def _keep_revisions(
        self, conn: Connection, updated: list[tuple[dict, dict, Any]], run_id: int | None
    ) -> None:
        ids = [old["id"] for _, _, old in updated]
        versions: dict[int, list[dict]] = {i: [] for i in ids}
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
            old = {name: existing[name] for name in (*SCALAR_FIELDS, *LIST_FIELDS)}
            old["versions"] = versions[existing["id"]]
            new = {**row, "versions": item.get("versions") or []}
            changed = [n for n in old if _comparable(old[n]) != _comparable(new[n])] or [
                "normalization"
            ]
            revisions.append(
                {
                    "document_id": existing["id"],
                    "crawl_run_id": run_id,
                    "changed_fields": changed,
                    "old_values": json.loads(
                        json.dumps({n: old[n] for n in changed if n in old}, default=str)
                    ),
                }
            )
        conn.execute(DocumentRevision.__table__.insert(), revisions)

    def _replace_children(self, conn: Connection, document_ids: list[tuple[dict, int]]) -> None:
        """Versions, names, citations and aliases of changed documents, replaced as a whole."""
        ids = [doc_id for _, doc_id in document_ids]
        for table in (
            document_versions,
            citations,
            *{link for _, link, _ in ENTITY_LINKS.values()},
        ):
            conn.execute(delete(table).where(table.c.document_id.in_(ids)))
        versions = [
            {
                "document_id": doc_id,
                "position": position,
                "type": v.get("type"),
                "language": v.get("language"),
                "url": v.get("url"),
                "html": v.get("html"),
            }
            for item, doc_id in document_ids
            for position, v in enumerate(item.get("versions") or [])
        ]
        if versions:
            conn.execute(document_versions.insert(), versions)
        person_ids = self._link_entities(conn, document_ids)
        self._insert_citations(conn, document_ids)
        self._add_aliases(conn, document_ids, person_ids)

    def _link_entities(
        self, conn: Connection, document_ids: list[tuple[dict, int]]
    ) -> dict[int, dict[str, int]]:
        """Upsert the names of every entity kind once for the batch, then link them.
        Returns {document_id: {person name: person id}} for the aliases."""
        person_ids: dict[int, dict[str, int]] = {}
        by_entity: dict[type, dict[str, dict[str, Any]]] = {}
        keys: dict[tuple[type, str], str] = {}
        for item, _ in document_ids:
            forms = {p["name"]: p for p in item.get("persons") or []}
            for field_name, (entity, _, _) in ENTITY_LINKS.items():
                for name in item.get(field_name) or []:
                    row = {"name": name}
                    if entity is Archive and (record := archive_for(name)) is not None:
                        row = {
                            "name": record.name,
                            "abbreviation": record.abbreviation,
                            "country": record.country,
                        }
                    elif entity is Person and name in forms:
                        row |= {k: forms[name][k] for k in ("display_name", "sort_name")}
                    keys[(entity, name)] = row["name"]
                    by_entity.setdefault(entity, {})[row["name"]] = row
        ids: dict[type, dict[str, int]] = {}
        for entity, rows in by_entity.items():
            table = entity.__table__
            columns = [
                c for c in ("abbreviation", "country", "display_name", "sort_name") if c in table.c
            ]
            values = [{"name": r["name"], **{c: r.get(c) for c in columns}} for r in rows.values()]
            upsert(conn, table, values, ["name"], update=columns or None)
            names = list(rows)
            ids[entity] = {}
            for start in range(0, len(names), 500):
                chunk = names[start : start + 500]
                ids[entity].update(
                    conn.execute(
                        select(table.c.name, table.c.id).where(table.c.name.in_(chunk))
                    ).all()
                )
        links: dict[Any, list[dict[str, Any]]] = {}
        for item, doc_id in document_ids:
            for field_name, (entity, link, role) in ENTITY_LINKS.items():
                for position, name in enumerate(dict.fromkeys(item.get(field_name) or [])):
                    entity_id = ids[entity][keys[(entity, name)]]
                    links.setdefault(link, {})[(doc_id, entity_id, role)] = {
                        "document_id": doc_id,
                        "entity_id": entity_id,
                        "position": position,
                    } | ({"role": role} if role else {})
                    if entity is Person:
                        person_ids.setdefault(doc_id, {})[name] = entity_id
        for link, rows in links.items():
            conn.execute(link.insert(), list(rows.values()))
        return person_ids

    def _insert_citations(self, conn: Connection, document_ids: list[tuple[dict, int]]) -> None:
        parsed = [
            (doc_id, position, c)
            for item, doc_id in document_ids
            for position, c in enumerate(item.get("citations") or [])
        ]
        if not parsed:
            return
        archive_rows = {
            c["repository_name"]: {
                "name": c["repository_name"],
                "abbreviation": c.get("abbreviation"),
                "country": c.get("country"),
            }
            for _, _, c in parsed
            if c.get("repository_name")
        }
        archive_ids: dict[str, int] = {}
        if archive_rows:
            upsert(
                conn,
                archives,
                list(archive_rows.values()),
                ["name"],
                update=["abbreviation", "country"],
            )
            archive_ids = dict(
                conn.execute(
                    select(archives.c.name, archives.c.id).where(
                        archives.c.name.in_(list(archive_rows))
                    )
                ).all()
            )
        conn.execute(
            citations.insert(),
            [
                {
                    "document_id": doc_id,
                    "position": position,
                    "archive_id": archive_ids.get(c.get("repository_name") or ""),
                }
                | {name: c.get(name) for name in CITATION_COLUMNS}
                | {name: c.get(name) or [] for name in CITATION_COLUMNS if name.endswith("_by")}
                for doc_id, position, c in parsed
            ],
        )

    def _add_aliases(
        self,
        conn: Connection,
        document_ids: list[tuple[dict, int]],
        person_ids: dict[int, dict[str, int]],
    ) -> None:
        """Pseudonyms from titles and other names of people, linked to the document's person
        of that name when there is exactly one."""
        rows: dict[tuple[str, str], dict[str, Any]] = {}
        for item, doc_id in document_ids:
            aliases = list(item.get("aliases") or [])
            for person in item.get("persons") or []:
                aliases += [
                    {"name": person["name"], "alias": a} for a in person.get("aliases") or []
                ]
            shown = person_ids.get(doc_id, {})
            for alias in aliases:
                name = alias["name"]
                candidates = {
                    pid
                    for person, pid in shown.items()
                    if person == name or person.split(",")[0].strip() == name.split()[-1]
                }
                rows[(name, alias["alias"])] = {
                    "name": name,
                    "alias": alias["alias"],
                    "person_id": candidates.pop() if len(candidates) == 1 else None,
                }
        upsert(conn, person_aliases, list(rows.values()), ["name", "alias"])

    # -- collections ----------------------------------------------------------------------

    def save_collection(self, item: dict[str, Any]) -> str:
        """Store a collection and its listing in order; returns new | updated | unchanged."""
        entries = item.get("documents") or []
        digest = hashlib.sha256(
            json.dumps(
                [item.get("title"), item.get("description"), entries], sort_keys=True, default=str
            ).encode()
        ).hexdigest()
        with self.engine.begin() as conn:
            existing = conn.execute(
                select(collections.c.id, collections.c.content_hash).where(
                    collections.c.collection_id == item["collection_id"]
                )
            ).first()
            if existing is not None and existing.content_hash == digest:
                return "unchanged"
            now = utcnow()
            row = {
                "collection_id": item["collection_id"],
                "url": item["url"],
                "captured_at": _utc_datetime(item.get("captured_at")),
                "site_generation": item.get("site_generation"),
                "title": item.get("title"),
                "description": item.get("description"),
                "content_hash": digest,
                "updated_at": now,
            }
            upsert(
                conn, collections, [{**row, "first_seen_at": now}], ["collection_id"], update=[*row]
            )
            pk = conn.execute(
                select(collections.c.id).where(collections.c.collection_id == item["collection_id"])
            ).scalar_one()
            conn.execute(
                delete(document_collections).where(document_collections.c.collection_id == pk)
            )
            if entries:
                conn.execute(
                    document_collections.insert(),
                    [
                        {
                            "collection_id": pk,
                            "position": entry["position"],
                            "record_id": entry.get("record_id"),
                            "url": entry.get("url"),
                            "listing_title": entry.get("title"),
                            "listing_date_text": entry.get("date_text"),
                            "listing_summary": entry.get("summary"),
                        }
                        for entry in entries
                    ],
                )
            _resolve_collection_links(conn)
            return "new" if existing is None else "updated"

    def resolve_collection_links(self) -> int:
        """Link listing rows to documents stored since; returns how many are still open."""
        with self.engine.begin() as conn:
            _resolve_collection_links(conn)
            return conn.execute(
                select(func.count()).where(document_collections.c.document_id.is_(None))
            ).scalar_one()

    # -- fetch bookkeeping ---------------------------------------------------------------

    def save_fetches(self, records: Iterable[dict[str, Any]], run_id: int | None) -> None:
        """Pages checked without a document to store: 304s and listing pages."""
        with self.engine.begin() as conn:
            _record_fetches(
                conn, [(record, record.get("status") == 200) for record in records], run_id
            )

    def validators(self) -> dict[str, tuple[str | None, str | None, bool]]:
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

    def mark_withdrawn(self, urls: Iterable[str]) -> int:
        """Documents whose page now answers 404/410: `withdrawn_at` is set, nothing deleted."""
        urls = list(urls)
        if not urls:
            return 0
        with self.engine.begin() as conn:
            ids = select(document_urls.c.document_id).where(document_urls.c.url.in_(urls))
            result = conn.execute(
                update(documents)
                .where(documents.c.id.in_(ids), documents.c.withdrawn_at.is_(None))
                .values(withdrawn_at=utcnow())
            )
            return result.rowcount

    def known_documents(self) -> dict[str, str | None]:
        """{url: uploaded_date} of every URL of every stored document (for new_only, since)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(document_urls.c.url, documents.c.uploaded_date).join(
                    documents, documents.c.id == document_urls.c.document_id
                )
            )
            return {url: uploaded.isoformat() if uploaded else None for url, uploaded in rows}

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

    # -- rejected and failed --------------------------------------------------------------

    def record_rejected(self, items: Iterable[dict[str, Any]], run_id: int | None) -> None:
        now = utcnow()
        rows = [
            {
                "url": item["url"],
                "spider": item.get("spider"),
                "outcome": item.get("outcome") or "rejected",
                "reason": item["reason"],
                "http_status": item.get("http_status"),
                "payload": json.loads(json.dumps(item.get("payload"), default=str)),
                "first_seen_at": now,
                "last_seen_at": now,
                "attempts": 1,
                "crawl_run_id": run_id,
            }
            for item in items
        ]
        with self.engine.begin() as conn:
            upsert(
                conn,
                rejected_items,
                rows,
                ["url", "reason"],
                update={
                    "last_seen_at": now,
                    "attempts": rejected_items.c.attempts + 1,
                    "crawl_run_id": run_id,
                },
            )


def _resolve_collection_links(conn: Connection) -> None:
    by_record = (
        select(documents.c.id)
        .where(
            and_(
                documents.c.record_id.is_not(None),
                documents.c.record_id == document_collections.c.record_id,
            )
        )
        .scalar_subquery()
    )
    by_url = (
        select(document_urls.c.document_id)
        .where(document_urls.c.url == document_collections.c.url)
        .scalar_subquery()
    )
    conn.execute(
        update(document_collections)
        .where(document_collections.c.document_id.is_(None))
        .where(or_(by_record.is_not(None), by_url.is_not(None)))
        .values(document_id=func.coalesce(by_record, by_url))
    )


def _record_fetches(
    conn: Connection, fetches: list[tuple[dict[str, Any] | None, bool]], run_id: int | None
) -> None:
    """fetch_state for a batch of responses: (http info, whether the content changed)."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
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


def _fetch_rows(http: dict[str, Any] | None, run_id: int | None, changed: bool):
    """Rows of fetch_state for every URL a response answered (request, redirects, final),
    grouped by the columns an existing row takes from them."""
    if not http:
        return
    now = utcnow()
    body = http.get("body")
    row = {
        "etag": http.get("etag"),
        "last_modified": http.get("last_modified"),
        "http_status": http.get("status"),
        "body_hash": http.get("body_hash"),
        "last_checked_at": now,
        "crawl_run_id": run_id,
    }
    update_columns = list(row)
    if body is not None:
        row["body"] = zlib.compress(body)
        update_columns.append("body")
    if changed:
        row["last_changed_at"] = now
        update_columns.append("last_changed_at")
    if http.get("status") == 304:  # a 304 keeps the validators and the body we have
        update_columns = ["http_status", "last_checked_at", "crawl_run_id"]
    yield (
        tuple(update_columns),
        [{"url": url, **row} for url in dict.fromkeys(http.get("urls") or [])],
    )


def _older_capture(row: dict[str, Any], existing: Any) -> bool:
    captured = row["captured_at"]
    if captured is None:
        return False
    return existing["captured_at"] is None or existing["captured_at"] >= captured


def _key(row: dict[str, Any]) -> str:
    return (
        "record:" + row["record_id"] if row["record_id"] else "url:" + (row["canonical_url"] or "")
    )


def _aliases(item: dict[str, Any]) -> list[str]:
    urls = [item.get("url"), item.get("canonical_url"), *(item.get("alias_urls") or [])]
    return list(dict.fromkeys(u for u in urls if u))


def _last_per_key(items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One item per document in a batch (the last wins), in arrival order."""
    latest: dict[str, dict[str, Any]] = {}
    for item in items:
        latest.pop(item.get("record_id") or item.get("canonical_url") or item["url"], None)
        latest[item.get("record_id") or item.get("canonical_url") or item["url"]] = item
    return list(latest.values())


def _comparable(value: Any) -> str:
    if isinstance(value, list):  # versions: absent keys and None are the same
        value = [
            {k: v for k, v in x.items() if v is not None} if isinstance(x, dict) else x
            for x in value
        ]
    return json.dumps(value, sort_keys=True, default=str)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:300]}"
