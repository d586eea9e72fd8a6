"""Scrapy extensions: work that spans the whole crawl (the run and its record)."""
