"""`da`: search, show, stats, export and db, on a crawled SQLite file and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from conftest import DOCUMENTS
from sqlalchemy import text

from cli.main import main
from models.db import make_engine

MAO = "113071"


def da(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def mentions(doc: dict, word: str) -> bool:
    """Whether the indexed fields use the word (stemmed, as both databases stem English)."""
    indexed = [
        doc["title"],
        doc["summary"] or doc["listing_summary"],
        doc["source"],
        *doc["subjects"],
    ]
    if "English" in doc["translation_languages"]:
        indexed += doc["body"]
    return any(re.search(rf"\b{word}(?:s|'s)?\b", part, re.I) for part in indexed)


def search_json(capsys, db: str, *args: str) -> list[dict]:
    code, out, err = da(capsys, "--db", db, "search", *args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_search_armistice_from_1953_is_ranked(capsys, crawled_db):
    hits = search_json(capsys, crawled_db, "armistice", "--from", "1953", "--limit", "100")
    expected = {
        d["record_id"] for d in DOCUMENTS if d["date"][:4] >= "1953" and mentions(d, "armistice")
    }
    assert {h["record_id"] for h in hits} == expected
    assert all(h["date_start"] >= "1953" for h in hits)
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert all("[" in (h["snippet"] or "") for h in hits)  # highlighted


def test_title_matches_rank_above_body_matches(capsys, crawled_db):
    hits = search_json(capsys, crawled_db, "Bohlen")
    assert hits and "Bohlen" in hits[0]["title"]


def test_phrase_and_prefix_queries(capsys, crawled_db):
    phrase = search_json(capsys, crawled_db, '"Ciphered Telegram No. 23256"')
    assert [h["record_id"] for h in phrase] == [MAO]
    prefix = {h["record_id"] for h in search_json(capsys, crawled_db, "Filipp*", "--limit", "100")}
    whole = {h["record_id"] for h in search_json(capsys, crawled_db, "Filippov", "--limit", "100")}
    assert MAO in whole and whole <= prefix


@pytest.mark.parametrize(
    ("args", "check"),
    [
        (
            ["--archive", "RGASPI", "--fond", "558"],
            lambda d: re.search(r"RGASPI, (?:f\.|Fond) 558\b", d["source"]),
        ),
        (["--person", "zhou enlai"], lambda d: "Zhou, Enlai" in d["people"] + d["authors"]),
        (["--language", "Polish"], lambda d: "Polish" in d["languages"]),
        # Dates overlap the period: the year-only "1952" reaches into September 1952.
        (
            ["--from", "1952-09", "--to", "1952-09"],
            lambda d: d["date"][:7] == "1952-09" or d["date"] == "1952",
        ),
        (["--collection", "169"], lambda d: True),
    ],
)
def test_filters(capsys, crawled_db, args, check):
    hits = search_json(capsys, crawled_db, *args, "--limit", "100")
    assert {h["record_id"] for h in hits} == {d["record_id"] for d in DOCUMENTS if check(d)}


def test_bad_date_is_one_clear_line(capsys, crawled_db):
    code, out, err = da(capsys, "--db", crawled_db, "search", "armistice", "--from", "notayear")
    assert code == 2 and out == ""
    assert (
        err
        == "da search: not a year, month or date: 'notayear' (use 1953, 1953-07 or 1953-07-27)\n"
    )


def test_show_prints_parsed_citations(capsys, crawled_db):
    code, out, _ = da(capsys, "--db", crawled_db, "show", MAO)
    assert code == 0
    assert "# Citations" in out
    for line in ("APRF\tArchive of the President of the Russian Federation\tfond 45, opis 1, delo 340, listy 86-88",
                 "RGASPI\tRussian State Archive of Socio-Political History\tfond 558, opis 11, delo 341, listy 86-88"):  # fmt: skip
        assert line in out


def test_show_json_has_every_part(capsys, crawled_db):
    code, out, _ = da(capsys, "--db", crawled_db, "show", MAO, "--json")
    details = json.loads(out)
    assert code == 0
    assert (details["date_start"], details["date_circa"], details["number"]) == (
        "1951-08-27",
        False,
        "23256",
    )
    assert [c["fond"] for c in details["citations"]] == ["45", "059a", "558"]
    assert [v["type"] for v in details["versions"]] == ["translation"]
    assert details["collections"] == [
        {"collection_id": "169", "title": "Korean War Armistice", "position": 0}
    ]
    assert details["revisions"] == []


def test_show_unknown_record(capsys, crawled_db):
    code, _, err = da(capsys, "--db", crawled_db, "show", "999999")
    assert (code, err) == (2, "da show: no document with record id '999999'\n")


def test_stats(capsys, crawled_db):
    code, out, _ = da(capsys, "--db", crawled_db, "stats", "--json")
    numbers = json.loads(out)
    assert code == 0 and numbers["documents"] == len(DOCUMENTS)
    assert {"value": "169", "documents": len(DOCUMENTS)} in numbers["by_collection"]
    assert any(row["value"] == "RGASPI" for row in numbers["by_archive"])
    assert sum(row["documents"] for row in numbers["by_date_precision"]) == len(DOCUMENTS)
    assert numbers["last_runs"][0]["status"] == "finished"


def export(capsys, db: str, fmt: str, tmp_path, *args: str) -> str:
    out = tmp_path / f"export.{fmt}"
    code, _, err = da(capsys, "--db", db, "export", "--format", fmt, "-o", str(out), *args)
    assert code == 0, err
    assert err == f"{err.split()[0]} documents written to {out} ({fmt})\n"
    return out.read_text(encoding="utf-8")


def test_ris_has_one_valid_record_per_document(capsys, crawled_db, tmp_path):
    ris = export(capsys, crawled_db, "ris", tmp_path)
    records = [r for r in ris.split("ER  - \n") if r.strip()]
    assert len(records) == len(DOCUMENTS)
    for record in records:
        lines = record.strip().splitlines()
        assert lines[0] == "TY  - MANSCPT"
        assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .+", line) for line in lines)
        tags = [line[:2] for line in lines]
        assert {"TY", "ID", "TI", "UR", "DP"} <= set(tags)  # DB: the archive, when known
    mao = next(r for r in records if f"ID  - {MAO}" in r)
    assert (
        "DA  - 1951/08/27" in mao
        and "AN  - f. 45, op. 1, d. 340, ll. 86-88" in mao
        and "LA  - Russian" in mao
    )


def test_bibtex_entries(capsys, crawled_db, tmp_path):
    bib = export(capsys, crawled_db, "bibtex", tmp_path)
    assert bib.count("@misc{da") == len(DOCUMENTS)
    assert bib.count("{") == bib.count("}")
    entry = bib[bib.index(f"@misc{{da{MAO},") :]
    assert (
        "organization = {Archive of the President of the Russian Federation}"
        in entry.split("\n}\n")[0]
    )


def test_csv_and_jsonl(capsys, crawled_db, tmp_path):
    rows = list(csv.DictReader(io.StringIO(export(capsys, crawled_db, "csv", tmp_path))))
    assert len(rows) == len(DOCUMENTS)
    assert (
        next(r for r in rows if r["record_id"] == MAO)["archive"]
        == "Archive of the President of the Russian Federation"
    )
    lines = export(capsys, crawled_db, "jsonl", tmp_path, "--archive", "RGASPI").splitlines()
    assert lines and all(
        any(c["archive_abbreviation"] == "RGASPI" for c in json.loads(x)["citations"])
        for x in lines
    )


def test_export_with_no_match_says_so(capsys, crawled_db, tmp_path):
    code, _, err = da(
        capsys,
        "--db",
        crawled_db,
        "export",
        "--format",
        "csv",
        "-o",
        str(tmp_path / "x"),
        "--person",
        "Nobody Atall",
    )
    assert (code, err) == (2, "da export: no document matches the filters: nothing written\n")


def test_full_text_index_follows_every_write(capsys, crawled_db):
    engine = make_engine(crawled_db)
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE documents SET title = title || ' Zanzibarish' WHERE record_id = :r"),
            {"r": MAO},
        )
    hits = search_json(capsys, crawled_db, "zanzibarish")
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE documents SET title = replace(title, ' Zanzibarish', '') WHERE record_id = :r"
            ),
            {"r": MAO},
        )
    engine.dispose()
    assert [h["record_id"] for h in hits] == [MAO]
    assert search_json(capsys, crawled_db, "zanzibarish") == []


def test_empty_database(capsys, tmp_path):
    db = f"sqlite:///{tmp_path / 'new.db'}"
    code, _, err = da(capsys, "--db", db, "search", "armistice")
    assert code == 2 and "has no archive tables: run `make crawl`" in err
    assert da(capsys, "--db", db, "db", "upgrade")[0] == 0
    code, _, err = da(capsys, "--db", db, "stats")
    assert code == 2 and "holds no documents yet" in err


def test_unreachable_database_hides_the_password(capsys):
    code, out, err = da(
        capsys, "--db", "postgresql+psycopg://analyst:s3cret@127.0.0.1:1/archive", "stats"
    )
    assert code == 2 and "s3cret" not in out + err and "analyst:***@127.0.0.1:1" in err
