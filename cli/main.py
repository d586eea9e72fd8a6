"""`da`: query the harvested Digital Archive from the shell.

    da search QUERY [--from 1953] [--to …] [--person …] [--place …] [--topic …]
                    [--archive RGASPI] [--fond 558] [--credit Radchenko] [--kind publication]
                    [--language …] [--collection 169]
                    [--sort rank|date] [--limit N] [--format tsv|csv|json|jsonl] [--json]
    da show RECORD_ID|URL|SLUG [--text] [--json]
    da people|archives|places|topics|collections [--name …] [--limit N] [--format …]
    da stats [--json]
    da runs [--limit N] [--format …] [--json]
    da export --format csv|jsonl|ris|bibtex [filters] -o FILE
    da db upgrade

The database is DATABASE_URL or --db (default sqlite:///data/archive.db). Bad arguments and
an empty database get one line on stderr and a non-zero exit status, never a traceback; no
output shows the database password. A SQLite file that does not exist is refused (exit 2),
never created: only `da db upgrade` creates one. On a terminal data is printed literally
(cli/output.py); piped, rows are tab-separated text written by the csv module. On PostgreSQL each query of `da` is cut after
DA_STATEMENT_TIMEOUT seconds (default 30, 0 for none): a killed client leaves no query
running for long.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli import output
from cli.output import FORMATS as ROW_FORMATS
from cli.output import UserError, cell, print_text, styled, write_table
from cli.plot import add_parser as add_plot_parser
from cli.plot import run_plot
from cli.queries import (
    document_details,
    document_id,
    last_runs,
    listing,
    stats,
    translation_text,
)
from items import CREDIT_FIELDS
from models.readonly import ReadOnlyEngine, plain_sqlite_file, run
from models.search import (
    COUNT_CAP,
    MAX_TERMS,
    SORTS,
    Filters,
    Page,
    SearchError,
    check_query,
    count_matches,
    dropped_terms,
    matching_ids,
    parse_date_bound,
    search_page,
)
from models.urls import (
    DatabaseUnavailable,
    DatabaseUrlError,
    database_url,
    install_log_redaction,
    normalize_url,
    redact,
    safe_url,
)

if TYPE_CHECKING:
    import sqlalchemy

    # A plain SQLite file is read through models.readonly (no SQLAlchemy: docs/performance.md,
    # "da start-up"); PostgreSQL and other SQLite URLs through SQLAlchemy, imported for them.
    DaEngine = ReadOnlyEngine | sqlalchemy.Engine

DEFAULT_STATEMENT_TIMEOUT = 30.0  # seconds; DA_STATEMENT_TIMEOUT
# cli.export.FORMATS, for --help without importing cli.export (a test keeps them the same).
EXPORT_FORMATS = ("csv", "jsonl", "ris", "csl-json", "bibtex")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="da", description="Query the harvested Wilson Center Digital Archive."
    )
    parser.add_argument(
        "--db", help="database URL (default: $DATABASE_URL or sqlite:///data/archive.db)"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    search_cmd = commands.add_parser(
        "search", help="full-text search with filters, ranked", **_examples("search")
    )
    search_cmd.add_argument(
        "query", nargs="?", default="", help='words, a OR b, NOT word, -word, "a phrase", prefix*'
    )
    _add_filters(search_cmd)
    search_cmd.add_argument(
        "--sort", choices=SORTS, help="rank (best first, the default with a query) or date"
    )
    search_cmd.add_argument("--limit", type=_positive, default=20)
    _add_format(search_cmd)

    show_cmd = commands.add_parser("show", help="every field of one document", **_examples("show"))
    show_cmd.add_argument("record_id", metavar="RECORD_ID|URL|SLUG")
    show_cmd.add_argument(
        "--text", action="store_true", help="the full translation as plain text, nothing else"
    )
    show_cmd.add_argument(
        "--capture", action="store_true", help="where the page's bytes are: its WACZ, WARC, offset…"
    )
    _add_captures(show_cmd)
    _add_format(show_cmd, "one row per field (lists as JSON); json: the document as one object")

    capture_cmd = commands.add_parser(
        "capture", help="write a document's page as it was fetched", **_examples("capture")
    )
    capture_cmd.add_argument("record_id", metavar="RECORD_ID|URL|SLUG")
    capture_cmd.add_argument("-o", "--output", required=True, help="file to write ('-' for stdout)")
    _add_captures(capture_cmd)

    reparse_cmd = commands.add_parser(
        "reparse",
        help="parse stored captures again with today's parsers (no network)",
        **_examples("reparse"),
    )
    reparse_cmd.add_argument(
        "--captures", nargs="+", metavar="DIR|FILE.wacz",
        help="WACZ files or folders of them (default: $DA_CAPTURES_DIR or data/captures)",
    )  # fmt: skip

    for name, (what, natural) in LISTS.items():
        list_cmd = commands.add_parser(
            name, help=f"{what} with their numbers of documents", **_examples(name)
        )
        list_cmd.add_argument("--name", metavar="TEXT", help=f"only {natural} naming TEXT")
        if name == "archives":
            list_cmd.add_argument(
                "--fonds", action="store_true", help="one row per fond of each archive"
            )
        list_cmd.add_argument("--limit", type=_positive, default=50)
        _add_format(list_cmd)

    stats_cmd = commands.add_parser(
        "stats", help="documents by year, archive, language, …; last runs", **_examples("stats")
    )
    _add_format(stats_cmd, "one row per count: table, value, documents (the totals first)")

    runs_cmd = commands.add_parser(
        "runs",
        help="the last crawl runs: status, progress, counts, duration, why one failed",
        **_examples("runs"),
    )
    runs_cmd.add_argument("--limit", type=_positive, default=10)
    _add_format(runs_cmd)

    export_cmd = commands.add_parser(
        "export", help="documents as CSV, JSONL, RIS, CSL-JSON or BibTeX", **_examples("export")
    )
    export_cmd.add_argument("--format", required=True, choices=EXPORT_FORMATS)
    export_cmd.add_argument("-o", "--output", required=True, help="file to write ('-' for stdout)")
    _add_filters(export_cmd)

    add_plot_parser(commands, _add_filters)  # da plot (cli/plot.py)

    db_cmd = commands.add_parser("db", help="database maintenance", **_examples("db"))
    db_cmd.add_argument("action", choices=["upgrade"], help="upgrade: apply the Alembic migrations")

    serve_cmd = commands.add_parser(
        "serve", help="the Datasette reading room on 127.0.0.1 (datasette/)", **_examples("serve")
    )
    serve_cmd.add_argument("--port", type=int, default=8001, help="port on 127.0.0.1 (8001)")
    return parser


# The list commands: what they list, and what --name narrows.
LISTS = {
    "people": ("people named in documents", "people"),
    "archives": ("archives cited, with their fonds", "archives"),
    "places": ("places", "places"),
    "topics": ("topics", "topics"),
    "collections": ("collections", "collections"),
}

EXAMPLES = {
    "search": """examples:
  da search 'molotov -bohlen' --from 1953
  da search '"cold war" OR détente' --archive RGASPI --fond 558 --sort date
  da search armist* --limit 100 --format csv > armistice.csv

