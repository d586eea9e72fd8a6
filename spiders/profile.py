"""Settings profile chosen after all settings are known (command line included).

An add-on, because `-s DA_OFFLINE=1` is only visible once Scrapy has merged the command line:
settings.py alone cannot react to it. Values set on the command line still win.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from scrapy.settings import BaseSettings

from spiders import browser


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
        if settings.getbool("DA_OFFLINE"):
            # Every http(s) request is answered from fixtures/ by the offline download handler.
            handler = "spiders.offline.OfflineDownloadHandler"
            settings.set("DOWNLOAD_HANDLERS", {"http": handler, "https": handler}, "addon")
        else:  # a browser for pages behind a JavaScript check (spiders/browser.py)
            browser.configure(settings, is_local_mirror(settings))
        if not is_local_mirror(settings):
            return
        for name, value in {
            "DOWNLOAD_DELAY": 0,
            "DOWNLOAD_DELAY_JITTER": 0,
            "AUTOTHROTTLE_ENABLED": False,
            "CONCURRENT_REQUESTS": 16,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
            "DA_BACKOFF_BASE": 0,
        }.items():
            # Above settings.py (project), below `-s` on the command line (cmdline).
            settings.set(name, value, priority="spider")
