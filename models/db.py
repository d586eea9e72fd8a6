"""Engine, schema migration and the one dialect-aware upsert.

`DATABASE_URL` picks the database: a SQLite file by default, PostgreSQL for teams
(`postgresql+psycopg://user:pass@host/db`). The same code runs on both.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, event, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

DEFAULT_DATABASE_URL = "sqlite:///data/archive.db"
MIGRATIONS = Path(__file__).parent / "migrations"


def database_url(url: str | None = None) -> str:
    return url or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def safe_url(url: str) -> str:
    """The URL with its password masked, for logs and messages."""
    return make_url(url).render_as_string(hide_password=True)


def make_engine(url: str | None = None) -> Engine:
    url = database_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers (analysts) do not block the crawl
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


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
        reason = " ".join(str(getattr(exc, "orig", None) or exc).split())[:300]
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


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` with Alembic (creates it in an empty database)."""
    from alembic import command
    from alembic.config import Config

    with migrations_folder() as folder:
        config = Config()
        config.set_main_option("script_location", str(folder))
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)


def is_current(engine: Engine) -> bool:
    """True when the schema is at the newest migration (so no upgrade is needed)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    if not inspect(engine).has_table("alembic_version"):
        return False
    with migrations_folder() as folder:
        heads = ScriptDirectory(str(folder)).get_heads()
    with engine.connect() as connection:
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