Syntax (the same on SQLite and PostgreSQL): words must all match; a OR b; NOT word and
-word exclude; "a phrase"; prefix*. Piped output is tab-separated (csv rules).""",
    "show": """examples:
  da show 113071
  da show https://digitalarchive.wilsoncenter.org/document/113071
  da show 113071 --text | less
  da show 113071 --format json
  da show 113071 --capture""",
    "capture": """examples:
  da capture 113071 -o page.html
  da capture 113071 -o - | grep -c '<p>'
  da capture 113071 -o page.html --captures /backup/captures""",
    "reparse": """examples:
  da reparse
  da --db sqlite:///data/rebuilt.db reparse --captures data/captures
  da reparse --captures data/captures/collection_id-169-3.wacz

Each WACZ's crawl is run again from its captures: changed documents are updated (with a
revision), unchanged ones are not written. Into an empty database it rebuilds the tables.""",
    "people": """examples:
  da people --limit 20
  da people --name zhou --format csv""",
    "archives": """examples:
  da archives
  da archives --fonds --name RGASPI""",
    "places": """examples:
  da places --name korea""",
    "topics": """examples:
  da topics --limit 10 --format json""",
    "collections": """examples:
  da collections""",
    "stats": """examples:
  da stats
  da stats --json
  da stats --format csv > counts.csv""",
    "runs": """examples:
  da runs --limit 3
  da runs --format jsonl""",
    "export": """examples:
  da export --format ris --archive RGASPI -o rgaspi.ris
  da export --format csv -o - --from 1953 | head""",
    "db": """examples:
  da --db sqlite:///data/new.db db upgrade""",
    "serve": """examples:
  da serve
  da --db sqlite:///data/archive.db serve --port 8002

Then open http://127.0.0.1:8001/archive/documents (facets, search, document pages).""",
}


