"""The search syntax means the same on SQLite (FTS5) and PostgreSQL (tsvector): words (AND),
OR, NOT word and -word, "phrases", prefix*, --sort rank|date. The documents and the record
ids each query must return are written in data/search_syntax.toml."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from da_documents import database, item
from test_cli import da

from models.search import MAX_TERMS, STOP_WORDS, fts5_query, parse_query, tsquery

DATA = tomllib.loads((Path(__file__).parent / "data" / "search_syntax.toml").read_text())


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def syntax_db(request, tmp_path_factory):
    items = [item(d["record_id"], d["title"], d["text"], d["date"]) for d in DATA["documents"]]
    yield from database(request, tmp_path_factory, items)


def ids(capsys, db: str, *args: str) -> list[str]:
    code, out, err = da(capsys, "--db", db, "search", *args, "--json")
    assert code == 0, err
    return [hit["record_id"] for hit in json.loads(out)]


@pytest.mark.parametrize("case", DATA["queries"], ids=[q["query"] for q in DATA["queries"]])
def test_each_operator(capsys, syntax_db, case):
    assert sorted(ids(capsys, syntax_db, case["query"])) == sorted(case["expected"])


@pytest.mark.parametrize("case", DATA["sorted"], ids=[q["query"] for q in DATA["sorted"]])
def test_sort_by_date(capsys, syntax_db, case):
    assert ids(capsys, syntax_db, case["query"], "--sort", "date") == case["expected"]
    ranked = ids(capsys, syntax_db, case["query"], "--sort", "rank")
    assert sorted(ranked) == sorted(case["expected"])


def test_title_ranks_first(capsys, syntax_db):
    # "Bohlen" is in the titles of 900001 and 900003, the text of both: rank puts a title
    # match first; the bare query (no --sort) ranks.
    assert ids(capsys, syntax_db, "armistice")[0] == "900005"  # in its title and its text


@pytest.mark.parametrize("query", ["-bohlen", "NOT bohlen", '-"cold war"'])
def test_only_excluded_terms_is_one_line_and_exit_2(capsys, syntax_db, query):
    code, out, err = da(capsys, "--db", syntax_db, "search", "--", query)  # -word: after --
    assert code == 2 and out == ""
    assert err == (
        f"da search: nothing to search for in {query!r}: a query needs a word that is not excluded\n"
    )


def test_the_same_expression_for_both_engines():
    assert fts5_query("molotov -bohlen") == '("molotov") NOT "bohlen"'
    assert tsquery("molotov -bohlen") == "molotov & !bohlen"
    assert (
        fts5_query('armistice "cold war" OR truce*') == '"armistice" AND ("cold war" OR "truce"*)'
    )
    assert tsquery('armistice "cold war" OR truce*') == "armistice & ((cold <-> war) | truce:*)"
    parsed = parse_query("w b OR c NOT d -e")
    assert [[t.words for t in g] for g in parsed.groups] == [["w"], ["b", "c"]]
    assert [t.words for t in parsed.excluded] == ["d", "e"]


def test_operators_do_not_lift_the_term_cap():
    query = " OR ".join(f"w{i}" for i in range(200)) + " -x"
    parsed = parse_query(query)
    assert sum(len(g) for g in parsed.groups) + len(parsed.excluded) == MAX_TERMS
    assert parsed.excluded == []  # -x is beyond the cap


def test_unquoted_excluded_words_are_part_of_the_query(capsys, syntax_db):
    # da search molotov -bohlen, typed without quotes: -bohlen is no option but a word
    assert ids(capsys, syntax_db, "molotov", "-bohlen") == ["900002"]
    assert ids(capsys, syntax_db, "-bohlen", "molotov") == ["900002"]
    with pytest.raises(SystemExit) as exit_:  # argparse's usage error, as for any bad option
        da(capsys, "--db", syntax_db, "search", "molotov", "--bogus")
    assert exit_.value.code == 2
    assert "unrecognized arguments: --bogus" in capsys.readouterr().err


@pytest.mark.parametrize("query", ["the", "or not", "The OR of"])
def test_only_common_words_is_one_line_and_exit_2(capsys, syntax_db, query):
    code, out, err = da(capsys, "--db", syntax_db, "search", query)
    assert code == 2 and out == ""
    assert err.startswith(f"da search: nothing to search for in {query!r}: common words")
    assert err.count("\n") == 1


def test_the_common_words_are_postgresql_s():
    files = sorted(Path("/usr/share/postgresql").glob("*/tsearch_data/english.stop"))
    if not files:
        pytest.skip("no PostgreSQL english.stop on this machine")
    assert set(files[-1].read_text().split()) == STOP_WORDS
