"""A read-only SQLite connection for `da`, over the standard library's sqlite3, and `run()`:
one way to execute SQL text on it or on a SQLAlchemy connection.

`da` starts in a tenth of the time SQLAlchemy takes to import (docs/performance.md,
"da start-up"), so its reads on a SQLite file go through `ReadOnlyEngine`: the file opened
with `mode=ro` (a missing file is an error, never created), query results with the few
methods of SQLAlchemy's Result that models/search.py and cli/queries.py use. Those modules
call `run(conn, sql, params)`, which takes either connection: the bench, the tests and the
Datasette plugin pass SQLAlchemy engines, `da` this one. Nothing here imports SQLAlchemy
until `run()` is handed a SQLAlchemy connection.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

# -- What models/search.py and cli/queries.py need of a connection and its results -----------


class Dialect(Protocol):
    @property
    def name(self) -> str: ...


class Connection(Protocol):
    """A SQLAlchemy Connection or a ReadOnlyConnection: `run()` executes SQL on either."""

    @property
    def dialect(self) -> Dialect: ...


class Engine(Protocol):
    """A SQLAlchemy Engine or a ReadOnlyEngine."""

    def connect(self) -> AbstractContextManager[Connection]: ...


# A row as a mapping of column name to value. Keyed by Any: SQLAlchemy's RowMapping is a
# Mapping[str | Column, Any], and a Mapping's key type admits no narrower one.
Row = Mapping[Any, Any]


class MappingRows(Protocol):
    def __iter__(self) -> Iterator[Row]: ...
    def all(self) -> Sequence[Row]: ...
    def one(self) -> Row: ...
    def first(self) -> Row | None: ...


class Scalars(Protocol):
    def __iter__(self) -> Iterator[Any]: ...
    def all(self) -> Sequence[Any]: ...


class Rows(Protocol):
    """The result of `run()`: SQLAlchemy's CursorResult or ReadOnlyResult."""

    def __iter__(self) -> Iterator[Sequence[Any]]: ...
    def all(self) -> Sequence[Sequence[Any]]: ...
    def one(self) -> Sequence[Any]: ...
    def first(self) -> Sequence[Any] | None: ...
    def scalar(self) -> Any: ...
    def scalar_one(self) -> Any: ...
    def scalars(self) -> Scalars: ...
    def mappings(self) -> MappingRows: ...


def run(conn: Connection, sql: str, params: Mapping[str, Any] | None = None) -> Rows:
    """Execute SQL text with `:name` parameters on a ReadOnlyConnection or a SQLAlchemy one."""
    if isinstance(conn, ReadOnlyConnection):
        return conn.execute(sql, params)
    from sqlalchemy import Connection as SAConnection
    from sqlalchemy import text

    if not isinstance(conn, SAConnection):
        raise TypeError(f"not a database connection: {conn!r}")
    return conn.execute(text(sql), dict(params) if params else None)


# A sqlite:///PATH URL whose path SQLAlchemy would take as it is: no query string, no
# %-escape, no host; not ":memory:", not a "file:" URI.
_PLAIN_SQLITE = re.compile(r"sqlite(?:\+pysqlite)?:///(?!:memory:$|file:)([^?%]+)")


def plain_sqlite_file(url: str) -> Path | None:
    """The file a plain sqlite:///PATH URL names (the default sqlite:///data/archive.db,
    sqlite:////abs/path.db), read by ReadOnlyEngine without SQLAlchemy parsing the URL; None
    for any other URL (PostgreSQL, in-memory, with a query or an escape: SQLAlchemy's)."""
    match = _PLAIN_SQLITE.fullmatch(url)
    return Path(match.group(1)) if match else None


# -- The read-only SQLite engine --------------------------------------------------------------


class ReadOnlyError(sqlite3.Error):
    """A result did not hold the one row asked for (SQLAlchemy raises NoResultFound or
    MultipleResultsFound there)."""


class _SQLiteDialect:
    name = "sqlite"


class ReadOnlyResult:
    """The rows of one query, read from the cursor as they are asked for."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor
        self._names = tuple(d[0] for d in cursor.description or ())

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self._cursor)

    def all(self) -> list[tuple[Any, ...]]:
        return self._cursor.fetchall()

    def first(self) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = self._cursor.fetchone()
        self._cursor.close()
        return row

    def one(self) -> tuple[Any, ...]:
        rows = self._cursor.fetchmany(2)
        self._cursor.close()
        if len(rows) != 1:
            raise ReadOnlyError("no row" if not rows else "more than one row")
        row: tuple[Any, ...] = rows[0]
        return row

    def scalar(self) -> Any:
        row = self.first()
        return None if row is None else row[0]

    def scalar_one(self) -> Any:
        return self.one()[0]

    def scalars(self) -> ReadOnlyScalars:
        return ReadOnlyScalars(self)

    def mappings(self) -> ReadOnlyMappings:
        return ReadOnlyMappings(self)

    def _mapping(self, row: tuple[Any, ...]) -> dict[str, Any]:
        return dict(zip(self._names, row, strict=True))


class ReadOnlyScalars:
    """The first column of each row, as SQLAlchemy's `.scalars()`."""

    def __init__(self, result: ReadOnlyResult) -> None:
        self._result = result

    def __iter__(self) -> Iterator[Any]:
        return (row[0] for row in self._result)

    def all(self) -> list[Any]:
        return [row[0] for row in self._result.all()]


class ReadOnlyMappings:
    """The rows as dicts of column name to value, as SQLAlchemy's `.mappings()`."""

    def __init__(self, result: ReadOnlyResult) -> None:
        self._result = result

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (self._result._mapping(row) for row in self._result)

    def all(self) -> list[dict[str, Any]]:
        return [self._result._mapping(row) for row in self._result.all()]

    def one(self) -> dict[str, Any]:
        return self._result._mapping(self._result.one())

    def first(self) -> dict[str, Any] | None:
        row = self._result.first()
        return None if row is None else self._result._mapping(row)


def _bind(value: Any) -> Any:
    """Parameters as SQLAlchemy's SQLite dialect stores them: dates and times as ISO text
    (with a space, as its DateTime does), not through sqlite3's deprecated adapters."""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class ReadOnlyConnection:
    """One sqlite3 connection to a file opened read-only."""

    dialect: Dialect = _SQLiteDialect()

    def __init__(self, path: Path, timeout: float) -> None:
        self._db = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=timeout, isolation_level=None
        )
        self._db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")

    def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> ReadOnlyResult:
        bound = {k: _bind(v) for k, v in params.items()} if params else {}
        return ReadOnlyResult(self._db.execute(sql, bound))

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> ReadOnlyConnection:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class ReadOnlyEngine:
    """What `da` reads a SQLite file through: `connect()` as SQLAlchemy's Engine has it."""

    def __init__(self, path: str | Path, timeout: float = 30.0) -> None:
        self.path = Path(path)
        self.timeout = timeout

    def connect(self) -> ReadOnlyConnection:
        return ReadOnlyConnection(self.path, self.timeout)

    def dispose(self) -> None:
        """Nothing kept open between connections (SQLAlchemy's Engine has it)."""

    def __repr__(self) -> str:
        return f"ReadOnlyEngine({str(self.path)!r})"
