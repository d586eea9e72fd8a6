"""Captures (extensions/captures.py): real crawls of the loopback mirror write WARCs and one
WACZ per run, checked by the tools web archivists use (`wacz validate`, `warcio check`,
`warcio index`) and read back record by record with warcio."""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import zipfile
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import PROJECT, SITE, query, run_scrapy
from support.mirror import serve_in_thread
from warcio.archiveiterator import ArchiveIterator

from commands.crawl import SettingsError, check_settings
from extensions.captures import complete_length, gzip_member, job_slug
from spiders.offline import FixtureSite

BIN = Path(sys.executable).parent


def tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / args[0]), *args[1:]], capture_output=True, text=True, check=False, timeout=120)  # fmt: skip


def extract(wacz: Path, into: Path) -> list[Path]:
    """The WACZ's WARCs, unpacked."""
    into.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wacz) as archive:
        names = [n for n in archive.namelist() if n.startswith("archive/")]
        archive.extractall(into, names)
    return sorted(into.glob("archive/*.warc.gz"))


def records(warc: Path) -> list[dict]:
    out = []
    with warc.open("rb") as stream:
        for record in ArchiveIterator(stream):
            out.append(
                {
                    "type": record.rec_type,
                    "uri": record.rec_headers.get_header("WARC-Target-URI"),
                    "id": record.rec_headers.get_header("WARC-Record-ID"),
                    "concurrent": record.rec_headers.get_header("WARC-Concurrent-To"),
                    "profile": record.rec_headers.get_header("WARC-Profile"),
                    "status": record.http_headers.get_statuscode() if record.http_headers else None,
                    "location": record.http_headers.get_header("Location")
                    if record.http_headers
                    else None,
                    "payload": record.raw_stream.read(),
                }
            )
    return out


def check_wacz(wacz: Path, tmp_path: Path) -> list[dict]:
    """`wacz validate` passes, `warcio check` and `warcio index` read every WARC: the
    records of all of them."""
    validated = tool("wacz", "validate", "-f", str(wacz))
    assert validated.returncode == 0, validated.stdout[-2000:] + validated.stderr[-2000:]
    assert "Validation succeeded" in validated.stdout
    warcs = extract(wacz, tmp_path / wacz.stem)
    assert warcs
    for warc in warcs:
        checked = tool("warcio", "check", "-v", str(warc))
        assert checked.returncode == 0, checked.stdout[-2000:]
        indexed = tool("warcio", "index", str(warc))
        assert indexed.returncode == 0 and indexed.stdout.count("\n") > 1, indexed.stderr
    return [r for warc in warcs for r in records(warc)]


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture(scope="module")
def captured(tmp_path_factory):
    """Two runs of the collection over loopback, captures on: the first fetches everything,
    the second is answered 304 for every page it knows."""
    tmp = tmp_path_factory.mktemp("captured")
    server, base_url = serve_in_thread(site=FixtureSite(SITE, real_mtimes=True))
    db = f"sqlite:///{tmp / 'a.db'}"
    folder = tmp / "captures"
    for _ in range(2):
        result = run_scrapy(
            "crawl", "collection", "-s", f"DA_BASE_URL={base_url}", "-s", f"DATABASE_URL={db}",
            "-s", "DA_PROGRESS_BAR=0", env={"DA_CAPTURES_DIR": str(folder)},
        )  # fmt: skip
        assert result.returncode == 0, result.stderr[-2000:]
    server.shutdown()
    return db, folder, tmp


def test_each_run_leaves_one_valid_wacz_and_no_loose_warc(captured):
    _, folder, _ = captured
    assert sorted(p.name for p in folder.glob("*.wacz")) == [
        "collection-1.wacz",
        "collection-2.wacz",
    ]
    assert not list((folder / "warcs").iterdir())
    for wacz in folder.glob("*.wacz"):
        names = zipfile.ZipFile(wacz).namelist()
        for required in ("datapackage.json", "indexes/index.cdx.gz", "pages/pages.jsonl"):
            assert required in names


