"""Baseline L (for comparison only): a lean Scrapy crawler of the same mirror, the floor our
crawl's CPU per page is measured against (issue 12). The same crawl shape as ours (the
catalog pages, then each document; robots.txt obeyed; the loopback profile's concurrency, 16,
no delay), minimal extraction (record id, title, date, summary, source, by lxml), and writes
batched in one transaction per 500 rows with the standard library's sqlite3. No
normalization, no revisions, no full-text index, no fetch bookkeeping.

    python -m bench.baseline_lean BASE_URL DATABASE_FILE
"""

from __future__ import annotations

import sqlite3
import sys
from typing import Any

import scrapy
from scrapy.crawler import CrawlerProcess

BATCH = 500


class BatchPipeline:
    def open_spider(self, spider: scrapy.Spider) -> None:
        self.db = sqlite3.connect(spider.database)  # type: ignore[attr-defined]
        self.db.execute("""CREATE TABLE IF NOT EXISTS documents (record_id TEXT PRIMARY KEY,
                           title TEXT, date_text TEXT, summary TEXT, source TEXT)""")
        self.rows: list[tuple[Any, ...]] = []

    def process_item(self, item: dict[str, Any], spider: scrapy.Spider) -> dict[str, Any]:
        self.rows.append((item["record_id"], item["title"], item["date_text"], item["summary"],
                          item["source"]))  # fmt: skip
        if len(self.rows) >= BATCH:
            self.flush()
        return item

    def flush(self) -> None:
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?)", self.rows
            )
        self.rows = []

    def close_spider(self, spider: scrapy.Spider) -> None:
        self.flush()
        self.db.close()


def text(node: Any, path: str) -> str | None:
    found = node.xpath(path).getall()
    value = " ".join(" ".join(found).split()) if found else ""
    return value or None


class CatalogSpider(scrapy.Spider):
    name = "lean"

    def __init__(self, base: str, database: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base, self.database = base, database

    async def start(self):  # type: ignore[no-untyped-def]
        yield scrapy.Request(f"{self.base}/search?page=0", cb_kwargs={"page": 0})

    def parse(self, response, page: int):  # type: ignore[no-untyped-def]
        links = response.xpath("//td[@class='document']/a/@href").getall()
        for href in links:
            yield response.follow(href, callback=self.parse_document)
        if links:
            yield scrapy.Request(
                f"{self.base}/search?page={page + 1}", cb_kwargs={"page": page + 1}
            )

    def parse_document(self, response):  # type: ignore[no-untyped-def]
        main = response.xpath("//main[@id='main']")
        info = {}
        for block in main.xpath(".//div[contains(@class, 'information-block')]"):
            label = (text(block, "./h3//text()") or "").lower()
            info[label] = text(block, "./div//text()")
        yield {
            "record_id": info.get("record id"),
            "title": text(main, ".//h1//text()"),
            "date_text": text(main, ".//h2[contains(@class, 'date')]/text()"),
            "summary": text(main, ".//div[contains(@class, 'text-block')]//text()"),
            "source": info.get("source"),
        }


if __name__ == "__main__":
    process = CrawlerProcess({
        "ITEM_PIPELINES": {"bench.baseline_lean.BatchPipeline": 300}, "LOG_LEVEL": "ERROR",
        "TELNETCONSOLE_ENABLED": False, "ROBOTSTXT_OBEY": True, "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 16, "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False,
    })  # fmt: skip
    process.crawl(CatalogSpider, base=sys.argv[1].rstrip("/"), database=sys.argv[2])
    process.start()
