"""Parsers for the legacy site (2013 – about 2022): document, collection and listing pages.

Known markup: result rows `.search-res li` with `.lnk-res` and `.itm-title`; document metadata
under `.doc-inf-information` as `h4` labels each followed by its value; subjects in
`#subj-list li`; scans as `a.down[href*=".pdf"]`. Everything else is read tolerantly.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import etree

from items import DocumentItem, ListingEntry, SiteGeneration, Version, VersionType
from spiders.pages.common import (
    absolute,
    best_text,
    block_text,
    css,
    first,
    inner_html,
    load_html,
    record_id_from_url,
    split_names,
    squash,
    strip_non_text,
    text_content,
    text_of,
    texts,
)
from spiders.pages.results import CollectionPage, ListingPage, listing_entry

CANONICAL = css('link[rel="canonical"]')
DOC_TITLE = css(".doc-head h1, #content h1")
DOC_DATE = css(".doc-head .doc-date, .doc-head .date")
DOC_SUMMARY = css(".doc-desc p, .doc-description p")
INFO = css(".doc-inf-information")
SUBJECTS = css("#subj-list li")
TEXT_TABS = css(".doc-tabs .tab-content.translation, .doc-tabs .tab-content.transcript")
SCANS = css('a.down[href*=".pdf"], a.down[href*=".PDF"]')
LIST_ITEMS = css("li")

RESULT_ROWS = css(".search-res li")
ROW_LINK = css("a.lnk-res, a[href*='/document/']")
ROW_TITLE = css(".itm-title")
ROW_DATE = css(".itm-date, .date")
ROW_SUMMARY = css(".itm-desc, .itm-summary, p")
COLLECTION_TITLE = css(".collection-info h1, .collection-info .collection-title")
COLLECTION_DESCRIPTION = css(".collection-info .collection-desc p, .collection-info .desc p")
COLLECTION_PATH = re.compile(r"^/collection/(\d+)(?:/([^/?#]+))?(?:/(\d+))?/?$")
SEARCH_RESULTS_PATH = re.compile(r"^/search-results/(\d+)/(.*)$")

INFO_FIELDS = {
    "author(s)": "authors",
    "authors": "authors",
    "author": "authors",
    "associated people & organizations": "people",
    "associated people": "people",
    "people": "people",
    "coverage": "places",
    "places": "places",
    "associated places": "places",
    "topics": "topics",
    "associated topics": "topics",
    "original archive": "original_archives",
    "language": "languages",
    "languages": "languages",
    "donors": "donors",
    "document contributor": "contributors",
    "contributors": "contributors",
}
INFO_TEXT_FIELDS = {
    "source": "source",
    "original uploaded date": "uploaded_date",
    "record id": "record_id",
    "type": "document_type",
    "original classification": "classification",
    "classification": "classification",
}


def parse_legacy_document(
    html: str | bytes | etree._Element, url: str, fetched_at: str | None = None
) -> DocumentItem:
    root = load_html(html)
    info = first(INFO(root))
    if info is None:
        raise ValueError("no .doc-inf-information block: not a legacy document page")
    item = DocumentItem(url=url, site_generation=SiteGeneration.LEGACY, fetched_at=fetched_at)
    canonical = first(CANONICAL(root))
    item.canonical_url = absolute(url, canonical.get("href")) if canonical is not None else None
    item.title = text_of(first(DOC_TITLE(root)))
    item.date_text = text_of(first(DOC_DATE(root)))
    item.summary = squash(" ".join(text_content(p) for p in DOC_SUMMARY(root)))
    for label, value in _labelled_values(info):
        if label in INFO_FIELDS:
            values = texts(LIST_ITEMS(value)) or split_names(text_of(value))
            getattr(item, INFO_FIELDS[label]).extend(values)
        elif label in INFO_TEXT_FIELDS:
            setattr(item, INFO_TEXT_FIELDS[label], text_of(value))
        elif label == "rights":
            paragraphs = texts(value.iter("p")) if value.tag != "p" else []
            item.rights = "\n\n".join(paragraphs) if paragraphs else text_of(value)
        elif label == "collections":
            item.collections = [
                match.group(1)
                for a in value.iter("a")
                if (match := COLLECTION_PATH.match(urlsplit(a.get("href", "")).path))
            ]
    item.subjects = texts(SUBJECTS(root))
    item.record_id = item.record_id or record_id_from_url(item.canonical_url or url)
    for scan in SCANS(root):
        item.versions.append(Version(VersionType.ORIGINAL, url=absolute(url, scan.get("href"))))
    panes = []
    for tab in TEXT_TABS(root):
        kind = (
            VersionType.TRANSLATION
            if "translation" in tab.get("class", "")
            else VersionType.TRANSCRIPT
        )
        strip_non_text(tab)
        if not text_content(tab).strip():
            continue
        language = tab.get("data-language")
        item.versions.append(Version(kind, language, html=inner_html(tab)))
        panes.append((kind, language, tab))
    best = best_text(panes)
    item.text = block_text(best) if best is not None else None
    item.download_url = next((v.url for v in item.versions if v.url), None)
    item.alias_urls = list(dict.fromkeys(u for u in (url, item.canonical_url) if u))
    return item


def _labelled_values(info: etree._Element):
    """(label, value element) pairs: each h4 and the element right after it."""
    for heading in info.iter("h4"):
        value = heading.getnext()
        if value is not None and value.tag != "h4":
            yield (text_of(heading) or "").lower().rstrip(":"), value


def parse_legacy_listing(html: str | bytes | etree._Element, url: str) -> ListingPage:
    """A legacy search-results page: `/search-results/{page}/{JSON}?recordType=Record`."""
    root = load_html(html)
    entries = _rows(root, url, offset=0)
    page_urls = _pager_links(root, url)
    match = SEARCH_RESULTS_PATH.match(urlsplit(url).path)
    next_url = None
    if match and entries:
        page = int(match.group(1))
        wanted = f"/search-results/{page + 1}/"
        next_url = next((u for u in page_urls if urlsplit(u).path.startswith(wanted)), None)
    return ListingPage(
        url=url,
        site_generation=SiteGeneration.LEGACY,
        entries=entries,
        next_url=next_url,
        page_urls=page_urls,
    )


def parse_legacy_collection(
    html: str | bytes | etree._Element, url: str, offset: int = 0
) -> CollectionPage:
    """One page of a legacy collection: title, description, rows, and the next page.

    `offset` is the number of rows on the pages before this one, so positions run on.
    """
    root = load_html(html)
    match = COLLECTION_PATH.match(urlsplit(url).path)
    collection_id = match.group(1) if match else None
    page = int(match.group(3)) if match and match.group(3) else 1
    next_url = None
    for link in _pager_links(root, url):
        link_match = COLLECTION_PATH.match(urlsplit(link).path)
        if (
            link_match
            and link_match.group(1) == collection_id
            and link_match.group(3)
            and int(link_match.group(3)) == page + 1
        ):
            next_url = link
            break
    description = "\n\n".join(texts(COLLECTION_DESCRIPTION(root))) or None
    return CollectionPage(
        url=url,
        collection_id=collection_id,
        title=text_of(first(COLLECTION_TITLE(root))),
        description=description,
        entries=_rows(root, url, offset),
        next_url=next_url,
        site_generation=SiteGeneration.LEGACY,
    )


def _rows(root: etree._Element, url: str, offset: int) -> list[ListingEntry]:
    entries: list[ListingEntry] = []
    for row in RESULT_ROWS(root):
        link = first(ROW_LINK(row))
        href = absolute(url, link.get("href")) if link is not None else None
        if link is None or href is None:
            continue
        title = first(ROW_TITLE(row))
        entries.append(
            listing_entry(
                href,
                offset + len(entries),
                text_of(first(ROW_DATE(row))),
                text_of(title) if title is not None else text_of(link),
                text_of(first(ROW_SUMMARY(row))),
            )
        )
    return entries


def _pager_links(root: etree._Element, url: str) -> list[str]:
    """Links to other pages of the same listing (pager markup varies: match by URL shape)."""
    path = urlsplit(url).path
    collection = COLLECTION_PATH.match(path)
    links = []
    for a in root.iter("a"):
        href = absolute(url, a.get("href"))
        if not href:
            continue
        link_path = urlsplit(href).path
        if collection:
            other = COLLECTION_PATH.match(link_path)
            if other and other.group(1) == collection.group(1):
                links.append(href)
        elif SEARCH_RESULTS_PATH.match(link_path):
            links.append(href)
    return list(dict.fromkeys(links))
