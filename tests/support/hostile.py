"""Hostile loopback sites for the tests of issue 15: pages that link and redirect to another
host, a gzip bomb, pages nested deeper than lxml parses. Pages are built from the real markup
templates (bench/mirror.py's synthetic archive, fixtures/build.py's current-site templates).

`HostileSite` answers a table of routes (path and query -> `Answer`), logs every request it
gets, and answers 404 to anything else; `serve(site, host)` serves it in a thread. Loopback
covers 127.0.0.0/8, so 127.0.0.1 and 127.0.0.2 are two hosts on one machine.
"""

from __future__ import annotations

import gzip
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bench.mirror import Archive, build

HTML = "text/html; charset=utf-8"
NOT_FOUND = b"<html><head><title>Page not found</title></head><body></body></html>"
ROBOTS = b"User-agent: *\nDisallow: /admin/\n"


@dataclass
class Answer:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": HTML})
    content_length: bool = True  # False: the body's end is the connection's close


@dataclass
class HostileSite:
    routes: dict[str, Answer] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)  # every path asked for, robots.txt included
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, path: str) -> Answer:
        with self.lock:
            self.log.append(path)
        if path == "/robots.txt" and path not in self.routes:
            return Answer(ROBOTS, headers={"Content-Type": "text/plain"})
        return self.routes.get(path, Answer(NOT_FOUND, 404))


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up on a response it refuses (too large) is expected."""


def handler_for(site: HostileSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            answer = site.answer(self.path)
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            if answer.content_length:
                self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

    return Handler


@contextmanager
def serve(site: HostileSite, host: str = "127.0.0.1") -> Iterator[str]:
    """The site's base URL (`http://host:port`) while it is served."""
    server = QuietServer((host, 0), handler_for(site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# -- pages in the real markup ------------------------------------------------------------------


class Catalog:
    """A small synthetic archive in the current site's markup: `/search?page=0` lists every
    document on one page, `/document/{slug}` answers each of them."""

    def __init__(self, documents: int = 6, seed: int = 15) -> None:
        self.archive = Archive(documents, seed=seed)
        self.docs = self.archive.docs

    def path(self, index: int) -> str:
        return f"/document/{self.docs[index]['slug']}"

    def record_id(self, index: int) -> str:
        return str(self.docs[index]["record_id"])

    def document_page(self, index: int) -> str:
        return self.archive.document_page(self.docs[index]["slug"]).decode()

    def listing_page(self, links: dict[int, str] | None = None) -> str:
        """The catalog's one page; `links` replaces the link of some rows (by index)."""
        html = build.render_current_listing(self.docs, 0, len(self.docs))
        for index, href in (links or {}).items():
            old = f'href="{self.path(index)}"'
            assert old in html, old
            html = html.replace(old, f'href="{href}"')
        return html

    def routes(self) -> dict[str, Answer]:
        routes = {"/search?page=0": Answer(self.listing_page().encode())}
        for index in range(len(self.docs)):
            routes[self.path(index)] = Answer(self.document_page(index).encode())
        return routes


def redirect(location: str, status: int = 302) -> Answer:
    return Answer(status=status, headers={"Location": location, "Content-Type": HTML})


@cache
def gzip_bomb(inflated: int = 300 * 1024 * 1024) -> bytes:
    """`inflated` bytes of HTML-looking zeros, gzipped: about 1/1000 of that on the wire."""
    out = io.BytesIO()
    chunk = b"\0" * (1024 * 1024)
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9) as packed:
        packed.write(b"<!DOCTYPE html><html><head><title>bomb</title></head><body>")
        for _ in range(inflated // len(chunk)):
            packed.write(chunk)
    return out.getvalue()


def gzipped(body: bytes) -> Answer:
    return Answer(body, headers={"Content-Type": HTML, "Content-Encoding": "gzip"})


DEPTH = 300  # lxml stops at 256 nested elements


def too_deep(page: str, depth: int = DEPTH) -> str:
    """The page with `depth` unclosed <font> tags around its main content (as pages pasted from
    old word processors have them): lxml stops reading at depth 256."""
    marker = '<main id="main">'
    assert marker in page
    return page.replace(marker, "<font>" * depth + marker, 1)
