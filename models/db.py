"""Engine, schema migration and the one dialect-aware upsert.

`DATABASE_URL` picks the database: a SQLite file by default, PostgreSQL for teams
(`postgresql+psycopg://user:pass@host/db`). The same code runs on both.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus, unquote, unquote_plus

from sqlalchemy import Connection, Engine, Table, create_engine, event, inspect, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

DEFAULT_DATABASE_URL = "sqlite:///data/archive.db"
MIGRATIONS = Path(__file__).parent / "migrations"


def database_url(url: str | None = None) -> str:
    """The database to use (the argument, DATABASE_URL or the default). Its password is
    registered for `redact` as soon as it is known."""
    chosen = url or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    register_secrets(chosen)
    return chosen


# Query-string parameters that carry a secret (psycopg takes any libpq keyword there).
SECRET_PARAMETERS = frozenset({"password", "passwd", "pass", "pwd", "sslpassword"})
MASK = "***"
MIN_SECRET = 4  # shorter literals are not masked in free text (every "ab" would go)
_secrets: set[str] = set()


def _split_netloc(url: str) -> tuple[str, str, str, str] | None:
    """(scheme://, userinfo, host part, rest) of a URL, the userinfo ending at the LAST `@`
    of the authority, as RFC 3986 parsers read it: an unencoded `@` in a password stays in the
    password. None when the URL has no `scheme://`."""
    match = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*://)([^/?#]*)(.*)$", url, re.DOTALL)
    if match is None:
        return None
    scheme, authority, rest = match.groups()
    if "@" not in authority:
        return scheme, "", authority, rest
    userinfo, _, host = authority.rpartition("@")
    return scheme, userinfo, host, rest


def normalize_url(url: str) -> str:
    """The URL as SQLAlchemy must read it: an unencoded `@` (or `:`, `/`) inside the password
    percent-encoded, so that `postgresql://u:p@ss@host/db` means user u, password `p@ss` on
    host `host` (SQLAlchemy alone would take `ss@host` for the host)."""
    parts = _split_netloc(url)
    if parts is None or "@" not in parts[1]:
        return url
    scheme, userinfo, host, rest = parts
    user, colon, password = userinfo.partition(":")
    encode = lambda value: quote(unquote(value), safe="")  # noqa: E731
    return f"{scheme}{encode(user)}{colon}{encode(password) if colon else ''}@{host}{rest}"


def url_secrets(url: str) -> set[str]:
    """Every literal under which the URL's password could be printed: as written, decoded,
    percent-encoded; from the userinfo (up to the last `@`) and from the query string."""
    found: set[str] = set()
    parts = _split_netloc(url)
    if parts is not None:
        _, userinfo, _, rest = parts
        if ":" in userinfo:
            found.add(userinfo.partition(":")[2])
        query = rest.partition("?")[2].partition("#")[0]
        for pair in query.split("&"):
            name, equals, value = pair.partition("=")
            if equals and unquote_plus(name).lower() in SECRET_PARAMETERS:
                found.add(value)
    forms = set()
    for secret in found:
        for decoded in (secret, unquote(secret), unquote_plus(secret)):
            forms |= {decoded, quote(decoded, safe=""), quote_plus(decoded, safe="")}
    return {form for form in forms if form}


def register_secrets(url: str | None) -> None:
    """Remember the URL's password (every form of it): `redact` and the log filter mask it
    from then on, in this process."""
    if url:
        _secrets.update(url_secrets(url))


def redact(text: str) -> str:
    """The text with every registered password literal masked (longest first)."""
    if not _secrets or not text:
        return text
    for secret in sorted(_secrets, key=len, reverse=True):
        if len(secret) >= MIN_SECRET and secret in text:
            text = text.replace(secret, MASK)
    return text


def redact_value(value: Any) -> Any:
    """`redact` through JSON-like values (a run's arguments, stats, a reject's payload)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {redact_value(k): redact_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_value(v) for v in value]
    return value


def safe_url(url: str) -> str:
    """The URL with its password masked, for logs and messages: in the userinfo (all of it,
    an unencoded `@` included) and in the query string (`?password=…`). A URL that cannot be
    parsed is shown as its scheme only."""
    parts = _split_netloc(url)
    if parts is None:
        return redact(url) if "@" not in url and "password" not in url.lower() else MASK
    scheme, userinfo, host, rest = parts
    if ":" in userinfo:
        userinfo = userinfo.partition(":")[0] + ":" + MASK
    path, question, query = rest.partition("?")
    query, hash_, fragment = query.partition("#")
    pairs = []
    for pair in query.split("&") if question else []:
        name, equals, value = pair.partition("=")
        if equals and unquote_plus(name).lower() in SECRET_PARAMETERS:
            value = MASK
        pairs.append(f"{name}{equals}{value}")
    shown = f"{scheme}{userinfo}{'@' if userinfo else ''}{host}{path}"
    if question:
        shown += "?" + "&".join(pairs)
    if hash_:
        shown += "#" + fragment
    return redact(shown)


class RedactingFilter(logging.Filter):
    """Masks the registered passwords in a log record: its message (arguments interpolated)
    and its exception text (a traceback quotes what the code held)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not _secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: leave it to the handler
            return True
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_FILTER = RedactingFilter()


def install_log_redaction(url: str | None = None) -> None:
    """Mask the password of `url` (and of any registered URL) in every log record of the
    process: the record factory runs the filter as each record is made, whichever logger and
    handler (Scrapy's, a LOG_FILE, ours) it then goes to. Idempotent."""
    register_secrets(url)
    factory = logging.getLogRecordFactory()
    if getattr(factory, "redacting", False):
        return

    def redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        _FILTER.filter(record)
        return record

    redacting_factory.redacting = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(redacting_factory)


def make_engine(url: str | None = None, **options: Any) -> Engine:
    url = normalize_url(database_url(url))
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, **options)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers (analysts) do not block the crawl
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


DATABASES = ("sqlite", "postgresql")


class DatabaseUrlError(ValueError):
    """A DATABASE_URL that cannot be used at all (unparseable, unsupported): a usage error."""


def check_database_url(url: str) -> None:
    """A DATABASE_URL SQLAlchemy can parse, of a database this program supports, whose
    driver is installed."""
    try:
        parsed = make_url(normalize_url(url))
        parsed.port  # noqa: B018
    except Exception:  # ArgumentError, ValueError (a port that is not a number)
        raise DatabaseUrlError(
            f"DATABASE_URL cannot be parsed: {safe_url(url)!r} (expected sqlite:///FILE or "
            "postgresql+psycopg://USER:PASSWORD@HOST/DATABASE)"
        ) from None
    backend = parsed.get_backend_name()
    if backend not in DATABASES:
        raise DatabaseUrlError(
            f"DATABASE_URL names an unsupported database {backend!r}: use sqlite:///FILE or "
            "postgresql+psycopg://USER:PASSWORD@HOST/DATABASE"
        )
    try:
        parsed.get_dialect().import_dbapi()
    except Exception:
        raise DatabaseUrlError(
            f"DATABASE_URL: the driver of {parsed.drivername!r} is not installed "
            "(use postgresql+psycopg:// for PostgreSQL)"
        ) from None


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached or migrated; the message names it without password."""


def prepare_database(url: str | None = None) -> Engine:
    """An engine on a reachable database whose schema is at the newest migration."""
    url = database_url(url)
    try:
        engine = make_engine(url)
        if not is_current(engine):
            upgrade(engine)
            if not is_current(engine):
                raise DatabaseUnavailable(
                    f"database {safe_url(url)}: the migrations did not reach head"
                )
    except (SQLAlchemyError, OSError) as exc:
        reason = redact(" ".join(str(getattr(exc, "orig", None) or exc).split()))[:300]
        raise DatabaseUnavailable(f"database {safe_url(url)} unusable: {reason}") from None
    return engine


@contextlib.contextmanager
def migrations_folder() -> Iterator[Path]:
    """The Alembic scripts as a real folder: copied out when the package is zipped (a
    Scrapyd egg), where Alembic could not list them."""
    if MIGRATIONS.is_dir():
        yield MIGRATIONS
        return
    with tempfile.TemporaryDirectory(prefix="da-migrations-") as folder:
        _copy_tree(resources.files("models.migrations"), Path(folder))
        yield Path(folder)


def _copy_tree(source: Any, target: Path) -> None:
    target.mkdir(exist_ok=True)
    for entry in source.iterdir():
        if entry.is_dir():
            if entry.name != "__pycache__":
                _copy_tree(entry, target / entry.name)
        elif entry.name.endswith((".py", ".mako")):
            (target / entry.name).write_bytes(entry.read_bytes())


# pg_advisory_xact_lock key of the schema migrations ("da-migrate"): concurrent first runs
# take turns, the second finds the schema current.
MIGRATION_LOCK = 0x64612D6D696772
MIGRATION_WAIT_MS = 600_000  # how long a SQLite run waits for another one's migrations


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` with Alembic (creates it in an empty database).

    Serialized between processes: on PostgreSQL under a transaction-level advisory lock, on
    SQLite in an exclusive transaction (with foreign keys off, as SQLite's table rebuilds
    need; checked before the commit). Whoever waited finds the schema current and does
    nothing more."""
    from alembic import command
    from alembic.config import Config

    with migrations_folder() as folder:
        config = Config()
        config.set_main_option("script_location", str(folder))
        with engine.connect() as connection:
            sqlite_file = connection.dialect.name == "sqlite"
            if sqlite_file:
                connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
                connection.exec_driver_sql(f"PRAGMA busy_timeout = {MIGRATION_WAIT_MS}")
                connection.exec_driver_sql("BEGIN EXCLUSIVE")
            else:
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK}
                )
            try:
                if revision != "head" or not _at_heads(connection, folder):
                    config.attributes["connection"] = connection
                    command.upgrade(config, revision)
                if sqlite_file:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").first()
                    if broken is not None:
                        raise DatabaseUnavailable(f"the migrations broke a foreign key: {broken}")
                connection.commit()
            except BaseException:
                connection.rollback()
                raise
            finally:
                if sqlite_file:
                    connection.exec_driver_sql("PRAGMA busy_timeout = 30000")
                    connection.exec_driver_sql("PRAGMA foreign_keys = ON")
                    connection.commit()


