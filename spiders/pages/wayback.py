"""Wayback Machine captures of the legacy site: unwrap them into the page as it was served.

A capture `https://web.archive.org/web/{timestamp}/{original URL}` carries the archive's
toolbar and has every link rewritten to `/web/{timestamp}{modifier}/{original}`. Unwrapped,
the page parses like the original, at its original URL, and the capture time is kept: that
is how collection memberships the current site no longer shows are recovered.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

WAYBACK_HOST = "web.archive.org"
CAPTURE_URL = re.compile(
    r"^https?://web\.archive\.org/web/(?P<ts>\d{4,14})(?:[a-z]{2}_)?/(?P<original>.+)$"
)
TOOLBAR = re.compile(
    r"<!--\s*BEGIN WAYBACK TOOLBAR INSERT\s*-->.*?<!--\s*END WAYBACK TOOLBAR INSERT\s*-->", re.S
)
ARCHIVE_SCRIPTS = re.compile(
    r"<script[^>]*(?:/_static/|archive\.org|__wm\.|wombat)[^>]*>.*?</script>|"
    r"<link[^>]*/_static/[^>]*>|<script>\s*__wm\..*?</script>",
    re.S | re.I,
)
REWRITTEN = re.compile(
    r"(?P<prefix>(?:https?://web\.archive\.org)?/web/\d{4,14}(?:[a-z]{2}_)?/)(?P<original>(?:https?:)?//?[^\s\"'<>)]*)"
)
ARCHIVE_COMMENTS = re.compile(r"<!--\s*(?:FILE ARCHIVED ON|playback timings).*?-->", re.S)


@dataclass(frozen=True)
class Capture:
    original_url: str
    timestamp: str  # 14 digits as in the URL, e.g. 20190315084512
    captured_at: str  # ISO 8601, UTC


def parse_capture_url(url: str) -> Capture | None:
    """The original URL and capture time of a Wayback URL; None for other URLs."""
    match = CAPTURE_URL.match(url)
    if not match:
        return None
    original = match.group("original")
    if original.startswith("//"):
        original = "https:" + original
    elif not re.match(r"^https?://", original):
        original = "http://" + original
    partial = match.group("ts")  # the archive accepts "2014", "201403"…: the first moment
    timestamp = partial + "00000101000000"[len(partial) :]
    captured = dt.datetime.strptime(timestamp, "%Y%m%d%H%M%S").replace(tzinfo=dt.UTC)
    return Capture(original, timestamp, captured.isoformat())


def capture_url(timestamp: str, original_url: str) -> str:
    """The Wayback URL of an original page, as near as possible to `timestamp`."""
    return f"https://{WAYBACK_HOST}/web/{timestamp}/{original_url}"


def unwrap(html: str, capture: Capture) -> str:
    """The page without the archive's toolbar, scripts and comments, with links restored."""
    html = TOOLBAR.sub("", html)
    html = ARCHIVE_SCRIPTS.sub("", html)
    html = ARCHIVE_COMMENTS.sub("", html)
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(capture.original_url))

    def restore(match: re.Match[str]) -> str:
        original = match.group("original")
        if original.startswith("//"):
            return "https:" + original
        if original.startswith("/"):
            return origin + original
        return original

    return REWRITTEN.sub(restore, html)
