"""Settings profile chosen after all settings are known (command line included).

An add-on, because `-s DA_OFFLINE=1` is only visible once Scrapy has merged the command line:
settings.py alone cannot react to it. Values set on the command line still win.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from scrapy.settings import BaseSettings

from spiders import browser

# Against the bundled mirror, a loopback server or the captures: no politeness to keep.
MIRROR_PACE = {
    "DOWNLOAD_DELAY": 0,
    "DOWNLOAD_DELAY_JITTER": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "DA_BACKOFF_BASE": 0,
}


def is_local_mirror(settings: BaseSettings) -> bool:
    if settings.getbool("DA_OFFLINE"):
        return True
    host = urlsplit(settings.get("DA_BASE_URL", "")).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def user_agent(settings: BaseSettings) -> str:
    """The project, its URL, and who runs this crawl (DA_CONTACT) when it is set."""
    contact = (settings.get("DA_CONTACT") or "").strip()
    project = settings.get("DA_PROJECT_URL")
    return f"wilson-archive-harvester/0.1 (+{project}" + (f"; {contact})" if contact else ")")


class LocalMirrorProfile:
    """No delays, no throttling against the bundled mirror or a loopback server; the
    User-Agent with the operator's contact."""

    def update_settings(self, settings: BaseSettings) -> None:
        # Above Scrapy's default, below a USER_AGENT given in settings or on the command line.
        settings.set("USER_AGENT", user_agent(settings), priority="addon")
        if settings.get("DA_REPLAY"):
            self.replay(settings)
            return
        if settings.getbool("DA_OFFLINE"):
            # Every http(s) request is answered from fixtures/ by the offline download handler.
            handler = "spiders.offline.OfflineDownloadHandler"
            settings.set("DOWNLOAD_HANDLERS", {"http": handler, "https": handler}, "addon")
        else:  # a browser for pages behind a JavaScript check (spiders/browser.py)
            browser.configure(settings, is_local_mirror(settings))
        if not is_local_mirror(settings):
            return
        for name, value in MIRROR_PACE.items():
            # Above settings.py (project), below `-s` on the command line (cmdline).
            settings.set(name, value, priority="spider")

    def replay(self, settings: BaseSettings) -> None:
        """`da reparse` (spiders/replay.py): every request answered from the captures, as
        fast as they can be read; nothing captured again, no browser, no waiting."""
        handler = "spiders.replay.ReplayDownloadHandler"
        settings.set("DOWNLOAD_HANDLERS", {"http": handler, "https": handler}, "addon")
        for name, value in {
            **MIRROR_PACE,
            "DA_CAPTURES": False,  # the captures being read are the record
            "DA_BROWSER": "off",
            "DA_CONDITIONAL": False,  # every page in full: it is parsed again
            "DA_RETRY_AFTER_MAX": 0,
        }.items():
            settings.set(name, value, priority="spider")
