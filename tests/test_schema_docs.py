"""docs/schema.md and datasette/metadata.json stay true to the database."""

from __future__ import annotations

import json
import re

import pytest
from conftest import PROJECT
from sqlalchemy import create_engine, inspect, text

from models.tables import Base

SCHEMA = (PROJECT / "docs" / "schema.md").read_text(encoding="utf-8")
QUESTIONS = re.findall(
    r"```sql\n(.*?)```", SCHEMA.split("## Ten questions analysts ask", 1)[1], re.S
)
METADATA = json.loads((PROJECT / "datasette" / "metadata.json").read_text(encoding="utf-8"))


def test_ten_questions():
    assert len(QUESTIONS) == 10


@pytest.mark.parametrize("number", range(1, 11))
def test_each_question_answers_on_the_fixture_database(crawled_db, number):
    engine = create_engine(crawled_db)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text(QUESTIONS[number - 1])).all()
    finally:
        engine.dispose()
    assert rows, f"question {number} returned nothing"


@pytest.mark.parametrize("table", [t for t in Base.metadata.sorted_tables], ids=lambda t: t.name)
def test_every_table_and_column_is_explained(table):
    section = re.search(rf"^### .*\b{table.name}\b.*$(.*?)(?=^### |^## )", SCHEMA, re.M | re.S)
    assert section, f"no section for {table.name}"
    for column in table.columns:
        assert re.search(rf"\b{column.name}\b", section.group(0)), f"{table.name}.{column.name}"


def test_mermaid_diagram_names_every_table():
    diagram = SCHEMA.split("```mermaid", 1)[1].split("```", 1)[0]
    assert diagram.lstrip().startswith("erDiagram")
    for table in Base.metadata.sorted_tables:
        assert re.search(rf"\b{table.name}\b", diagram), table.name


def test_datasette_metadata_names_real_tables_and_columns(crawled_db):
    if not crawled_db.startswith("sqlite"):
        pytest.skip("Datasette reads the SQLite file")
    engine = create_engine(crawled_db)
    try:
        inspector = inspect(engine)
        tables = set(inspector.get_table_names()) | {"alembic_version"}
        config = METADATA["databases"]["archive"]
        for name, table in config["tables"].items():
            assert name in tables, name
            columns = (
                {c["name"] for c in inspector.get_columns(name)}
                if not name.startswith("documents_fts")
                else set()
            )
            for column in table.get("sortable_columns", []) + [table.get("label_column")] * bool(
                table.get("label_column")
            ):
                assert column in columns, f"{name}.{column}"
        with engine.connect() as conn:
            conn.execute(text(config["queries"]["timeline"]["sql"])).all()
            assert conn.execute(
                text(config["queries"]["collection"]["sql"]), {"collection_id": "169"}
            ).all()
    finally:
        engine.dispose()
