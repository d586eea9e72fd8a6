"""Full-text search and filters over the stored documents, on SQLite (FTS5, BM25) and
PostgreSQL (tsvector, ts_rank): ranked hits with highlighted snippets.

Query syntax, the same on both: words (all must match), "quoted phrases", and prefixes
(`armist*`). Filters narrow by date, person, place, topic, archive, fond, language and
collection. Used by the `da` command and by analysts from Python.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, text

from items import CREDIT_FIELDS

# Dated documents in date order, undated ones last, on both databases.
DATE_ORDER = "d.date_start IS NULL, d.date_start, d.record_id"
TOKEN = re.compile(r'"([^"]+)"|(\S+)')
# A query is cut to its first MAX_TERMS terms (words, phrases, prefixes) and a phrase to its
# first MAX_PHRASE_WORDS words: the full-text engines' work grows faster than the terms
# (a 4,000-word query took 73 s), and no real query needs more.
MAX_TERMS = 64
MAX_PHRASE_WORDS = 32
WORD = re.compile(r"\w+", re.UNICODE)


class SearchError(ValueError):
    """A query or filter that cannot be used, with a message for the user."""


@dataclass
class Filters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    person: str | None = None
    place: str | None = None
    topic: str | None = None
    archive: str | None = None
    fond: str | None = None
    language: str | None = None
    collection: str | None = None
    credit: str | None = None  # a name in any credit of a citation (translated, obtained, …)
    kind: str | None = None  # a citation of this kind: archive, publication, person, unknown


@dataclass
class Hit:
    record_id: str | None
    title: str | None
    date_text: str | None
    date_start: str | None
    score: float
    snippet: str | None
    url: str | None


def parse_date_bound(value: str | None, end: bool = False) -> dt.date | None:
    """--from / --to: a year (1953), a month (1953-07) or a day (1953-07-27)."""
    if value is None:
        return None
    value = value.strip()
    try:
        if re.fullmatch(r"\d{4}", value):
            return dt.date(int(value), 12, 31) if end else dt.date(int(value), 1, 1)
        if re.fullmatch(r"\d{4}-\d{2}", value):
            year, month = map(int, value.split("-"))
            if end:
                next_month = dt.date(year + month // 12, month % 12 + 1, 1)
                return next_month - dt.timedelta(days=1)
            return dt.date(year, month, 1)
        return dt.date.fromisoformat(value)
    except ValueError:
        pass
    raise SearchError(f"not a year, month or date: {value!r} (use 1953, 1953-07 or 1953-07-27)")


def all_terms(query: str) -> list[tuple[str, bool, bool]]:
    """(words, is_phrase, is_prefix) for each part of the query; quotes group phrases."""
    parts = []
    for phrase, word in TOKEN.findall(query or ""):
        if phrase:
            words = " ".join(WORD.findall(phrase)[:MAX_PHRASE_WORDS])
            if words:
                parts.append((words, True, False))
        else:
            prefix = word.endswith("*")
            pieces = WORD.findall(word)
            for i, w in enumerate(pieces):
                parts.append((w, False, prefix and i == len(pieces) - 1))
    return parts


def terms(query: str) -> list[tuple[str, bool, bool]]:
    """The terms searched for: the query's first MAX_TERMS (see `dropped_terms`)."""
    return all_terms(query)[:MAX_TERMS]


def dropped_terms(query: str | None) -> int:
    """How many terms of the query are not searched for (beyond MAX_TERMS)."""
    return max(len(all_terms(query or "")) - MAX_TERMS, 0)


def fts5_query(query: str) -> str:
    parts = []
    for words, _phrase, prefix in terms(query):
        quoted = '"' + words.replace('"', "") + '"'
        parts.append(quoted + ("*" if prefix else ""))
    return " AND ".join(parts)


def tsquery(query: str) -> str:
    parts = []
    for words, phrase, prefix in terms(query):
        lexemes = [w.replace("'", "") for w in words.split()]
        if phrase:
            parts.append("(" + " <-> ".join(lexemes) + ")")
        else:
            parts.append(lexemes[0] + (":*" if prefix else ""))
    return " & ".join(parts)


