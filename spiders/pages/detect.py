"""Which page is this? Page type and site generation, decided from the markup.

The URL alone cannot tell: `/document/{id}` answers with legacy markup on old captures and
redirects to a current slug page today, and a Cloudflare challenge comes back with status 200
at any URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from items import PageType, SiteGeneration
from spiders.pages.common import (
    css,
    find_main,
    has_class,
    load_html,
    squash,
    text_content,
    text_of,
    xpath_strings,
)

CHALLENGE_TITLE = re.compile(
    r"^(just a moment|attention required|access denied|please wait|checking your browser)",
    re.I,
)
CHALLENGE_IDS = frozenset(
    "challenge-form challenge-stage challenge-running cf-challenge-running cf-wrapper "
    "cf-error-details challenge-body-text".split()
)
# Looked up in the id table libxml2 keeps while parsing (XPath's id()): no walk of the page.
HAS_ID = etree.XPath("boolean(id($ids))")
CHALLENGE_ID_LIST = " ".join(sorted(CHALLENGE_IDS))
# Real document pages carry an inline script that loads /cdn-cgi/challenge-platform/…/jsd;
# only the challenge interstitial defines _cf_chl_opt. Matched in lowercased script text:
# the same matches as re.I (no other character folds to these letters), far faster.
CHALLENGE_SCRIPT_MARKS = ("_cf_chl_opt", "cf_chl_prog", "managed_challenge")
SCRIPT_TEXTS = xpath_strings("descendant-or-self::script/text()")
BLOCKED_TEXT = re.compile(r"you have been blocked|enable javascript and cookies to continue", re.I)
BLOCKED_WORDS = ("blocked", "cookies")
ERROR_TITLE = re.compile(r"^(page not found|404\b|not found|error\b)", re.I)

CURRENT_COLLECTION = css("main section.jumbotron-topic, main section.jumbotron-collection")
CURRENT_INDEX = css("main .topic-list, main .topics-index")
CURRENT_LISTING = css("main table.table-striped, main .view-search, main .views-element-container")
LEGACY_DOCUMENT = css(".doc-inf-information")
LEGACY_COLLECTION = css(".collection-info")
LEGACY_LISTING = css(".search-res")


FAILURES = frozenset({PageType.CHALLENGE, PageType.ERROR, PageType.UNKNOWN})
CURRENT, LEGACY = SiteGeneration.CURRENT, SiteGeneration.LEGACY


@dataclass(frozen=True)
class PageKind:
    type: PageType
    generation: SiteGeneration | None = None
    reason: str | None = None  # why a challenge or error page was recognised

    @property
    def is_failure(self) -> bool:
        return self.type in FAILURES


def detect_page(
    html: str | bytes | etree._Element, url: str = "", raw: str | bytes | None = None
) -> PageKind:
    """Classify a page. Never raises on bad markup: an unparseable page is 'unknown'.

    `raw`, the page's text when `html` is already parsed, lets most pages skip the
    challenge checks."""
    try:
        root = load_html(html)
    except (ValueError, etree.ParserError) as exc:
        return PageKind(PageType.UNKNOWN, reason=f"unparseable page: {exc}")
    if raw is None and not isinstance(html, etree._Element):
        raw = html
    title = text_of(page_title(root))
    # A page is a challenge when both the tree and the raw text's pre-check say so. A text
    # the pre-check has just cleared (the retry middleware checks every response) needs no
    # tree checks; otherwise the tree's go first, cheaper than the pre-check, which then only
    # confirms a page they flag.
    if raw is None or not cleared(raw):
        challenge = _challenge_reason(root, title)
        if challenge and (raw is None or might_be_challenge(raw)):
            return PageKind(PageType.CHALLENGE, reason=challenge)
    title = title or ""
    if ERROR_TITLE.match(title):
        return PageKind(PageType.ERROR, reason=f"error page: {title}")

    if _has_drupal_markers(root) or find_main(root) is not None:
        if _is_current_document(root):
            return PageKind(PageType.DOCUMENT, CURRENT)
        if CURRENT_COLLECTION(root):
            return PageKind(PageType.COLLECTION, CURRENT)
        if CURRENT_LISTING(root):
            return PageKind(PageType.LISTING, CURRENT)
        if CURRENT_INDEX(root):
            return PageKind(PageType.INDEX, CURRENT)
        return PageKind(PageType.UNKNOWN, CURRENT, reason="current-site page of an unknown type")
    if LEGACY_DOCUMENT(root):
        return PageKind(PageType.DOCUMENT, LEGACY)
    if LEGACY_COLLECTION(root):
        return PageKind(PageType.COLLECTION, LEGACY)
    if LEGACY_LISTING(root):
        return PageKind(PageType.LISTING, LEGACY)
    return PageKind(PageType.UNKNOWN, reason="not a Digital Archive page (no known markup)")


# The markers below are looked up by lxml's tag-filtered walks (in C, no query to evaluate)
# with the attribute tests in Python: the same elements as the CSS selectors they replace,
# which cost a query each.


def page_title(root: etree._Element) -> etree._Element | None:
    """`head > title`: the first <title> that is a child of a <head>."""
    return next((el for el in root.iter("title") if _parent_tag(el) == "head"), None)


def _parent_tag(el: etree._Element) -> str | None:
    parent = el.getparent()
    return parent.tag if parent is not None else None


def _has_drupal_markers(root: etree._Element) -> bool:
    """The Drupal settings script, or `<meta name="Generator" content="Drupal …">`."""
    for el in root.iter("script", "meta"):
        if el.tag == "script":
            if el.get("data-drupal-selector") == "drupal-settings-json":
                return True
        elif el.get("name") == "Generator" and el.get("content", "").startswith("Drupal"):
            return True
    return False


def _is_current_document(root: etree._Element) -> bool:
    """`main section.jumbotron-document`: such a section inside a <main>."""
    return any(
        has_class(section, "jumbotron-document")
        for main in root.iter("main")
        for section in main.iterdescendants("section")
    )


# Every challenge or block page contains one of these; ordinary pages (even those with
# Cloudflare's inline /cdn-cgi/challenge-platform script) contain none, so most pages are
# cleared by one search of their text instead of several walks of their tree.
CHALLENGE_HINTS = (
    "just a moment", "attention required", "access denied", "please wait", "checking your browser",
    "challenge-form", "challenge-stage", "challenge-running", "cf-wrapper", "cf-error-details",
    "challenge-body-text", "_cf_chl_opt", "cf_chl_prog", "managed_challenge", "have been blocked",
    "enable javascript and cookies",
)  # fmt: skip


# The last texts the pre-check cleared, by identity (kept here, so that no other text takes
# their id while they are): the retry middleware checks each response's text, and the page
# parser, given the same str object, then knows the answer without a second search.
_CLEARED: dict[int, str] = {}
CLEARED_KEPT = 64  # more than the responses between the middleware and the spider


def might_be_challenge(raw: str | bytes) -> bool:
    """Substring tests on the lowercased text: much cheaper than a regex or a tree walk."""
    if cleared(raw):
        return False
    text = raw.lower() if isinstance(raw, str) else raw.decode("utf-8", "replace").lower()
    if any(hint in text for hint in CHALLENGE_HINTS):
        return True
    if isinstance(raw, str):
        if len(_CLEARED) >= CLEARED_KEPT:
            _CLEARED.pop(next(iter(_CLEARED)), None)  # the oldest
        _CLEARED[id(raw)] = raw
    return False


def cleared(raw: str | bytes) -> bool:
    """Whether this very text (the same object) was just cleared by `might_be_challenge`."""
    return isinstance(raw, str) and _CLEARED.get(id(raw)) is raw


def challenge_reason(root: etree._Element) -> str | None:
    """Why this page is a Cloudflare challenge or block page, or None if it is not."""
    return _challenge_reason(root, text_of(page_title(root)))


def _challenge_reason(root: etree._Element, title: str | None) -> str | None:
    if title and CHALLENGE_TITLE.match(title):
        return f"challenge page: title {title!r}"
    if HAS_ID(root, ids=CHALLENGE_ID_LIST):
        return "challenge page: Cloudflare challenge form"
    for script in SCRIPT_TEXTS(root):
        text = script.lower()
        if any(mark in text for mark in CHALLENGE_SCRIPT_MARKS):
            return "challenge page: Cloudflare challenge script"
    for heading in root.iter("h1", "h2"):
        raw = text_content(heading)
        # BLOCKED_TEXT cannot match without these words (exact for ASCII text: see
        # pipelines/citations.py's may_contain; spaces do not matter, the words have none).
        if raw.isascii() and not any(word in raw.lower() for word in BLOCKED_WORDS):
            continue
        heading_text = squash(raw) or ""
        if BLOCKED_TEXT.search(heading_text):
            return f"block page: {heading_text}"
    return None