def _serve(url: str, port: int) -> int:
    """`da serve`: exec Datasette on the SQLite file, on loopback, with the reading room's
    metadata, templates and plugins (datasette/, as `make serve`)."""
    path = sqlite_file(url)
    if path is None:
        raise UserError("serve needs a SQLite file (Datasette does not read PostgreSQL)")
    if not path.is_file():
        raise UserError(f"no database at {path}")
    datasette = Path(sys.executable).parent / "datasette"
    if not datasette.exists():
        raise UserError("Datasette is not installed: .venv/bin/pip install -e '.[analyst]'")
    room = Path(__file__).resolve().parent.parent / "datasette"
    command = [str(datasette), "serve", str(path), "--host", "127.0.0.1", "--port", str(port),
               "--metadata", str(room / "metadata.json"), "--template-dir", str(room / "templates"),
               "--plugins-dir", str(room / "plugins"), "--setting", "suggest_facets", "off"]  # fmt: skip
    sys.stdout.flush()
    os.execv(command[0], command)
    return 0  # not reached


def _examples(name: str) -> dict[str, Any]:
    """add_parser keywords that put the command's examples under its --help."""
    return {
        "epilog": EXAMPLES[name],
        "formatter_class": argparse.RawDescriptionHelpFormatter,
    }


def _add_captures(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--captures", metavar="DIR", type=Path,
        help="the captures folder (default: $DA_CAPTURES_DIR or data/captures)",
    )  # fmt: skip


def _add_format(parser: argparse.ArgumentParser, rows: str = "") -> None:
    parser.add_argument(
        "--format",
        choices=ROW_FORMATS,
        help="tsv, csv, json or jsonl instead of a table (piped: tsv by default)"
        + (f"; {rows}" if rows else ""),
    )
    parser.add_argument("--json", action="store_true", help="the same as --format json")


def _add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from",
        dest="date_from",
        metavar="YEAR|DATE",
        help="dated from (1953, 1953-07, 1953-07-27)",
    )
    parser.add_argument("--to", dest="date_to", metavar="YEAR|DATE", help="dated until")
    for name in ("person", "place", "topic", "language"):
        parser.add_argument(f"--{name}", metavar="NAME", help=f"{name} name (or part of it)")
    parser.add_argument(
        "--archive", metavar="NAME|ABBR", help="archive of a citation (RGASPI, NARA, …)"
    )
    parser.add_argument("--fond", metavar="N", help="fond of a citation")
    parser.add_argument(
        "--credit", metavar="NAME", help="a name among the credits (translated, obtained, …)"
    )
    parser.add_argument(
        "--kind",
        choices=["archive", "publication", "person", "unknown"],
        help="cited from an archive, a publication, a person",
    )
    parser.add_argument("--collection", metavar="ID", help="collection id (169, topics:86492, …)")


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value}")
    return number


def filters_from(args: argparse.Namespace) -> Filters:
    return Filters(
        date_from=parse_date_bound(args.date_from),
        date_to=parse_date_bound(args.date_to, end=True),
        person=args.person, place=args.place, topic=args.topic, archive=args.archive,
        fond=args.fond, language=args.language, collection=args.collection, credit=args.credit,
        kind=args.kind,
    )  # fmt: skip


def _excluded_word(arg: str) -> bool:
    """An unquoted `-word` (or `-"a phrase"`) of a search query, not an option."""
    return arg.startswith("-") and not arg.startswith("--") and len(arg) > 1 and arg[1] != "-"


