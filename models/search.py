"""Full-text search and filters over the stored documents, on SQLite (FTS5, BM25) and
PostgreSQL (tsvector, ts_rank): ranked hits with highlighted snippets.

Query syntax, the same on both (`parse_query` reads it once, `fts5_query` and `tsquery` write
it for each engine): words (all must match), `a OR b` (either; OR binds closer than the
implied AND: `korea truce OR armistice` is korea AND (truce OR armistice)), `NOT word` and
`-word` (documents without it), "quoted phrases", and prefixes (`armist*`). A query needs at
least one term that is not excluded. Common English words (the, of, and: PostgreSQL's list)
are left out on both engines, as PostgreSQL's parser leaves them out; in a phrase they stay.
Filters narrow by date, person, place, topic, archive, fond, language and collection. Used by the `da` command and by analysts from Python.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from typing import Any

from items import CREDIT_FIELDS
from models.readonly import Connection, Engine, run

# Dated documents in date order, undated ones last, on both databases.
DATE_ORDER = "d.date_start IS NULL, d.date_start, d.record_id"
TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
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
    snippet: str | None  # highlights between [ and ]
    url: str | None
    snippet_text: str | None = None  # the snippet as stored, without markers
    highlights: list[tuple[int, int]] = field(default_factory=list)  # spans in snippet_text


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


@dataclass(frozen=True)
class Term:
    """One searched-for term: a word, a phrase (its words in order) or a prefix."""

    words: str
    phrase: bool = False
    prefix: bool = False


@dataclass
class Query:
    """A parsed query: every group must match (each group is one term or several joined by
    OR), no excluded term may."""

    groups: list[list[Term]]
    excluded: list[Term]


def _lex(query: str) -> list[tuple[str, Term | None, bool]]:
    """(operator, term, negated) for each token: operator is "OR", "NOT" or "" (a term)."""
    tokens: list[tuple[str, Term | None, bool]] = []
    for minus, phrase, word in TOKEN.findall(query or ""):
        if not word:  # a quoted phrase, maybe -"…"
            words = " ".join(WORD.findall(phrase)[:MAX_PHRASE_WORDS])
            if words:
                tokens.append(("", Term(words, phrase=" " in words), bool(minus)))
            continue
        if word in ("OR", "NOT"):
            tokens.append((word, None, False))
            continue
        negated = word.startswith("-") and len(word) > 1
        prefix = word.endswith("*")
        pieces = WORD.findall(word)
        if negated and len(pieces) > 1:  # -cold-war: the phrase "cold war" excluded
            tokens.append(("", Term(" ".join(pieces[:MAX_PHRASE_WORDS]), phrase=True), True))
            continue
        for i, w in enumerate(pieces):
            tokens.append(("", Term(w, prefix=prefix and i == len(pieces) - 1), negated))
    return tokens


def parse_query(query: str | None) -> Query:
    """The query's first MAX_TERMS terms as groups and exclusions (see the module's doc)."""
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    count = 0
    join_next = negate_next = False
    for operator, term, negated in _lex(query or ""):
        if operator == "OR":
            join_next = bool(groups) and not negate_next
            continue
        if operator == "NOT":
            negate_next = True
            continue
        assert term is not None
        if count >= MAX_TERMS:
            break
        count += 1
        if negated or negate_next:
            excluded.append(term)
        elif join_next:
            groups[-1].append(term)
        else:
            groups.append([term])
        join_next = negate_next = False
    # Common words go, as PostgreSQL's english parser drops them from its tree (so a query
    # means the same on both engines): from each group, then the groups left empty.
    groups = [kept for g in groups if (kept := [t for t in g if not _is_stop_word(t)])]
    return Query(groups, [t for t in excluded if not _is_stop_word(t)])


# PostgreSQL's english stop words (tsearch_data/english.stop; a test compares the two).
STOP_WORDS = frozenset(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
    she her hers herself it its itself they them their theirs themselves what which who whom
    this that these those am is are was were be been being have has had having do does did
    doing a an the and but if or because as until while of at by for with about against
    between into through during before after above below to from up down in out on off over
    under again further then once here there when where why how all any both each few more
    most other some such no nor not only own same so than too very s t can will just don
    should now""".split()
)


