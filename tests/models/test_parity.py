"""PostgreSQL accepts what SQLite accepts (issue 15): text where a length has no meaning, so a
long job, date text, record id or ETag is stored on both; and a document is keyed by record
id, its canonical URL unique only together with it, so a row stored without record id never
blocks the correct page. Migration 0009 goes down and up again with the rows kept."""

from __future__ import annotations

import copy
import dataclasses

import pytest
from alembic import command
from alembic.config import Config
from conftest import DOCUMENTS, fixture_html, page_path, page_url, query, run_scrapy
from sqlalchemy import func, select

from items import DocumentItem, HttpInfo
from models import runs
from models.db import make_engine, migrations_folder, upgrade
from models.store import ArchiveStore
from models.tables import Document, FetchState
from pipelines.clean import CleanTextPipeline
from pipelines.dates import DatesPipeline
from spiders.pages import parse_current_document, parse_legacy_document

PARSERS = {"current": parse_current_document, "legacy": parse_legacy_document}
DOC = DOCUMENTS[0]


def item_of(doc: dict) -> DocumentItem:
    item = PARSERS[doc["generation"]](fixture_html(page_path(doc)), page_url(doc))
    for pipeline in (CleanTextPipeline(), DatesPipeline()):
        pipeline.process_item(item)
    return item


@pytest.fixture
def store(database_url):
    engine = make_engine(database_url)
    upgrade(engine)
    yield ArchiveStore(engine)
    engine.dispose()


def documents(store: ArchiveStore) -> list[dict]:
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(Document.__table__)).mappings()]


def test_long_values_from_the_site_are_stored(store):
    item = copy.deepcopy(item_of(DOC))
    url = item.url
    item = dataclasses.replace(
        item,
        record_id="1" * 25,
        node_id="2" * 30,
        date_text="d" * 400,
        classification="c" * 300,
        document_type="t" * 300,
        number="n" * 120,
        http=HttpInfo(
            status=200, urls=[url], etag='W/"' + "e" * 300 + '"', last_modified="m" * 150
        ),
    )
    result = store.documents.save([item], run_id=None)
    assert result.failures == []
    assert result.counts["new"] == 1
    [row] = documents(store)
    assert (row["record_id"], len(row["date_text"]), len(row["classification"])) == (
        "1" * 25,
        400,
        300,
    )
    with store.engine.connect() as conn:
        etag = conn.execute(select(FetchState.etag).where(FetchState.url == url)).scalar_one()
    assert len(etag) == 304


def test_a_job_of_80_ids_is_recorded(store):
    ids = ",".join(str(100000 + i) for i in range(80))
    run = runs.start_run(store.engine, "document", {"id": ids})
    assert len(run.job) > 500
    runs.finish_run(store.engine, run.id, runs.RunStatus.FINISHED, {}, {})
    with store.engine.connect() as conn:
        assert conn.execute(select(func.length(runs.runs.c.job))).scalar_one() == len(run.job)


def test_a_crawl_of_80_ids_runs_on_both_databases(database_url):
    """The real command: the job key (spider + 80 ids) is longer than crawl_runs.job was."""
    ids = ",".join([DOC["record_id"], *(str(900000 + i) for i in range(79))])
    result = run_scrapy(
        "crawl", "document", "-a", f"id={ids}", "-s", "DA_OFFLINE=1",
        "-s", f"DATABASE_URL={database_url}", env={"LOG_LEVEL": "ERROR"},
    )  # fmt: skip
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert "value too long" not in result.stderr
    [(job_length, status)] = query(database_url, "SELECT length(job), status FROM crawl_runs")
    assert job_length > 500 and status in ("finished", "failed")
    assert query(database_url, "SELECT record_id FROM documents") == [(DOC["record_id"],)]


def test_the_correct_page_adopts_a_row_stored_without_record_id(store):
    good = item_of(DOC)
    partial = dataclasses.replace(copy.deepcopy(good), record_id=None, summary=None, source=None)
    assert store.documents.save([partial], run_id=None).counts["new"] == 1
    result = store.documents.save([copy.deepcopy(good)], run_id=None)
    assert result.failures == []
    [row] = documents(store)
    assert row["record_id"] == good.record_id
    assert row["canonical_url"] == good.canonical_url
    assert row["summary"] == good.summary


def test_the_canonical_url_is_unique_only_with_the_record_id(store):
    """Two record ids behind one canonical URL (a site that reuses a slug) are two documents."""
    first = item_of(DOC)
    second = dataclasses.replace(copy.deepcopy(first), record_id="999999999", title="Another")
    result = store.documents.save([first], run_id=None)
    result = store.documents.save([second], run_id=None)
    assert result.failures == []
    assert sorted(r["record_id"] for r in documents(store)) == sorted(
        [first.record_id, "999999999"]
    )


def test_0009_goes_down_and_up_with_the_rows_kept(store):
    assert store.documents.save([item_of(DOC)], run_id=None).counts["new"] == 1
    with migrations_folder() as folder, store.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
        config = Config()
        config.set_main_option("script_location", str(folder))
        config.attributes["connection"] = conn
        command.downgrade(config, "0008")
        conn.commit()
    upgrade(store.engine)
    [row] = documents(store)
    assert row["record_id"] == DOC["record_id"]
    with store.engine.connect() as conn:
        urls = conn.execute(func.count().select().select_from(Document.__table__)).scalar()
    assert urls == 1
