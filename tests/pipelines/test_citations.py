"""parse_citations: a table of real citation strings, the pipeline, and properties."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from items import DocumentItem
from pipelines.archive_table import ARCHIVES
from pipelines.citations import CitationsPipeline, archive_for, parse_citations

TABLE = tomllib.loads((Path(__file__).parent / "data" / "citations.toml").read_text())["source"]
FIELDS = ("repository", "repository_name", "kind", "fond", "opis", "delo", "papka", "listy",
          "reference", "publication")  # fmt: skip
CREDITS = ("translated_by", "contributed_by", "obtained_by", "transcribed_by", "edited_by")


def expected(citation: dict) -> dict:
    return (
        {name: citation.get(name) for name in FIELDS}
        | {name: citation.get(name, []) for name in CREDITS}
        | {"parsed": citation.get("parsed", True)}
    )


def actual(citation) -> dict:
    return {name: getattr(citation, name) for name in (*FIELDS, *CREDITS, "parsed")}


@pytest.mark.parametrize("case", TABLE, ids=[c["text"][:60] for c in TABLE])
def test_real_citation_strings(case):
    assert [actual(c) for c in parse_citations(case["text"])] == [
        expected(c) for c in case["citation"]
    ]


def test_the_table_is_large():
    assert len(TABLE) >= 40


def test_raw_text_is_kept_for_every_citation():
    source = "APRF, Fond 45, Opis 1, Delo 340, Listy 86-88; AVP RF, Fond 059a, Opis 5a, Delo 5, Papka 11, Listy 51-53; and RGASPI, f. 558, op. 11, d. 341, ll. 86-88."
    assert [c.raw for c in parse_citations(source)] == [
        "APRF, Fond 45, Opis 1, Delo 340, Listy 86-88",
        "AVP RF, Fond 059a, Opis 5a, Delo 5, Papka 11, Listy 51-53",
        "RGASPI, f. 558, op. 11, d. 341, ll. 86-88.",
    ]


def test_archive_is_recognised_by_full_name_and_alias():
    assert archive_for("Russian State Archive of Socio-Political History").abbreviation == "RGASPI"
    assert archive_for("United Nations Archives and Management Section") is archive_for("UN ARMS")


def test_archive_table_keys_are_unique():
    keys = [k for a in ARCHIVES for k in (a.name, a.abbreviation, *a.aliases) if k]
    assert len(keys) == len(set(keys))


def test_pipeline_adds_citations():
    item = DocumentItem(url="u", source="RGASPI, f. 558, op. 11, d. 341, ll. 86-88.")
    CitationsPipeline().process_item(item)
    [citation] = item.citations
    assert (citation.repository, citation.fond, citation.country) == (
        "RGASPI",
        "558",
        "Russia",
    )


@pytest.mark.parametrize("source", [None, "", "   "])
def test_no_source_no_citations(source):
    assert parse_citations(source) == []


@settings(deadline=None)  # properties, not timings
@given(st.text(max_size=200))
def test_no_input_raises_and_raw_is_kept(text):
    for citation in parse_citations(text):
        assert citation.raw
        assert citation.kind in {"archive", "publication", "unknown"}
