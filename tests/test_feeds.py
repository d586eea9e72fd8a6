"""`-O file.jsonl|json|csv|xml`: documents only, with the documents table's fields, on a
first crawl and on a no-change re-run (where every document answers 304)."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET

import pytest
from conftest import DOCUMENTS, query, run_scrapy

from extensions.feeds import FEED_FIELDS

FORMATS = ("jsonl", "json", "csv", "xml")
RECORD_IDS = sorted(d["record_id"] for d in DOCUMENTS)


def read(path) -> list[dict]:
    match path.suffix:
        case ".jsonl":
            return [json.loads(line) for line in path.read_text().splitlines()]
        case ".json":
            return json.loads(path.read_text())
        case ".csv":
            with path.open(newline="", encoding="utf-8") as f:
                return list(csv.DictReader(f))
        case ".xml":
            return [
                {
                    field.tag: field.text if len(field) == 0 else [v.text for v in field]
                    for field in record
                }
                for record in ET.parse(path).getroot()
            ]
    raise ValueError(path)


@pytest.fixture(scope="module")
def feeds(tmp_path_factory):
    """Two offline crawls of the collection into one database, each with four feeds."""
    folder = tmp_path_factory.mktemp("feeds")
    url = f"sqlite:///{folder / 'a.db'}"
    runs = []
    for run in ("first", "again"):
        outputs = [arg for fmt in FORMATS for arg in ("-O", str(folder / f"{run}.{fmt}"))]
        result = run_scrapy(
            "crawl", "collection", "-s", "DA_OFFLINE=1", "-s", f"DATABASE_URL={url}", *outputs
        )
        assert result.returncode == 0, result.stderr[-2000:]
        runs.append({fmt: read(folder / f"{run}.{fmt}") for fmt in FORMATS})
    assert "48 unchanged" in result.stdout and "(51 not modified)" in result.stdout
    return runs


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("run", [0, 1], ids=["first", "no-change-rerun"])
def test_a_feed_holds_every_document_once_and_nothing_else(feeds, run, fmt):
    records = feeds[run][fmt]
    assert sorted(r["record_id"] for r in records) == RECORD_IDS


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv"])
@pytest.mark.parametrize("run", [0, 1], ids=["first", "no-change-rerun"])
def test_a_feed_has_the_documents_table_fields(feeds, run, fmt):
    for record in feeds[run][fmt]:
        assert list(record) == list(FEED_FIELDS)


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_rerun_feed_says_what_the_first_said(feeds, fmt):
    def by_id(records):
        return {r["record_id"]: r for r in records}

    assert by_id(feeds[1][fmt]) == by_id(feeds[0][fmt])


def test_lists_are_lists_in_json_and_joined_in_csv(feeds):
    mao = next(r for r in feeds[0]["jsonl"] if r["record_id"] == "113071")
    row = next(r for r in feeds[0]["csv"] if r["record_id"] == "113071")
    assert isinstance(mao["authors"], list) and len(mao["authors"]) >= 1
    assert row["authors"] == "; ".join(mao["authors"])
    assert row["subjects"] == "; ".join(mao["subjects"])


def test_a_feed_holds_no_internal_fields(feeds):
    for record in feeds[0]["jsonl"] + feeds[1]["jsonl"]:
        assert not {"http", "kind", "page", "payload"} & set(record)


def test_the_database_still_gets_collections_and_rejects(feeds, tmp_path):
    # The feeds are for documents; what the run knows besides is in the database.
    result = run_scrapy(
        "crawl", "collection", "-s", "DA_OFFLINE=1",
        "-s", f"DATABASE_URL=sqlite:///{tmp_path / 'b.db'}", "-O", str(tmp_path / "x.jsonl"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    db = f"sqlite:///{tmp_path / 'b.db'}"
    assert query(db, "SELECT count(*) FROM collections") == [(1,)]
    assert query(db, "SELECT count(*) FROM rejected_items") == [(2,)]
