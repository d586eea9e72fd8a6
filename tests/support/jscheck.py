"""A loopback server that behaves like a JavaScript check in front of the mirror.

Without a valid clearance cookie every page but robots.txt answers 403 with
`cf-mitigated: challenge` and a "Just a moment..." page whose script computes a token from
a nonce and the browser's User-Agent, sets it as the `cf_clearance` cookie and reloads. The
real page is served only with that cookie and the same User-Agent, for `uses` requests; then
the site challenges again. A plain HTTP client, which runs no script, never gets in.

`interactive=True` serves a check a person must answer instead (a "Verify you are human"
box): nothing a program does lets it through. Test infrastructure: not shipped.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from http.server import ThreadingHTTPServer
from typing import Any

from support.mirror import FixtureSite, LoggedRequest, MirrorHandler

CHALLENGE = """<!DOCTYPE html><html lang="en"><head><title>Just a moment...</title></head>
<body><div id="challenge-running">Checking if the site connection is secure</div>
<script>
(function () {{
  var token = String({a} * {b} + navigator.userAgent.length) + "-{nonce}";
  document.cookie = "cf_clearance=" + token + "; path=/";
  setTimeout(function () {{ location.reload(); }}, 150);
}})();
</script></body></html>"""
INTERACTIVE = """<!DOCTYPE html><html lang="en"><head><title>Just a moment...</title></head>
<body><div id="challenge-stage"><div class="cf-turnstile" data-sitekey="x"></div>
<label><input type="checkbox"> Verify you are human</label></div></body></html>"""
A, B = 7919, 104729


@dataclass
class Gate:
    uses: int = 20  # requests a clearance allows before the site asks again
    interactive: bool = False
    nonces: dict[str, str] = field(default_factory=dict)  # nonce -> User-Agent it was issued to
    left: dict[str, int] = field(default_factory=dict)  # token -> requests left
    challenges: int = 0
    passed: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def admits(self, cookie_header: str, user_agent: str) -> bool:
        cookie = SimpleCookie()
        try:
            cookie.load(cookie_header or "")
        except Exception:
            return False
        if "cf_clearance" not in cookie:
            return False
        token = cookie["cf_clearance"].value
        value, _, nonce = token.partition("-")
        with self.lock:
            issued_to = self.nonces.get(nonce)
            if issued_to is None or issued_to != user_agent:
                return False
            if value != str(A * B + len(user_agent)):
                return False
            left = self.left.setdefault(token, self.uses)
            if left <= 0:
                return False
            self.left[token] = left - 1
            self.passed += 1
            return True

    def challenge(self, user_agent: str) -> bytes:
        with self.lock:
            self.challenges += 1
            if self.interactive:
                return INTERACTIVE.encode()
            nonce = secrets.token_hex(8)
            self.nonces[nonce] = user_agent
        return CHALLENGE.format(a=A, b=B, nonce=nonce).encode()


class CheckHandler(MirrorHandler):
    gate: Gate

    def do_GET(self) -> None:
        user_agent = self.headers.get("User-Agent", "")
        if self.path == "/robots.txt" or self.gate.admits(
            self.headers.get("Cookie", ""), user_agent
        ):
            super().do_GET()
            return
        body = self.gate.challenge(user_agent)
        self.send_response(403)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("cf-mitigated", "challenge")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.log.append(LoggedRequest(self.path, 403, len(body), 0.0, False, user_agent))


def serve_check_in_thread(site: FixtureSite, **gate: Any) -> tuple[ThreadingHTTPServer, str, Gate]:
    checks = Gate(**gate)
    log: list[LoggedRequest] = []
    handler = type("Handler", (CheckHandler,), {"site": site, "log": log, "gate": checks})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.log = log  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    return server, f"http://{host}:{port}", checks
