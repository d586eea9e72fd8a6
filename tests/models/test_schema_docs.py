"""docs/schema.md and datasette/metadata.json stay true to the database."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

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
        tables = {*inspector.get_table_names(), *inspector.get_view_names(), "alembic_version"}
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


def test_datasette_serves_search_and_canned_queries(crawled_db):
    """The real Datasette over the crawled file, with our metadata (no server: --get)."""
    datasette = Path(sys.executable).parent / "datasette"
    if not crawled_db.startswith("sqlite") or not datasette.exists():
        pytest.skip("Datasette over the SQLite file (install the [analyst] extra)")
    path = Path(crawled_db.removeprefix("sqlite:///"))
    copy = path.with_name("archive.db")  # Datasette names the database after the file
    metadata = PROJECT / "datasette" / "metadata.json"

    def get(url: str) -> list[dict]:
        result = subprocess.run([str(datasette), str(copy), "--metadata", str(metadata), "--get", url],
                                capture_output=True, text=True, check=True)  # fmt: skip
        return json.loads(result.stdout)

    assert copy == path
    found = get("/archive/documents.json?_search=Filippov&_shape=array&_col=record_id")
    assert {"record_id": "113071"} in [{"record_id": r["record_id"]} for r in found]
    listing = get("/archive/collection.json?collection_id=169&_shape=array")
    assert listing[0]["record_id"] == "113071"
