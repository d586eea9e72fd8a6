"""`da reparse` (cli/reparse.py, spiders/replay.py): a crawl of the offline mirror with
captures on, then re-parsed without any network, into an empty database (the same tables,
row by row), into the crawl's own database (nothing changes), and after a parser change (one
revision per changed document). On SQLite and PostgreSQL."""

from __future__ import annotations

import gzip
import json
import zipfile

import pytest
from conftest import _postgres_database, query, run_scrapy
from support.captured import crawl, da
from support.old_parser import SUFFIX, pipelines_setting

# Every table the crawl fills, as rows without the database's own ids and clocks: entities by
# name, documents by record id, captures by their WARC record id.
TABLES = {
    "documents": """SELECT d.record_id, d.canonical_url, d.url, d.node_id, d.site_generation,
        d.title, d.date_text, d.date_start, d.date_end, d.date_precision, d.date_circa,
        d.date_source, d.summary, d.listing_summary, d.text, d.source, d.rights,
        d.uploaded_date, d.classification, d.document_type, d.download_url, d.number,
        d.sender, d.recipients, d.authors, d.people, d.contributors, d.places, d.topics,
        d.subjects, d.original_archives, d.languages, d.donors, d.related_urls,
        d.content_hash, d.fetched_at, d.withdrawn_at, d.captured_at, c.record_id, c.wacz,
        c.warc, c.offset, c.length, c.payload_digest, c.url, c.fetched_at
        FROM documents d LEFT JOIN captures c ON c.id = d.capture_id""",
    "document_urls": """SELECT u.url, d.record_id FROM document_urls u
        JOIN documents d ON d.id = u.document_id""",
    "document_versions": """SELECT d.record_id, v.position, v.type, v.language, v.url, v.html
        FROM document_versions v JOIN documents d ON d.id = v.document_id""",
    "citations": """SELECT d.record_id, c.position, c.raw, c.kind, c.parsed, c.repository,
        a.name, c.fond, c.opis, c.delo, c.papka, c.listy, c.reference, c.publication,
        c.translated_by, c.contributed_by, c.obtained_by, c.transcribed_by, c.edited_by,
        c.annotated_by FROM citations c JOIN documents d ON d.id = c.document_id
        LEFT JOIN archives a ON a.id = c.archive_id""",
    "people": "SELECT name, display_name, sort_name FROM people",
    "person_aliases": """SELECT a.name, a.alias, p.name FROM person_aliases a
        LEFT JOIN people p ON p.id = a.person_id""",
    "archives": "SELECT name, abbreviation, country FROM archives",
    "collections": """SELECT collection_id, url, site_generation, title, description,
        content_hash, captured_at FROM collections""",
    "document_collections": """SELECT c.collection_id, dc.position, d.record_id, dc.record_id,
        dc.url, dc.listing_title, dc.listing_date_text, dc.listing_summary
        FROM document_collections dc JOIN collections c ON c.id = dc.collection_id
        LEFT JOIN documents d ON d.id = dc.document_id""",
    "rejected_items": "SELECT url, outcome, reason, http_status FROM rejected_items",
    **{
        link: f"""SELECT d.record_id, e.name, l.position{", l.role" if link == "people" else ""}
            FROM document_{link} l JOIN {table} e ON e.id = l.entity_id
            JOIN documents d ON d.id = l.document_id"""
        for link, table in (
            ("people", "people"),
            ("places", "places"),
            ("topics", "topics"),
            ("subjects", "subjects"),
            ("languages", "languages"),
            ("archives", "archives"),
            ("donors", "donors"),
        )
    },
}


def plain(value):
    """A JSON column as Python (SQLite gives its text)."""
    return json.loads(value) if isinstance(value, str) else value


def tables(url: str) -> dict[str, list[str]]:
    return {name: sorted(map(repr, query(url, sql))) for name, sql in TABLES.items()}


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def databases(request, tmp_path_factory):
    """Database URLs on demand (files on SQLite, new databases on PostgreSQL)."""
    tmp = tmp_path_factory.mktemp("reparse")
    made = []

    def new(name: str) -> str:
        if request.param == "sqlite":
            return f"sqlite:///{tmp / name}.db"
        made.append(_postgres_database())
        return next(made[-1])

    yield new, tmp
    for databases in made:  # drops them
        for _ in databases:
            pass


@pytest.fixture(scope="module")
def crawled(databases):
    new, tmp = databases
    url, folder = new("crawl"), tmp / "captures"
    crawl(url, folder)
    return url, folder


def test_reparse_into_an_empty_database_rebuilds_every_table(crawled, databases):
    url, folder = crawled
    rebuilt = databases[0]("rebuilt")
    result = da("--db", rebuilt, "reparse", "--captures", str(folder))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "reparse: collection from collection-1.wacz" in result.stdout
    assert "documents 48 new / 0 updated / 0 unchanged" in result.stdout
    before, after = tables(url), tables(rebuilt)
    assert len(before["documents"]) == 48 and len(before["citations"]) > 48
    for name in TABLES:
        assert after[name] == before[name], name
    [(spider, arguments)] = query(rebuilt, "SELECT spider, arguments FROM crawl_runs")
    assert spider == "collection" and "reparse" in arguments


