"""The migrations build the schema the models declare, on SQLite and PostgreSQL: Alembic's own
comparison finds no difference after `upgrade head`, and every migration downgrades."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from models.db import make_engine, upgrade
from models.migrations import include_object
from models.tables import Base


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def test_the_migrated_schema_is_the_models_schema(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_object": include_object, "compare_type": True}
        )
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_the_run_progress_view_exists(engine):
    assert "v_runs" in inspect(engine).get_view_names()
    columns = {c["name"] for c in inspect(engine).get_columns("v_runs")}
    assert {"duration_seconds", "percent_done", "documents_per_minute", "eta_at"} <= columns


def test_the_heads_read_from_the_scripts_are_alembics():
    """models.db.is_current reads the heads without Alembic: the same ones Alembic finds."""
    from alembic.script import ScriptDirectory

    from models.db import MIGRATIONS, script_heads

    assert script_heads(MIGRATIONS) == set(ScriptDirectory(str(MIGRATIONS)).get_heads())


def test_a_database_one_migration_behind_is_not_current(database_url):
    from models.db import is_current, prepare_database

    engine = make_engine(database_url)
    try:
        upgrade(engine, "0010")
        assert not is_current(engine)
    finally:
        engine.dispose()
    prepared = prepare_database(database_url)
    try:
        assert is_current(prepared)
        assert "captures" in inspect(prepared).get_table_names()
    finally:
        prepared.dispose()
