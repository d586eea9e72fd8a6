"""Baseline B0 (for comparison only): the one-off script people write. Sequential `requests`,
BeautifulSoup(html.parser), one row committed at a time.

    python -m bench.baseline_b0 BASE_URL DATABASE_FILE
"""

from __future__ import annotations

import sqlite3
import sys
from urllib.parse import urljoin

import requests
from bs4 import BeautifulSoup


def extract(html: str) -> dict:
    """The same fields as our parser, the straightforward BeautifulSoup way."""
    soup = BeautifulSoup(html, "html.parser")
    main = soup.find("main", id="main") or soup

    def text(selector: str) -> str | None:
        node = main.select_one(selector)
        return " ".join(node.get_text(" ").split()) if node else None

    info = {}
    for block in main.select("section.document-information .information-block"):
        label, value = block.select_one("h3.sub-title"), block.select_one("div.text")
        if label and value:
            info[label.get_text(strip=True).lower()] = " ".join(value.get_text(" ").split())
    translation = main.select_one("#documentTabs [id^=translation-]")
    return {
        "record_id": info.get("record id"),
        "title": text("section.jumbotron-document h1.title"),
        "date_text": text("section.jumbotron-document h2.date"),
        "summary": text(".text-block"),
        "source": info.get("source"),
        "people": [a.get_text(" ", strip=True) for a in main.select(".pill-block a.pill-people")],
        "subjects": [a.get_text(" ", strip=True) for a in main.select("a.pill-subject")],
        "text": " ".join(translation.get_text(" ").split()) if translation else None,
    }


def crawl(base: str, database: str) -> int:
    db = sqlite3.connect(database)
    db.execute("CREATE TABLE IF NOT EXISTS documents (record_id TEXT PRIMARY KEY, title TEXT, date_text TEXT, "
               "summary TEXT, source TEXT, people TEXT, subjects TEXT, text TEXT)")  # fmt: skip
    session = requests.Session()
    stored, page = 0, 0
    while True:
        listing = BeautifulSoup(
            session.get(f"{base}/search?page={page}", timeout=30).text, "html.parser"
        )
        links = [a["href"] for a in listing.select("td.document a[href]")]
        if not links:
            break
        for href in links:
            try:
                response = session.get(urljoin(base, href), timeout=30)
            except requests.RequestException:
                continue  # the one-off script just moves on
            if response.status_code != 200:
                continue
            row = extract(response.text)
            db.execute("INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (row["record_id"], row["title"], row["date_text"], row["summary"], row["source"],
                        "; ".join(row["people"]), "; ".join(row["subjects"]), row["text"]))  # fmt: skip
            db.commit()
            stored += 1
        page += 1
    return stored


if __name__ == "__main__":
    print(crawl(sys.argv[1].rstrip("/"), sys.argv[2]))
