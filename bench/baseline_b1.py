"""Baseline B1 (for comparison only): Scrapy with its default settings and a pipeline that
commits every item through the SQLAlchemy ORM, one at a time.

    python -m bench.baseline_b1 BASE_URL DATABASE_FILE
"""

from __future__ import annotations

import sys

import scrapy
from scrapy.crawler import CrawlerProcess
from sqlalchemy import String, Text, create_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    pass


class Row(Base):
    __tablename__ = "documents"
    record_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    title: Mapped[str | None] = mapped_column(Text)
    date_text: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)


class OrmPipeline:
    def open_spider(self, spider: scrapy.Spider) -> None:
        self.engine = create_engine(f"sqlite:///{spider.database}")
        Base.metadata.create_all(self.engine)

    def process_item(self, item: dict, spider: scrapy.Spider) -> dict:
        with Session(self.engine) as session:
            session.merge(Row(**item))
            session.commit()
        return item


class CatalogSpider(scrapy.Spider):
    name = "b1"

    def __init__(self, base: str, database: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.base, self.database = base, database

    async def start(self):
        yield scrapy.Request(f"{self.base}/search?page=0", cb_kwargs={"page": 0})

    def parse(self, response, page: int):
        links = response.css("td.document a::attr(href)").getall()
        for href in links:
            yield response.follow(href, callback=self.parse_document)
        if links:
            yield scrapy.Request(
                f"{self.base}/search?page={page + 1}", cb_kwargs={"page": page + 1}
            )

    def parse_document(self, response):
        main = response.css("main#main")
        info = {}
        for block in main.css("section.document-information .information-block"):
            label = (block.css("h3.sub-title::text").get() or "").strip().lower()
            info[label] = " ".join(" ".join(block.css("div.text ::text").getall()).split())
        yield {
            "record_id": info.get("record id"),
            "title": " ".join(main.css("h1.title ::text").getall()).strip(),
            "date_text": (main.css("h2.date::text").get() or "").strip() or None,
            "summary": " ".join(" ".join(main.css(".text-block ::text").getall()).split()) or None,
            "source": info.get("source"),
        }


if __name__ == "__main__":
    process = CrawlerProcess({"ITEM_PIPELINES": {"bench.baseline_b1.OrmPipeline": 300}, "LOG_LEVEL": "ERROR",
                              "TELNETCONSOLE_ENABLED": False})  # fmt: skip
    process.crawl(CatalogSpider, base=sys.argv[1].rstrip("/"), database=sys.argv[2])
    process.start()
