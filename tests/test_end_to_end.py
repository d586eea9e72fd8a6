"""The real `scrapy crawl` command, offline and against a loopback HTTP server, into real
databases: what a user gets from `make crawl`."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from dataclasses import fields
from pathlib import Path

import pytest
from conftest import DOCUMENTS, SHARED_REAL, build, expected_document, query, run_scrapy
from sqlalchemy import create_engine, inspect, text
from support.mirror import serve_in_thread

from items import DocumentItem
from pipelines.names import parse_title
from spiders.pages import CollectionIndex, parse_page

MAO = "113071"
MAO_TITLE = "Ciphered Telegram No. 23256, Mao Zedong to Cde. Filippov [Stalin]"
MAO_SOURCE = (
    "APRF, Fond 45, Opis 1, Delo 340, Listy 86-88; AVP RF, Fond 059a, Opis 5a, Delo 5, "
    "Papka 11, Listy 51-53; and RGASPI, f. 558, op. 11, d. 341, ll. 86-88."
)
DERIVED_FIELDS = (
    "date_start",
    "date_end",
    "date_precision",
    "date_circa",
    "date_source",
    "citations",
    "persons",
    "number",
    "sender",
    "recipients",
    "aliases",
)
ITEM_FIELDS = {
    "kind",
    "url",
    "canonical_url",
    "record_id",
    "node_id",
    "site_generation",
    "title",
    "date_text",
    "summary",
    "text",
    "versions",
    "authors",
    "people",
    "places",
    "topics",
    "subjects",
    "source",
    "original_archives",
    "languages",
    "rights",
    "uploaded_date",
    "donors",
    "classification",
    "collections",
    "download_url",
    "fetched_at",
}


def crawl_offline(database_url: str, *args: str):
    result = run_scrapy(
        "crawl", "collection", "-s", "DA_OFFLINE=1", "-s", f"DATABASE_URL={database_url}", *args
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def table_counts(database_url: str) -> dict[str, int]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return {
                t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one()
                for t in inspect(conn).get_table_names()
            }
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def offline_db(tmp_path_factory) -> tuple[str, str]:
    """`make crawl`'s command, into a temporary SQLite file; returns (url, stdout)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'archive.db'}"
    return url, crawl_offline(url).stdout


def test_summary_line(offline_db):
    _, stdout = offline_db
    assert (
        f"crawl finished: collections 1, documents {len(DOCUMENTS)} new / 0 updated / "
        "0 unchanged, rejected 0, failed 2" in stdout
    )


def test_collection_is_stored(offline_db):
    url, _ = offline_db
    assert query(url, "SELECT collection_id, title FROM collections") == [
        (build.COLLECTION_ID, build.COLLECTION_TITLE)
    ]


def test_documents_linked_in_listing_order(offline_db):
    url, _ = offline_db
    linked = query(
        url,
        """
        SELECT d.record_id FROM document_collections dc JOIN documents d ON d.id = dc.document_id
        ORDER BY dc.position""",
    )
    assert len(linked) >= 40
    assert [r[0] for r in linked] == [d["record_id"] for d in DOCUMENTS]


def test_failed_listing_rows_stay_unlinked_but_listed(offline_db):
    url, _ = offline_db
    unlinked = query(url, "SELECT record_id FROM document_collections WHERE document_id IS NULL")
    assert sorted(r[0] for r in unlinked) == sorted(
        [build.CHALLENGE_RECORD_ID, build.MISSING_RECORD_ID]
    )


def test_mao_telegram(offline_db):
    url, _ = offline_db
    assert query(
        url, f"SELECT title, date_text, source FROM documents WHERE record_id = '{MAO}'"
    ) == [(MAO_TITLE, "August 27, 1951", MAO_SOURCE)]


def test_challenge_and_404_are_recorded_not_stored(offline_db):
    url, _ = offline_db
    recorded = query(url, "SELECT url, outcome, http_status FROM rejected_items ORDER BY url")
    live = "https://digitalarchive.wilsoncenter.org/document/"
    assert recorded == [
        (live + build.MISSING_RECORD_ID, "failed", 404),
        (live + build.CHALLENGE_RECORD_ID, "failed", 200),  # still a challenge after retries
    ]
    assert query(
        url,
        f"SELECT count(*) FROM documents WHERE record_id IN "
        f"('{build.CHALLENGE_RECORD_ID}', '{build.MISSING_RECORD_ID}')",
    ) == [(0,)]