def is_current(engine: Engine) -> bool:
    """True when the schema is at the newest migration (so no upgrade is needed)."""
    if not inspect(engine).has_table("alembic_version"):
        return False
    with migrations_folder() as folder, engine.connect() as connection:
        return _at_heads(connection, folder)


def _at_heads(connection: Connection, folder: Path) -> bool:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    if not inspect(connection).has_table("alembic_version"):
        return False
    heads = ScriptDirectory(str(folder)).get_heads()
    current = MigrationContext.configure(connection).get_current_heads()
    return bool(heads) and set(current) == set(heads)


def upsert(
    connection: Connection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    conflict: Iterable[str],
    update: Iterable[str] | dict[str, Any] | None = None,
) -> None:
    """INSERT … ON CONFLICT (conflict) DO UPDATE SET … (or DO NOTHING), in one statement.

    `update` names the columns to take from the new row, or maps columns to expressions
    (e.g. a counter: `{"attempts": table.c.attempts + 1}`).
    """
    if not rows:
        return
    dialect = connection.dialect.name
    statement: sqlite.Insert | postgresql.Insert
    if dialect == "sqlite":
        statement = sqlite.insert(table)
    elif dialect == "postgresql":
        statement = postgresql.insert(table)
    else:
        raise RuntimeError(f"unsupported database dialect {dialect!r}: use SQLite or PostgreSQL")
    if update:
        if not isinstance(update, dict):
            update = {name: statement.excluded[name] for name in update}
        statement = statement.on_conflict_do_update(index_elements=list(conflict), set_=update)
    else:
        statement = statement.on_conflict_do_nothing(index_elements=list(conflict))
    connection.execute(statement, list(rows))
