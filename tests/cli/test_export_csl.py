"""`da export --format csl-json` read by citeproc-py and rendered in the Chicago author-date
style (tests/cli/data/chicago-author-date.csl, CC BY-SA 3.0): each item is a CSL
`manuscript` with `archive`, `archive_location`, `archive-place`, `issued` (date parts by
precision, two for a range, `circa`), `translator`, `URL`, `accessed`; the rendered
reference shows the archive and where in it the document is."""

from __future__ import annotations

import json
from pathlib import Path

from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from export_expected import CATALOG, expected, export_db, run_export  # noqa: F401

STYLE = Path(__file__).parent / "data" / "chicago-author-date.csl"
RENDER_EVERY = 25  # citeproc-py takes ~40 ms an item: 3,000 synthetic ones are sampled


def issued(doc: dict) -> dict | None:
    """CSL's issued, from the spec: [[y, m, d]] by precision; a range as two date parts."""
    start, end, precision = doc["date_start"], doc["date_end"], doc["date_precision"]
    if not start:
        return None
    y, m, d = (int(p) for p in start[:10].split("-"))
    ey, em, ed = (int(p) for p in end[:10].split("-"))
    parts = {
        "day": [[y, m, d]],
        "month": [[y, m]],
        "year": [[y]],
        "decade": [[y], [ey]],
        "range": [[y, m, d], [ey, em, ed]],
    }[precision]
    return {"date-parts": parts} | ({"circa": True} if doc["date_circa"] else {})


def name(value: str) -> dict:
    if "," in value:
        family, given = value.split(",", 1)
        return {"family": family.strip(), "given": given.strip()}
    return {"literal": value}


def render(items: list[dict]) -> dict[str, str]:
    """Each item's bibliography entry in the Chicago style, as plain text."""
    style = CitationStylesStyle(str(STYLE), validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    keys = [item.key for item in bibliography.items]
    return dict(zip(keys, (str(entry) for entry in bibliography.bibliography()), strict=True))


def test_csl_items_and_their_chicago_rendering(export_db, tmp_path, capsys):  # noqa: F811
    items = json.loads(run_export(export_db, "csl-json", tmp_path / "export.json", capsys))
    docs = expected(export_db)
    assert len(items) == len(docs)
    by_id = {item["id"]: item for item in items}
    assert set(by_id) == {f"da{r}" for r in docs}
    for record_id, doc in docs.items():
        item = by_id[f"da{record_id}"]
        assert item["type"] == "manuscript"
        assert item["title"] == " ".join(doc["title"].split())
        assert item.get("archive") == doc["archive"]
        assert item.get("archive_location") == doc["location"]
        assert item.get("archive-place") == doc["country"]
        assert item.get("issued") == issued(doc)
        assert item.get("author", []) == [name(a) for a in doc["authors"]]
        assert item.get("translator", []) == [{"literal": t} for t in doc["translators"]]
        assert item.get("URL") == doc["page_url"]
        assert item["source"] == CATALOG
        assert item.get("abstract") == doc["summary"]
        assert item.get("language") == (", ".join(doc["languages"]) or None)
        if doc["fetched_at"]:
            y, m, d = (int(p) for p in doc["fetched_at"][:10].split("-"))
            assert item["accessed"] == {"date-parts": [[y, m, d]]}
    sample = items if len(items) < 200 else items[::RENDER_EVERY]
    rendered = render(sample)
    assert len(rendered) == len(sample)
    for item in sample:
        text = rendered[item["id"].lower()]
        assert item["title"][:20] in text
        if item.get("archive"):
            assert item["archive"] in text, text
        if item.get("archive_location"):
            # Chicago capitalises the location's first letter ("F. 45, op. 1, …")
            location = item["archive_location"]
            assert location[0].upper() + location[1:] in text, text
        if item.get("archive-place"):
            assert f"{item['archive']}, {item['archive-place']}" in text


def test_chicago_shows_the_mao_telegram_archive_and_location(crawled_db, tmp_path, capsys):
    items = json.loads(run_export(crawled_db, "csl-json", tmp_path / "export.json", capsys))
    mao = next(i for i in items if i["id"] == "da113071")
    text = render([mao])["da113071"]
    assert text == (
        "Mao, Z. 1951. “Ciphered Telegram No. 23256, Mao Zedong to Cde. Filippov [Stalin]”. "
        "Telegram. August 27. F. 45, op. 1, d. 340, ll. 86-88. Archive of the President of "
        "the Russian Federation, Russia. https://digitalarchive.wilsoncenter.org/document/"
        "ciphered-telegram-no-23256-mao-zedong-cde-filippov-stalin."
    )
