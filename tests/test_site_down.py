"""A site that is down, or a base URL that is not the archive, fails every spider (exit 1,
one reason), never "crawl finished … failed 1" with exit 0 (issue 15)."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import run_scrapy

SPIDERS = [["collection"], ["catalog"], ["document", "-a", "id=113071"], ["releases"]]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again when the block ends: nothing listens


class NotTheArchive(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<html><head><title>Welcome to nginx!</title></head><body></body></html>"
        self.send_response(404 if self.path != "/robots.txt" else 200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def crawl(tmp_path, base: str, spider: list[str]):
    return run_scrapy("crawl", *spider, "-s", f"DA_BASE_URL={base}", "-s", "RETRY_TIMES=0",
                      "-s", f"DATABASE_URL=sqlite:///{tmp_path / 'a.db'}",
                      env={"LOG_LEVEL": "ERROR"})  # fmt: skip


@pytest.mark.parametrize("spider", SPIDERS, ids=[s[0] for s in SPIDERS])
def test_a_site_that_is_down_fails_every_spider(tmp_path, spider):
    result = crawl(tmp_path, f"http://127.0.0.1:{closed_port()}", spider)
    assert result.returncode == 1, result.stdout
    assert result.stderr.splitlines()[-1].startswith("crawl failed: start page failed: ")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("spider", SPIDERS[:3], ids=[s[0] for s in SPIDERS[:3]])
def test_a_base_url_that_is_not_the_archive_fails(tmp_path, spider):
    server = ThreadingHTTPServer(("127.0.0.1", 0), NotTheArchive)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = crawl(tmp_path, f"http://127.0.0.1:{server.server_address[1]}", spider)
    finally:
        server.shutdown()
    assert result.returncode == 1, result.stdout
    assert result.stderr.splitlines()[-1].startswith("crawl failed: start page failed: HTTP 404")
    assert "Traceback" not in result.stderr
