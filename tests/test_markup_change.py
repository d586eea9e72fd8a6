"""A site redesign that renames the Document Information block: pages that come out without
the fields their kind always has are quarantined (rejected_items), stored documents keep
their values, and the run fails naming the missing fields."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import DOCUMENTS, SHARED_REAL, SITE, query, run_scrapy
from support.mirror import FixtureSite, serve_in_thread

CURRENT = [d for d in DOCUMENTS if d["generation"] == "current"]
MISSING = "'languages', 'source', 'uploaded_date'"


def rename_information_blocks(root) -> int:
    """What a redesign does: the blocks keep their content under another class name."""
    changed = 0
    for page in (root / "document").glob("*.html"):
        html = page.read_text(encoding="utf-8")
        if "information-block" in html:
            page.write_text(html.replace("information-block", "info-item"), encoding="utf-8")
            changed += 1
    return changed


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(SITE, root)
    return root


@pytest.fixture
def crawl(site):
    """`scrapy crawl collection` against one loopback server (one port for every crawl of a
    test: absolute links in the pages follow the host) that serves the files as they are."""
    server, base_url = serve_in_thread(site=FixtureSite(site, real_mtimes=True))

    def run(db: str):
        return run_scrapy(
            "crawl", "collection", "-s", f"DA_BASE_URL={base_url}", "-s", f"DATABASE_URL={db}",
            env={"LOG_LEVEL": "ERROR"},
        )  # fmt: skip

    yield run
    server.shutdown()


def test_first_crawl_quarantines_the_pages_and_fails_naming_the_fields(site, crawl, tmp_path):
    assert rename_information_blocks(site) == len(CURRENT)
    db = f"sqlite:///{tmp_path / 'a.db'}"
    result = crawl(db)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        f"crawl failed: markup changed? {MISSING} missing on {len(CURRENT)} of "
        f"{len(DOCUMENTS)} document pages (run 1)"
    )
    assert query(db, "SELECT count(*) FROM documents") == [(len(DOCUMENTS) - len(CURRENT),)]
    assert query(
        db, "SELECT count(*) FROM rejected_items WHERE reason = 'markup: missing source, "
        "uploaded_date, languages'"
    ) == [(len(CURRENT),)]  # fmt: skip


def test_a_recrawl_leaves_the_stored_values_untouched(site, crawl, tmp_path):
    db = f"sqlite:///{tmp_path / 'a.db'}"
    assert crawl(db).returncode == 0
    columns = "record_id, source, uploaded_date, languages, original_archives, content_hash"
    before = query(db, f"SELECT {columns} FROM documents ORDER BY record_id")
    rename_information_blocks(site)
    result = crawl(db)
    assert result.returncode == 1
    assert f"markup changed? {MISSING} missing on {len(CURRENT)} of" in result.stderr
    assert query(db, f"SELECT {columns} FROM documents ORDER BY record_id") == before
    assert query(db, "SELECT count(*) FROM document_revisions") == [(0,)]


def test_after_the_parser_is_fixed_the_quarantined_pages_are_stored(site, crawl, tmp_path):
    db = f"sqlite:///{tmp_path / 'a.db'}"
    pristine = tmp_path / "pristine"
    shutil.copytree(site, pristine)
    rename_information_blocks(site)
    assert crawl(db).returncode == 1
    # Here the site's pages are put back; fixing the parser's selectors has the same effect.
    shutil.rmtree(site)
    shutil.copytree(pristine, site)
    result = crawl(db)
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"documents {len(CURRENT)} new" in result.stdout
    assert query(db, "SELECT count(*) FROM documents WHERE source IS NULL") == [(0,)]


def rename_in_one_page(root) -> None:
    page = next(
        p
        for p in sorted((root / "document").glob("*.html"))
        if "information-block" in p.read_text(encoding="utf-8")
    )
    page.write_text(page.read_text(encoding="utf-8").replace("information-block", "info-item"), encoding="utf-8")  # fmt: skip


@pytest.mark.parametrize(
    ("ratio", "status"),
    [(None, 0), ("0", 1), ("0.5", 0)],
    ids=["default-0.05", "zero", "half"],
)
def test_the_share_of_quarantined_pages_that_fails_a_run_is_a_setting(
    site, tmp_path, ratio, status
):
    """One renamed page of 48 (2%): under the default threshold (5%) the run finishes with the
    page quarantined; DA_MARKUP_MAX_RATIO=0 fails it."""
    rename_in_one_page(site)
    server, base_url = serve_in_thread(site=FixtureSite(site, real_mtimes=True))
    db = f"sqlite:///{tmp_path / 'a.db'}"
    setting = ["-s", f"DA_MARKUP_MAX_RATIO={ratio}"] if ratio is not None else []
    try:
        result = run_scrapy(
            "crawl", "collection", "-s", f"DA_BASE_URL={base_url}", "-s", f"DATABASE_URL={db}",
            *setting, env={"LOG_LEVEL": "ERROR"},
        )  # fmt: skip
    finally:
        server.shutdown()
    assert result.returncode == status, result.stderr[-2000:]
    assert query(db, "SELECT count(*) FROM rejected_items WHERE reason LIKE 'markup:%'") == [(1,)]
    assert query(db, "SELECT count(*) FROM documents") == [(len(DOCUMENTS) - 1,)]
    if status:
        assert result.stderr.splitlines()[-1].startswith(
            f"crawl failed: markup changed? {MISSING} missing on 1 of {len(DOCUMENTS)} document"
        )


@pytest.mark.skipif(not SHARED_REAL.exists(), reason="../shared/site/real/ not present")
def test_a_real_page_with_its_information_blocks_renamed(tmp_path):
    root = tmp_path / "site"
    (root / "document").mkdir(parents=True)
    shutil.copy(SITE / "robots.txt", root / "robots.txt")
    real = (SHARED_REAL / "document-aide-memoire-meeting-hamdi-o-mouknass.html").read_text()
    page = root / "document" / "aide-memoire-meeting-hamdi-o-mouknass.html"
    page.write_text(real.replace("information-block", "info-item"), encoding="utf-8")
    server, base_url = serve_in_thread(site=FixtureSite(root, real_mtimes=True))
    db = f"sqlite:///{tmp_path / 'a.db'}"
    try:
        result = run_scrapy(
            "crawl", "document", "-a", "url=/document/aide-memoire-meeting-hamdi-o-mouknass",
            "-s", f"DA_BASE_URL={base_url}", "-s", f"DATABASE_URL={db}", env={"LOG_LEVEL": "ERROR"},
        )  # fmt: skip
    finally:
        server.shutdown()
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        f"crawl failed: markup changed? {MISSING} missing on 1 of 1 document pages (run 1)"
    )
    [(reason, payload)] = query(db, "SELECT reason, payload FROM rejected_items")
    assert reason == "markup: missing source, uploaded_date, languages"
    assert query(db, "SELECT count(*) FROM documents") == [(0,)]
    kept = json.loads(payload)
    assert kept["page"] == page.read_text(encoding="utf-8")  # the raw page, as served
    assert kept["missing"] == ["source", "uploaded_date", "languages"]
    assert kept["item"]["record_id"] == "118508" and "page" not in kept["item"]["http"]
