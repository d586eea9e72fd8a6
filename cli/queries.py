"""What `da show`, `da stats` and `da runs` read from the database, as plain dicts (one place for both
the terminal tables and `--json`)."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from typing import Any

from items import CREDIT_FIELDS, DOCUMENT_COLUMNS, DOCUMENT_LIST_COLUMNS
from models.readonly import Connection, run

# Every stored field of a document, as items/ declares them, then what only the table keeps;
# the text last, as `da show` prints it.
TABLE_ONLY_FIELDS = ("url", "withdrawn_at", "captured_at", "first_seen_at", "updated_at")
DOCUMENT_FIELDS = (
    *(name for name in (*DOCUMENT_COLUMNS, *DOCUMENT_LIST_COLUMNS) if name != "text"),
    *TABLE_ONLY_FIELDS,
    "text",
)


def document_id(conn: Connection, key: str) -> int | None:
    """The document a record id, a URL (canonical, crawled or any alias kept in
    document_urls) or a slug (the last part of its /document/ URL) names."""
    key = key.strip()
    found = run(conn, "SELECT id FROM documents WHERE record_id = :r", {"r": key}).scalar()
    if found is not None or not key:
        return found
    if "://" in key:
        url = key.split("#")[0].split("?")[0].rstrip("/")
        found = run(
            conn,
            """SELECT id FROM documents WHERE canonical_url = :u OR url = :u
                    UNION SELECT document_id FROM document_urls WHERE url = :u""",
            {"u": url},
        ).scalar()
        if found is not None:
            return found
        key = url.rsplit("/", 1)[-1]
        found = run(conn, "SELECT id FROM documents WHERE record_id = :r", {"r": key}).scalar()
        if found is not None:
            return found
    if "/" in key:
        return None
    return run(
        conn,
        """SELECT id FROM documents WHERE canonical_url LIKE :tail OR url LIKE :tail
                UNION SELECT document_id FROM document_urls WHERE url LIKE :tail""",
        {"tail": "%/document/" + key.replace("%", "").replace("_", "\\_")},
    ).scalar()


class _PlainText(HTMLParser):
    """The text of an HTML fragment: paragraphs and line breaks as new lines."""

    BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
                        "blockquote", "table", "ul", "ol", "pre"})  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def text(self) -> str:
        lines = (" ".join(line.split()) for line in "".join(self.parts).split("\n"))
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_text(html: str) -> str:
    parser = _PlainText()
    parser.feed(html)
    parser.close()
    return parser.text()


def translation_text(conn: Connection, doc_id: int) -> str | None:
    """The document's translations (versions of type translation) as plain text, one after
    the other; None when it has none."""
    htmls = (
        run(
            conn,
            """SELECT html FROM document_versions WHERE document_id = :id
                AND type = 'translation' AND html IS NOT NULL ORDER BY position""",
            {"id": doc_id},
        )
        .scalars()
        .all()
    )
    texts = [t for t in (html_text(h) for h in htmls) if t]
    return "\n\n".join(texts) if texts else None


# The list commands: (SELECT … FROM …, the --name condition, GROUP BY, tie order); rows of
# name columns then counts, most documents first.
LISTINGS = {
    "people": ("""SELECT p.name, p.display_name, count(DISTINCT x.document_id) AS documents
                  FROM people p JOIN document_people x ON x.entity_id = p.id""",
               "lower(p.name) LIKE :name OR lower(p.display_name) LIKE :name",
               "p.id, p.name, p.display_name", "p.name"),
    "places": ("""SELECT e.name, count(DISTINCT x.document_id) AS documents
                  FROM places e JOIN document_places x ON x.entity_id = e.id""",
               "lower(e.name) LIKE :name", "e.id, e.name", "e.name"),
    "topics": ("""SELECT e.name, count(DISTINCT x.document_id) AS documents
                  FROM topics e JOIN document_topics x ON x.entity_id = e.id""",
               "lower(e.name) LIKE :name", "e.id, e.name", "e.name"),
    "archives": ("""SELECT a.abbreviation, a.name, a.country,
                    count(DISTINCT c.document_id) AS documents, count(DISTINCT c.fond) AS fonds
                    FROM archives a JOIN citations c ON c.archive_id = a.id""",
                 "lower(a.name) LIKE :name OR lower(a.abbreviation) LIKE :name",
                 "a.id, a.abbreviation, a.name, a.country", "a.name"),
    "fonds": ("""SELECT a.abbreviation, a.name, c.fond, count(DISTINCT c.document_id) AS documents
                 FROM archives a JOIN citations c ON c.archive_id = a.id AND c.fond IS NOT NULL""",
              "lower(a.name) LIKE :name OR lower(a.abbreviation) LIKE :name",
              "a.id, a.abbreviation, a.name, c.fond", "a.name, c.fond"),
    "collections": ("""SELECT c.collection_id, c.title, count(DISTINCT x.document_id) AS documents
                       FROM collections c LEFT JOIN document_collections x ON x.collection_id = c.id""",
                    "lower(c.title) LIKE :name OR c.collection_id = :exact",
                    "c.id, c.collection_id, c.title", "c.collection_id"),
}  # fmt: skip


def listing(
    conn: Connection, kind: str, name: str | None, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """The first `limit` rows of a list command (most documents first, then by name) and
    how many rows there are in all; `name` keeps the rows naming it (any case, any part)."""
    select, condition, group, order = LISTINGS[kind]
    params: dict[str, Any] = {}
    where = ""
    if name and name.strip():
        where = f" WHERE {condition}"
        params["name"] = f"%{name.strip().lower()}%"
        if ":exact" in condition:
            params["exact"] = name.strip()
    sql = f"{select}{where} GROUP BY {group}"
    rows = run(
        conn, f"{sql} ORDER BY documents DESC, {order} LIMIT :limit", params | {"limit": limit}
    ).mappings()
    found = [dict(r) for r in rows]
    total = run(conn, f"SELECT count(*) FROM ({sql}) AS listed", params).scalar_one()
    return found, int(total)


def document_details(conn: Connection, doc_id: int) -> dict[str, Any]:
    """Every field of a document, its citations as parsed, versions, collections, revisions."""
    row = run(
        conn, f"SELECT {', '.join(DOCUMENT_FIELDS)} FROM documents WHERE id = :id", {"id": doc_id}
    )
    details = {k: _plain(v, k) for k, v in row.mappings().one().items()}
    details["citations"] = [
        {k: _plain(v, k) for k, v in r.items()}
        for r in run(
            conn,
            """SELECT c.position, c.kind, c.repository, a.name AS archive_name,
                     a.abbreviation AS archive_abbreviation, c.fond, c.opis, c.delo, c.papka, c.listy,
                     c.reference, c.publication, c.translated_by, c.contributed_by, c.obtained_by,
                     c.transcribed_by, c.edited_by, c.annotated_by, c.parsed, c.raw
                     FROM citations c LEFT JOIN archives a ON a.id = c.archive_id
                     WHERE c.document_id = :id ORDER BY c.position""",
            {"id": doc_id},
        ).mappings()
    ]
    details["versions"] = [
        dict(r) for r in run(conn, """SELECT type, language, url, length(html) AS html_characters FROM document_versions
                    WHERE document_id = :id ORDER BY position""", {"id": doc_id}).mappings()
    ]  # fmt: skip
    details["collections"] = [
        {k: _plain(v, k) for k, v in r.items()}
        for r in run(conn, """SELECT c.collection_id, c.title, dc.position FROM document_collections dc
                    JOIN collections c ON c.id = dc.collection_id WHERE dc.document_id = :id
                    ORDER BY c.collection_id""", {"id": doc_id}).mappings()
    ]  # fmt: skip
    details["revisions"] = [
        {k: _plain(v, k) for k, v in r.items()}
        for r in run(conn, """SELECT changed_at, changed_fields, old_values FROM document_revisions
                    WHERE document_id = :id ORDER BY changed_at""", {"id": doc_id}).mappings()
    ]  # fmt: skip
    return details


def stats(conn: Connection, runs: int = 5) -> dict[str, Any]:
    """Documents by year, archive, language, collection and date precision; the last runs."""
    year = (
        "strftime('%Y', date_start)"
        if conn.dialect.name == "sqlite"
        else "to_char(date_start, 'YYYY')"
    )

    def counts(sql: str) -> list[dict[str, Any]]:
        return [{"value": _plain(v), "documents": n} for v, n in run(conn, sql)]

    return {
        "documents": run(conn, "SELECT count(*) FROM documents").scalar_one(),
        "withdrawn": run(conn, "SELECT count(*) FROM documents WHERE withdrawn_at IS NOT NULL").scalar_one(),
        "by_year": counts(f"SELECT {year} AS y, count(*) FROM documents GROUP BY y ORDER BY y"),
        "by_archive": counts("""SELECT coalesce(a.abbreviation, a.name) AS archive, count(DISTINCT c.document_id) AS n
                                FROM citations c JOIN archives a ON a.id = c.archive_id
                                GROUP BY archive ORDER BY n DESC, archive"""),
        "by_language": counts("""SELECT l.name, count(*) AS n FROM document_languages dl
                                 JOIN languages l ON l.id = dl.entity_id GROUP BY l.name ORDER BY n DESC, l.name"""),
        "by_collection": counts("""SELECT c.collection_id, count(dc.document_id) AS n FROM collections c
                                   LEFT JOIN document_collections dc ON dc.collection_id = c.id
                                   GROUP BY c.collection_id ORDER BY n DESC, c.collection_id"""),
        "by_date_precision": counts("""SELECT coalesce(date_precision, 'undated') AS p, count(*) AS n
                                       FROM documents GROUP BY p ORDER BY n DESC, p"""),
        "last_runs": [
            {k: _plain(v, k) for k, v in r.items()}
            for r in run(conn, """SELECT id, spider, status, started_at, finished_at, documents_new,
                        documents_updated, documents_unchanged, rejected, failed, requests
                        FROM crawl_runs ORDER BY id DESC LIMIT :n""", {"n": runs}).mappings()
        ],
    }  # fmt: skip


JSON_COLUMNS = frozenset(
    {*DOCUMENT_LIST_COLUMNS, *CREDIT_FIELDS, "changed_fields", "old_values", "arguments"}
)


BOOLEAN_COLUMNS = frozenset({"date_circa", "parsed"})


def _plain(value: Any, column: str = "") -> Any:
    """JSON-friendly: dates as ISO strings; JSON columns (text on SQLite) as lists and dicts."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if column in JSON_COLUMNS and isinstance(value, str):
        return json.loads(value)
    if column in BOOLEAN_COLUMNS and value is not None:
        return bool(value)  # SQLite hands booleans back as 0 and 1
    return value


