"""Alembic environment: uses the connection handed over by models.db.upgrade, or DATABASE_URL."""

from __future__ import annotations

from alembic import context

from models.db import make_engine
from models.migrations import include_object
from models.tables import Base

target_metadata = Base.metadata


def run_migrations(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER much
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:  # the alembic command itself: SQLite rebuilds tables with foreign keys off (0009)
    with make_engine().connect() as own_connection:
        if own_connection.dialect.name == "sqlite":
            own_connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
        with own_connection.begin():
            run_migrations(own_connection)
