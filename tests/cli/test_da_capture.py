"""`da show ID --capture` and `da capture ID -o FILE` (cli/captures.py) on a crawl of the
offline mirror with captures on: every document points to its capture, and the bytes read
back are the mirror's own, byte for byte. Then a second crawl: documents point to the newer
captures, and a revision keeps the capture its old values came from."""

from __future__ import annotations

import json

import pytest
from conftest import SITE, _postgres_database, query
from support.captured import crawl, da

from spiders.offline import FixtureSite


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def crawled(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("da_capture")
    databases = (
        iter([f"sqlite:///{tmp / 'archive.db'}"])
        if request.param == "sqlite"
        else _postgres_database()
    )
    url, folder = next(databases), tmp / "captures"
    crawl(url, folder)
    yield url, folder
    for _ in databases:  # drops the PostgreSQL database
        pass


def test_every_document_points_to_a_capture_of_one_of_its_urls(crawled):
    url, folder = crawled
    rows = query(
        url,
        """SELECT d.id, c.url, c.wacz, (SELECT count(*) FROM document_urls u
                  WHERE u.document_id = d.id AND u.url = c.url)
           FROM documents d LEFT JOIN captures c ON c.id = d.capture_id""",
    )
    assert len(rows) == 48
    for _, capture_url, wacz, matching in rows:
        assert capture_url and matching == 1
        assert (folder / wacz).is_file()


def test_show_capture_prints_where_the_bytes_are(crawled):
    url, folder = crawled
    result = da("--db", url, "show", "111242", "--capture", "--format", "json",
                "--captures", str(folder))  # fmt: skip
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    [row] = query(
        url,
        """SELECT c.wacz, c.warc, c.offset, c.length, c.record_id, c.payload_digest, c.url
           FROM captures c JOIN documents d ON d.capture_id = c.id
           WHERE d.record_id = '111242'""",
    )
    keys = ("wacz", "warc", "offset", "length", "record_id", "payload_digest", "url")
    assert tuple(shown[k] for k in keys) == row
    assert shown["file"] == f"{folder / row[0]} (archive/{row[1]})"


def test_capture_writes_each_document_page_as_the_site_sent_it(crawled, tmp_path):
    url, folder = crawled
    site = FixtureSite(SITE)
    for record_id, page_url in query(
        url,
        "SELECT d.record_id, c.url FROM documents d JOIN captures c ON c.id = d.capture_id",
    ):
        out = tmp_path / f"{record_id}.html"
        result = da("--db", url, "capture", record_id, "-o", str(out),
                    env={"DA_CAPTURES_DIR": str(folder)})  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert out.read_bytes() == site.resolve(page_url).body, record_id
        assert f"of {page_url} (HTTP 200" in result.stderr


def test_a_missing_wacz_gets_one_line_and_exit_2(crawled, tmp_path):
    url, _ = crawled
    result = da("--db", url, "capture", "111242", "-o", str(tmp_path / "x.html"),
                "--captures", str(tmp_path))  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.startswith("da capture: collection-1.wacz is not in ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.html").exists()


def test_a_recrawl_points_to_the_new_captures_and_revisions_keep_the_old(tmp_path):
    from support.old_parser import SUFFIX, pipelines_setting

    url, folder = f"sqlite:///{tmp_path / 'a.db'}", tmp_path / "captures"
    crawl(url, folder, "-s", f"ITEM_PIPELINES={pipelines_setting()}")
    crawl(url, folder, "-s", "DA_CONDITIONAL=0")  # every page fetched in full again
    wacz_of = dict(query(url, """SELECT d.record_id, c.wacz FROM documents d
                                 JOIN captures c ON c.id = d.capture_id"""))  # fmt: skip
    assert set(wacz_of.values()) == {"collection-2.wacz"} and len(wacz_of) == 48
    revisions = query(
        url,
        """SELECT d.record_id, c.wacz, r.old_values FROM document_revisions r
           JOIN documents d ON d.id = r.document_id JOIN captures c ON c.id = r.capture_id""",
    )
    assert revisions and len(revisions) < 48
    for _, wacz, old_values in revisions:
        assert wacz == "collection-1.wacz" and SUFFIX in old_values
