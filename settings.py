"""Scrapy settings, in one place. Environment variables set the defaults, so cron, systemd and
Scrapyd runs differ by environment only; `-s NAME=value` overrides any of them.

Numbers from the environment stay text here: Scrapy's getint/getfloat read them, and the crawl
command refuses one that is not a number in one line (commands/crawl.py), not a traceback.

Profiles: the live site gets the polite defaults below; `DA_OFFLINE=1` (the bundled mirror in
fixtures/) and a loopback `DA_BASE_URL` drop the delays (see spiders/profile.py).
"""

import os

from scrapy.settings import default_settings as scrapy_defaults

BOT_NAME = "wilson_archive"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# Where to crawl and where to store.
DA_BASE_URL = os.environ.get("DA_BASE_URL", "https://digitalarchive.wilsoncenter.org")
DA_OFFLINE = os.environ.get("DA_OFFLINE", "0")
DA_FIXTURES_DIR = os.environ.get("DA_FIXTURES_DIR", "")  # default: fixtures/site of the project
DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite:///data/archive.db")
DA_BATCH_SIZE = os.environ.get("DA_BATCH_SIZE", 100)

# Politeness on the live site: the archive sits behind Cloudflare and is run by a small team.
DA_PROJECT_URL = "https://github.com/wilson-archive-harvester/wilson-archive-harvester"
# Who runs this crawl (an e-mail or a URL): goes into the User-Agent, so that the archive can
# reach the operator (spiders/profile.py composes it; `-s USER_AGENT=…` still wins).
DA_CONTACT = os.environ.get("DA_CONTACT", "")
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 5
DOWNLOAD_DELAY_JITTER = 0.5  # ±50%
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 5
AUTOTHROTTLE_MAX_DELAY = 60
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 60
# A response is refused above DOWNLOAD_MAXSIZE, decompressed size included (a gzip bomb is cut
# off while it inflates: Scrapy's HttpCompressionMiddleware), and recorded in rejected_items;
# the site's largest document pages are a few hundred KB.
DOWNLOAD_MAXSIZE = os.environ.get("DOWNLOAD_MAXSIZE", 32 * 1024 * 1024)
DOWNLOAD_WARNSIZE = os.environ.get("DOWNLOAD_WARNSIZE", 8 * 1024 * 1024)
# Hosts other than DA_BASE_URL's (the Wayback Machine for a Wayback start URL, the blog for
# `releases`) keep this delay, one request at a time, even against a loopback mirror
# (DOWNLOAD_SLOTS, written by spiders/hosts.py).
DA_OTHER_HOST_DELAY = os.environ.get("DA_OTHER_HOST_DELAY", DOWNLOAD_DELAY)
# Items processed at once per response (Scrapy's default: 100). Scrapy starts that many tasks
# for every response, though a page yields one item and the pipelines never wait: with 8
# the crawl spends about a fifth less CPU per page.
CONCURRENT_ITEMS = 8
RETRY_ENABLED = True
RETRY_TIMES = 3
COOKIES_ENABLED = False
# Unattended runs open no console: Scrapy's telnet console and its remote-control HTTP server
# (which runs Python sent to it) are off; `-s REMOTE_CONTROL_ENABLED=1` or
# `-s TELNETCONSOLE_ENABLED=1` turns one on for debugging.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

DA_FLUSH_INTERVAL = os.environ.get("DA_FLUSH_INTERVAL", 10)  # seconds between writes
# A database that fails a write for a transient reason (connection lost, server restarting,
# lock timeout): downloads pause and the write is retried for up to this many seconds; past
# that, or on a permanent failure (disk full, read-only), what was fetched is spooled to
# DA_SPOOL_DIR, the run fails, and the next run on that database stores the spool first.
DA_DB_OUTAGE_MAX = os.environ.get("DA_DB_OUTAGE_MAX", 300)
DA_SPOOL_DIR = os.environ.get("DA_SPOOL_DIR", "data/spool")
DA_PROGRESS_INTERVAL = os.environ.get("DA_PROGRESS_INTERVAL", 60)  # progress lines
DA_MAX_FAILED_RATIO = 0.5  # a run where more pages failed than this has failed
# A run where more document pages than this came out without the fields their kind always
# has (pipelines/coverage.py) has failed: the site's markup has probably changed.
DA_MARKUP_MAX_RATIO = os.environ.get("DA_MARKUP_MAX_RATIO", 0.05)
DA_RETRY_AFTER_MAX = 600  # longest Retry-After honoured, in seconds; longer: give up
DA_BACKOFF_BASE = 30  # seconds; doubled on each retry of a challenge page or a 429/503
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]