def statement_timeout() -> float:
    """DA_STATEMENT_TIMEOUT in seconds (0: no limit); UserError when it is not a number."""
    value = os.environ.get("DA_STATEMENT_TIMEOUT", "").strip()
    if not value:
        return DEFAULT_STATEMENT_TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        raise UserError(
            f"DA_STATEMENT_TIMEOUT must be a number of seconds, not {value!r}"
        ) from None
    if seconds < 0 or seconds != seconds:
        raise UserError(f"DA_STATEMENT_TIMEOUT must be 0 or more seconds, not {value!r}")
    return seconds


def da_engine(url: str) -> sqlalchemy.Engine:
    """`da`'s SQLAlchemy engine: on PostgreSQL every statement is limited to
    DA_STATEMENT_TIMEOUT (the server cancels it, even when the client is gone); crawls use
    models.db.make_engine."""
    from models.db import make_engine

    seconds = statement_timeout()
    if not url.startswith("postgresql") or not seconds:
        return make_engine(url)
    return make_engine(
        url, connect_args={"options": f"-c statement_timeout={max(round(seconds * 1000), 1)}"}
    )


def sqlite_file(url: str) -> Path | None:
    """The file of a sqlite:/// URL (None for other databases and in-memory ones)."""
    plain = plain_sqlite_file(url)
    if plain is not None:
        return plain
    from sqlalchemy.engine import make_url

    parsed = make_url(normalize_url(url))
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def refuse_missing_file(url: str) -> None:
    """UserError when the URL names a SQLite file that does not exist: reading it would
    create an empty database where a mistyped path was meant."""
    path = sqlite_file(url)
    if path is not None and not path.exists():
        raise UserError(
            f"no such file: {safe_url(url)} has no archive tables: run `make crawl` "
            "(or `da db upgrade`) first, or check the --db path"
        )


def open_database(url: str, documents: bool = True) -> DaEngine:
    """An engine on a database that has been crawled into (that holds documents, unless
    `documents` is False); UserError otherwise. Never creates a SQLite file.

    A plain sqlite:///FILE is opened read-only through models.readonly, without SQLAlchemy;
    any other URL through SQLAlchemy."""
    statement_timeout()  # a bad DA_STATEMENT_TIMEOUT is said first
    refuse_missing_file(url)
    engine: DaEngine
    path = plain_sqlite_file(url)
    try:
        if path is not None:
            engine = ReadOnlyEngine(path, timeout=SQLITE_TIMEOUT)
            with engine.connect() as conn:
                tables = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'documents'"
                has_documents_table = run(conn, tables).first() is not None
        else:
            from sqlalchemy import inspect

            engine = da_engine(url)
            has_documents_table = inspect(engine).has_table("documents")
        if not has_documents_table:
            raise UserError(
                f"{safe_url(url)} has no archive tables: run `make crawl` (or `da db upgrade`) first"
            )
        if not documents:
            return engine
        with engine.connect() as conn:
            if not run(conn, "SELECT 1 FROM documents LIMIT 1").first():
                raise UserError(
                    f"{safe_url(url)} holds no documents yet: run `make crawl` or a `scrapy crawl` first"
                )
    except Exception as exc:
        if not database_error(exc):
            raise
        raise UserError(
            f"cannot read {safe_url(url)}: {redact(' '.join(str(getattr(exc, 'orig', exc)).split()))[:200]}"
        ) from None
    return engine


SQLITE_TIMEOUT = 30.0  # seconds a read waits for a writer's lock (as models.db.make_engine)


