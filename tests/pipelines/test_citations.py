"""parse_citations on real strings (the fixture table, the corpus of captured pages), the
archive table, the pipeline, and properties."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fixtures.real_citations import differences, load, measure
from items import DocumentItem
from pipelines.archive_table import ARCHIVES
from pipelines.citations import CitationsPipeline, archive_for, parse_citations

# The seed pages', the mirror's and the site notes' source fields, and the strings issue 14
# quotes: every one exactly right. fixtures/real/sources.toml: the strings of real captured
# pages, measured as a share.
TABLE = load(Path(__file__).parent / "data" / "citations.toml")
REAL = load()
TARGET = 0.95


@pytest.mark.parametrize("case", TABLE, ids=[c.text[:60] for c in TABLE])
def test_fixture_citation_strings(case):
    assert differences(case) == []


def test_the_tables_are_large():
    assert len(TABLE) >= 90
    assert len(REAL) >= 150
    assert len({slug for source in REAL for slug in source.slugs}) >= 150


def test_the_share_of_real_strings_parsed_exactly(capsys):
    right, misses = measure(REAL)
    with capsys.disabled():
        print(
            f"\n{right} of {len(REAL)} real source strings parsed exactly ({right / len(REAL):.1%})"
        )
    assert right / len(REAL) >= TARGET, "\n".join(f"{s.text}: {d}" for s, d in misses)


def test_the_comparison_catches_a_wrong_parse():
    """The measure itself: a string whose expectation is changed is reported."""
    case = next(c for c in REAL if c.citations and c.citations[0].get("fond"))
    wrong = replace(case, citations=[case.citations[0] | {"fond": "999"}, *case.citations[1:]])
    assert any("fond: expected '999'" in line for line in differences(wrong))
    assert differences(replace(case, credits={"translated_by": ["Nobody"]}))


def test_every_corpus_archive_is_in_the_table():
    """Every archive a real string cites resolves to the table's canonical name."""
    names = {c["archive"] for s in REAL for c in s.citations if c.get("archive")}
    table = {record.name for record in ARCHIVES}
    assert names - table == set()


@pytest.mark.parametrize(
    ("name", "archive"),
    [("Jilin Provincial Archive", "Jilin Provincial Archives"),
     ("Hebei Provincial Archives", "Hebei Provincial Archives"),
     ("Archive of the Romanian Ministry of Foreign Affairs",
      "Diplomatic Archive of the Romanian Ministry of Foreign Affairs"),
     ("A.M.A.E.", "Diplomatic Archive of the Romanian Ministry of Foreign Affairs"),
     ("National Archives of South Africa", "National Archives of South Africa"),
     ("Mongol Ardyn Khuvsgalt Namyn Arkhiv", "Mongolian Revolutionary People's Party Archive"),
     ("MZV", "Archives of the Ministry of Foreign Affairs of the Czech Republic"),
     ("AMPJSh", "Archive of the Ministry of Foreign Affairs of Albania")],
)  # fmt: skip
def test_the_archives_issue_14_found_missing(name, archive):
    record = archive_for(name)
    assert record is not None and record.name == archive


def test_raw_text_is_kept_for_every_citation():
    """Each citation keeps its own text as written, without the credits of the field."""
    source = "APRF, Fond 45, Opis 1, Delo 340, Listy 86-88; AVP RF, Fond 059a, Opis 5a, Delo 5, Papka 11, Listy 51-53; and RGASPI, f. 558, op. 11, d. 341, ll. 86-88."
    assert [c.raw for c in parse_citations(source)] == [
        "APRF, Fond 45, Opis 1, Delo 340, Listy 86-88",
        "AVP RF, Fond 059a, Opis 5a, Delo 5, Papka 11, Listy 51-53",
        "RGASPI, f. 558, op. 11, d. 341, ll. 86-88",
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
        assert citation.kind in {"archive", "publication", "person", "unknown"}


@pytest.mark.parametrize("verb", ["Translated", "TRANSLATED", "Tranſlated", "tranſlated"])
def test_a_credit_verb_in_any_case_is_read(verb):
    """The credit patterns match case-insensitively, and Unicode folds the long s (ſ) to s:
    the verb is looked up by the same folding, not by lower() (which keeps the ſ)."""
    [citation] = parse_citations(f"RGASPI, fond 558. {verb} by John Smith.")
    assert citation.translated_by == ["John Smith"]