DOWNLOADER_MIDDLEWARES = {
    # Scrapy's OffsiteMiddleware drops off-host requests silently; ours records them.
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "spiders.hosts.OnHostMiddleware": 50,
    # Scrapy's robots.txt middleware, with a one-line error when robots.txt cannot be fetched.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "spiders.middlewares.RobotsTxtMiddleware": 100,
    # Scrapy's RetryMiddleware, plus Retry-After and challenge-page backoff.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "spiders.middlewares.PoliteRetryMiddleware": 550,
    # Above PoliteRetry: a challenge goes to the browser before it is retried (DA_BROWSER).
    "spiders.browser.BrowserMiddleware": 600,
    # Below DownloaderStats (850): the stats count the real 304s before a listing is replayed.
    "spiders.middlewares.ConditionalRequestMiddleware": 800,
}
# DA_OFFLINE=1: spiders/profile.py makes the offline mirror the download handler.
EXTENSIONS = {
    # The run's lifecycle: database, job lock, crawl_runs row, heartbeat, progress, summary.
    "extensions.run.RunExtension": 100,
    # After the run (its id names the files): WARC records as responses arrive, then the WACZ.
    "extensions.captures.CapturesExtension": 200,
}
# Scrapy's cookies middleware and remote control, off here, import tldextract and aiohttp
# (a tenth of a second of every crawl's start-up) before they find themselves off: in
# Scrapy's base lists (a key set to None above would still be imported, to be compared),
# they are replaced by stand-ins that import them only when COOKIES_ENABLED or
# REMOTE_CONTROL_ENABLED is on (spiders/middlewares.py).
_standins = {
    f"scrapy.{path}.{name}": f"spiders.middlewares.{name}"
    for path, name in [
        ("downloadermiddlewares.cookies", "CookiesMiddleware"),
        ("extensions.remote_control", "RemoteControl"),
    ]
}
DOWNLOADER_MIDDLEWARES_BASE = {
    _standins.get(name, name): order
    for name, order in scrapy_defaults.DOWNLOADER_MIDDLEWARES_BASE.items()
}
EXTENSIONS_BASE = {
    _standins.get(name, name): order for name, order in scrapy_defaults.EXTENSIONS_BASE.items()
}
# Captures (extensions/captures.py, docs/captures.md): every response the crawl receives, with
# its request, to WARC as it arrives; each run packaged as DA_CAPTURES_DIR/{job}-{run}.wacz.
DA_CAPTURES = os.environ.get("DA_CAPTURES", "1")
DA_CAPTURES_DIR = os.environ.get("DA_CAPTURES_DIR", "data/captures")
DA_CAPTURES_WARC_SIZE = os.environ.get("DA_CAPTURES_WARC_SIZE", 1024**3)  # then a new WARC
# WACZ files (os.pathsep-separated) to crawl instead of the site (`da reparse`: spiders/replay.py).
DA_REPLAY = os.environ.get("DA_REPLAY", "")
DA_RUN_ENABLED = True  # off: no database at all (the store pipeline turns itself off too)
ITEM_PIPELINES = {
    "pipelines.clean.CleanTextPipeline": 100,
    "pipelines.dates.DatesPipeline": 200,
    "pipelines.citations.CitationsPipeline": 300,
    "pipelines.names.NamesPipeline": 400,
    "pipelines.coverage.CoveragePipeline": 450,
    "pipelines.validate.ValidatePipeline": 500,
    "pipelines.store.StorePipeline": 900,
}
ADDONS = {"spiders.profile.LocalMirrorProfile": 0}

FEED_EXPORT_ENCODING = "utf-8"
# `-O file.jsonl|json|csv|xml`: documents only, with the documents table's fields.
FEED_EXPORTERS = {
    "jsonlines": "extensions.feeds.DocumentJsonLinesExporter",
    "jsonl": "extensions.feeds.DocumentJsonLinesExporter",
    "json": "extensions.feeds.DocumentJsonExporter",
    "csv": "extensions.feeds.DocumentCsvExporter",
    "xml": "extensions.feeds.DocumentXmlExporter",
}
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
COMMANDS_MODULE = "commands"
