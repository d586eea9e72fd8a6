"""What a failed database write means: the database is away for a while (transient), it cannot
take writes at all (permanent: disk full, read-only, I/O error), or one item is bad (item).

The store pipeline pauses the crawl and retries on a transient failure, spools and stops on a
permanent one, and records the item on an item failure (pipelines/store.py).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy.exc import (
    DBAPIError,
    DisconnectionError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout


class Failure(StrEnum):
    TRANSIENT = "transient"
    PERMANENT = "permanent"
    ITEM = "item"


# Messages of a server that is away, restarting or busy (psycopg, SQLite).
TRANSIENT = (
    "connection", "server closed", "could not connect", "terminating", "shutting down",
    "starting up", "database is locked", "lock timeout", "timeout", "broken pipe",
    "consuming input failed", "ssl syscall", "no route to host", "could not receive data",
    "could not send data", "in recovery mode",
)  # fmt: skip
# Messages of a database that cannot take writes, whatever the wait.
PERMANENT = (
    "disk is full", "no space left", "readonly database", "read-only", "disk i/o error",
    "quota", "could not extend file", "unable to open database file",
)  # fmt: skip


def failure_of(exc: BaseException) -> Failure:
    """Which kind of failure an exception from a database write is."""
    if not isinstance(exc, SQLAlchemyError):
        return Failure.ITEM
    message = " ".join(str(getattr(exc, "orig", None) or exc).split()).lower()
    if any(marker in message for marker in PERMANENT):
        return Failure.PERMANENT
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return Failure.TRANSIENT
    if isinstance(exc, (DisconnectionError, PoolTimeout)):
        return Failure.TRANSIENT
    if isinstance(exc, (OperationalError, InterfaceError)):
        return Failure.TRANSIENT if any(m in message for m in TRANSIENT) else Failure.PERMANENT
    return Failure.ITEM


class WriteFailed(Exception):
    """A write failed for the database, not for an item: the caller keeps what was not
    written (`remaining`) and decides (pause and retry, or spool and stop)."""

    def __init__(
        self, cause: BaseException, remaining: list[Any], kind: Failure, done: Any = None
    ) -> None:
        super().__init__(str(cause))
        self.cause = cause
        self.remaining = remaining  # the items not written
        self.kind = kind
        self.done = done  # what was committed before the failure (a SaveResult), if any