def database_error(exc: BaseException) -> bool:
    """An error of the database (sqlite3's, or SQLAlchemy's when it is in use), not of `da`."""
    if isinstance(exc, sqlite3.Error):
        return True
    errors = sys.modules.get("sqlalchemy.exc")  # not imported: no SQLAlchemy error possible
    return errors is not None and isinstance(exc, errors.SQLAlchemyError)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command == "search" and all(_excluded_word(e) for e in extra):
        args.query = " ".join([args.query, *extra]).strip()  # da search molotov -bohlen
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    url = database_url(args.db)
    plain_file = plain_sqlite_file(url) is not None
    if not plain_file:
        # A plain sqlite:///FILE has no password to mask, and `da` logs nothing on it: logging
        # is imported for the other URLs only.
        install_log_redaction(url)
    try:
        if not plain_file:  # a plain sqlite:///FILE needs no SQLAlchemy to check it
            from models.db import check_database_url

            try:
                check_database_url(url)
            except DatabaseUrlError as exc:
                raise UserError(str(exc)) from None
        if args.command == "serve":
            return _serve(url, args.port)
        if args.command == "reparse":
            from cli.reparse import run_reparse

            return run_reparse(url, args.captures)
        if args.command == "db":
            from models.db import prepare_database

            prepare_database(url).dispose()
            print(f"{safe_url(url)} is at the newest schema")
            return 0
        filters = filters_from(args) if args.command in {"search", "export", "plot"} else Filters()
        if args.command == "search":
            check_query(args.query)
        engine = open_database(url, documents=args.command != "runs")
        try:
            return COMMANDS[args.command](engine, args, filters)
        finally:
            engine.dispose()
    except (UserError, SearchError) as exc:
        print(redact(f"da {args.command}: {exc}"), file=sys.stderr)
        return 2
    except DatabaseUnavailable as exc:
        print(redact(f"da {args.command}: {exc}"), file=sys.stderr)
        return 1
    except BrokenPipeError:  # `da search … | head`
        return 0
    except Exception as exc:
        if not database_error(exc):
            raise
        reason = " ".join(str(getattr(exc, "orig", exc)).split())[:200]
        print(
            redact(f"da {args.command}: database error on {safe_url(url)}: {reason}"),
            file=sys.stderr,
        )
        return 1


def run_search(engine: DaEngine, args: argparse.Namespace, filters: Filters) -> int:
    dropped = dropped_terms(args.query)
    if dropped:
        print(
            f"da search: only the first {MAX_TERMS} terms are searched for ({dropped} left out)",
            file=sys.stderr,
        )
    sort = args.sort or ("rank" if args.query.strip() else "date")
    page = search_page(engine, args.query, filters, limit=args.limit, sort=sort)
    hits = page.hits
    fmt = _format(args)
    if fmt in ("json", "jsonl"):
        write_table("", [], [], fmt, records=[hit.__dict__ for hit in hits])
        return 0
    headers = ["record", "date", "title", "snippet"]
    rows = [[h.record_id, h.date_text, h.title, h.snippet_text] for h in hits]
    if fmt:
        write_table("", headers, rows, fmt)
        return 0
    # Text with highlights, for a terminal only (rich is not imported for a pipe).
    cells = [
        [styled(h.record_id), styled(h.date_text), styled(h.title),
         styled(h.snippet_text, h.highlights, limit=160)]
        for h in hits
    ] if output.is_terminal() else None  # fmt: skip
    _table(_count(engine, args, filters, page), headers, rows, cells)
    return 0


def _count(engine: DaEngine, args: argparse.Namespace, filters: Filters, page: Page) -> str:
    """ "38 documents", or "20 of 38 documents" when --limit cut them (counted up to
    COUNT_CAP: "20 of 10000+ documents"; by the ranking itself where it counted them)."""
    shown = len(page.hits)
    if shown < args.limit:
        return f"{shown} documents"
    total = count_matches(engine, args.query, filters) if page.total is None else page.total
    if total <= shown:
        return f"{shown} documents"
    return f"{shown} of {total}{'+' if total >= COUNT_CAP else ''} documents"


def _format(args: argparse.Namespace) -> str | None:
    return "json" if getattr(args, "json", False) else getattr(args, "format", None)


def _document(conn: Any, key: str) -> int:
    """The id of the document a record id, URL or slug names (a usage error when none)."""
    doc_id = document_id(conn, key.strip())
    if doc_id is None:
        raise UserError(f"no document with record id {key!r}")
    return doc_id