RUN_COUNTS = ("documents_new", "documents_updated", "documents_unchanged", "rejected", "failed",
              "requests", "responses_304")  # fmt: skip


def last_runs(conn: Connection, limit: int = 10) -> list[dict[str, Any]]:
    """The last crawl runs, newest first: status, arguments, duration, progress, counts and
    why a run failed. A running run's duration is up to now."""
    rows = run(
        conn,
        f"""SELECT id, spider, arguments, status, started_at, finished_at, heartbeat_at,
                 reason, resumed_from, documents_done, documents_total, eta_at,
                 {", ".join(RUN_COUNTS)}
                 FROM crawl_runs ORDER BY id DESC LIMIT :n""",
        {"n": limit},
    ).mappings()
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)  # as models.tables.utcnow()
    found = []
    for row in rows:
        end = row["finished_at"] or (now if row["status"] == "running" else row["heartbeat_at"])
        seconds = max((_naive(end) - _naive(row["started_at"])).total_seconds(), 0.0)
        done, total = row["documents_done"], row["documents_total"]
        found.append(
            {k: _plain(row[k], k) for k in ("id", "spider", "status")}
            | {"arguments": _plain(row["arguments"], "arguments")}
            | {k: _iso(row[k]) for k in ("started_at", "finished_at")}
            | {
                "duration_seconds": round(seconds),
                "documents_done": done,
                "documents_total": total,
                "percent_done": round(100 * done / total, 1) if total else None,
                "documents_per_minute": round(60 * done / seconds, 1) if seconds else None,
                "eta_at": _iso(row["eta_at"]) if row["status"] == "running" else None,
            }
            | {k: row[k] for k in RUN_COUNTS}
            | {"reason": row["reason"], "resumed_from": row["resumed_from"]}
        )
    return found


def _iso(value: Any) -> str | None:
    return _naive(value).isoformat(timespec="seconds") if value is not None else None


def _naive(value: Any) -> dt.datetime:
    """Stored times are UTC; SQLite hands them back as naive datetimes or ISO strings."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=None)
