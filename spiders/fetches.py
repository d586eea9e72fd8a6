"""What fetch_state keeps of a response (validators, body hash, the listing body)."""

from __future__ import annotations

import hashlib

from scrapy.http import Response

from items import HttpInfo


def http_info(response: Response, keep_body: bool = False) -> HttpInfo:
    """What fetch_state keeps of a response. A listing replayed from the store counts as 304."""
    stored = "stored" in response.flags
    headers = response.headers
    info = HttpInfo(
        status=304 if stored else response.status,
        etag=(headers.get("ETag") or b"").decode("latin-1") or None,
        last_modified=(headers.get("Last-Modified") or b"").decode("latin-1") or None,
        urls=list(dict.fromkeys([*response.meta.get("redirect_urls", []), response.url])),
        page=response.body,
    )
    if response.status == 200 and not stored:
        info.body_hash = hashlib.sha256(response.body).hexdigest()
        if keep_body:
            info.body = response.body
    return info
