"""Engine, schema migration and the one dialect-aware upsert.

`DATABASE_URL` picks the database: a SQLite file by default, PostgreSQL for teams
(`postgresql+psycopg://user:pass@host/db`). The same code runs on both.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, event, inspect, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

# The URL helpers live in models/urls.py (no SQLAlchemy: `da` reads SQLite without it);
# imported from here as before.
from models.urls import (  # noqa: F401
    DEFAULT_DATABASE_URL,
    MASK,
    DatabaseUnavailable,
    DatabaseUrlError,
    RedactingFilter,
    database_url,
    install_log_redaction,
    normalize_url,
    redact,
    redact_value,
    register_secrets,
    safe_url,
    url_secrets,
)

MIGRATIONS = Path(__file__).parent / "migrations"


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