def test_rgaspi_fond_558_dated_1951_to_1953_in_one_query(offline_db):
    url, _ = offline_db
    found = query(
        url,
        """
        SELECT DISTINCT d.record_id FROM documents d
        JOIN citations c ON c.document_id = d.id JOIN archives a ON a.id = c.archive_id
        WHERE a.abbreviation = 'RGASPI' AND c.fond = '558'
          AND d.date_start >= '1951-01-01' AND d.date_end <= '1953-12-31'
        ORDER BY d.record_id""",
    )
    expected = sorted(
        d["record_id"]
        for d in DOCUMENTS
        if re.search(r"RGASPI, (?:f\.|Fond) 558\b", d["source"])
        and "1951" <= d["date"][:4] <= "1953"
    )
    assert [r[0] for r in found] == expected and MAO in expected


def test_no_document_gets_this_years_date(offline_db):
    url, _ = offline_db
    this_year = str(dt.date.today().year)
    dates = query(url, "SELECT date_start, date_end FROM documents WHERE date_start IS NOT NULL")
    assert dates and all(this_year not in f"{start}{end}" for start, end in dates)


def test_every_fixture_date_is_normalized(offline_db):
    url, _ = offline_db
    stored = dict(query(url, "SELECT record_id, date_precision FROM documents"))
    precision = {10: "day", 7: "month", 4: "year", 0: "undated"}
    assert stored == {d["record_id"]: precision[len(d["date"])] for d in DOCUMENTS}


def test_crawl_run_is_recorded(offline_db):
    url, _ = offline_db
    assert query(
        url, "SELECT spider, status, collections, documents_new, rejected, failed FROM crawl_runs"
    ) == [("collection", "finished", 1, len(DOCUMENTS), 0, 2)]


def test_second_crawl_changes_no_row_counts(tmp_path):
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    crawl_offline(url)
    before = table_counts(url)
    second = crawl_offline(url)
    after = table_counts(url)
    assert f"0 new / 0 updated / {len(DOCUMENTS)} unchanged" in second.stdout
    assert after.pop("crawl_runs") == before.pop("crawl_runs") + 1
    assert after == before


@pytest.mark.postgres
def test_offline_crawl_into_postgresql(postgres_url):
    crawl_offline(postgres_url)
    assert query(postgres_url, "SELECT count(*) FROM documents") == [(len(DOCUMENTS),)]
    assert query(postgres_url, "SELECT count(document_id) FROM document_collections") == [
        (len(DOCUMENTS),)
    ]
    second = crawl_offline(postgres_url)
    assert f"0 new / 0 updated / {len(DOCUMENTS)} unchanged" in second.stdout


def test_current_topic_page_as_a_collection(tmp_path):
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    crawl_offline(url, "-a", f"url=/topics/{build.TOPIC_SLUG}")
    assert query(url, "SELECT collection_id, title, site_generation FROM collections") == [
        (f"topics:{build.TOPIC_ID}", build.COLLECTION_TITLE, "current")
    ]
    linked = query(
        url,
        """
        SELECT d.record_id FROM document_collections dc JOIN documents d ON d.id = dc.document_id
        ORDER BY dc.position""",
    )
    assert [r[0] for r in linked] == [d["record_id"] for d in DOCUMENTS]


@pytest.fixture(scope="module")
def mirror():
    server, base_url = serve_in_thread()
    yield base_url
    server.shutdown()


