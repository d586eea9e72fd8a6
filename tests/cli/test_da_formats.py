"""`da show` and `da stats` with --format: tsv and csv read back by the csv module, json
and jsonl by json, each equal to what `--json` prints and to SQL, on the offline crawl
(SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import DOCUMENTS, query
from test_cli import da

RECORD = DOCUMENTS[0]["record_id"]


def printed(capsys, db: str, *args: str) -> str:
    code, out, err = da(capsys, "--db", db, *args)
    assert code == 0, err
    return out


def table(text: str, fmt: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text), delimiter="\t" if fmt == "tsv" else ","))


@pytest.mark.parametrize("fmt", ["tsv", "csv"])
def test_show_rows_are_the_fields(capsys, crawled_db, fmt):
    document = json.loads(printed(capsys, crawled_db, "show", RECORD, "--json"))
    rows = table(printed(capsys, crawled_db, "show", RECORD, "--format", fmt), fmt)
    assert [r["field"] for r in rows] == list(document)
    for row in rows:
        value = document[row["field"]]
        if isinstance(value, list | dict):
            assert json.loads(row["value"]) == json.loads(json.dumps(value, default=str))
        else:
            assert row["value"] == ("" if value is None else str(value))


def test_show_json_and_jsonl_are_the_document(capsys, crawled_db):
    document = json.loads(printed(capsys, crawled_db, "show", RECORD, "--json"))
    assert json.loads(printed(capsys, crawled_db, "show", RECORD, "--format", "json")) == document
    lines = printed(capsys, crawled_db, "show", RECORD, "--format", "jsonl").splitlines()
    assert len(lines) == 1 and json.loads(lines[0]) == document
    assert document["record_id"] == RECORD


@pytest.mark.parametrize("fmt", ["tsv", "csv"])
def test_stats_rows_are_the_counts(capsys, crawled_db, fmt):
    numbers = json.loads(printed(capsys, crawled_db, "stats", "--json"))
    rows = table(printed(capsys, crawled_db, "stats", "--format", fmt), fmt)
    assert rows[:2] == [
        {"table": "total", "value": "documents", "documents": str(numbers["documents"])},
        {"table": "total", "value": "withdrawn", "documents": str(numbers["withdrawn"])},
    ]
    by_year = {r["value"]: int(r["documents"]) for r in rows if r["table"] == "by_year"}
    dated = query(crawled_db, "SELECT count(*) FROM documents WHERE date_start IS NOT NULL")
    undated = query(crawled_db, "SELECT count(*) FROM documents WHERE date_start IS NULL")
    assert sum(n for year, n in by_year.items() if year) == dated[0][0]
    assert by_year.get("", 0) == undated[0][0]
    for key in ("by_archive", "by_language", "by_collection", "by_date_precision"):
        expected = [[r["value"] or "", str(r["documents"])] for r in numbers[key]]
        assert [[r["value"], r["documents"]] for r in rows if r["table"] == key] == expected


def test_stats_json_is_the_same_as_format_json(capsys, crawled_db):
    assert printed(capsys, crawled_db, "stats", "--format", "json") == printed(
        capsys, crawled_db, "stats", "--json"
    )
