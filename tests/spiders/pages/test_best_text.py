"""Which text pane becomes `text`: one rule for both site generations (spiders/pages/common.py)."""

from __future__ import annotations

import pytest

from spiders.pages import parse_current_document, parse_legacy_document

# A Russian transcript listed before a German translation, then (optionally) an English one.
PANES = [("transcript", "Russian", "Русский текст"), ("translation", "German", "Deutscher Text")]
ENGLISH = ("translation", "English", "English text")


def legacy_page(panes: list[tuple[str, str, str]]) -> str:
    tabs = "".join(
        f'<div class="tab-content {kind}" data-language="{language}"><p>{text}</p></div>'
        for kind, language, text in panes
    )
    return f"""<html><head><title>T</title></head><body>
    <div class="doc-head"><h1>Telegram</h1></div>
    <div class="doc-inf-information"><h4>Record ID</h4><p>1</p></div>
    <div class="doc-tabs">{tabs}</div></body></html>"""


def current_page(panes: list[tuple[str, str, str]]) -> str:
    tabs = "".join(
        f'<div class="tab-pane" id="{kind}-{language}"><p>{text}</p></div>'
        for kind, language, text in panes
    )
    return f"""<html><head><title>T</title></head><body><main id="main">
    <section class="jumbotron-document"><div class="content-block"><h1 class="title">Telegram</h1></div></section>
    <section class="document-container"><div id="documentTabs">{tabs}</div></section>
    </main></body></html>"""


PARSERS = [
    pytest.param(parse_legacy_document, legacy_page, id="legacy"),
    pytest.param(parse_current_document, current_page, id="current"),
]


@pytest.mark.parametrize(("parse", "page"), PARSERS)
def test_a_translation_beats_an_earlier_transcript(parse, page):
    assert parse(page(PANES), "https://x/document/1").text == "Deutscher Text"


@pytest.mark.parametrize(("parse", "page"), PARSERS)
def test_the_english_translation_beats_every_other_pane(parse, page):
    assert parse(page([*PANES, ENGLISH]), "https://x/document/1").text == "English text"


@pytest.mark.parametrize(("parse", "page"), PARSERS)
def test_a_transcript_when_there_is_no_translation(parse, page):
    assert parse(page(PANES[:1]), "https://x/document/1").text == "Русский текст"


@pytest.mark.parametrize(("parse", "page"), PARSERS)
def test_every_pane_is_kept_as_a_version(parse, page):
    versions = parse(page([*PANES, ENGLISH]), "https://x/document/1").versions
    assert [(v.type, v.language) for v in versions] == [
        (k, lang) for k, lang, _ in [*PANES, ENGLISH]
    ]