def search(
    engine: Engine, query: str | None, filters: Filters | None = None, limit: int = 20
) -> list[Hit]:
    """Ranked documents matching the query (or all, newest date first, when it is empty)."""
    filters = filters or Filters()
    if limit < 1:
        raise SearchError("--limit must be at least 1")
    with engine.connect() as conn:
        dialect = conn.dialect.name
        where, params = _filter_sql(filters, dialect)
        if query and query.strip():
            if not terms(query):
                raise SearchError(f"nothing to search for in {query!r}")
            if dialect == "sqlite":
                sql = f"""
                    SELECT d.record_id, d.title, d.date_text, d.date_start, d.canonical_url,
                           -bm25(documents_fts, 10.0, 5.0, 1.0, 3.0, 2.0) AS score,
                           snippet(documents_fts, -1, '[', ']', '…', 16) AS snippet
                    FROM documents_fts JOIN documents d ON d.id = documents_fts.rowid
                    WHERE documents_fts MATCH :q {where}
                    ORDER BY score DESC, d.date_start LIMIT :limit"""
                params["q"] = fts5_query(query)
            else:
                sql = f"""
                    SELECT d.record_id, d.title, d.date_text, d.date_start, d.canonical_url,
                           ts_rank(d.search_vector, to_tsquery('english', :q)) AS score,
                           ts_headline('english', concat_ws(' … ', d.title, d.summary, d.subjects::text, d.source, d.text),
                                       to_tsquery('english', :q),
                                       'StartSel=[, StopSel=], MaxWords=30, MinWords=10') AS snippet
                    FROM documents d
                    WHERE d.search_vector @@ to_tsquery('english', :q) {where}
                    ORDER BY score DESC, d.date_start LIMIT :limit"""
                params["q"] = tsquery(query)
        else:
            sql = f"""
                SELECT d.record_id, d.title, d.date_text, d.date_start, d.canonical_url,
                       0.0 AS score, d.summary AS snippet
                FROM documents d WHERE 1 = 1 {where}
                ORDER BY {DATE_ORDER} LIMIT :limit"""
        params["limit"] = limit
        rows = conn.execute(text(sql), params).mappings().all()
    return [
        Hit(r["record_id"], r["title"], r["date_text"], _iso(r["date_start"]), float(r["score"]),
            r["snippet"], r["canonical_url"])
        for r in rows
    ]  # fmt: skip


def matching_ids(conn: Connection, filters: Filters) -> list[int]:
    """Document ids passing the filters (for exports), in date order."""
    where, params = _filter_sql(filters, conn.dialect.name)
    sql = f"SELECT d.id FROM documents d WHERE 1 = 1 {where} ORDER BY {DATE_ORDER}"
    return list(conn.execute(text(sql), params).scalars())


# A name in a JSON array column of the citation, on each database.
HAS_NAME = {
    "sqlite": "EXISTS (SELECT 1 FROM json_each(c.{column}) j WHERE lower(j.value) LIKE :credit)",
    "postgresql": "EXISTS (SELECT 1 FROM json_array_elements_text(c.{column}) j(name) "
    "WHERE lower(j.name) LIKE :credit)",
}


def _filter_sql(filters: Filters, dialect: str = "sqlite") -> tuple[str, dict[str, Any]]:
    """SQL conditions on `documents d` for the filters, with their parameters."""
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if filters.date_from:  # documents whose date range reaches into the asked period
        clauses.append("d.date_end >= :date_from")
        params["date_from"] = filters.date_from
    if filters.date_to:
        clauses.append("d.date_start <= :date_to")
        params["date_to"] = filters.date_to
    like = {
        "person": """EXISTS (SELECT 1 FROM document_people dp JOIN people p ON p.id = dp.entity_id
                     WHERE dp.document_id = d.id AND (lower(p.name) LIKE :person
                     OR lower(p.display_name) LIKE :person))""",
        "place": """EXISTS (SELECT 1 FROM document_places x JOIN places e ON e.id = x.entity_id
                    WHERE x.document_id = d.id AND lower(e.name) LIKE :place)""",
        "topic": """EXISTS (SELECT 1 FROM document_topics x JOIN topics e ON e.id = x.entity_id
                    WHERE x.document_id = d.id AND lower(e.name) LIKE :topic)""",
        "language": """EXISTS (SELECT 1 FROM document_languages x JOIN languages e ON e.id = x.entity_id
                       WHERE x.document_id = d.id AND lower(e.name) LIKE :language)""",
    }
    for name, clause in like.items():
        value = getattr(filters, name)
        if value:
            clauses.append(clause)
            params[name] = f"%{value.strip().lower()}%"
    if filters.archive or filters.fond or filters.credit or filters.kind:
        conditions = ["c.document_id = d.id"]
        if filters.archive:
            conditions.append("(lower(a.abbreviation) = :archive OR lower(a.name) LIKE :archive_like "
                              "OR lower(c.repository) = :archive)")  # fmt: skip
            params["archive"] = filters.archive.strip().lower()
            params["archive_like"] = f"%{params['archive']}%"
        if filters.fond:
            conditions.append("c.fond = :fond")
            params["fond"] = filters.fond.strip()
        if filters.kind:
            conditions.append("c.kind = :kind")
            params["kind"] = filters.kind.strip().lower()
        if filters.credit:
            has_name = HAS_NAME.get(dialect, HAS_NAME["sqlite"])
            credits = " OR ".join(has_name.format(column=column) for column in CREDIT_FIELDS)
            conditions.append(f"({credits})")
            params["credit"] = f"%{filters.credit.strip().lower()}%"
        clauses.append(
            "EXISTS (SELECT 1 FROM citations c LEFT JOIN archives a ON a.id = c.archive_id WHERE "
            + " AND ".join(conditions) + ")"
        )  # fmt: skip
    if filters.collection:
        clauses.append("""EXISTS (SELECT 1 FROM document_collections dc JOIN collections col
                          ON col.id = dc.collection_id WHERE dc.document_id = d.id
                          AND col.collection_id = :collection)""")
        params["collection"] = filters.collection.strip()
    return "".join(f" AND {c}" for c in clauses), params


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)[:10]
