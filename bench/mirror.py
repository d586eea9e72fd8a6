"""The benchmark mirror: a synthetic archive in the current site's markup (the fixture
templates of fixtures/build.py), served over HTTP on loopback, in its own process.

    python -m bench.mirror --documents 10000 --port 8900 [--faults 0.05] [--seed 7]
                           [--generation 2 --mutate 1] [--latency-ms 0] [--manifest FILE]

- `/search?page=N`: the catalog, 10 documents a page, with the count line.
- `/document/{slug}`: the documents; ETag / Last-Modified, 304 on conditional requests.
- Faults (seeded, per page, on the first attempt only, so that retries can succeed): 503 with
  Retry-After, 429, a dropped connection, truncated HTML with a correct Content-Length, a hang
  past the crawler's download timeout, a 200 OK challenge page.
- Catalog faults: `--catalog-fail 57` (that catalog page answers 503 every time),
  `--catalog-faults 0.3` (each catalog request answers 503 with that chance, every attempt),
  `--endless` (the pager never ends: every page links a next one and repeats the first
  page's count line).
- `--generation G --mutate K`: K% of the documents have a changed title in generation G.
- `--manifest FILE`: the truth, one JSON line per document (record_id, slug, title, …).
- `/__stats`: requests and bytes served so far (JSON); `/__reset` zeroes them.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import random
import threading
import time
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from bench.synthetic import documents


def _fixture_templates():
    """fixtures/build.py, the templates of the test fixtures (a script, not a package)."""
    spec = importlib.util.spec_from_file_location("fixture_build", FIXTURES / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
build = _fixture_templates()

PAGE_SIZE = 10
FAULTS = ("503", "429", "drop", "truncate", "hang", "challenge")
CHALLENGE = (
    Path(__file__).resolve().parent.parent / "fixtures" / "site" / "document" / "119999.html"
).read_bytes()


class Archive:
    def __init__(self, n: int, seed: int = 7, faults: float = 0.0, generation: int = 1, mutate: float = 0.0,
                 hang_s: float = 5.0, catalog_fail: tuple[int, ...] = (), catalog_faults: float = 0.0,
                 endless: bool = False) -> None:  # fmt: skip
        self.docs = [self._fixture_doc(d) for d in documents(n)]
        self.by_slug = {d["slug"]: i for i, d in enumerate(self.docs)}
        rng = random.Random(seed)
        self.faulty = {d["slug"]: rng.choice(FAULTS) for d in self.docs if rng.random() < faults}
        self.faulted: set[str] = set()
        changed = random.Random(seed * 1000 + generation)
        k = max(1, round(len(self.docs) * mutate / 100)) if generation > 1 and mutate > 0 else 0
        self.mutated = set(changed.sample([d["slug"] for d in self.docs], k))
        self.generation = generation
        self.catalog_fail = set(catalog_fail)
        self.catalog_faults = catalog_faults
        self.catalog_rng = random.Random(seed + 57)
        self.endless = endless
        self.hang_s = hang_s
        self.lock = threading.Lock()
        self.requests = 0
        self.bytes = 0
        self.document_pages = 0  # documents answered 200 with their page
        self.listing_requests = 0  # catalog pages asked for (faults included)
        self.served: set[str] = set()  # slugs of the documents answered 200 with their page
        self.on_document = None  # called with document_pages after each document served (tests)

    @staticmethod
    def _fixture_doc(d: dict) -> dict:
        """A synthetic document in the shape of fixtures/data/documents.toml."""
        slug = f"{d['title'].lower().replace(' ', '-').replace(',', '').replace('.', '')}-{d['record_id']}"
        return {
            "record_id": d["record_id"], "node_id": str(int(d["record_id"]) - 100000), "slug": slug,
            "generation": "current", "title": d["title"], "date": d["date"].isoformat(), "summary": d["summary"],
            "listing_summary": d["summary"][:80], "body": d["text"].split("\n\n"), "original_pdf": [],
            "translation_languages": ["English"], "transcript_languages": [], "authors": d["people"][:1],
            "people": d["people"][1:], "places": ["Korea"], "topics": ["Korean War"], "subjects": d["subjects"],
            "source": d["source"], "original_archives": [f"{d['archive'][1]} ({d['archive'][0]})"],
            "languages": [d["language"]], "uploaded": "2015-06-01", "donors": [], "classification": "",
            "doc_type": "", "popular": False, "edge": "",
        }  # fmt: skip

    def title(self, doc: dict) -> str:
        return doc["title"] + (
            f" (revised {self.generation})" if doc["slug"] in self.mutated else ""
        )

    @lru_cache(maxsize=4096)  # noqa: B019 (one archive per process)
    def document_page(self, slug: str) -> bytes:
        doc = self.docs[self.by_slug[slug]]
        return build.render_current_document(
            doc | {"title": self.title(doc)}, self.by_slug[slug], []
        ).encode()

    def listing_page(self, page: int) -> bytes:
        """One catalog page; only its own rows are rendered (the count line needs the total)."""
        if self.endless:  # the first page's rows and count line, and always a next page
            html = self._listing_page(0).decode()
            html = html.replace('href="/search?page=1"', f'href="/search?page={page + 1}"')
            return html.encode()
        return self._listing_page(page)

    def _listing_page(self, page: int) -> bytes:
        start = page * PAGE_SIZE
        rows = [d | {"title": self.title(d)} for d in self.docs[start : start + PAGE_SIZE]]
        padded = [{}] * start + rows  # the template slices the page out of the whole list
        return build.render_current_listing(padded, page, len(self.docs)).encode()

    def catalog_fault(self, page: int) -> bool:
        """Whether this request for catalog page `page` fails (503)."""
        if page in self.catalog_fail:
            return True
        with self.lock:
            return self.catalog_faults > 0 and self.catalog_rng.random() < self.catalog_faults

    def manifest(self) -> list[dict]:
        return [{"record_id": d["record_id"], "slug": d["slug"], "title": self.title(d), "source": d["source"],
                 "date": d["date"]} for d in self.docs]  # fmt: skip


class Handler(BaseHTTPRequestHandler):
    archive: Archive
    latency: float = 0.0
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        if self.latency:
            time.sleep(self.latency)
        parts = urlsplit(self.path)
        if parts.path == "/__stats":
            counts = {"requests": self.archive.requests, "bytes": self.archive.bytes,
                      "document_pages": self.archive.document_pages}  # fmt: skip
            return self._send(200, json.dumps(counts).encode(), count=False)
        if parts.path == "/__reset":
            self.archive.requests = self.archive.bytes = self.archive.document_pages = 0
            return self._send(200, b"{}", count=False)
        if parts.path == "/robots.txt":
            return self._send(200, b"User-agent: *\nDisallow: /admin/\n", "text/plain")
        if parts.path == "/search":
            page = int(parse_qs(parts.query).get("page", ["0"])[0])
            with self.archive.lock:
                self.archive.listing_requests += 1
            if self.archive.catalog_fault(page):
                return self._send(503, b"busy", headers={"Retry-After": "0"})
            self._conditional(self.archive.listing_page(page))
            return None
        if parts.path.startswith("/document/"):
            slug = parts.path.removeprefix("/document/")
            if slug not in self.archive.by_slug:
                return self._send(404, b"<html><head><title>Page not found</title></head></html>")
            if self._fault(slug):
                return None
            status = self._conditional(self.archive.document_page(slug))
            if status == 200:
                with self.archive.lock:
                    self.archive.document_pages += 1
                    self.archive.served.add(slug)
                    served = self.archive.document_pages
                if self.archive.on_document is not None:
                    self.archive.on_document(served)
            return None
        return self._send(404, b"<html><head><title>Page not found</title></head></html>")

    def _fault(self, slug: str) -> bool:
        """Serve this page's fault, the first time it is asked for."""
        kind = self.archive.faulty.get(slug)
        with self.archive.lock:
            if kind is None or slug in self.archive.faulted:
                return False
            self.archive.faulted.add(slug)
        if kind == "503":
            self._send(503, b"busy", headers={"Retry-After": "0"})
        elif kind == "429":
            self._send(429, b"slow down", headers={"Retry-After": "0"})
        elif kind == "drop":
            self.close_connection = True
            self.connection.close()
        elif kind == "truncate":
            body = self.archive.document_page(slug)
            self._send(200, body[: len(body) // 2])  # Content-Length matches the cut body
        elif kind == "hang":
            time.sleep(self.archive.hang_s)
            self.close_connection = True
        elif kind == "challenge":
            self._send(200, CHALLENGE)
        return True

    def _conditional(self, body: bytes) -> int:
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        headers = {"ETag": etag, "Last-Modified": "Wed, 01 Jan 2025 00:00:00 GMT"}
        status = 304 if self.headers.get("If-None-Match") == etag else 200
        self._send(status, b"" if status == 304 else body, headers=headers)
        return status

    def _send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8",
              headers: dict | None = None, count: bool = True) -> None:  # fmt: skip
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
        if count:
            with self.archive.lock:
                self.archive.requests += 1
                self.archive.bytes += len(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """Clients that hang up (timeouts, the dropped-connection fault) are expected here."""


def serve(archive: Archive, port: int, latency_ms: float = 0.0) -> ThreadingHTTPServer:
    handler = type("H", (Handler,), {"archive": archive, "latency": latency_ms / 1000})
    server = QuietServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve a synthetic archive on loopback.")
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--port", type=int, default=8900)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--faults", type=float, default=0.0, help="share of pages with a fault (0.05)"
    )
    parser.add_argument("--generation", type=int, default=1)
    parser.add_argument("--mutate", type=float, default=0.0, help="percent of documents changed")
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--hang-s", type=float, default=5.0)
    parser.add_argument("--manifest", type=Path)
    parser.add_argument("--catalog-fail", type=int, action="append", default=[])
    parser.add_argument("--catalog-faults", type=float, default=0.0)
    parser.add_argument("--endless", action="store_true")
    args = parser.parse_args()
    archive = Archive(
        args.documents, args.seed, args.faults, args.generation, args.mutate, args.hang_s,
        tuple(args.catalog_fail), args.catalog_faults, args.endless,
    )  # fmt: skip
    if args.manifest:
        args.manifest.write_text("".join(json.dumps(m) + "\n" for m in archive.manifest()))
    server = serve(archive, args.port, args.latency_ms)
    print(f"ready http://127.0.0.1:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
