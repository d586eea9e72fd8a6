"""`da`'s limits (issue 15): on PostgreSQL every query of `da` is cut by the server after
DA_STATEMENT_TIMEOUT seconds (a killed client leaves nothing running long), crawls are not;
a query of thousands of words is cut to its first MAX_TERMS terms, with a one-line notice, so
the full-text expression stays bounded."""

from __future__ import annotations

import pytest
from conftest import run_scrapy
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from cli.main import da_engine, main
from models.db import make_engine
from models.search import MAX_TERMS, dropped_terms, fts5_query, terms, tsquery

WORDS = " ".join(f"word{i}" for i in range(4000))


@pytest.mark.postgres
def test_da_queries_have_a_statement_timeout_and_crawls_do_not(postgres_url, monkeypatch):
    monkeypatch.delenv("DA_STATEMENT_TIMEOUT", raising=False)
    engine = da_engine(postgres_url)
    with engine.connect() as conn:
        assert conn.execute(text("SHOW statement_timeout")).scalar() == "30s"
    engine.dispose()
    monkeypatch.setenv("DA_STATEMENT_TIMEOUT", "0.2")
    engine = da_engine(postgres_url)
    with engine.connect() as conn:
        assert conn.execute(text("SHOW statement_timeout")).scalar() == "200ms"
        with pytest.raises(OperationalError, match="statement timeout"):
            conn.execute(text("SELECT pg_sleep(30)"))
    engine.dispose()
    crawl_engine = make_engine(postgres_url)
    with crawl_engine.connect() as conn:
        assert conn.execute(text("SHOW statement_timeout")).scalar() == "0"
    crawl_engine.dispose()


@pytest.mark.postgres
def test_no_statement_timeout_when_set_to_0(postgres_url, monkeypatch):
    monkeypatch.setenv("DA_STATEMENT_TIMEOUT", "0")
    engine = da_engine(postgres_url)
    with engine.connect() as conn:
        assert conn.execute(text("SHOW statement_timeout")).scalar() == "0"
    engine.dispose()


def test_a_bad_statement_timeout_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DA_STATEMENT_TIMEOUT", "soon")
    assert main(["--db", f"sqlite:///{tmp_path / 'a.db'}", "stats"]) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        "da stats: DA_STATEMENT_TIMEOUT must be a number of seconds, not 'soon'"
    ]


def test_a_bad_database_url_is_one_line_and_exit_2(capsys):
    assert main(["--db", "mysql://u:secret99@h/d", "stats"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "unsupported database 'mysql'" in err
    assert "secret99" not in err


def test_a_long_query_is_cut_to_max_terms():
    assert len(terms(WORDS)) == MAX_TERMS
    assert dropped_terms(WORDS) == 4000 - MAX_TERMS
    assert dropped_terms("korea armistice") == 0
    short = fts5_query(" ".join(WORDS.split()[:MAX_TERMS]))
    assert fts5_query(WORDS) == short  # bounded: the same expression as the first terms alone
    assert len(tsquery(WORDS)) == len(tsquery(" ".join(WORDS.split()[:MAX_TERMS])))
    phrase = '"' + WORDS + '"'
    assert len(fts5_query(phrase).split()) <= 32


def test_da_search_with_4000_words_answers_with_a_notice(database_url, capsys, monkeypatch):
    result = run_scrapy(
        "crawl", "document", "-a", "id=113071", "-s", "DA_OFFLINE=1",
        "-s", f"DATABASE_URL={database_url}", env={"LOG_LEVEL": "ERROR"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    monkeypatch.delenv("DA_STATEMENT_TIMEOUT", raising=False)
    assert main(["--db", database_url, "search", WORDS]) == 0
    out, err = capsys.readouterr()
    assert err.splitlines() == [
        f"da search: only the first {MAX_TERMS} terms are searched for ({4000 - MAX_TERMS} left out)"
    ]
    assert out.startswith("# 0 documents")
