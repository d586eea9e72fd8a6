"""Wilson Center blog posts that announce newly translated documents (seed 003).

After intro paragraphs, a heading "List of Newly Translated Documents on …" is followed by
entries: a title line (the Digital Archive's title, ending in the document's date, e.g.
"…, 12 May 1947") and a one-paragraph summary. Whether a title links to its document, and in
which URL form, varies (UNKNOWN on the real site): links are taken when present, and the
spider looks the others up in the catalog by title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from items import TITLE_DATE
from spiders.pages.common import absolute, css, first, load_html, text_of

LIST_HEADING = re.compile(r"\b(?:newly\s+)?(?:translated|released|new)\b.*\bdocuments?\b", re.I)
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
TITLE = css("article h1, h1.title, h1")
DEK = css("article .dek, .dek, article .subtitle")
DOCUMENT_LINK = re.compile(r"/document/")


@dataclass
class ReleaseEntry:
    position: int
    title: str
    date_text: str | None
    summary: str | None = None
    url: str | None = None  # the document page, when the post links it


@dataclass
class ReleasePost:
    url: str
    title: str | None
    description: str | None
    entries: list[ReleaseEntry] = field(default_factory=list)


def parse_release_post(html: str | bytes | etree._Element, url: str) -> ReleasePost:
    root = load_html(html)
    post = ReleasePost(
        url=url, title=text_of(first(TITLE(root))), description=text_of(first(DEK(root)))
    )
    heading = next(
        (
            h
            for h in root.iter(*HEADINGS)
            if LIST_HEADING.search(text_of(h) or "") and h not in TITLE(root)
        ),
        None,
    )
    if heading is None:
        return post
    current: ReleaseEntry | None = None
    for sibling in heading.itersiblings():
        if not isinstance(sibling.tag, str):
            continue
        if sibling.tag in HEADINGS and not _is_title_line(sibling):
            break  # the list is over ("About the Author")
        text = text_of(sibling)
        if not text:
            continue
        if _is_title_line(sibling):
            link = next(
                (a for a in sibling.iter("a") if DOCUMENT_LINK.search(a.get("href", ""))), None
            )
            current = ReleaseEntry(
                position=len(post.entries),
                title=text,
                date_text=_trailing_date(text),
                url=absolute(url, link.get("href")) if link is not None else None,
            )
            post.entries.append(current)
        elif current is not None and current.summary is None:
            current.summary = text
    return post


def _is_title_line(element: etree._Element) -> bool:
    """A title line: a small heading, or a paragraph that is all bold or all one link."""
    if element.tag in {"h3", "h4", "h5", "h6"}:
        return True
    if element.tag != "p":
        return False
    text = text_of(element) or ""
    emphasised = " ".join(text_of(e) or "" for e in element if e.tag in {"strong", "b", "a"})
    return bool(text) and emphasised.strip() == text


def _trailing_date(title: str) -> str | None:
    match = TITLE_DATE.search(title)
    return match.group("date") if match else None


def title_without_date(title: str) -> str:
    """The Digital Archive's title: the release line minus its trailing date."""
    match = TITLE_DATE.search(title)
    return title[: match.start()].rstrip(" ,") if match else title
