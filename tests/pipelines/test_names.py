"""Names and titles: display and sort forms, document type, number, parties, pseudonyms."""

from __future__ import annotations

import tomllib

import pytest
from conftest import PROJECT
from hypothesis import given, settings
from hypothesis import strategies as st

from items import Alias, DocumentItem
from pipelines.names import NamesPipeline, parse_person_name, parse_title


@pytest.mark.parametrize(
    ("name", "display", "sort"),
    [
        ("Zhou, Enlai", "Zhou Enlai", "Zhou, Enlai"),
        ("Kim, Il Sung", "Kim Il Sung", "Kim, Il Sung"),
        ("Mao, Zedong", "Mao Zedong", "Mao, Zedong"),
        ("Peng, Dehuai", "Peng Dehuai", "Peng, Dehuai"),
        ("Rhee, Syngman", "Syngman Rhee", "Rhee, Syngman"),
        ("Clark, Mark W.", "Mark W. Clark", "Clark, Mark W."),
        (
            "Molotov, Vyacheslav Mikhailovich",
            "Vyacheslav Mikhailovich Molotov",
            "Molotov, Vyacheslav Mikhailovich",
        ),
        ("Thant, U", "U Thant", "Thant, U"),
        ("Communist Party of the Soviet Union. Central Committee",) * 3,
    ],
)
def test_person_names(name, display, sort):
    parsed = parse_person_name(name)
    assert (parsed.name, parsed.display_name, parsed.sort_name) == (name, display, sort)


def test_parenthesised_given_names_make_a_full_name_alias():
    parsed = parse_person_name("Eisenhower, Dwight D. (Dwight David)")
    assert (parsed.display_name, parsed.aliases) == (
        "Dwight D. Eisenhower",
        ("Dwight David Eisenhower",),
    )


def test_parenthesised_other_spelling_is_an_alias():
    parsed = parse_person_name("Pak, Song-chol (Pak Seong-cheol)")
    assert (parsed.display_name, parsed.aliases) == ("Pak Song-chol", ("Pak Seong-cheol",))


@pytest.mark.parametrize(
    ("title", "document_type", "number", "sender", "recipients"),
    [
        (
            "Ciphered Telegram No. 23256, Mao Zedong to Cde. Filippov [Stalin]",
            "Ciphered Telegram",
            "23256",
            "Mao Zedong",
            ["Stalin"],
        ),
        (
            "Ciphered telegram, Filippov (Stalin) to Mao Zedong",
            "Ciphered Telegram",
            None,
            "Stalin",
            ["Mao Zedong"],
        ),
        ("Memorandum from Gromyko to Razuvaev", "Memorandum", None, "Gromyko", ["Razuvaev"]),
        (
            "Ciphered telegram, Kim Il Sung to Stalin via Razuvaev",
            "Ciphered Telegram",
            None,
            "Kim Il Sung",
            ["Stalin"],
        ),
        (
            "Ciphered Telegram from Razuvaev to Kim Il Sung and Peng Dehuai",
            "Ciphered Telegram",
            None,
            "Razuvaev",
            ["Kim Il Sung", "Peng Dehuai"],
        ),
        ("Cable, Vyshinsky to Molotov [Top Secret]", "Cable", None, "Vyshinsky", ["Molotov"]),
        (
            "Cable No. 21340, Mao Zedong to Filippov [Stalin], 30 June 1950",
            "Cable",
            "21340",
            "Mao Zedong",
            ["Stalin"],
        ),
        (
            "Telegram No. 293, V. Molotov to Cde. Stalin, 29 October 1947",
            "Telegram",
            "293",
            "V. Molotov",
            ["Stalin"],
        ),
        (
            "Report, Zhou Enlai to the Chairman [Mao Zedong]",
            "Report",
            None,
            "Zhou Enlai",
            ["Mao Zedong"],
        ),
        ("Record of Molotov's Conversation with US Ambassador Bohlen", None, None, None, []),
        (
            "Minutes of Conversation between I.V. Stalin and Zhou Enlai",
            "Minutes of Conversation",
            None,
            None,
            [],
        ),
        ("CPSU Central Committee Decision", "Decision", None, None, []),
        (
            "Confidential Memorandum, Before Agreeing to the Armistice Agreement",
            "Memorandum",
            None,
            None,
            [],
        ),
        ("Report No. 3 of the Embassy of the People’s Republic of Poland", "Report", "3", None, []),
        (
            "Excerpt from Minutes Nº 68 of the CC Politburo Meeting of 18 March 1949",
            "Excerpt",
            "68",
            None,
            [],
        ),
    ],
)
def test_titles(title, document_type, number, sender, recipients):
    parts = parse_title(title)
    assert (parts.document_type, parts.number, parts.sender, parts.recipients) == (
        document_type,
        number,
        sender,
        recipients,
    )


