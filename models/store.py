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

from sqlalchemy import Connection, Engine, and_, delete, func, or_, select, update

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
        """Store a batch in one transaction; an item that fails is rolled back alone."""
        result = SaveResult()
        with self.engine.begin() as conn:
            for item in _last_per_key(items):
                savepoint = conn.begin_nested()
                try:
                    outcome = self._save_document(conn, item, run_id)
                except Exception as exc:  # recorded with its reason by the caller
                    savepoint.rollback()
                    result.failures.append((item, f"database error: {_one_line(exc)}"))
                    continue
                savepoint.commit()
                result.counts[outcome] += 1
        return result

    def _save_document(self, conn: Connection, item: dict[str, Any], run_id: int | None) -> str:
        row = document_row(item)
        key = (
            documents.c.record_id == row["record_id"]
            if row["record_id"]
            else documents.c.canonical_url == row["canonical_url"]
        )
        existing = conn.execute(select(documents).where(key)).mappings().first()
        if existing is not None and _older_capture(row, existing):
            # A Wayback capture never overwrites the live page or a later capture; its URLs
            # still lead to the document (so recovered collection listings link to it).
            aliases = [{"url": url, "document_id": existing["id"]} for url in _aliases(item)]
            upsert(conn, document_urls, aliases, ["url"])
            _record_fetch(conn, item.get("http"), run_id, changed=False)
            return "unchanged"
        if existing is not None and existing["content_hash"] == row["content_hash"]:
            if existing["withdrawn_at"] is not None:  # back on the site
                conn.execute(
                    update(documents)
                    .where(documents.c.id == existing["id"])
                    .values(withdrawn_at=None)
                )
            _record_fetch(conn, item.get("http"), run_id, changed=False)
            return "unchanged"
        now = utcnow()
        if existing is None:
            conflict = ["record_id"] if row["record_id"] else ["canonical_url"]
            upsert(
                conn,
                documents,
                [{**row, "first_seen_at": now, "updated_at": now}],
                conflict,
                update=[*row],
            )
            document_id = conn.execute(select(documents.c.id).where(key)).scalar_one()
            outcome = "new"
        else:
            document_id = existing["id"]
            self._keep_revision(conn, existing, row, item, run_id)
            conn.execute(
                update(documents).where(documents.c.id == document_id).values(**row, updated_at=now)
            )
            outcome = "updated"
        self._replace_children(conn, document_id, item)
        aliases = [{"url": url, "document_id": document_id} for url in _aliases(item)]
        upsert(conn, document_urls, aliases, ["url"], update=["document_id"])
        _record_fetch(conn, item.get("http"), run_id, changed=True)
        return outcome

    def _keep_revision(
        self,
        conn: Connection,
        existing: Any,
        row: dict[str, Any],
        item: dict[str, Any],
        run_id: int | None,
    ) -> None:
        old = {name: existing[name] for name in (*SCALAR_FIELDS, *LIST_FIELDS)}
        old["versions"] = [
            dict(version)
            for version in conn.execute(
                select(
                    document_versions.c.type,
                    document_versions.c.language,
                    document_versions.c.url,
                    document_versions.c.html,
                )
                .where(document_versions.c.document_id == existing["id"])
                .order_by(document_versions.c.position)
            ).mappings()
        ]
        new = {**row, "versions": item.get("versions") or []}
        changed = [n for n in old if _comparable(old[n]) != _comparable(new[n])]
        if not changed:  # only what is derived from the same content changed
            changed = ["normalization"]
        conn.execute(
            DocumentRevision.__table__.insert().values(
                document_id=existing["id"],
                crawl_run_id=run_id,
                changed_fields=changed,
                old_values=json.loads(json.dumps({n: old[n] for n in changed}, default=str)),
            )
        )

    def _replace_children(self, conn: Connection, document_id: int, item: dict[str, Any]) -> None:
        conn.execute(
            delete(document_versions).where(document_versions.c.document_id == document_id)
        )
        versions = [
            {
                "document_id": document_id,
                "position": position,
                "type": version.get("type"),
                "language": version.get("language"),
                "url": version.get("url"),
                "html": version.get("html"),
            }
            for position, version in enumerate(item.get("versions") or [])
        ]
        if versions:
            conn.execute(document_versions.insert(), versions)
        cleared = set()
        person_ids: dict[str, int] = {}
        for field_name, (entity, link, role) in ENTITY_LINKS.items():
            if link.name not in cleared:
                conn.execute(delete(link).where(link.c.document_id == document_id))
                cleared.add(link.name)
            names = list(dict.fromkeys(item.get(field_name) or []))
            if not names:
                continue
            keys, ids = self._entities(conn, entity, names, item)
            if entity is Person:
                person_ids.update({name: ids[keys[name]] for name in names})
            links = [
                {"document_id": document_id, "entity_id": ids[keys[name]], "position": position}
                | ({"role": role} if role else {})
                for position, name in enumerate(names)
            ]
            upsert(conn, link, links, [c.name for c in link.primary_key.columns])
        self._replace_citations(conn, document_id, item.get("citations") or [])
        self._add_aliases(conn, item, person_ids)

    def _entities(
        self, conn: Connection, entity: type, names: list[str], item: dict[str, Any]
    ) -> tuple[dict[str, str], dict[str, int]]:
        """Upsert the entity rows for names: ({shown name: row name}, {row name: id}).

        Archives are stored under their canonical name when the archive table knows them;
        people with the display and sort forms of their names.
        """
        table = entity.__table__
        keys = {name: name for name in names}
        extra: dict[str, dict[str, Any]] = {}
        if entity is Archive:
            for name in names:
                record = archive_for(name)
                if record is not None:
                    keys[name] = record.name
                    extra[record.name] = {
                        "abbreviation": record.abbreviation,
                        "country": record.country,
                    }
        elif entity is Person:
            forms = {p["name"]: p for p in item.get("persons") or []}
            for name in names:
                if name in forms:
                    extra[name] = {k: forms[name][k] for k in ("display_name", "sort_name")}
        rows = [{"name": key} | extra.get(key, {}) for key in dict.fromkeys(keys.values())]
        if extra:
            columns = sorted({c for row in rows for c in row if c != "name"})
            rows = [{c: row.get(c) for c in ("name", *columns)} for row in rows]
            upsert(conn, table, rows, ["name"], update=columns)
        else:
            upsert(conn, table, rows, ["name"])
        wanted = list(dict.fromkeys(keys.values()))
        ids = dict(
            conn.execute(select(table.c.name, table.c.id).where(table.c.name.in_(wanted))).all()
        )
        return keys, ids

    def _replace_citations(
        self, conn: Connection, document_id: int, parsed: list[dict[str, Any]]
    ) -> None:
        conn.execute(delete(citations).where(citations.c.document_id == document_id))
        if not parsed:
            return
        named = [c["repository_name"] for c in parsed if c.get("repository_name")]
        archive_ids: dict[str, int] = {}
        if named:
            rows = [
                {
                    "name": c["repository_name"],
                    "abbreviation": c.get("abbreviation"),
                    "country": c.get("country"),
                }
                for c in parsed
                if c.get("repository_name")
            ]
            upsert(
                conn,
                archives,
                list({r["name"]: r for r in rows}.values()),
                ["name"],
                update=["abbreviation", "country"],
            )
            archive_ids = dict(
                conn.execute(
                    select(archives.c.name, archives.c.id).where(archives.c.name.in_(named))
                ).all()
            )
        conn.execute(
            citations.insert(),
            [
                {
                    "document_id": document_id,
                    "position": position,
                    "archive_id": archive_ids.get(citation.get("repository_name") or ""),
                }
                | {name: citation.get(name) for name in CITATION_COLUMNS}
                | {
                    name: citation.get(name) or []
                    for name in CITATION_COLUMNS
                    if name.endswith("_by")
                }
                for position, citation in enumerate(parsed)
            ],
        )

    def _add_aliases(
        self, conn: Connection, item: dict[str, Any], person_ids: dict[str, int]
    ) -> None:
        """Pseudonyms from the title, linked to the document's person of that name if unique."""
        rows = []
        aliases = list(item.get("aliases") or [])
        for person in item.get("persons") or []:
            aliases += [{"name": person["name"], "alias": a} for a in person.get("aliases") or []]
        for alias in aliases:
            name = alias["name"]
            candidates = [
                pid
                for shown, pid in person_ids.items()
                if shown == name or shown.split(",")[0].strip() == name.split()[-1]
            ]
            rows.append(
                {
                    "name": name,
                    "alias": alias["alias"],
                    "person_id": candidates[0] if len(set(candidates)) == 1 else None,
                }
            )
        upsert(conn, person_aliases, rows, ["name", "alias"])

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
            for record in records:
                _record_fetch(conn, record, run_id, changed=record.get("status") == 200)

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


def _record_fetch(
    conn: Connection, http: dict[str, Any] | None, run_id: int | None, changed: bool
) -> None:
    """Upsert fetch_state for every URL a response answered (request, redirects, final)."""
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
    rows = [{"url": url, **row} for url in dict.fromkeys(http.get("urls") or [])]
    upsert(conn, fetch_state, rows, ["url"], update=update_columns)


def _older_capture(row: dict[str, Any], existing: Any) -> bool:
    captured = row["captured_at"]
    if captured is None:
        return False
    return existing["captured_at"] is None or existing["captured_at"] >= captured


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
