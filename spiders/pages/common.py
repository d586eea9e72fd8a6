"""Helpers shared by the page parsers: HTML loading, whitespace, text extraction, URLs."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from urllib.parse import urljoin

from lxml import etree
from lxml.cssselect import CSSSelector

# Elements whose content is never text a reader sees: translations pasted from Word carry
# their own <meta>, <title> and <style> (generated `cs…` classes), and Cloudflare injects
# <script> tags into them.
NON_TEXT_TAGS = ("script", "style", "meta", "title", "link", "noscript", "object", "iframe")
BLOCK_TAGS = tuple(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 tr table blockquote section pre hr dd dt".split()
)
RECORD_ID_IN_URL = re.compile(r"/document/(\d+)(?:[/?#.]|$)")
NODE_ID_IN_URL = re.compile(r"/node/(\d+)(?:[/?#]|$)")
DEPTH_LIMIT = re.compile(r"excessive depth in document: (\d+)", re.I)
# libxml2's messages for its resource limits (older versions report them as internal errors).
LIMIT_MESSAGE = re.compile(r"excessive depth|huge text|buffer size limit|resource limit", re.I)


def css(selector: str) -> CSSSelector:
    """Compile a CSS selector once, at import time (lxml translates it to XPath)."""
    return CSSSelector(selector)


def xpath(expression: str) -> etree.XPath:
    """Compile an XPath expression once, at import time."""
    return etree.XPath(expression)


def xpath_strings(expression: str) -> etree.XPath:
    """An XPath for text or attribute values, compiled once: plain strs (lxml's default
    "smart" strings keep a reference to their tree)."""
    return etree.XPath(expression, smart_strings=False)


# The elements with inline CSS, the element itself included (the attribute axis: one fast walk).
STYLED = xpath(".//@style/..")


class PartialParse(ValueError):
    """lxml stopped before the end of the page (a resource limit: elements nested deeper than
    256, a text node over 10 MB): the tree holds only the start of the page, so whatever is
    parsed from it would be a partial row. The message is the quarantine reason."""


def _limit_reason(message: str) -> str:
    if match := DEPTH_LIMIT.search(message):
        return f"excessive depth (lxml limit {match.group(1)})"
    if LIMIT_MESSAGE.search(message):
        return "a text or attribute over lxml's size limit (10 MB)"
    return " ".join(message.split())


def load_html(html: str | bytes | etree._Element) -> etree._Element:
    """Parse a page (or pass a parsed one through); tolerant of truncated, malformed markup.

    Raises PartialParse when lxml could not read the page whole: libxml2 reports its resource
    limits (depth 256, 10 MB text nodes) as fatal errors and stops there, silently returning
    the start of the page. `huge_tree` would lift the limits, but it also drops libxml2's
    protection against hostile markup, so it is not used: no page of the archive comes near
    them, and a page that does is quarantined, not stored partly."""
    if isinstance(html, etree._Element):
        return html
    if isinstance(html, str):
        # lxml refuses str input that declares an encoding; drop the declaration.
        html = re.sub(r"^\s*<\?xml[^>]*>", "", html)
    if not html or not str(html).strip():
        raise ValueError("empty page")
    parser = _parser()
    root = etree.fromstring(html, parser)
    if root is None:  # (what lxml.html.document_fromstring said: nothing but comments)
        raise etree.ParserError("Document is empty")
    for error in parser.error_log:  # this parse's errors: each parse starts a new log
        if error.level == etree.ErrorLevels.FATAL and (
            error.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT or LIMIT_MESSAGE.search(error.message)
        ):  # other fatal errors (an unknown encoding name) do not stop the parse
            raise PartialParse(f"page could not be parsed whole: {_limit_reason(error.message)}")
    return root


_PARSERS = threading.local()


def _parser() -> etree.HTMLParser:
    """This thread's HTML parser, made once: lxml's plain HTMLParser, not lxml.html's, whose
    Python element classes are looked up for every element touched (a third of the
    extraction's time). The same libxml2 parse: the same tree. One per thread, because the
    error log read after a parse is the parser's."""
    parser = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = _PARSERS.parser = etree.HTMLParser()
    return parser


def find_main(root: etree._Element) -> etree._Element | None:
    """The CSS selector `main#main` (the first such element, the root included) by lxml's
    tag-filtered walk: half the cost of the query."""
    return next((el for el in root.iter("main") if el.get("id") == "main"), None)


def text_content(el: etree._Element) -> str:
    """All the text inside an element, as lxml.html's `text_content()` gives it (the text
    nodes in document order; no comments), serialized by libxml2 in one call."""
    return etree.tostring(el, method="text", encoding="unicode", with_tail=False)


CLASS_SPACE = re.compile("[ \t\r\n]+")  # what CSS class selectors split on (not NBSP)


def has_class(el: etree._Element, name: str) -> bool:
    """What the CSS selector `.name` tests (a class token), without a query."""
    return name in CLASS_SPACE.split(el.get("class", ""))


def squash(text: str | None) -> str | None:
    """Collapse all whitespace (non-breaking spaces included) to single spaces; '' -> None."""
    if text is None:
        return None
    text = " ".join(text.split())
    return text or None


def text_of(el: etree._Element | None) -> str | None:
    """Whitespace-normalized text content of an element, or None."""
    if el is None:
        return None
    return squash(text_content(el))


def first(elements: list) -> etree._Element | None:
    return elements[0] if elements else None


def texts(elements: list) -> list[str]:
    """Normalized, non-empty texts of elements, in order, without duplicates."""
    seen: dict[str, None] = {}
    for el in elements:
        value = text_of(el)
        if value:
            seen.setdefault(value, None)
    return list(seen)


def strip_non_text(el: etree._Element) -> None:
    """Remove scripts, styles, metadata and inline CSS from an element tree, in place."""
    etree.strip_elements(el, *NON_TEXT_TAGS, with_tail=False)
    for node in STYLED(el):
        del node.attrib["style"]
    # Comments (Word conditional comments, Drupal debug) are not text either; their tail
    # text is kept.
    etree.strip_tags(el, etree.Comment)


def inner_html(el: etree._Element) -> str:
    """The serialized children of an element (its own tag left out)."""
    parts = [el.text or ""]
    parts += [etree.tostring(child, method="html", encoding="unicode") for child in el]
    return "".join(parts).strip()


def block_text(el: etree._Element) -> str | None:
    """Readable plain text: one normalized line per block element, blank line between.

    Mutates `el` (adds line breaks at block boundaries); call it last on a tree.
    """
    for node in el.iter(*BLOCK_TAGS):
        node.tail = "\n" + (node.tail or "")
        node.text = "\n" + (node.text or "")
    lines = (" ".join(line.split()) for line in text_content(el).split("\n"))  # squash, inline
    return "\n\n".join(line for line in lines if line) or None


# The links of almost every page: an http(s) URL or a root-relative path, plain segments
# only. For them `urljoin` (about 15 µs a call) gives the link itself, or the page's origin
# and the path; anything else goes through `urljoin` (tests/spiders/pages/test_absolute.py
# checks the two agree).
_SEGMENTS = r"(?:/(?!\.\.?(?:/|$))[A-Za-z0-9._~!$&'()*+,=:@%-]+)*/?"
PLAIN_ABSOLUTE = re.compile(rf"https?://[A-Za-z0-9.:-]+{_SEGMENTS}")
PLAIN_ROOTED = re.compile(rf"(?=/)(?!//){_SEGMENTS}")
PLAIN_BASE = re.compile(r"(https?://[A-Za-z0-9.:-]+)(?:[/?#][^\t\r\n]*)?")


def absolute(base_url: str, href: str | None) -> str | None:
    """Resolve a link against the page URL; hrefs with raw spaces are kept as written."""
    if not href or not href.strip():
        return None
    href = href.strip()
    base = PLAIN_BASE.fullmatch(base_url)
    if base is not None:
        if PLAIN_ABSOLUTE.fullmatch(href):
            return href
        if PLAIN_ROOTED.fullmatch(href):
            return base.group(1) + href
    return urljoin(base_url, href)


def record_id_from_url(url: str | None) -> str | None:
    match = RECORD_ID_IN_URL.search(url or "")
    return match.group(1) if match else None


def node_id_from_url(url: str | None) -> str | None:
    match = NODE_ID_IN_URL.search(url or "")
    return match.group(1) if match else None


def split_names(value: str | None) -> list[str]:
    """Split a donor-style list: 'A and B', 'A, B and C', 'A; B'."""
    if not value:
        return []
    parts = re.split(r"\s*;\s*|\s*,\s*(?:and\s+)?|\s+and\s+|\s+&\s+", value)
    return [p for p in (squash(p) for p in parts) if p]


def best_text(
    panes: Sequence[tuple[str, str | None, etree._Element]],
) -> etree._Element | None:
    """Which of a document's text panes becomes its `text`, on both site generations:
    the English translation, else the first translation, else the English transcript, else
    the first transcript. `panes` are (version type, language, element) in page order."""
    for kind in ("translation", "transcript"):
        candidates = [(language, pane) for type_, language, pane in panes if type_ == kind]
        for language, pane in candidates:
            if (language or "").lower() == "english":
                return pane
        if candidates:
            return candidates[0][1]
    return None
