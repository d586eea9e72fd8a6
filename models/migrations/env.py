"""Alembic environment: uses the connection handed over by models.db.upgrade, or DATABASE_URL."""

from __future__ import annotations

from alembic import context

from models.db import make_engine
from models.tables import Base

target_metadata = Base.metadata
# Made by hand in 0005 (dialect-specific), not by the models: autogenerate leaves them alone.
HAND_MADE = {
    "documents_fts", "search_vector", "ix_documents_search_vector", "v_documents", "v_citations",
    "v_timeline",
}  # fmt: skip


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    return not (name in HAND_MADE or (name or "").startswith("documents_fts"))


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
else:
    with make_engine().begin() as own_connection:
        run_migrations(own_connection)
