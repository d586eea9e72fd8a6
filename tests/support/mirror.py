"""A loopback HTTP server over the offline mirror, for tests (and `make mirror`).

It serves `spiders.offline.FixtureSite` on 127.0.0.1, logs every request it answers, and can
be slowed down or scripted with faults. Test infrastructure: not shipped in the package.

Run `make mirror` (or `PYTHONPATH=tests python -m support.mirror --port 8000`), then crawl it
with `-s DA_BASE_URL=http://127.0.0.1:8000`.
"""

from __future__ import annotations

import argparse
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from spiders.offline import FixtureSite, MirrorResponse

__all__ = ["FixtureSite", "LoggedRequest", "MirrorResponse", "make_server", "serve_in_thread"]


@dataclass
class LoggedRequest:
    path: str
    status: int
    bytes: int
    at: float  # time.monotonic()
    conditional: bool  # sent If-None-Match or If-Modified-Since
    user_agent: str = ""


class MirrorHandler(BaseHTTPRequestHandler):
    site: FixtureSite
    log: list[LoggedRequest]  # what tests and benchmarks inspect
    latency: float = 0.0  # seconds before each answer (a slow site)
    on_request: Any = None  # called with each LoggedRequest

    def do_GET(self) -> None:
        if self.latency:
            time.sleep(self.latency)
        answer = self.site.resolve(self.path, dict(self.headers.items()))
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        self.wfile.write(answer.body)
        conditional = "If-None-Match" in self.headers or "If-Modified-Since" in self.headers
        entry = LoggedRequest(
            self.path,
            answer.status,
            len(answer.body),
            time.monotonic(),
            conditional,
            self.headers.get("User-Agent", ""),
        )
        self.log.append(entry)
        if self.on_request is not None:
            self.on_request(entry)

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass


def make_server(
    root: Path | str | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    site: FixtureSite | None = None,
    latency: float = 0.0,
    on_request: Any = None,
) -> ThreadingHTTPServer:
    """A loopback HTTP server over the mirror; port 0 picks a free port. `server.log` lists
    the requests it answered; `on_request` is called with each of them."""
    site = site or FixtureSite(root, real_mtimes=True)
    log: list[LoggedRequest] = []
    attributes = {"site": site, "log": log, "latency": latency}
    if on_request is not None:
        attributes["on_request"] = staticmethod(on_request)
    handler = type("Handler", (MirrorHandler,), attributes)
    server = ThreadingHTTPServer((host, port), handler)
    server.log = log  # type: ignore[attr-defined]
    return server


def serve_in_thread(
    root: Path | str | None = None, site: FixtureSite | None = None, **options: Any
) -> tuple[ThreadingHTTPServer, str]:
    server = make_server(root, site=site, **options)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    return server, f"http://{host}:{port}"


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the offline mirror on loopback.")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--root", default=None, help="mirror folder (default fixtures/site)")
    args = parser.parse_args()
    server = make_server(args.root, port=args.port)
    print(f"serving {FixtureSite(args.root).root} at http://127.0.0.1:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
