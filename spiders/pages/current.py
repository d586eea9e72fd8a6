"""Parsers for the current (Drupal 10) site: document, collection (topic) and listing pages.

Every selector is scoped to `<main id="main">`: the site header repeats look-alike classes
(`span.title`, `.card-title`, `span.detail`) in its megamenus.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from lxml import etree

from items import DocumentItem, ListingEntry, SiteGeneration, Version, VersionType
from spiders.pages.common import (
    absolute,
    best_text,
    block_text,
    css,
    find_main,
    first,
    has_class,
    inner_html,
    load_html,
    node_id_from_url,
    record_id_from_url,
    split_names,
    squash,
    strip_non_text,
    text_content,
    text_of,
    texts,
    xpath,
)
from spiders.pages.results import CollectionIndex, CollectionPage, ListingPage, listing_entry

CURRENT_PATH_NODE = re.compile(r'"currentPath"\s*:\s*"node\\?/(\d+)"')

# Within the jumbotron's `.content-block`s (see _jumbotron): h1.title, h2.date, p.donated.
JUMBO_FIELDS = {"h1": "title", "h2": "date", "p": "donated"}
# The document page's structure is looked up by lxml's tag-filtered walks (`iter("div")`,
# in C) with the class tested in Python: `contains(@class, …)` in an XPath predicate makes
# libxml2 build the string value of every element's class, two to five times slower on
# these pages. Each helper below selects exactly what the XPath in its docstring does.
# The tab container by id, on the attribute axis (a predicate on every element is slow).
DOCUMENT_TABS = xpath(".//@id[. = 'documentTabs']/..")
TAB_PANES = xpath(".//*[@id='documentTabs']/*[contains(@class, 'tab-pane')]")
AUTHOR_PILLS = xpath(
    ".//h2[contains(@class, 'title')][starts-with(normalize-space(), 'Author')]"
    "/following-sibling::ul[contains(@class, 'pill-list')]//a[contains(@class, 'pill')]"
)
XML_SPACE = " \t\r\n"  # what XPath's normalize-space() strips (not NBSP)
# The elements that hold a related document's row: walking the attribute axis is much
# faster in libxml2 than a predicate on every element (`.//*[@data-history-node-id]`).
HISTORY_NODES = xpath(".//@data-history-node-id/..")
ID_OWNERS = xpath(".//@id/..")  # the elements with an id (the element itself included)

LISTING_LINKS = css('td.document a[href^="/document/"], td.document a[href*="/document/"]')
COUNT_LINE = re.compile(r"(\d[\d,]*)\s*-\s*(\d[\d,]*)\s+of\s+(\d[\d,]*)")
DATE_LIKE = re.compile(
    r"^(?:[A-Z][a-z]+\.?,? \d{1,2},? \d{4}|[A-Z][a-z]+,? \d{4}|\d{1,2} [A-Z][a-z]+ \d{4}|\d{4}s?)$"
)
# The facet in a URL as written (f[0]=topics:N) or as Scrapy sends it (f%5B0%5D=topics:N,
# the colon encoded or not).
TOPIC_FACET = re.compile(r"f(?:\[|%5B)0(?:\]|%5D)=topics(?::|%3A)(\d+)", re.I)
TOPIC_TITLE = css("section.jumbotron-topic h1.title, section.jumbotron-collection h1.title")
TOPIC_DESCRIPTION = css(
    "section.jumbotron-topic .text-block p, main .topic-description p, main .text-block > p"
)
POPULAR_CARDS = css("main .popular-documents [data-history-node-id], main .card-document")
CARD_LINK = css('a[href*="/document/"]')
CARD_DATE = css(".date, .card-date")
CARD_TITLE = css(".card-title")
CARD_TEXT = css(".card-text")

# Pill blocks of the document page, by their heading, to item fields.
PILL_FIELDS = {
    "associated people & organizations": "people",
    "associated people and organizations": "people",
    "associated places": "places",
    "associated topics": "topics",
    "subjects discussed": "subjects",
    "document contributor": "contributors",
    "document contributors": "contributors",
}


def _divs(scope: etree._Element, name: str) -> list[etree._Element]:
    """`.//div[contains(@class, name)]`."""
    return [d for d in scope.iter("div") if d is not scope and name in d.get("class", "")]


def _summary_paragraphs(body: etree._Element) -> list[etree._Element]:
    """`.//div[contains(@class, 'text-block')]/p`: each <p> once, in page order."""
    found = []
    for p in body.iter("p"):
        parent = p.getparent()
        if (
            parent is not None
            and parent is not body
            and parent.tag == "div"
            and "text-block" in parent.get("class", "")
        ):
            found.append(p)
    return found


def _author_pills(body: etree._Element) -> list[etree._Element]:
    """`AUTHOR_PILLS`, walked in Python for the usual single "Authors" heading (with more,
    the XPath keeps its document-order union exact)."""
    headings = [
        h2
        for h2 in body.iter("h2")
        if h2 is not body
        and "title" in h2.get("class", "")
        and text_content(h2).lstrip(XML_SPACE).startswith("Author")
    ]
    if len(headings) != 1:
        return AUTHOR_PILLS(body) if headings else []
    return [
        a
        for ul in headings[0].itersiblings("ul")
        if "pill-list" in ul.get("class", "")
        for a in ul.iterdescendants("a")
        if "pill" in a.get("class", "")
    ]


def _pill_names(scope: etree._Element) -> list[etree._Element]:
    """`.//a[contains(@class, 'pill')]//span[@class = 'name']`, in page order."""
    found = []
    for span in scope.iterdescendants("span"):
        if span.get("class") == "name":
            for ancestor in span.iterancestors():
                if ancestor is scope:
                    break
                if ancestor.tag == "a" and "pill" in ancestor.get("class", ""):
                    found.append(span)
                    break
    return found


def _tab_panes(body: etree._Element) -> list[etree._Element]:
    """`TAB_PANES`: the element children of the #documentTabs container with a class
    containing "tab-pane" (with several such containers, the XPath keeps their order)."""
    tabs = [el for el in DOCUMENT_TABS(body) if el is not body]
    if len(tabs) != 1:
        return TAB_PANES(body) if tabs else []
    return [
        pane
        for pane in tabs[0]
        if isinstance(pane.tag, str) and "tab-pane" in pane.get("class", "")
    ]


def _pdf_previews(pane: etree._Element) -> list[etree._Element]:
    """`.//object[contains(@class, 'pdf-preview')]`."""
    return [o for o in pane.iterdescendants("object") if "pdf-preview" in o.get("class", "")]


def parse_current_document(
    html: str | bytes | etree._Element, url: str, fetched_at: str | None = None
) -> DocumentItem:
    root = load_html(html)
    main = find_main(root)
    if main is None:
        raise ValueError("no <main id='main'> element: not a current-site document page")
    item = DocumentItem(url=url, site_generation=SiteGeneration.CURRENT, fetched_at=fetched_at)
    links = _head_links(root, url)
    item.canonical_url = links.canonical_url
    item.node_id = links.node_id()
    jumbo, body, information = _sections(main)
    heading = _jumbotron(jumbo)
    item.title = text_of(heading.get("title"))
    item.date_text = text_of(heading.get("date"))
    item.summary = squash(" ".join(text_content(p) for p in _summary_paragraphs(body)))
    item.authors = texts([a.find(".//span[@class='name']") for a in _author_pills(body)])
    for block in _divs(body, "pill-block"):
        title = next((h3 for h3 in block.iterdescendants("h3") if "title" in _class(h3)), None)
        field = PILL_FIELDS.get((text_of(title) or "").lower())
        if field:
            getattr(item, field).extend(
                name for name in texts(_pill_names(block)) if name not in getattr(item, field)
            )
    _read_information(information, item)
    if not item.donors:
        donated = text_of(heading.get("donated"))
        prefix = "This document was made possible with support from"
        if donated and donated.startswith(prefix):
            item.donors = split_names(donated[len(prefix) :])
    citation_url = text_of(next((a for a in main.iter("a") if a.get("id") == "citation-url"), None))
    item.record_id = item.record_id or record_id_from_url(citation_url)
    download = next((a for a in body.iter("a") if a.get("href", "").endswith("/download")), None)
    item.download_url = absolute(url, download.get("href")) if download is not None else None
    item.related_urls = _unique(absolute(url, a.get("href")) for a in _related_links(main))
    item.versions, item.text = _versions(body, url)
    if item.download_url is None:
        item.download_url = next((v.url for v in item.versions if v.url), None)
    item.alias_urls = _unique([url, item.canonical_url, links.shortlink_url, citation_url])
    return item


def _jumbotron(jumbo: etree._Element) -> dict[str, etree._Element]:
    """The first `.content-block h1.title`, `h2.date` and `p.donated` of the jumbotron, by
    class name, found in one walk of it (it holds a dozen elements) instead of a query each."""
    found: dict[str, etree._Element] = {}
    for block in jumbo.iter():
        if (
            isinstance(block.tag, str)
            and "content-block" in block.get("class", "")  # cheap before the token test
            and has_class(block, "content-block")
        ):
            for el in block.iterdescendants(*JUMBO_FIELDS):
                if has_class(el, JUMBO_FIELDS[el.tag]):
                    found.setdefault(JUMBO_FIELDS[el.tag], el)
    return found


def _related_links(main: etree._Element) -> list[etree._Element]:
    """The links to documents inside related-document rows (elements with a
    data-history-node-id below `main`), in page order, each once."""
    found: dict[etree._Element, None] = {}
    for row in HISTORY_NODES(main):
        if row is main:
            continue
        for a in row.iterdescendants("a"):
            if "/document/" in a.get("href", ""):
                found.setdefault(a, None)
    return list(found)


def _sections(main: etree._Element) -> tuple[etree._Element, etree._Element, etree._Element]:
    """The jumbotron, the document container and the information section (or `main` itself
    for any that is missing: the selectors then search the whole page, as before)."""
    found: dict[str, etree._Element] = {}
    for section in main.iter("section"):
        for name in section.get("class", "").split():
            found.setdefault(name, section)
    return (
        found.get("jumbotron-document", main),
        found.get("document-container", main),
        found.get("document-information", main),
    )


def _read_information(main: etree._Element, item: DocumentItem) -> None:
    """The 'Document Information' blocks: label h3.sub-title, value div.text (children of
    the block: looked up among them, not by a query each)."""
    for block in _divs(main, "information-block"):
        label_el, value = _label_and_value(block)
        label = (text_of(label_el) or "").lower().rstrip(":")
        if value is None:
            continue
        if label == "source":
            item.source = text_of(value)
        elif label in {"original archive", "original archives"}:
            item.original_archives = texts(_pill_names(value)) or texts([value])
        elif label == "rights":
            paragraphs = texts(value.iterdescendants("p"))
            item.rights = "\n\n".join(paragraphs) if paragraphs else text_of(value)
        elif label == "original uploaded date":
            item.uploaded_date = text_of(value)  # YYYY-MM-DD; checked by the validator
        elif label in {"language", "languages"}:
            item.languages = texts(_pill_names(value)) or split_names(text_of(value))
        elif label == "record id":
            item.record_id = text_of(value)
        elif label == "type":
            item.document_type = text_of(value)
        elif label == "donors":
            item.donors = texts(_pill_names(value)) or split_names(text_of(value))
        elif label in {"original classification", "classification"}:
            item.classification = text_of(value)


def _class(el: etree._Element) -> str:
    return el.get("class", "")


def _label_and_value(block: etree._Element) -> tuple[etree._Element | None, etree._Element | None]:
    """The block's first child h3 with "sub-title" in its class, and its first child div
    with the class token "text", in one look at its children."""
    label = value = None
    for el in block:
        if el.tag == "h3":
            if label is None and "sub-title" in _class(el):
                label = el
        elif el.tag == "div" and value is None and " text " in f" {_class(el)} ":
            value = el
    return label, value


def _versions(main: etree._Element, url: str) -> tuple[list[Version], str | None]:
    """One entry per tab pane: scans as URLs, translations and transcripts as cleaned HTML."""
    versions: list[Version] = []
    panes: list[tuple[VersionType, str | None, etree._Element]] = []
    for pane in _tab_panes(main):
        pane_id = pane.get("id", "")
        try:
            kind = VersionType(pane_id.split("-", 1)[0].lower())
        except ValueError:
            continue
        for obj in _pdf_previews(pane):
            versions.append(Version(kind, _pane_language(pane), url=absolute(url, obj.get("data"))))
        prefix = f"{kind}-"  # the language panes inside: translation-English, …
        inner = [el for el in ID_OWNERS(pane) if el is not pane and el.get("id").startswith(prefix)]
        if kind == "original" and not inner:
            continue  # the original pane holds only scan previews (nothing reads it after)
        for lang_pane in inner or [pane]:
            strip_non_text(lang_pane)
            if not text_content(lang_pane).strip():
                continue
            language = _pane_language(lang_pane)
            versions.append(Version(kind, language, html=inner_html(lang_pane)))
            panes.append((kind, language, lang_pane))
    best = best_text(panes)
    return versions, block_text(best) if best is not None else None


def _pane_language(pane: etree._Element) -> str | None:
    pane_id = pane.get("id", "")
    if "-" in pane_id:
        return squash(pane_id.split("-", 1)[1].replace("_", " "))
    return pane.get("data-language") or None


def parse_current_listing(html: str | bytes | etree._Element, url: str) -> ListingPage:
    """A catalog or facet listing page: result rows, the count line, the next page."""
    root = load_html(html)
    main = find_main(root)
    if main is None:
        raise ValueError("no <main id='main'> element: not a current-site listing page")
    entries: list[ListingEntry] = []
    for link in LISTING_LINKS(main):
        row = next((a for a in link.iterancestors("tr")), None)
        if (entry := _listing_entry(link, row, url, len(entries))) is not None:
            entries.append(entry)
    count = _count_line(main)
    return ListingPage(
        url=url,
        site_generation=SiteGeneration.CURRENT,
        entries=entries,
        count=count,
        next_url=_next_listing_url(url, count, entries),
    )


def _listing_entry(
    link: etree._Element, row: etree._Element | None, url: str, position: int
) -> ListingEntry | None:
    href = absolute(url, link.get("href"))
    if href is None:
        return None
    title = text_of(link)
    date_text = summary = None
    if row is not None:
        date_el = first(row.xpath(".//*[contains(@class, 'date')]"))
        date_text = text_of(date_el)
        if date_text is None:  # date cell markup is UNKNOWN: take a cell that looks like a date
            date_text = next(
                (text_of(td) for td in row.iter("td") if DATE_LIKE.match(text_of(td) or "")), None
            )
        summary_el = first(
            row.xpath(".//*[contains(@class, 'summary')] | .//td[@class='document']//p")
        )
        summary = text_of(summary_el)
    return listing_entry(href, position, date_text, title, summary)


def _count_line(main: etree._Element) -> tuple[int, int, int] | None:
    for node in main.iter():
        if not isinstance(node.tag, str) or node.tag in {"script", "style"}:
            continue
        match = COUNT_LINE.search(node.text or "")
        if match:
            first_n, last_n, total = (int(g.replace(",", "")) for g in match.groups())
            return first_n, last_n, total
    return None


def _next_listing_url(url: str, count: tuple[int, int, int] | None, entries: list) -> str | None:
    """Page by the count line; without one, go on while the page has results."""
    if not entries:
        return None
    if count is not None and count[1] >= count[2]:
        return None
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    page = int(dict(query).get("page", "0") or 0)
    query = [(k, v) for k, v in query if k != "page"] + [("page", str(page + 1))]
    return urlunsplit(parts._replace(query=urlencode(query, safe="[]:")))


def parse_current_collection(html: str | bytes | etree._Element, url: str) -> CollectionPage:
    """A topic page, the current site's stand-in for a collection (markup UNKNOWN: tolerant).

    Its full membership comes from the topic's facet listing; the page itself gives the
    title, the description and the "Popular Documents" cards.
    """
    root = load_html(html)
    main = find_main(root)
    if main is None:
        raise ValueError("no <main id='main'> element: not a current-site collection page")
    node_id = _head_links(root, url).node_id()
    topic_id = None
    for link in main.iter("a"):
        match = TOPIC_FACET.search(link.get("href", ""))
        if match:
            topic_id = match.group(1)
            break
    topic_id = topic_id or node_id
    listing_url = None
    if topic_id:
        listing_url = absolute(url, f"/search?f[0]=topics:{topic_id}&fo[0]={topic_id}")
    popular: list[ListingEntry] = []
    for card in POPULAR_CARDS(main):
        link = first(CARD_LINK(card)) if card.tag != "a" else card
        href = absolute(url, link.get("href")) if link is not None else None
        if link is None or href is None:
            continue
        popular.append(
            listing_entry(
                href,
                len(popular),
                text_of(first(CARD_DATE(card))),
                text_of(first(CARD_TITLE(card))) or text_of(link),
                text_of(first(CARD_TEXT(card))),
            )
        )
    description = "\n\n".join(texts(TOPIC_DESCRIPTION(main))) or None
    return CollectionPage(
        url=url,
        collection_id=f"topics:{topic_id}" if topic_id else None,
        title=text_of(first(TOPIC_TITLE(main))),
        description=description,
        entries=popular,
        listing_url=listing_url,
        site_generation=SiteGeneration.CURRENT,
    )


@dataclass
class _HeadLinks:
    """The page's canonical and short links and its Drupal settings script (the first of
    each), found in one walk over the page's <link> and <script> elements."""

    url: str
    canonical: etree._Element | None = None
    shortlink: etree._Element | None = None
    settings: etree._Element | None = None

    @property
    def canonical_url(self) -> str | None:
        return _href(self.url, self.canonical)

    @property
    def shortlink_url(self) -> str | None:
        return _href(self.url, self.shortlink)

    def node_id(self) -> str | None:
        """The Drupal node id: settings JSON currentPath, else the shortlink, else the URL."""
        script = self.settings
        if script is not None and script.text:
            match = CURRENT_PATH_NODE.search(script.text)
            if match:
                return match.group(1)
            try:
                current_path = json.loads(script.text).get("path", {}).get("currentPath", "")
                return node_id_from_url("/" + current_path)
            except (ValueError, AttributeError):
                pass
        return node_id_from_url(self.shortlink_url) or node_id_from_url(self.url)