def test_every_stored_document_has_its_bytes_and_request(captured):
    db, folder, tmp = captured
    found = check_wacz(folder / "collection-1.wacz", tmp)
    site = FixtureSite(SITE)
    responses = {r["uri"]: r for r in found if r["type"] == "response"}
    stored = [url for (url,) in query(db, "SELECT url FROM documents")]
    assert len(stored) == 48
    for url in stored:
        assert responses[url]["status"] == "200"
        assert responses[url]["payload"] == site.resolve(path_of(url)).body, url
    requests = {r["concurrent"]: r for r in found if r["type"] == "request"}
    for record in found:
        if record["type"] == "response":
            assert requests[record["id"]]["uri"] == record["uri"]
    # robots.txt, a raw redirect, a 404 and every attempt at a challenge page
    by_path = Counter((path_of(r["uri"]), r["status"]) for r in found if r["type"] == "response")
    assert by_path["/robots.txt", "200"] == 1
    assert by_path["/collection/169", "301"] == 1
    redirect = next(
        r for r in found if r["type"] == "response" and path_of(r["uri"]) == "/collection/169"
    )
    assert redirect["location"] == "/collection/169/korean-war-armistice"
    assert by_path["/document/119998", "404"] == 1
    assert sum(n for (path, _), n in by_path.items() if path == "/document/119999") == 4
    pages = zipfile.ZipFile(folder / "collection-1.wacz").read("pages/pages.jsonl").decode()
    for url in stored:
        assert f'"url": "{url}"' in pages


def test_a_304_is_a_revisit_record(captured):
    db, folder, tmp = captured
    found = check_wacz(folder / "collection-2.wacz", tmp)
    revisits = [r for r in found if r["type"] == "revisit"]
    stored = {url for (url,) in query(db, "SELECT url FROM documents")}
    assert stored <= {r["uri"] for r in revisits}
    assert {r["status"] for r in revisits} == {"304"}
    assert {r["profile"] for r in revisits} == {
        "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
    }
    assert all(r["payload"] == b"" for r in revisits)