def _is_stop_word(term: Term) -> bool:
    """A single common word; inside a phrase or as a prefix it stays, as on PostgreSQL."""
    return not term.phrase and not term.prefix and term.words.lower() in STOP_WORDS


def all_terms(query: str) -> list[tuple[str, bool, bool]]:
    """(words, is_phrase, is_prefix) for each term of the query, excluded ones too."""
    return [(t.words, t.phrase, t.prefix) for op, t, _ in _lex(query) if t is not None]


def terms(query: str) -> list[tuple[str, bool, bool]]:
    """The terms searched for: the query's first MAX_TERMS (see `dropped_terms`)."""
    return all_terms(query)[:MAX_TERMS]


def dropped_terms(query: str | None) -> int:
    """How many terms of the query are not searched for (beyond MAX_TERMS)."""
    return max(len(all_terms(query or "")) - MAX_TERMS, 0)


def _fts5_term(term: Term) -> str:
    return '"' + term.words.replace('"', "") + '"' + ("*" if term.prefix else "")


def fts5_query(query: str) -> str:
    """The query as an FTS5 MATCH expression; "" when nothing is searched for."""
    parsed = parse_query(query)

    def group(terms: list[Term]) -> str:
        inner = " OR ".join(_fts5_term(t) for t in terms)
        return f"({inner})" if len(terms) > 1 else inner

    expression = " AND ".join(group(g) for g in parsed.groups)
    if expression and parsed.excluded:
        expression = f"({expression})"
    for term in parsed.excluded:
        expression += f" NOT {_fts5_term(term)}"
    return expression if parsed.groups else ""


def _ts_term(term: Term) -> str:
    lexemes = [w.replace("'", "") for w in term.words.split()]
    if len(lexemes) > 1:
        return "(" + " <-> ".join(lexemes) + ")"
    return lexemes[0] + (":*" if term.prefix else "")


def tsquery(query: str) -> str:
    """The query for to_tsquery('english', …); "" when nothing is searched for."""
    parsed = parse_query(query)

    def group(terms: list[Term]) -> str:
        inner = " | ".join(_ts_term(t) for t in terms)
        return f"({inner})" if len(terms) > 1 else inner

    parts = [group(g) for g in parsed.groups] + [f"!{_ts_term(t)}" for t in parsed.excluded]
    return " & ".join(parts) if parsed.groups else ""


def check_query(query: str | None) -> None:
    """SearchError when the query has words but nothing a search can look for."""
    if not query or not query.strip():
        return
    parsed = parse_query(query)
    if not parsed.groups:
        if parsed.excluded:
            raise SearchError(
                f"nothing to search for in {query!r}: a query needs a word that is not excluded"
            )
        if any(t is not None and not t.phrase for _, t, _ in _lex(query)):
            raise SearchError(
                f"nothing to search for in {query!r}: common words (the, of, and, …) "
                "are not searched for; add a word that names something"
            )
        raise SearchError(f"nothing to search for in {query!r}")


# Highlight markers inside the engines' snippets (characters archival texts do not hold):
# `snippet_text` drops them and `highlights` keeps where they were; `snippet` shows them as
# [ and ], as it always has.
START, STOP = "\x02", "\x03"
SORTS = ("rank", "date")
COUNT_CAP = 10_000  # `count_matches` stops counting here ("20 of 10000+")


def _match_sql(dialect: str, query: str, where: str) -> tuple[str, dict[str, Any]]:
    """FROM … WHERE for the documents matching a non-empty query and the filters, on
    PostgreSQL (SQLite: `_fts5_match`)."""
    return (
        f"FROM documents d WHERE d.search_vector @@ to_tsquery('english', :q) {where}",
        {"q": tsquery(query)},
    )


def _date_index_hint(conn: Connection, filters: Filters, sql: str) -> str:
    """The date conditions of `sql` made to walk the date index that narrows the range most
    (date_start for an early period, date_end for a late one), not the one SQLite picks
    without statistics (the wrong one, 4x slower): the other condition is checked in the
    same (date_start, date_end) / (date_end, date_start) index, never in the rows."""
    if conn.dialect.name != "sqlite" or not (filters.date_from and filters.date_to):
        return sql
    first, last = run(
        conn,
        "SELECT (SELECT min(date_start) FROM documents), (SELECT max(date_end) FROM documents)",
    ).one()  # two index look-ups
    if first is None or last is None:
        return sql
    first, last = dt.date.fromisoformat(str(first)[:10]), dt.date.fromisoformat(str(last)[:10])
    if (filters.date_to - first) <= (last - filters.date_from):
        return sql.replace("d.date_end >= :date_from", "+d.date_end >= :date_from")
    return sql.replace("d.date_start <= :date_to", "+d.date_start <= :date_to")