def test_reparse_of_the_same_captures_writes_nothing(crawled):
    url, folder = crawled
    before = tables(url)
    result = da("--db", url, "reparse", "--captures", str(folder / "collection-1.wacz"))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "not re-parsed" not in result.stderr
    assert "documents 0 new / 0 updated / 48 unchanged" in result.stdout
    assert tables(url) == before
    assert query(url, "SELECT count(*) FROM document_revisions") == [(0,)]


def test_a_parser_change_is_applied_with_one_revision_per_changed_document(databases):
    new, tmp = databases
    url, folder = new("old_parser"), tmp / "old_parser"
    crawl(url, folder, "-s", f"ITEM_PIPELINES={pipelines_setting()}")
    old = dict(query(url, "SELECT record_id, title FROM documents"))
    changed = {r for r, title in old.items() if title.endswith(SUFFIX)}
    assert 0 < len(changed) < len(old)
    result = da("--db", url, "reparse", "--captures", str(folder))
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"0 new / {len(changed)} updated / {len(old) - len(changed)} unchanged" in result.stdout
    titles = dict(query(url, "SELECT record_id, title FROM documents"))
    assert titles == {r: t.removesuffix(SUFFIX) for r, t in old.items()}
    revisions = query(
        url,
        """SELECT d.record_id, r.changed_fields, r.old_values, r.capture_id, d.capture_id
           FROM document_revisions r JOIN documents d ON d.id = r.document_id""",
    )
    assert sorted(r[0] for r in revisions) == sorted(changed)  # one each
    for record_id, fields, values, old_capture, capture in revisions:
        assert (plain(fields), plain(values)) == (["title"], {"title": old[record_id]})
        # the old values came from the same bytes the new ones did: the same capture
        assert old_capture == capture and capture is not None


def test_a_page_missing_from_the_captures_is_recorded_as_failed(crawled, databases):
    url, folder = crawled
    wacz = folder / "collection-1.wacz"
    [(missing,)] = query(url, "SELECT url FROM documents WHERE record_id = '111242'")
    cut = databases[1] / "cut" / wacz.name
    cut.parent.mkdir(exist_ok=True)
    with zipfile.ZipFile(wacz) as source, zipfile.ZipFile(cut, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "indexes/index.cdx.gz":
                lines = gzip.decompress(data).decode().splitlines(keepends=True)
                kept = [line for line in lines if f'"url": "{missing}"' not in line]
                assert len(kept) == len(lines) - 1
                data = gzip.compress("".join(kept).encode())
            target.writestr(info, data)
    rebuilt = databases[0]("cut")
    result = da("--db", rebuilt, "reparse", "--captures", str(cut))
    assert "documents 47 new" in result.stdout and "failed 3" in result.stdout, result.stdout
    assert query(
        rebuilt, f"SELECT outcome, reason FROM rejected_items WHERE url = '{missing}'"
    ) == [("failed", f"NotCaptured: not in the captures: {missing}")]


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("no/such/folder", "da reparse: no such captures folder or file: no/such/folder"),
        ("README.md", "da reparse: README.md is not a WACZ file"),
        ("docs", "da reparse: no .wacz captures in docs"),
    ],
)
def test_bad_captures_get_one_line_and_exit_2(given, message, tmp_path):
    result = da("--db", f"sqlite:///{tmp_path / 'x.db'}", "reparse", "--captures", given)
    assert (result.returncode, result.stderr.strip()) == (2, message)
    assert not (tmp_path / "x.db").exists()


def test_warcs_a_killed_run_left_are_named(crawled, databases):
    _, folder = crawled
    left = folder / "warcs" / "collection-9-20261202000000-00001.warc.gz"
    left.write_bytes(b"")
    try:
        result = da("--db", databases[0]("warcs"), "reparse", "--captures", str(folder))
    finally:
        left.unlink()
    assert result.returncode == 0, result.stderr[-2000:]
    assert (
        f"da reparse: 1 WARC file(s) of unfinished runs in {folder / 'warcs'} are not re-parsed"
        in result.stderr
    )


def test_a_crawl_of_a_missing_wacz_fails_before_its_first_request(tmp_path):
    """`DA_REPLAY` set by hand: a missing file is a failed run (exit 1), not an empty one."""
    missing = tmp_path / "gone.wacz"
    result = run_scrapy(
        "crawl", "collection", "-s", f"DA_REPLAY={missing}",
        "-s", f"DATABASE_URL=sqlite:///{tmp_path / 'a.db'}",
    )  # fmt: skip
    assert result.returncode == 1
    assert f"nothing to re-parse: no such capture file {missing}" in result.stderr