def crawl_documents(base_url: str, tmp_path: Path, urls: list[str]) -> list[dict]:
    """The documents of a crawl with every field of the item: a feed writes the documents
    table's fields unless FEED_EXPORT_FIELDS names others."""
    out = tmp_path / "items.jsonl"
    result = run_scrapy(
        "crawl",
        "document",
        "-a",
        "url=" + ",".join(urls),
        "-O",
        str(out),
        "-s",
        f"FEED_EXPORT_FIELDS={','.join(f.name for f in fields(DocumentItem))}",
        "-s",
        f"DA_BASE_URL={base_url}",
        "-s",
        f"DATABASE_URL=sqlite:///{tmp_path / 'a.db'}",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return [json.loads(line) for line in out.read_text().splitlines()]


def test_loopback_document_in_every_url_form(mirror, tmp_path):
    mao = next(d for d in DOCUMENTS if d["record_id"] == MAO)
    legacy = next(d for d in DOCUMENTS if d["generation"] == "legacy")
    items = crawl_documents(
        mirror,
        tmp_path,
        [
            f"/document/{mao['slug']}",
            f"{mirror}/node/{mao['node_id']}",  # shortlink: redirects to the slug
            f"https://digitalarchive.wilsoncenter.org/document/{legacy['record_id']}",  # rebased
        ],
    )
    by_id = {i["record_id"]: i for i in items}
    assert set(by_id) == {MAO, legacy["record_id"]}  # the shortlink is the same document
    for doc in (mao, legacy):
        item = by_id[doc["record_id"]]
        assert set(item) >= ITEM_FIELDS
        assert item["url"].startswith(mirror)
        expected = expected_document(doc)
        # document_type: the page's Type block when there is one, else read from the title.
        assert item["document_type"] == (doc["doc_type"] or parse_title(doc["title"]).document_type)
        for name in ITEM_FIELDS - {
            "kind",
            "url",
            "fetched_at",
            "versions",
            "rights",
            "document_type",
        }:
            value = item[name]
            if name == "download_url" and value:  # page links resolve against the mirror host
                value = value.replace(mirror, "https://digitalarchive.wilsoncenter.org")
            assert value == expected[name], name
        assert [(v["type"], v["language"]) for v in item["versions"]] == [
            (v["type"], v["language"]) for v in expected["versions"]
        ]
        assert item["kind"] == "document"


@pytest.mark.skipif(not SHARED_REAL.exists(), reason="../shared/site/real/ not present")
def test_loopback_real_page(tmp_path):
    """The real captured page, served over HTTP by a loopback mirror of our own."""
    root = tmp_path / "site"
    (root / "document").mkdir(parents=True)
    shutil.copy(
        SHARED_REAL / "document-aide-memoire-meeting-hamdi-o-mouknass.html",
        root / "document" / "aide-memoire-meeting-hamdi-o-mouknass.html",
    )
    server, base_url = serve_in_thread(root)
    try:
        [item] = crawl_documents(
            base_url, tmp_path, ["/document/aide-memoire-meeting-hamdi-o-mouknass"]
        )
    finally:
        server.shutdown()
    live = "https://digitalarchive.wilsoncenter.org"
    derived = {name: item.pop(name) for name in DERIVED_FIELDS}
    http = item.pop("http")
    capture = item.pop("capture")  # where the page's bytes are (extensions/captures.py)
    assert (capture["url"], capture["record_type"]) == (http["urls"][-1], "response")
    assert capture["wacz"].endswith(".wacz") and capture["length"] > 0
    assert (http["status"], http["urls"]) == (
        200,
        [f"{base_url}/document/aide-memoire-meeting-hamdi-o-mouknass"],
    )
    assert http["etag"] and http["last_modified"] and len(http["body_hash"]) == 64
    assert derived | {"citations": None} == {
        "date_start": "1969-10-13",
        "date_end": "1969-10-13",
        "date_precision": "day",
        "date_circa": False,
        "date_source": "page",
        "citations": None,
        "persons": [
            {"name": "Thant, U", "display_name": "U Thant", "sort_name": "Thant, U", "aliases": []},
            {
                "name": "Mouknass, Hamdi Ould",
                "display_name": "Hamdi Ould Mouknass",
                "sort_name": "Mouknass, Hamdi Ould",
                "aliases": [],
            },
            {
                "name": "Zhou, Enlai",
                "display_name": "Zhou Enlai",
                "sort_name": "Zhou, Enlai",
                "aliases": [],
            },
        ],
        "number": None,
        "sender": None,
        "recipients": [],
        "aliases": [],
    }
    [citation] = derived["citations"]
    assert (
        citation["kind"],
        citation["reference"],
        citation["repository_name"],
        citation["obtained_by"],
    ) == (
        "archive",
        "S-0878-0001-05",
        "United Nations Archives and Records Management Section",
        ["Charles Kraus"],
    )
    assert item | {"fetched_at": None, "rights": None} == {
        "kind": "document",
        "url": f"{base_url}/document/aide-memoire-meeting-hamdi-o-mouknass",
        "canonical_url": f"{live}/document/aide-memoire-meeting-hamdi-o-mouknass",
        "record_id": "118508",
        "node_id": "94237",
        "site_generation": "current",
        "title": "Aide-Memoire: Meeting with Hamdi O. Mouknass",
        "date_text": "October 13, 1969",
        "summary": (
            'Hamdi Ould Mouknass praises Zhou Enlai as "a great statesman" and suggests that '
            "the People's Republic of China ought to gain entry into the United Nations."
        ),
        "listing_summary": None,
        "text": None,
        "versions": [
            {
                "type": "original",
                "language": None,
                "url": f"{base_url}/sites/default/files/shared-media/imported_document_original_file/"
                "1969_10_13__Aide_Memoire_SecGen_and_Hamdi_Ould_Mouknass.pdf",
                "html": None,
            }
        ],
        "authors": ["Thant, U", "Mouknass, Hamdi Ould"],
        "people": ["Zhou, Enlai"],
        "contributors": [],
        "places": ["China"],
        "topics": ["China at the United Nations"],
        "subjects": [
            "China--Foreign relations--Soviet Union",
            "United Nations--China",
            "China--Foreign relations--Mauritania",
        ],
        "source": (
            "S-0878-0001-05, United Nations Archives and Management Section. "
            "Obtained for CWIHP by Charles Kraus."
        ),
        "original_archives": ["United Nations Archives and Records Management Section (UN ARMS)"],
        # The archive table's record of it (pipelines/archive_table.py).
        "archives": [
            {
                "name": "United Nations Archives and Records Management Section",
                "abbreviation": "UN ARMS",
                "country": "United Nations",
            }
        ],
        "languages": ["English"],
        "rights": None,
        "uploaded_date": "2013-10-31",
        "donors": ["Leon Levy Foundation"],
        "classification": None,
        "document_type": "Aide-Memoire",  # from the title: the page has no Type block
        "collections": [],
        "download_url": f"{base_url}/document/94237/download",
        "related_urls": [],
        "alias_urls": [
            f"{base_url}/document/aide-memoire-meeting-hamdi-o-mouknass",
            f"{live}/document/aide-memoire-meeting-hamdi-o-mouknass",
            f"{live}/node/94237",
            f"{live}/document/118508",
        ],
        "fetched_at": None,
        "captured_at": None,
    }
    assert item["rights"].startswith("The History and Public Policy Program welcomes reuse")
    assert item["fetched_at"].endswith("+00:00")


def test_bad_argument_is_one_line_without_traceback(tmp_path):
    result = run_scrapy(
        "crawl", "collection", "-a", "id=abc", "-s", f"DATABASE_URL=sqlite:///{tmp_path / 'a.db'}"
    )
    assert result.returncode == 2
    assert "-a id= takes a numeric collection id, not 'abc'" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_database_fails_without_password():
    result = run_scrapy(
        "crawl",
        "collection",
        "-s",
        "DA_OFFLINE=1",
        "-s",
        "DATABASE_URL=postgresql+psycopg://harvester:s3cret@127.0.0.1:1/archive",
    )
    assert result.returncode == 1
    assert (
        "crawl failed: database postgresql+psycopg://harvester:***@127.0.0.1:1/archive unusable"
        in result.stderr
    )
    assert "s3cret" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_collection_all_crawls_every_topic_the_index_lists(tmp_path):
    """`-a all=1` starts at /topics and crawls each topic it lists, with its documents."""
    index = (build.ROOT / "site" / "topics.html").read_text(encoding="utf-8")
    topics = parse_page(index, "https://digitalarchive.wilsoncenter.org/topics")
    assert isinstance(topics, CollectionIndex) and topics.collection_urls  # what the mirror lists
    url = f"sqlite:///{tmp_path / 'all.db'}"
    result = run_scrapy(
        "crawl", "collection", "-a", "all=1", "-s", "DA_OFFLINE=1", "-s", f"DATABASE_URL={url}"
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "crawl finished: collections 1," in result.stdout
    stored = query(
        url,
        """SELECT c.collection_id, c.title, count(dc.document_id) FROM collections c
           JOIN document_collections dc ON dc.collection_id = c.id GROUP BY c.id""",
    )
    assert len(stored) == len(topics.collection_urls)
    assert stored == [(f"topics:{build.TOPIC_ID}", build.COLLECTION_TITLE, len(DOCUMENTS))]
    assert query(url, "SELECT count(*) FROM documents") == [(len(DOCUMENTS),)]