def _fts5_match(conn: Connection, filters: Filters) -> tuple[str, dict[str, Any]]:
    """The FTS5 WHERE for a query and the filters, on SQLite: `MATCH :q` and each filter as
    a set of document ids, found once and checked against each match's rowid (`+rowid`: a
    rowid constraint would make FTS5 re-read the terms' lists for every id of the set)."""
    sets, params = _id_sets(filters)
    where = "documents_fts MATCH :q" + "".join(f" AND +documents_fts.rowid IN ({s})" for s in sets)
    return _date_index_hint(conn, filters, where), params


@dataclass
class Page:
    """A page of hits, and how many documents match when the ranking counted them on the way
    (at most COUNT_CAP; None when it did not: `count_matches` tells)."""

    hits: list[Hit]
    total: int | None = None


def search(
    engine: Engine,
    query: str | None,
    filters: Filters | None = None,
    limit: int = 20,
    sort: str = "rank",
) -> list[Hit]:
    """Documents matching the query, best first (`sort="date"`: in date order); all of them
    in date order when the query is empty."""
    return search_page(engine, query, filters, limit, sort).hits


def search_page(
    engine: Engine,
    query: str | None,
    filters: Filters | None = None,
    limit: int = 20,
    sort: str = "rank",
) -> Page:
    """The page of `search`, with the number of matches where ranking them all counted them.

    The matches are ranked (or dated) and cut to the page first, by the ids and scores alone;
    snippets and the rest of each row are made for the page's hits only."""
    filters = filters or Filters()
    if limit < 1:
        raise SearchError("--limit must be at least 1")
    if sort not in SORTS:
        raise SearchError(f"--sort must be one of {', '.join(SORTS)}, not {sort!r}")
    check_query(query)
    total: int | None = None
    with engine.connect() as conn:
        dialect = conn.dialect.name
        if not (query and query.strip()):
            where, params = _filter_sql(filters, dialect)
            sql = f"""
                SELECT d.record_id, d.title, d.date_text, d.date_start, d.canonical_url,
                       0.0 AS score, d.summary AS snippet
                FROM documents d WHERE 1 = 1 {_date_index_hint(conn, filters, where)}
                ORDER BY {DATE_ORDER} LIMIT :limit"""
            rows = run(conn, sql, params | {"limit": limit}).mappings().all()
        elif dialect == "sqlite":
            rows = _fts5_page(conn, query, filters, limit, sort)
            total = rows[0]["total"] if rows else 0
        else:
            # PostgreSQL makes the headline after the LIMIT already. Filtered, the matches
            # passing the filters are found first (a hash semi-join), then ranked: ranked
            # first, every match was scored and then checked against the filter one by one
            # (a person no document names: 589 -> 1.2 ms at 50,000 documents).
            where, params = _filter_sql(filters, dialect)
            source, extra = _match_sql(dialect, query, where)
            order = "score DESC, d.date_start" if sort == "rank" else DATE_ORDER
            params |= extra | {"limit": limit}
            params["headline"] = f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=10"
            rank, first = "ts_rank(d.search_vector, to_tsquery('english', :q))", ""
            if where:  # ranked and cut to the page in the CTE: no join of every match
                cut = "m.score DESC, m.date_start" if sort == "rank" else "m.date_start IS NULL, m.date_start, m.record_id"  # fmt: skip
                first = f"""WITH m AS MATERIALIZED (SELECT d.id, d.date_start, d.record_id, {rank} AS score {source}),
                    page AS MATERIALIZED (SELECT * FROM m ORDER BY {cut} LIMIT :limit)"""
                source, rank = "FROM page AS m JOIN documents d ON d.id = m.id", "m.score"
            sql = f"""{first}
                SELECT d.record_id, d.title, d.date_text, d.date_start, d.canonical_url,
                    {rank} AS score,
                    ts_headline('english', concat_ws(' … ', d.title, d.summary, d.subjects::text, d.source, d.text),
                                to_tsquery('english', :q), :headline) AS snippet
                {source} ORDER BY {order} LIMIT :limit"""
            rows = run(conn, sql, params).mappings().all()
    hits = []
    for r in rows:
        plain, spans = split_highlights(r["snippet"])
        hits.append(
            Hit(r["record_id"], r["title"], r["date_text"], _iso(r["date_start"]),
                float(r["score"]), _bracketed(r["snippet"]), r["canonical_url"], plain, spans)
        )  # fmt: skip
    return Page(hits, None if total is None else min(total, COUNT_CAP))