def run_show(engine: DaEngine, args: argparse.Namespace, _: Any) -> int:
    with engine.connect() as conn:
        doc_id = _document(conn, args.record_id)
        if args.capture:  # warcio is imported only here
            from cli.captures import capture_details, capture_of

            capture = capture_details(capture_of(conn, doc_id, args.record_id), args.captures)
            return _print_record(args, capture, "Capture")
        if args.text:
            translation = translation_text(conn, doc_id)
            if translation is None:
                raise UserError(f"document {args.record_id!r} has no translation")
            print_text(translation)
            return 0
        details = document_details(conn, doc_id)
    fmt = _format(args)
    if fmt == "json":
        print(json.dumps(details, ensure_ascii=False, indent=1, default=str))
        return 0
    if fmt:  # jsonl: the object on one line; tsv, csv: field and value, lists as JSON
        rows = [[k, v if not isinstance(v, list | dict) else json.dumps(v, ensure_ascii=False, default=str)]
                for k, v in details.items()]  # fmt: skip
        write_table("", ["field", "value"], rows, fmt, records=[details])
        return 0
    scalars = [
        [k, _cell(v)]
        for k, v in details.items()
        if k not in {"citations", "versions", "collections", "revisions", "text"}
    ]
    _table(details["title"] or details["record_id"], ["field", "value"], scalars)
    citation_rows = [
        [c["position"], c["kind"], c["repository"] or "", c["archive_name"] or "",
         ", ".join(f"{u} {c[u]}" for u in ("fond", "opis", "delo", "papka", "listy") if c[u]) or c["reference"] or c["publication"] or "",
         "; ".join(f"{k.removesuffix('_by')} by {', '.join(c[k])}" for k in CREDIT_FIELDS if c[k])]
        for c in details["citations"]
    ]  # fmt: skip
    _table(
        "Citations", ["#", "kind", "repository", "archive", "location", "credits"], citation_rows
    )
    _table("Versions", ["type", "language", "url / characters"],
           [[v["type"], v["language"] or "", v["url"] or v["html_characters"]] for v in details["versions"]])  # fmt: skip
    _table("Collections", ["collection", "title", "position"],
           [[c["collection_id"], c["title"] or "", c["position"]] for c in details["collections"]])  # fmt: skip
    if details["revisions"]:
        _table(
            "Revisions",
            ["when", "changed"],
            [[r["changed_at"], ", ".join(r["changed_fields"])] for r in details["revisions"]],
        )
    return 0


def _print_record(args: argparse.Namespace, record: dict[str, Any], title: str) -> int:
    fmt = _format(args)
    if fmt == "json":
        print(json.dumps(record, ensure_ascii=False, indent=1, default=str))
    elif fmt:
        write_table("", ["field", "value"], [[k, v] for k, v in record.items()], fmt, [record])
    else:
        _table(title, ["field", "value"], [[k, _cell(v)] for k, v in record.items()])
    return 0


def run_capture(engine: DaEngine, args: argparse.Namespace, _: Any) -> int:
    from cli.captures import capture_of, write_capture

    with engine.connect() as conn:
        doc_id = _document(conn, args.record_id)
        capture = capture_of(conn, doc_id, args.record_id)
    print(write_capture(capture, args.captures, args.output), file=sys.stderr)
    return 0


STATS_TABLES = ("by_year", "by_archive", "by_language", "by_collection", "by_date_precision")


def run_stats(engine: DaEngine, args: argparse.Namespace, _: Any) -> int:
    with engine.connect() as conn:
        numbers = stats(conn)
    fmt = _format(args)
    if fmt == "json":
        print(json.dumps(numbers, ensure_ascii=False, indent=1, default=str))
        return 0
    if fmt:  # one tidy table of every count (the runs: `da runs --format`)
        rows: list[list[Any]] = [["total", "documents", numbers["documents"]],
                                 ["total", "withdrawn", numbers["withdrawn"]]]  # fmt: skip
        rows += [[key, r["value"], r["documents"]] for key in STATS_TABLES for r in numbers[key]]
        write_table("", ["table", "value", "documents"], rows, fmt)
        return 0
    print(f"{numbers['documents']} documents ({numbers['withdrawn']} withdrawn)")
    tables: tuple[tuple[str, str], ...] = (
        ("by_year", "By year"), ("by_archive", "By archive"), ("by_language", "By language"),
        ("by_collection", "By collection"), ("by_date_precision", "By date precision"))  # fmt: skip
    if sys.stdout.isatty():  # decades, archives and languages as bar charts (cli/charts.py)
        from cli.charts import print_stats_bars

        print_stats_bars(numbers)
        tables = tables[3:]
    for key, title in tables:
        _table(
            title,
            ["", "documents"],
            [[r["value"] or "(none)", r["documents"]] for r in numbers[key]],
        )
    runs = numbers["last_runs"]
    _table("Last crawl runs", ["run", "spider", "status", "started", "new", "updated", "unchanged", "failed"],
           [[r["id"], r["spider"], r["status"], r["started_at"], r["documents_new"], r["documents_updated"],
             r["documents_unchanged"], r["failed"]] for r in runs])  # fmt: skip
    return 0


