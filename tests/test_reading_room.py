"""The Datasette reading room (`make serve`, datasette/): the real `datasette` serving the
offline crawl on loopback, driven by Debian's Chromium through Playwright, every figure
checked against SQL on the same file. Screenshots go to $TEST_ARTIFACTS/reading-room (or a
temporary folder), printed at the start."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import rispy
from conftest import PROJECT, run_scrapy
from lxml import html as lxml_html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None and os.environ.get("TEST_REQUIRE_BROWSER"):
    raise RuntimeError("TEST_REQUIRE_BROWSER is set but no Chromium is installed")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium here (apt-get install chromium)"
)
playwright_sync = pytest.importorskip("playwright.sync_api")

DATASETTE = Path(sys.executable).parent / "datasette"
ROOM = PROJECT / "datasette"
HOSTILE = (
    '<p onclick="window.pwned=1">Hostile transcript<script>window.pwned=1</script>'
    '<img src="x" onerror="window.pwned=1"><a href="javascript:window.pwned=1">a link</a>'
    '<a href="https://example.org/ok" onmouseover="window.pwned=1">a real link</a></p>'
    '<style>body{display:none}</style><iframe src="https://example.org"></iframe>'
)


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> Path:
    """The offline crawl (`make crawl`) in a file named archive.db (Datasette's `archive`),
    plus one hostile transcript (scripts, handlers, a javascript: link) to be shown safely."""
    path = tmp_path_factory.mktemp("reading-room") / "archive.db"
    result = run_scrapy("crawl", "collection", "-s", "DA_OFFLINE=1", "-s", f"DATABASE_URL=sqlite:///{path}")  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute(
            """INSERT INTO document_versions (document_id, type, language, html, position)
               SELECT id, 'transcript', 'English', ?, 99 FROM documents WHERE record_id = '113071'""",
            (HOSTILE,),
        )
    return path


def sql(database: Path, statement: str, *params) -> list[tuple]:
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as conn:
        return conn.execute(statement, params).fetchall()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(command: list[str], port: int, log: Path) -> Iterator[str]:
    """Run a server command until it answers on 127.0.0.1:port (bounded), then stop it."""
    with log.open("w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=PROJECT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                pass
            assert time.monotonic() < deadline, "Datasette did not start: " + log.read_text()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=0.2)  # waits on the process, and sees it die
                pytest.fail("Datasette exited: " + log.read_text())
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def server(database) -> Iterator[str]:
    """`datasette serve` as `make serve` runs it, on a free loopback port."""
    port = free_port()
    command = [str(DATASETTE), "serve", str(database), "--host", "127.0.0.1", "--port", str(port),
               "--metadata", str(ROOM / "metadata.json"), "--template-dir", str(ROOM / "templates"),
               "--plugins-dir", str(ROOM / "plugins"), "--setting", "suggest_facets", "off"]  # fmt: skip
    with serving(command, port, database.with_name("datasette.log")) as url:
        yield url


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory) -> Path:
    root = os.environ.get("TEST_ARTIFACTS")
    folder = Path(root) / "reading-room" if root else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nreading-room screenshots: {folder}")
    return folder


@pytest.fixture(scope="module")
def browser():
    with playwright_sync.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, request, artifacts):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    name = re.sub(r"[^\w.-]", "_", request.node.name)
    page.screenshot(path=artifacts / f"{name}.png", full_page=True)
    context.close()
    assert not errors, errors


def record_ids(page) -> list[str]:
    return [
        c.strip() for c in page.locator("table.rows-and-columns td.col-record_id").all_inner_texts()
    ]


def test_documents_table_hides_the_heavy_columns(page, server, database, artifacts):
    page.goto(f"{server}/archive/documents")
    assert page.locator("th.col-title").count() == 1
    for heavy in ("text", "source", "summary", "related_urls", "content_hash"):
        assert page.locator(f"th.col-{heavy}").count() == 0, heavy
    [(documents,)] = sql(database, "SELECT count(*) FROM documents")
    rows = page.locator("table.rows-and-columns tbody tr")
    assert rows.count() == documents
    tallest = max(
        box["height"] for box in (rows.nth(i).bounding_box() for i in range(rows.count()))
    )
    assert tallest < 400, tallest  # was about 1,000 px with the full texts inline
    page.screenshot(path=artifacts / "documents-table.png")  # the first screen, as a reader sees it
    page.goto(f"{server}/archive/documents?_col=title&_col=text")  # still there when asked for
    assert page.locator("th.col-text").count() == 1
    page.goto(f"{server}/archive/document_versions")
    assert page.locator("th.col-html").count() == 0 and page.locator("th.col-url").count() == 1


def test_search_box_finds_the_documents_fts_finds(page, server, database):
    page.goto(f"{server}/archive/documents")
    page.fill("input#_search", "Filippov")
    with page.expect_navigation():
        page.press("input#_search", "Enter")
    assert "_search=Filippov" in page.url
    expected = {r for (r,) in sql(database, """SELECT d.record_id FROM documents_fts
        JOIN documents d ON d.id = documents_fts.rowid WHERE documents_fts MATCH 'Filippov'""")}  # fmt: skip
    assert expected and "113071" in expected
    assert set(record_ids(page)) == expected
    assert len(record_ids(page)) == len(expected)


@pytest.mark.parametrize(
    ("facet", "count_sql"),
    [
        ("languages", "SELECT count(*) FROM documents WHERE EXISTS (SELECT 1 FROM json_each(languages) WHERE value = ?)"),
        ("year", "SELECT count(*) FROM documents WHERE substr(date_start, 1, 4) = ?"),
        ("original_archives", "SELECT count(*) FROM documents WHERE EXISTS (SELECT 1 FROM json_each(original_archives) WHERE value = ?)"),
        ("people", "SELECT count(*) FROM documents WHERE EXISTS (SELECT 1 FROM json_each(people) WHERE value = ?)"),
        ("collection", "SELECT count(DISTINCT dc.document_id) FROM document_collections dc JOIN collections c ON c.id = dc.collection_id WHERE coalesce(c.title, c.collection_id) = ?"),
    ],
    ids=["languages", "year", "original_archives", "people", "collection"],
)  # fmt: skip
def test_a_facet_click_narrows_the_rows_to_the_sql_count(page, server, database, facet, count_sql):
    page.goto(f"{server}/archive/documents")
    [(documents,)] = sql(database, "SELECT count(*) FROM documents")
    values = page.locator(f"#facet-{facet} li:not(.facet-truncated):has(a)")
    assert values.count() >= 1, facet
    # the least frequent value shown, so that the click narrows the table
    shown = [(v.locator("a").inner_text().strip(),
              int(re.findall(r"[\d,]+", v.inner_text())[-1].replace(",", ""))) for v in values.all()]  # fmt: skip
    label, count = min(shown, key=lambda pair: pair[1])
    [(expected,)] = sql(database, count_sql, label)
    assert count == expected and 0 < expected <= documents, (facet, label, count, expected)
    if facet != "collection":  # the fixture crawl has a single collection
        assert expected < documents
    with page.expect_navigation():
        values.filter(has_text=label).first.locator("a").click()
    assert page.locator("table.rows-and-columns tbody tr").count() == expected
    assert page.locator(f"#facet-{facet} a.cross").count() >= 1  # the selected value, to undo it
    assert ("_through=" if facet == "collection" else "=") in page.url


def document(database: Path) -> dict:
    """A document with a scan, a translation and an archival citation with a fond."""
    [(doc_id, title, canonical_url)] = sql(database, """SELECT d.id, d.title, d.canonical_url
        FROM documents d WHERE EXISTS (SELECT 1 FROM document_versions v WHERE v.document_id = d.id AND v.url IS NOT NULL)
        AND EXISTS (SELECT 1 FROM document_versions v WHERE v.document_id = d.id AND v.type = 'translation' AND v.html <> '')
        AND EXISTS (SELECT 1 FROM citations c WHERE c.document_id = d.id AND c.archive_id IS NOT NULL AND c.fond IS NOT NULL)
        ORDER BY d.record_id LIMIT 1""")  # fmt: skip
    citations = sql(database, """SELECT a.name, c.fond FROM citations c JOIN archives a ON a.id = c.archive_id
        WHERE c.document_id = ? AND c.kind = 'archive' ORDER BY c.position""", doc_id)  # fmt: skip
    [(translation,)] = sql(database, """SELECT html FROM document_versions WHERE document_id = ?
        AND type = 'translation' ORDER BY position LIMIT 1""", doc_id)  # fmt: skip
    scans = [u for (u,) in sql(database, "SELECT url FROM document_versions WHERE document_id = ? AND url IS NOT NULL ORDER BY position", doc_id)]  # fmt: skip
    return {"id": doc_id, "title": title, "url": canonical_url, "citations": citations,
            "translation": translation, "scans": scans}  # fmt: skip


def test_the_document_page_reads_like_the_archive(page, server, database):
    doc = document(database)
    page.goto(f"{server}/archive/documents/{doc['id']}")
    article = page.locator("article.document")
    assert article.locator("h1.title").inner_text() == doc["title"]
    assert page.title() == doc["title"]
    citations = article.locator("li.citation[data-kind=archive]")
    assert citations.count() == len(doc["citations"])
    for i, (archive, fond) in enumerate(doc["citations"]):
        assert citations.nth(i).locator(".archive").inner_text() == archive
        assert citations.nth(i).locator(".location").inner_text().startswith(f"f. {fond}")
    shown = words(article.locator("section.translation[data-type=translation]").first.inner_text())
    paragraphs = [words(p.text_content()) for p in lxml_html.fragments_fromstring(doc["translation"])
                  if not isinstance(p, str) and words(p.text_content())]  # fmt: skip
    assert paragraphs and all(p in shown for p in paragraphs)
    assert [a.get_attribute("href") for a in article.locator("a.scan").all()] == doc["scans"]
    assert article.locator("a.live-page").get_attribute("href") == doc["url"]
    assert article.locator("a.export").all_inner_texts() == ["RIS", "BibTeX", "CSL-JSON"]
    [(in_collection,)] = sql(database, """SELECT count(DISTINCT document_id) FROM document_collections WHERE collection_id =
        (SELECT min(collection_id) FROM document_collections WHERE document_id = ?)""", doc["id"])  # fmt: skip
    with page.expect_navigation():
        article.locator("dd.collections a").first.click()
    assert page.locator("table.rows-and-columns tbody tr").count() == in_collection


def test_the_document_page_shows_stored_html_safely(page, server, database):
    [(doc_id,)] = sql(database, "SELECT id FROM documents WHERE record_id = '113071'")
    page.goto(f"{server}/archive/documents/{doc_id}")
    transcript = page.locator("section.translation[data-type=transcript]")
    assert "Hostile transcript" in transcript.inner_text()
    assert page.evaluate("window.pwned") is None
    assert (
        transcript.locator(
            "script, img, iframe, style, [onclick], [onerror], [onmouseover]"
        ).count()
        == 0
    )
    assert [a.get_attribute("href") for a in transcript.locator("a[href]").all()] == [
        "https://example.org/ok"
    ]
    assert page.locator("article.document").is_visible()  # the hostile style did not apply


@pytest.mark.parametrize("label", ["RIS", "BibTeX", "CSL-JSON"])
def test_export_downloads_name_the_holding_archive(page, server, database, label, artifacts):
    doc = document(database)
    archive, _ = doc["citations"][0]
    page.goto(f"{server}/archive/documents/{doc['id']}")
    with page.expect_download() as download:
        page.click(f"a.export[data-format={label}]")
    saved = artifacts / download.value.suggested_filename
    download.value.save_as(saved)
    content = saved.read_text(encoding="utf-8")
    if label == "RIS":
        assert f"DB  - {archive}\n" in content
        [entry] = rispy.loads(content)
        assert entry["type_of_reference"] == "MANSCPT" and entry["title"] == doc["title"]
        assert saved.suffix == ".ris"
    elif label == "BibTeX":
        assert re.search(r"organization = \{+" + re.escape(archive), content), content
    else:
        [item] = json.loads(content)
        assert item["type"] == "manuscript" and item["archive"] == archive
        assert item["archive_location"].startswith("f. ")


def test_timeline_chart_counts_documents_per_year(page, server, database):
    page.goto(f"{server}/archive/timeline")
    image = page.locator("figure.timeline img")
    image.wait_for()
    assert page.evaluate("img => img.complete && img.naturalWidth", image.element_handle()) > 0
    months = page.locator("table.rows-and-columns tbody tr")
    assert months.count() == len(sql(database, "SELECT month FROM v_timeline"))
    svg = page.request.get(server + image.get_attribute("src")).text()
    drawn = dict(re.findall(r'data-year="(\d{4})" data-count="(\d+)"', svg))
    expected = sql(database, """SELECT substr(date_start, 1, 4), count(*) FROM documents
        WHERE date_start IS NOT NULL GROUP BY 1 ORDER BY 1""")  # fmt: skip
    assert {y: int(n) for y, n in drawn.items()} == dict(expected)


def test_canned_query_parameters_are_labelled_and_answer(page, server, database):
    page.goto(f"{server}/archive/rgaspi_fond")
    description = page.locator("dl").first.inner_text()
    assert "abbreviation" in description and "RGASPI" in description
    assert "RGASPI" in page.get_attribute("input[name=archive]", "placeholder")
    assert "YYYY-MM-DD" in page.get_attribute("input[name=date_from]", "placeholder")
    for name, value in (("archive", "RGASPI"), ("fond", "558"), ("date_from", "1951-01-01"), ("date_to", "1953-12-31")):  # fmt: skip
        page.fill(f"input[name={name}]", value)
    with page.expect_navigation():
        page.locator("form.sql input[type=submit]").click()
    expected = sql(database, """SELECT DISTINCT d.record_id FROM documents d JOIN citations c ON c.document_id = d.id
        JOIN archives a ON a.id = c.archive_id WHERE a.abbreviation = 'RGASPI' AND c.fond = '558'
        AND d.date_start >= '1951-01-01' AND d.date_end <= '1953-12-31'""")  # fmt: skip
    assert expected
    assert sorted(record_ids(page)) == sorted(r for (r,) in expected)


def test_da_serve_runs_the_same_reading_room(database, page):
    """`da serve` (cli/main.py) execs Datasette with the same metadata, templates and plugins."""
    port = free_port()
    da = Path(sys.executable).parent / "da"
    command = [str(da), "--db", f"sqlite:///{database}", "serve", "--port", str(port)]
    [(doc_id, title)] = sql(database, "SELECT id, title FROM documents WHERE record_id = '113071'")
    with serving(command, port, database.with_name("da-serve.log")) as url:
        assert url.startswith("http://127.0.0.1:")
        page.goto(f"{url}/archive/documents/{doc_id}")
        assert page.locator("article.document h1.title").inner_text() == title
        assert page.locator("a.export[data-format=RIS]").count() == 1