SCORE = "-bm25(documents_fts, 10.0, 5.0, 1.0, 3.0, 2.0)"  # title, summary, text, subjects, source
# The tokenizer of documents_fts (migration 0005; a test keeps the two the same): the page's
# snippets are made in a small FTS5 table of its own rows with the same tokenizer.
FTS5_COLUMNS = "title, summary, text, subjects, source"
FTS5_TOKENIZE = "porter unicode61 remove_diacritics 2"


def _fts5_page(
    conn: Connection, query: str, filters: Filters, limit: int, sort: str
) -> list[dict[str, Any]]:
    """The page of hits on SQLite: ids and scores from the FTS5 index (ranked, or dated),
    then the page's rows and snippets.

    Ranked, the best `margin` scores are taken from the index alone and ordered with the
    date, which breaks ties; when the margin's lowest score equals the page's last, a tie
    may reach past it, and the ranking is redone over every match (exact either way)."""
    match, params = _fts5_match(conn, filters)
    params |= {"q": fts5_query(query), "limit": limit}
    if sort == "rank":  # every match scored once (x), which also counts them
        ranked = f"""x AS MATERIALIZED (SELECT rowid AS id, {SCORE} AS score FROM documents_fts WHERE {match}),
            m AS MATERIALIZED (SELECT id, score FROM x ORDER BY score DESC LIMIT :margin)"""
        order, total = "m.score DESC, d.date_start", "(SELECT count(*) FROM x)"
    else:
        ranked = f"""m AS MATERIALIZED (SELECT d.id AS id, NULL AS score FROM documents d
                    WHERE d.id IN (SELECT rowid FROM documents_fts WHERE {match})
                    ORDER BY {DATE_ORDER} LIMIT :limit)"""
        order, total = DATE_ORDER, "NULL"
    sql = f"""
        WITH {ranked}
        SELECT d.id, d.record_id, d.title, d.date_text, d.date_start, d.canonical_url, m.score,
               (SELECT count(*) FROM m) AS taken, (SELECT min(score) FROM m) AS floor,
               {total} AS total
        FROM m JOIN documents d ON d.id = m.id ORDER BY {order} LIMIT :limit"""
    margin = 2 * limit + 30
    rows = [dict(r) for r in run(conn, sql, params | {"margin": margin}).mappings().all()]
    full = sort == "rank" and len(rows) == limit and rows[0]["taken"] == margin
    if full and rows[-1]["floor"] == rows[-1]["score"]:  # a tie at the margin's edge
        rows = [dict(r) for r in run(conn, sql, params | {"margin": -1}).mappings().all()]
    snippets = _fts5_snippets(conn, [r["id"] for r in rows], params["q"], sort == "date")
    for row in rows:
        row["snippet"], score = snippets.get(row["id"], (None, 0.0))
        row["score"] = score if row["score"] is None else row["score"]
    return rows


