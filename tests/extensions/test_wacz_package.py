"""Packaging from the index lines written with the records (extensions/wacz_package.py): the
WACZ of a real crawl equals, member by member, what `wacz create` (the reference
implementation) builds from the same WARCs and page list, and `wacz validate` accepts it."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import SITE, run_scrapy
from support.mirror import serve_in_thread

from extensions.wacz_package import create_wacz, mime_of
from spiders.offline import FixtureSite


@pytest.fixture(scope="module")
def waczs(tmp_path_factory) -> list[Path]:
    """Two runs of the collection over loopback: documents, listings, robots.txt, redirects,
    error pages, then 304s (revisit records) for every page the first run stored."""
    tmp = tmp_path_factory.mktemp("packaged")
    server, base_url = serve_in_thread(site=FixtureSite(SITE, real_mtimes=True))
    folder = tmp / "captures"
    try:
        for _ in range(2):
            result = run_scrapy(
                "crawl", "collection", "-s", f"DA_BASE_URL={base_url}",
                "-s", f"DATABASE_URL=sqlite:///{tmp / 'a.db'}", "-s", "DA_PROGRESS_BAR=0",
                env={"DA_CAPTURES_DIR": str(folder)},
            )  # fmt: skip
            assert result.returncode == 0, result.stderr[-2000:]
    finally:
        server.shutdown()
    return sorted(folder.glob("*.wacz"))


def reference(wacz: Path, into: Path) -> Path:
    """`wacz create` over the WACZ's own WARCs and page list (without the ts and id it adds)."""
    into.mkdir(parents=True)
    with zipfile.ZipFile(wacz) as archive:
        names = [n for n in archive.namelist() if n.startswith("archive/")]
        archive.extractall(into, names)
        lines = archive.read("pages/pages.jsonl").decode().splitlines()[1:]
    passed = [json.dumps({k: v for k, v in json.loads(line).items() if k not in ("ts", "id")})
              for line in lines]  # fmt: skip
    target = into / "reference.wacz"
    warcs = sorted((into / "archive").glob("*.warc.gz"))
    create_wacz(target, into / "passed.jsonl", warcs, passed, f"Wilson Center Digital Archive: {wacz.stem}")  # fmt: skip
    return target


def members(wacz: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(wacz) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def index_kinds(wacz: Path) -> set[tuple[str | None, str]]:
    lines = gzip.decompress(members(wacz)["indexes/index.cdx.gz"]).decode().splitlines()
    return {(f.get("mime"), f["status"]) for f in (json.loads(x.split(" ", 2)[2]) for x in lines)}


def test_the_runs_hold_every_kind_of_record(waczs):
    """So that the comparisons below cover pages, robots.txt, redirects without a body, a 404
    and revisits."""
    assert [w.name for w in waczs] == ["collection-1.wacz", "collection-2.wacz"]
    first = {("text/html", "200"), ("text/plain", "200"), (None, "301"), ("text/html", "404")}
    assert index_kinds(waczs[0]) == first
    assert index_kinds(waczs[1]) == first | {("warc/revisit", "304")}


@pytest.mark.parametrize("run", [0, 1])
def test_the_wacz_equals_what_wacz_create_builds(waczs, tmp_path, run):
    ours = members(waczs[run])
    theirs = members(reference(waczs[run], tmp_path / "ref"))
    assert list(ours) == list(theirs)  # the same members, in the same order
    lines = [
        gzip.decompress(m["indexes/index.cdx.gz"]).decode().splitlines() for m in (ours, theirs)
    ]
    assert len(lines[0]) > 20
    assert lines[0] == lines[1]
    for name in ours:
        if name.startswith("archive/") or name.startswith("indexes/"):
            assert ours[name] == theirs[name], name  # index lines, blocks and digests too
    ours_pages = [json.loads(line) for line in ours["pages/pages.jsonl"].decode().splitlines()]
    theirs_pages = [json.loads(line) for line in theirs["pages/pages.jsonl"].decode().splitlines()]
    assert len(ours_pages) > 1
    assert [{k: v for k, v in p.items() if k != "id"} for p in ours_pages] == [
        {k: v for k, v in p.items() if k != "id"} for p in theirs_pages
    ]
    assert all(p.get("id") for p in ours_pages[1:])
    ours_package, theirs_package = (json.loads(m["datapackage.json"]) for m in (ours, theirs))
    for package in (ours_package, theirs_package):
        package.pop("created")
        for resource in package["resources"]:
            if resource["path"] == "pages/pages.jsonl":  # the page ids are random
                resource.pop("hash"), resource.pop("bytes")
    assert ours_package == theirs_package


@pytest.mark.parametrize("run", [0, 1])
def test_wacz_validate_accepts_it(waczs, run):
    bin_dir = Path(sys.executable).parent
    result = subprocess.run([str(bin_dir / "wacz"), "validate", "-f", str(waczs[run])],
                            capture_output=True, text=True, check=False)  # fmt: skip
    assert result.returncode == 0 and "Validation succeeded" in result.stdout, result.stdout


@pytest.mark.parametrize(
    ("header", "mime"),
    [("text/html; charset=utf-8", "text/html"), ("text/plain", "text/plain"),
     ("application/pdf ;x=1", "application/pdf"), ("", ""), (None, None)],
)  # fmt: skip
def test_mime_is_the_content_type_before_its_parameters(header, mime):
    assert mime_of(header) == mime
