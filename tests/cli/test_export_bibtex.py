"""`da export --format bibtex` checked by the programs that read it: biber (`--tool
--validate-datamodel`, biblatex's own data model) must report zero warnings and keep every
field, and bibtexparser (v2) must parse every entry, with no failed block.

Field choices (biblatex has no `archive`: biber drops it): `@misc` with the holding archive in
`organization`, its country in `location`, the location in the archive in `addendum`, the
site in `howpublished`, translators as `editor` with `editortype = {translator}`, every
further citation and the other credits in `note`, `date` in ISO 8601-2 (`~` circa, `/`
ranges, `XXXX` unknown), `url` with `urldate`, subject headings in `keywords` quoted when
they hold a comma (biber reads separated lists with Text::CSV: a quoted item is never split).
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess

import bibtexparser
import pytest
from export_expected import (  # noqa: F401
    CATALOG,
    expected,
    export_db,
    run_export,
    with_edge_cases,
)

pytestmark = pytest.mark.skipif(shutil.which("biber") is None, reason="biber not installed")

TEX_SPECIALS = {"\\": r"\textbackslash{}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
                **{c: "\\" + c for c in "&%$#_{}"}}  # fmt: skip


def tex(value: str) -> str:
    """A value as written in the .bib: one line, specials escaped (by the spec, not the code)."""
    return "".join(TEX_SPECIALS.get(c, c) for c in " ".join(value.split()))


def biber(bib, tmp_path) -> tuple[list[str], dict[str, dict[str, str]]]:
    """biber --tool on the file: its warnings and errors, and its own output, parsed."""
    out, logfile = tmp_path / "biber-out.bib", tmp_path / "biber"
    result = subprocess.run(
        ["biber", "--tool", "--validate-datamodel", "--output-file", str(out),
         "--logfile", str(logfile), str(bib)],
        capture_output=True, text=True, cwd=tmp_path, timeout=600,
    )  # fmt: skip
    log = logfile.with_suffix(".blg").read_text(encoding="utf-8")
    assert result.returncode == 0, result.stdout[-3000:]
    problems = [line for line in log.splitlines() if re.match(r"(WARN|ERROR) - ", line)]
    assert ("WARNINGS:" in log) == bool(problems)
    parsed = bibtexparser.parse_string(out.read_text(encoding="utf-8"))
    assert not parsed.failed_blocks
    return problems, {e.key: {f.key.lower(): f.value for f in e.fields} for e in parsed.entries}


def test_biber_accepts_every_entry_without_a_warning(export_db, tmp_path, capsys):  # noqa: F811
    bib = tmp_path / "export.bib"
    text = run_export(export_db, "bibtex", bib, capsys)
    docs = expected(export_db)
    ours = bibtexparser.parse_string(text)
    assert not ours.failed_blocks
    assert len(ours.entries) == len(docs)
    problems, kept = biber(bib, tmp_path)
    assert problems == []  # zero warnings
    assert len(kept) == len(docs)
    for record_id, doc in docs.items():
        ours_entry = {f.key: f.value for f in ours.entries_dict[f"da{record_id}"].fields}
        entry = kept[f"da{record_id}"]
        assert ours.entries_dict[f"da{record_id}"].entry_type == "misc"
        assert entry["title"] == "{" + tex(doc["title"]) + "}"
        assert entry.get("organization") == (tex(doc["archive"]) if doc["archive"] else None)
        assert entry.get("addendum") == (tex(doc["location"]) if doc["location"] else None)
        assert entry.get("location") == (tex(doc["country"]) if doc["country"] else None)
        assert entry["howpublished"] == CATALOG
        assert entry.get("url") == doc["page_url"]
        assert entry.get("urldate") == ((doc["fetched_at"] or "")[:10] or None)
        assert ours_entry.get("date") == bib_date(doc)
        authors = [a if "," in a else "{" + tex(a) + "}" for a in doc["authors"]]
        assert ours_entry.get("author") == (" and ".join(authors) or None)
        translators = " and ".join(doc["translators"])
        assert ours_entry.get("editor") == (translators or None)
        # biber parsed each as a personal name: "Gary Goldberg" → "Goldberg, Gary"
        assert (entry.get("editor") or "").split(" and ") == [
            f"{t.split()[-1]}, {' '.join(t.split()[:-1])}" for t in doc["translators"]
        ] or [""]
        assert entry.get("editortype") == ("translator" if translators else None)
        assert keywords(entry.get("keywords")) == [
            tex(k).replace(", ", ",").replace('"', "'") for k in doc["keywords"]
        ]
        others = len(doc["citations"]) - (1 if doc["archive"] else 0)
        assert (entry.get("note") or "").count("Also cited: ") == others


def bib_date(doc: dict) -> str:
    start, end, precision = doc["date_start"], doc["date_end"], doc["date_precision"]
    if not start:
        return "XXXX"
    c = "~" if doc["date_circa"] else ""
    if precision == "range":
        return f"{start[:10]}{c}/{end[:10]}{c}"
    if precision == "decade":
        return f"{start[:4]}{c}/{end[:4]}{c}"
    return start[: {"day": 10, "month": 7}.get(precision, 4)] + c


def keywords(value: str | None) -> list[str]:
    """biber's separated list, split as it splits it (quoted items whole)."""
    if not value:
        return []
    return next(csv.reader([value], skipinitialspace=True))


def test_edge_cases_as_biber_keeps_them(tmp_path, capsys, crawled_db):
    """EDGE_CASES written into the fixture crawl (SQLite and PostgreSQL)."""
    bib = tmp_path / "export.bib"
    run_export(with_edge_cases(crawled_db), "bibtex", bib, capsys)
    problems, kept = biber(bib, tmp_path)
    assert problems == []
    telegram = kept["da113071"]
    assert telegram["title"] == (
        r"{Telegram: 50\% \& \$5 \#1 \_x\_ \{braces\} \textasciitilde{} \textasciicircum{}"
        r' \textbackslash{} "quoted"}'
    )
    assert keywords(telegram["keywords"]) == ["Korean War,1950-1953--Armistices; Truce talks"]
    assert kept["da113620"]["date"] == "1950-06-25/1953-07-27"
    assert kept["da118977"]["date"] == "1950~/1959~"
    assert kept["da113636"]["date"] == "1953~"
    corporate = [e for e in kept.values() if "Communist Party" in e.get("author", "")]
    assert len(corporate) == 4 and all(
        "{Communist Party of the Soviet Union. Central Committee}" in e["author"].split(" and ")
        for e in corporate
    )