def _fts5_snippets(
    conn: Connection, ids: list[int], match: str, scores: bool
) -> dict[int, tuple[str | None, float]]:
    """(snippet, score) of each of the page's documents. FTS5 makes a snippet only in a
    MATCH scan: over the main index, a pass over the matches in the page's rowid range, cheap
    for words (1-2 ms at 50,000 documents) but not for a prefix, whose terms' position lists
    are merged for every match in the range (60 ms). A prefix query's snippets are made in a
    table of the page's own rows with the same tokenizer instead (the same snippets; it costs
    a second tokenizing of the page's texts, about 1 ms per 20 KB). The score (for a page in
    date order) comes from the main index, whose statistics BM25 needs."""
    if not ids:
        return {}
    listed = ", ".join(str(int(i)) for i in ids)
    rows = f"documents_fts.rowid BETWEEN {min(ids)} AND {max(ids)} AND +documents_fts.rowid IN ({listed})"
    params = {"q": match, "start": START, "stop": STOP}
    snippet = "snippet(documents_fts, -1, :start, :stop, '…', 16)"
    if '"*' in match:  # a prefix term (fts5_query writes "armist"*)
        run(conn, f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.page_fts USING fts5({FTS5_COLUMNS}, tokenize='{FTS5_TOKENIZE}')")  # fmt: skip
        run(conn, "DELETE FROM temp.page_fts")
        run(conn, f"INSERT INTO temp.page_fts(rowid, {FTS5_COLUMNS}) SELECT id, {FTS5_COLUMNS} FROM documents WHERE id IN ({listed})")  # fmt: skip
        sql = "SELECT rowid, snippet(page_fts, -1, :start, :stop, '…', 16), 0.0 FROM temp.page_fts WHERE page_fts MATCH :q"
        found = {int(i): (text, score) for i, text, score in run(conn, sql, params).all()}
        if scores:
            sql = (
                f"SELECT rowid, {SCORE} FROM documents_fts WHERE documents_fts MATCH :q AND {rows}"
            )
            for i, score in run(conn, sql, params).all():
                found[int(i)] = (found.get(int(i), (None, 0.0))[0], float(score))
        return found
    sql = f"SELECT rowid, {snippet}, {SCORE if scores else '0.0'} FROM documents_fts WHERE documents_fts MATCH :q AND {rows}"
    return {int(i): (text, float(score)) for i, text, score in run(conn, sql, params).all()}


def count_matches(
    engine: Engine, query: str | None, filters: Filters | None = None, cap: int = COUNT_CAP
) -> int:
    """How many documents match (at most `cap`: the count stops there), without ranking or
    snippets; on SQLite in the FTS5 index, the filters as id sets (no documents row read)."""
    filters = filters or Filters()
    check_query(query)
    with engine.connect() as conn:
        dialect = conn.dialect.name
        if not (query and query.strip()):
            where, params = _filter_sql(filters, dialect)
            source = f"FROM documents d WHERE 1 = 1 {_date_index_hint(conn, filters, where)}"
        elif dialect == "sqlite":
            match, params = _fts5_match(conn, filters)
            source = f"FROM documents_fts WHERE {match}"
            params["q"] = fts5_query(query)
        else:
            where, params = _filter_sql(filters, dialect)
            source, extra = _match_sql(dialect, query, where)
            params |= extra
        params["cap"] = cap
        sql = f"SELECT count(*) FROM (SELECT 1 {source} LIMIT :cap) AS matches"
        return int(run(conn, sql, params).scalar_one())


def split_highlights(snippet: str | None) -> tuple[str | None, list[tuple[int, int]]]:
    """The snippet without its markers, and the (start, end) of each highlighted part."""
    if snippet is None:
        return None, []
    plain: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    opened: int | None = None
    for char in snippet:
        if char == START:
            opened = length
        elif char == STOP:
            if opened is not None:
                spans.append((opened, length))
            opened = None
        else:
            plain.append(char)
            length += 1
    return "".join(plain), spans


def _bracketed(snippet: str | None) -> str | None:
    return None if snippet is None else snippet.replace(START, "[").replace(STOP, "]")


def matching_ids(conn: Connection, filters: Filters) -> list[int]:
    """Document ids passing the filters (for exports), in date order."""
    where, params = _filter_sql(filters, conn.dialect.name)
    sql = f"SELECT d.id FROM documents d WHERE 1 = 1 {where} ORDER BY {DATE_ORDER}"
    return list(run(conn, sql, params).scalars())


# A name in a JSON array column of the citation, on each database.
HAS_NAME = {
    "sqlite": "EXISTS (SELECT 1 FROM json_each(c.{column}) j WHERE lower(j.value) LIKE :credit)",
    "postgresql": "EXISTS (SELECT 1 FROM json_array_elements_text(c.{column}) j(name) "
    "WHERE lower(j.name) LIKE :credit)",
}


def _date_clauses(filters: Filters) -> tuple[list[str], dict[str, Any]]:
    """Documents whose date range reaches into the asked period."""
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if filters.date_from:
        clauses.append("d.date_end >= :date_from")
        params["date_from"] = filters.date_from
    if filters.date_to:
        clauses.append("d.date_start <= :date_to")
        params["date_to"] = filters.date_to
    return clauses, params


# The entity filters: the join table and the entity table, and the entity's names compared.
ENTITY_FILTERS = {
    "person": ("document_people", "people", ("name", "display_name")),
    "place": ("document_places", "places", ("name",)),
    "topic": ("document_topics", "topics", ("name",)),
    "language": ("document_languages", "languages", ("name",)),
}


def _entity_filters(filters: Filters) -> tuple[list[tuple[str, str, str]], dict[str, Any]]:
    """(join table, entity table, the condition on the entity `e`'s names) for each entity
    filter given, with the parameters."""
    found: list[tuple[str, str, str]] = []
    params: dict[str, Any] = {}
    for name, (links, table, columns) in ENTITY_FILTERS.items():
        value = getattr(filters, name)
        if value:
            found.append((links, table, " OR ".join(f"lower(e.{c}) LIKE :{name}" for c in columns)))
            params[name] = f"%{value.strip().lower()}%"
    return found, params


def _citation_conditions(filters: Filters, dialect: str) -> tuple[list[str], dict[str, Any]]:
    """Conditions on one citation `c` (archive and fond on the same citation)."""
    conditions: list[str] = []
    params: dict[str, Any] = {}
    if filters.archive:
        # The archive's ids first (a few rows), then their citations by the archive_id index;
        # a citation whose repository names no known archive by its text (lower(repository)
        # has its own index).
        conditions.append("(c.archive_id IN (SELECT a.id FROM archives a WHERE lower(a.abbreviation) = :archive "
                          "OR lower(a.name) LIKE :archive_like) OR lower(c.repository) = :archive)")  # fmt: skip
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
    return conditions, params


def _id_sets(filters: Filters, dialect: str = "sqlite") -> tuple[list[str], dict[str, Any]]:
    """Each filter as a query of the ids of the documents passing it: found once (the few
    matching entities, then their documents by the entity_id index), not run per match."""
    sets: list[str] = []
    dates, params = _date_clauses(filters)
    if dates:
        sets.append("SELECT d.id FROM documents d WHERE " + " AND ".join(dates))
    entities, extra = _entity_filters(filters)
    for links, table, names in entities:
        sets.append(f"SELECT x.document_id FROM {links} x WHERE x.entity_id IN "
                    f"(SELECT e.id FROM {table} e WHERE {names})")  # fmt: skip
    params |= extra
    conditions, extra = _citation_conditions(filters, dialect)
    if conditions:
        sets.append("SELECT c.document_id FROM citations c WHERE " + " AND ".join(conditions))
        params |= extra
    if filters.collection:
        sets.append("""SELECT dc.document_id FROM document_collections dc JOIN collections col
                       ON col.id = dc.collection_id WHERE col.collection_id = :collection""")
        params["collection"] = filters.collection.strip()
    return sets, params


def _filter_sql(filters: Filters, dialect: str = "sqlite") -> tuple[str, dict[str, Any]]:
    """SQL conditions on `documents d` for the filters, with their parameters: on SQLite the
    dates and an id set per other filter; PostgreSQL plans the EXISTS form better (an id set
    took 0.37 s where no person matched)."""
    clauses, params = _date_clauses(filters)
    if dialect != "postgresql":
        sets, extra = _id_sets(replace(filters, date_from=None, date_to=None), dialect)
        return "".join(
            f" AND {c}" for c in clauses + [f"d.id IN ({s})" for s in sets]
        ), params | extra
    entities, extra = _entity_filters(filters)
    for links, table, names in entities:
        clauses.append(f"EXISTS (SELECT 1 FROM {links} x JOIN {table} e ON e.id = x.entity_id "
                       f"WHERE x.document_id = d.id AND ({names}))")  # fmt: skip
    params |= extra
    conditions, extra = _citation_conditions(filters, dialect)
    if conditions:
        clauses.append("EXISTS (SELECT 1 FROM citations c WHERE c.document_id = d.id AND "
                       + " AND ".join(conditions) + ")")  # fmt: skip
        params |= extra
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