def run_runs(engine: DaEngine, args: argparse.Namespace, _: Any) -> int:
    with engine.connect() as conn:
        found = last_runs(conn, args.limit)
    fmt = _format(args)
    if fmt in ("json", "jsonl"):
        write_table("", [], [], fmt, records=found)
        return 0
    if not found:
        raise UserError(f"{safe_url(database_url(args.db))} has no crawl runs yet")
    rows = [
        [r["id"], r["spider"], _arguments(r["arguments"]), r["status"], r["started_at"].replace("T", " "),
         _duration(r["duration_seconds"]), _done(r), r["documents_new"], r["documents_updated"],
         r["documents_unchanged"], r["rejected"], r["failed"], r["requests"], r["reason"] or ""]
        for r in found
    ]  # fmt: skip
    headers = ["run", "spider", "arguments", "status", "started (UTC)", "duration", "documents",
               "new", "updated", "unchanged", "rejected", "failed", "requests", "reason"]  # fmt: skip
    if fmt:
        write_table("", headers, rows, fmt)
    else:
        _table("Crawl runs", headers, rows)
    return 0


def run_list(engine: DaEngine, args: argparse.Namespace, _: Any) -> int:
    """da people, archives, places, topics, collections: each with its documents."""
    kind = args.command
    if kind == "archives" and args.fonds:
        kind = "fonds"
    with engine.connect() as conn:
        found, total = listing(conn, kind, args.name, args.limit)
    if not found:
        raise UserError(
            f"no {args.command} found" + (f" naming {args.name!r}" if args.name else "")
        )
    fmt = _format(args)
    headers = list(found[0])
    rows = [list(r.values()) for r in found]
    if fmt:
        write_table("", headers, rows, fmt, records=found)
        return 0
    shown = f"{len(found)} of {total}" if total > len(found) else str(len(found))
    _table(f"{shown} {kind}", headers, rows)
    return 0


def _arguments(arguments: dict[str, Any]) -> str:
    return " ".join(f"{k}={v}" for k, v in sorted(arguments.items()))


def _duration(seconds: int) -> str:
    minutes, second = divmod(seconds, 60)
    hours, minute = divmod(minutes, 60)
    return f"{hours}:{minute:02d}:{second:02d}"


def _done(run: dict[str, Any]) -> str:
    """ "48/48 (100%)"; a running run adds its rate and ETA."""
    done, total = run["documents_done"], run["documents_total"]
    text = f"{done}/{total} ({run['percent_done']:.0f}%)" if total else str(done)
    if run["status"] == "running" and run["documents_per_minute"] is not None:
        text += f", {run['documents_per_minute']}/min"
        if run["eta_at"]:
            text += f", ETA {run['eta_at'].replace('T', ' ')}"
    return text


def run_export(engine: DaEngine, args: argparse.Namespace, filters: Filters) -> int:
    from cli.export import export

    with engine.connect() as conn:
        ids = matching_ids(conn, filters)
        if not ids:
            raise UserError("no document matches the filters: nothing written")
        if args.output == "-":
            count = export(conn, ids, args.format, sys.stdout)
        else:
            try:
                with open(args.output, "w", encoding="utf-8", newline="") as out:
                    count = export(conn, ids, args.format, out)
            except OSError as exc:
                raise UserError(f"cannot write {args.output}: {exc.strerror}") from None
    if args.output != "-":
        print(f"{count} documents written to {args.output} ({args.format})", file=sys.stderr)
    return 0


COMMANDS = {
    "search": run_search,
    "show": run_show,
    "capture": run_capture,
    "stats": run_stats,
    "runs": run_runs,
    "export": run_export,
    "plot": run_plot,
    **dict.fromkeys(LISTS, run_list),
}


def _cell(value: Any) -> str:
    return cell(value)


def _table(title: str, headers: list[str], rows: list[list[Any]], cells: Any = None) -> None:
    """A rich table on a terminal, every value literal (never markup); `# title` and rows
    tab-separated by the csv module otherwise (pipes, files). See cli/output.py."""
    write_table(title, headers, rows, cells=cells)


if __name__ == "__main__":
    sys.exit(main())