def _head_links(root: etree._Element, url: str) -> _HeadLinks:
    links = _HeadLinks(url)
    for el in root.iter("link", "script"):
        if el.tag == "script":
            if links.settings is None and el.get("data-drupal-selector") == "drupal-settings-json":
                links.settings = el
        elif links.canonical is None and el.get("rel") == "canonical":
            links.canonical = el
        elif links.shortlink is None and el.get("rel") == "shortlink":
            links.shortlink = el
    return links


def _href(url: str, link: etree._Element | None) -> str | None:
    return absolute(url, link.get("href")) if link is not None else None


def _unique(values) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


COLLECTION_LINK = re.compile(r"^/(?:topics/[^/?#]+|collection/\d+/[^/?#]+)/?$")


def parse_collection_index(html: str | bytes | etree._Element, url: str) -> CollectionIndex:
    """The collections an index page lists: topic pages (current) or legacy collections."""
    return CollectionIndex(url, SiteGeneration.CURRENT, collection_links(html, url))


def collection_links(html: str | bytes | etree._Element, url: str) -> list[str]:
    """The links to collections on an index page.

    Scoped to `<main>` when there is one: the header megamenus list topics too.
    """
    root = load_html(html)
    scope = find_main(root)
    if scope is None:
        scope = root
    links = []
    for link in scope.iter("a"):
        href = absolute(url, link.get("href"))
        if (
            href
            and COLLECTION_LINK.match(urlsplit(href).path)
            and href.rstrip("/") != url.rstrip("/")
        ):
            links.append(href)
    return list(dict.fromkeys(links))