@pytest.mark.parametrize(
    "title",
    [
        "Ciphered Telegram No. 23256, Mao Zedong to Cde. Filippov [Stalin]",
        "Ciphered telegram, Filippov (Stalin) to Mao Zedong",
    ],
)
def test_pseudonym_resolves_to_the_real_name(title):
    assert parse_title(title).aliases == [Alias("Stalin", "Filippov")]


def test_an_office_is_not_a_pseudonym():
    assert parse_title("Report, Zhou Enlai to the Chairman [Mao Zedong]").aliases == []


def test_pipeline_keeps_the_page_type_and_adds_title_parts():
    item = DocumentItem(
        url="u",
        title="Cable No. 21340, Mao Zedong to Filippov [Stalin]",
        document_type="Telegram",
        authors=["Mao, Zedong"],
        people=["Stalin, Joseph"],
    )
    NamesPipeline().process_item(item)
    assert (item.document_type, item.number, item.sender, item.recipients) == (
        "Telegram",
        "21340",
        "Mao Zedong",
        ["Stalin"],
    )
    assert [p.display_name for p in item.persons] == ["Mao Zedong", "Joseph Stalin"]


@settings(deadline=None)  # properties, not timings
@given(st.text(max_size=120))
def test_no_title_raises(title):
    parse_title(title)


@settings(deadline=None)  # properties, not timings
@given(st.text(max_size=60))
def test_no_name_raises(name):
    parse_person_name(name)


# Real names as the archive writes them, with display and sort forms written by reading
# (fixtures/real/names.toml, gathered from captured pages).
REAL_NAMES = tomllib.loads((PROJECT / "fixtures" / "real" / "names.toml").read_text())["name"]


def test_the_real_names_are_many():
    assert len(REAL_NAMES) >= 70


@pytest.mark.parametrize("case", REAL_NAMES, ids=[c["name"] for c in REAL_NAMES])
def test_real_names(case):
    parsed = parse_person_name(case["name"])
    assert (parsed.display_name, parsed.sort_name) == (
        " ".join(case["display"].split()),
        " ".join(case["sort"].split()),
    )


@pytest.mark.parametrize(
    ("name", "display", "sort"),
    [("Harrison, William K., Jr.", "William K. Harrison Jr.", "Harrison, William K., Jr."),
     ("King, Martin Luther, Jr.", "Martin Luther King Jr.", "King, Martin Luther, Jr."),
     ("Gaulle, Charles de", "Charles de Gaulle", "Gaulle, Charles de"),
     ("Weizsäcker, Richard von", "Richard von Weizsäcker", "Weizsäcker, Richard von"),
     ("Ho, Chi Minh", "Ho Chi Minh", "Ho, Chi Minh"),
     ("United States. Department of State",) * 3,
     ("Central Committee, Communist Party of Czechoslovakia",) * 3],
)  # fmt: skip
def test_suffixes_particles_and_organisations(name, display, sort):
    """The forms issue 14 found wrong ("William K., Jr. Harrison"), and bodies never split."""
    parsed = parse_person_name(name)
    assert (parsed.display_name, parsed.sort_name) == (display, sort)