def test_kill_9_loses_at_most_a_record_and_the_next_run_packages_it(tmp_path):
    reached = threading.Event()
    documents: list[str] = []

    def observe(entry):
        if entry.path.startswith("/document/") and entry.status == 200:
            documents.append(entry.path)
            if len(documents) == 15:
                reached.set()

    site = FixtureSite(SITE, real_mtimes=True)
    server, base_url = serve_in_thread(site=site, latency=0.03, on_request=observe)
    db = f"sqlite:///{tmp_path / 'a.db'}"
    folder = tmp_path / "captures"
    command = [str(BIN / "scrapy"), "crawl", "collection", "-s", f"DA_BASE_URL={base_url}",
               "-s", f"DATABASE_URL={db}", "-s", "CONCURRENT_REQUESTS=1", "-s", "DA_BATCH_SIZE=1",
               "-s", "DA_FLUSH_INTERVAL=0.2", "-s", "DA_PROGRESS_BAR=0"]  # fmt: skip
    env = {**os.environ, "LOG_LEVEL": "WARNING", "DA_CAPTURES_DIR": str(folder)}
    try:
        process = subprocess.Popen(command, cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
        assert reached.wait(timeout=120), "the crawl never got 15 documents in"
        process.send_signal(signal.SIGKILL)
        process.wait()
        [left] = (folder / "warcs").glob("collection-1-*.warc.gz")
        # as if the kill had come in the middle of a record
        with left.open("ab") as file:
            file.write(gzip_member(b"WARC/1.1\r\nWARC-Type: response\r\n" + b"x" * 4000)[:60])
        copy = tmp_path / "partial.warc.gz"
        shutil.copy(left, copy)
        read, broken = [], False
        with copy.open("rb") as stream:
            try:
                for record in ArchiveIterator(stream):
                    record.raw_stream.read()
                    read.append(record.rec_type)
            except Exception:  # the cut record: where warcio stops
                broken = True
        assert broken and len(read) > 10
        assert complete_length(copy) == copy.stat().st_size - 60

        resumed = subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
        assert resumed.returncode == 0, resumed.stderr[-2000:]
    finally:
        server.shutdown()
    assert sorted(p.name for p in folder.glob("*.wacz")) == [
        "collection-1.wacz",
        "collection-2.wacz",
    ]
    assert not list((folder / "warcs").iterdir())
    first = check_wacz(folder / "collection-1.wacz", tmp_path)
    assert [r["type"] for r in first] == read  # every whole record, nothing after them
    second = check_wacz(folder / "collection-2.wacz", tmp_path)
    assert {r["uri"] for r in second if r["type"] == "request"}  # the new run's own file
    stored = {url for (url,) in query(db, "SELECT url FROM documents")}
    captured_urls = {r["uri"] for r in first + second if r["type"] == "response"}
    assert len(stored) == 48 and stored <= captured_urls


def test_captures_off_writes_nothing(tmp_path):
    folder = tmp_path / "captures"
    result = run_scrapy(
        "crawl", "collection", "-s", "DA_OFFLINE=1", "-s", f"DATABASE_URL=sqlite:///{tmp_path / 'a.db'}",
        env={"DA_CAPTURES_DIR": str(folder), "DA_CAPTURES": "0"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert not folder.exists()


def test_offline_crawl_leaves_a_valid_wacz_and_never_overwrites_one(tmp_path):
    """`make crawl`: the bundled mirror through the offline download handler. WARCs rotate
    at DA_CAPTURES_WARC_SIZE; a second database's run 1 gets a WACZ of its own."""
    folder = tmp_path / "captures"
    for database in ("a", "b"):
        result = run_scrapy(
            "crawl", "collection", "-s", "DA_OFFLINE=1", "-s", f"DATABASE_URL=sqlite:///{tmp_path / database}.db",
            "-s", "DA_CAPTURES_WARC_SIZE=100000", env={"DA_CAPTURES_DIR": str(folder)},
        )  # fmt: skip
        assert result.returncode == 0, result.stderr[-2000:]
    [first, second] = sorted(folder.glob("*.wacz"), key=lambda p: len(p.name))
    assert first.name == "collection-1.wacz"
    assert re.fullmatch(r"collection-1\.\d{14}\.wacz", second.name)
    # each database's documents name the WACZ their run wrote
    for database, wacz in (("a", first), ("b", second)):
        names = query(f"sqlite:///{tmp_path / database}.db", "SELECT DISTINCT wacz FROM captures")
        assert names == [(wacz.name,)]
    for wacz in (first, second):
        warcs = [n for n in zipfile.ZipFile(wacz).namelist() if n.startswith("archive/")]
        assert len(warcs) > 1  # rotated
        found = check_wacz(wacz, tmp_path / wacz.stem)
        responses = sum(r["type"] == "response" for r in found)
        assert responses == sum(r["type"] == "request" for r in found) == 98
        assert sum(r["type"] == "warcinfo" for r in found) == len(warcs)


def test_a_bad_switch_is_a_usage_error():
    from scrapy.settings import Settings

    with pytest.raises(SettingsError, match="DA_CAPTURES must be true or false"):
        check_settings(Settings({"DA_CAPTURES": "maybe"}))


def test_job_names_are_file_names():
    assert job_slug("collection", {}) == "collection"
    assert job_slug("collection", {"id": "169"}) == "collection_id-169"
    assert job_slug("collection", {"url": "/topics/korean-war-armistice"}) == (
        "collection_url-topics-korean-war-armistice"
    )
    long = job_slug("document", {"url": ",".join(f"/document/{n}" for n in range(40))})
    assert len(long) <= 80 and "/" not in long


def test_a_kill_after_packaging_leaves_nothing_to_package_twice(tmp_path):
    """WARCs whose WACZ was written (the kill came before they were removed) are removed by
    the next run, not packaged again."""
    from scrapy.utils.test import get_crawler

    from extensions.captures import CapturesExtension, WarcFile, package

    warcs = tmp_path / "warcs"
    warcs.mkdir()
    warc = WarcFile.create(warcs / "collection-1-20260101000000-00001.warc.gz")
    warc.write(warc.writer.create_warcinfo_record(warc.path.name, {"software": "test"}))
    warc.close()
    kept = warc.path.read_bytes()
    package(tmp_path, "collection-1", [warc.path])
    assert not warc.path.exists()
    warc.path.write_bytes(kept)  # as if the removal had not happened
    extension = CapturesExtension(get_crawler(settings_dict={"DA_CAPTURES_DIR": str(tmp_path)}))
    extension.job, extension.run = "collection", "2"
    extension.package_leftovers()
    assert not warc.path.exists()
    assert [p.name for p in tmp_path.glob("*.wacz")] == ["collection-1.wacz"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_pywb_replays_the_bytes_the_mirror_served(captured, tmp_path):
    """The WACZ added to a pywb collection (`wb-manager add --unpack-wacz`) and replayed on
    loopback by `wayback`, unrewritten (`id_`): every stored document's bytes, and the 301."""
    db, folder, _ = captured
    added = subprocess.run(
        f"{BIN / 'wb-manager'} init c && {BIN / 'wb-manager'} add --unpack-wacz c {folder / 'collection-1.wacz'}",
        shell=True, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr[-2000:]
    port = free_port()
    wayback = subprocess.Popen(
        [str(BIN / "wayback"), "-p", str(port), "-b", "127.0.0.1"], cwd=tmp_path,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    site = FixtureSite(SITE)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        replay = f"http://127.0.0.1:{port}/c/{time.gmtime().tm_year}id_/"
        stored = [url for (url,) in query(db, "SELECT url FROM documents")]
        for url in stored:
            with opener.open(replay + url, timeout=30) as answer:
                assert answer.status == 200
                assert answer.read() == site.resolve(path_of(url)).body, url
        redirect = stored[0].split("/document/")[0] + "/collection/169"
        with pytest.raises(urllib.error.HTTPError) as raised:
            opener.open(replay + redirect, timeout=30)
        assert raised.value.code == 301
    finally:
        wayback.terminate()
        wayback.wait(timeout=30)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def test_a_compressed_answer_is_kept_as_sent(tmp_path):
    """The body before HttpCompressionMiddleware: the gzip bytes the server sent, with their
    Content-Encoding, which warcio (and replay) decode to the page."""
    import gzip

    from spiders.offline import MirrorResponse

    site = FixtureSite(SITE, real_mtimes=True)
    page = (SITE / "document" / "111242.html").read_bytes()
    sent = gzip.compress(page)
    site.scripted["/document/111242"] = [
        MirrorResponse(
            200, sent, {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"}
        )
    ]
    server, base_url = serve_in_thread(site=site)
    folder = tmp_path / "captures"
    try:
        result = run_scrapy(
            "crawl", "document", "-a", "url=/document/111242", "-s", f"DA_BASE_URL={base_url}",
            "-s", f"DATABASE_URL=sqlite:///{tmp_path / 'a.db'}", env={"DA_CAPTURES_DIR": str(folder)},
        )  # fmt: skip
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr[-2000:]
    assert "1 new" in result.stdout
    [wacz] = folder.glob("*.wacz")
    assert wacz.name == "document_url-document-111242-1.wacz"
    check_wacz(wacz, tmp_path)
    [warc] = extract(wacz, tmp_path / "x")
    with warc.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response" and record.rec_headers.get_header(
                "WARC-Target-URI"
            ).endswith("/111242"):
                assert record.http_headers.get_header("Content-Encoding") == "gzip"
                raw = record.raw_stream.read()
                assert raw == sent and gzip.decompress(raw) == page
                break
        else:
            pytest.fail("no response record for the document")


def test_without_a_database_the_wacz_is_named_by_the_start_time(tmp_path):
    folder = tmp_path / "captures"
    result = run_scrapy(
        "crawl", "document", "-a", "url=/document/111242", "-s", "DA_OFFLINE=1",
        "-s", "DA_RUN_ENABLED=0", "-O", str(tmp_path / "items.jsonl"),
        env={"DA_CAPTURES_DIR": str(folder)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    [wacz] = folder.glob("*.wacz")
    assert re.fullmatch(r"document_url-document-111242-\d{14}\.wacz", wacz.name)
    found = check_wacz(wacz, tmp_path)
    assert [r["type"] for r in found].count("response") == 2  # robots.txt and the page


def test_the_request_knows_where_its_response_was_captured(tmp_path):
    """meta["da_capture"]: the WARC, offset and length of the response record, which warcio
    reads back from exactly there."""
    from scrapy.http import HtmlResponse, Request
    from scrapy.statscollectors import MemoryStatsCollector
    from scrapy.utils.test import get_crawler

    from extensions.captures import CAPTURE_META, CapturesExtension

    crawler = get_crawler(settings_dict={"DA_CAPTURES_DIR": str(tmp_path)})
    crawler.stats = MemoryStatsCollector(crawler)
    extension = CapturesExtension(crawler)
    extension.job, extension.run = "document", "1"
    body = (SITE / "document" / "111242.html").read_bytes()
    request = Request("http://127.0.0.1:1/document/111242")
    response = HtmlResponse(
        request.url, body=body, headers={"Content-Type": "text/html"}, request=request
    )
    extension.response_downloaded(response, request, None)
    extension.close_warc()
    capture = request.meta[CAPTURE_META]
    assert (capture.wacz, capture.record_type, capture.url) == (
        "document-1.wacz",
        "response",
        request.url,
    )
    with (tmp_path / "warcs" / capture.warc).open("rb") as file:
        file.seek(capture.offset)
        member = file.read(capture.length)
    [(record_id, digest, payload)] = [
        (
            r.rec_headers.get_header("WARC-Record-ID"),
            r.rec_headers.get_header("WARC-Payload-Digest"),
            r.raw_stream.read(),
        )
        for r in ArchiveIterator(io.BytesIO(member))
    ]
    assert (record_id, digest, payload) == (capture.record_id, capture.payload_digest, body)
