"""Translators written family name first ("Translated by Zhang Qian", as the archive credits
Chinese and Korean translators) keep their family name in every export, as the real readers
parse names: rispy and Zotero read A4 "Last, First"; CSL-JSON gets family and given (citeproc
-py renders them); biber reads "Last, First". A name in the Western order ("Yafeng Xia",
"Gary Goldberg") stays as written, which the readers already split at its last space."""

from __future__ import annotations

import json
import shutil

import pytest
import rispy
from sqlalchemy import text
from test_export_bibtex import biber
from test_export_csl import render

from models.db import make_engine

# (as credited on the page, the family name a reader must find), read off the names by hand:
# Zhang Qian and Kim Il Sung family first; Yafeng Xia and Gary Goldberg given name first.
CREDITS = [("Zhang Qian", "Zhang"), ("Kim Il Sung", "Kim"), ("Yafeng Xia", "Xia"),
           ("Gary Goldberg", "Goldberg")]  # fmt: skip
RECORD = "113071"


@pytest.fixture(scope="module")
def credited(crawled_db):
    engine = make_engine(crawled_db)
    try:
        with engine.begin() as conn:
            changed = conn.execute(
                text("""UPDATE citations SET translated_by = :names WHERE position = 0 AND
                        document_id = (SELECT id FROM documents WHERE record_id = :r)"""),
                {"names": json.dumps([name for name, _ in CREDITS]), "r": RECORD},
            )
            assert changed.rowcount == 1
    finally:
        engine.dispose()
    return crawled_db


def export(db, fmt, tmp_path, capsys):
    from cli.main import main

    out = tmp_path / f"export.{fmt}"
    assert main(["--db", db, "export", "--format", fmt, "-o", str(out)]) == 0, capsys.readouterr()
    return out


def test_ris_translators_as_zotero_reads_them(credited, tmp_path, capsys):
    records = rispy.loads(export(credited, "ris", tmp_path, capsys).read_text(encoding="utf-8"))
    [record] = [r for r in records if r["id"] == RECORD]
    # RIS.js cleanAuthor: "Last, First" when there is a comma, else the last word is the family
    families = [name.split(",")[0] if "," in name else name.split()[-1]
                for name in record["subsidiary_authors"]]  # fmt: skip
    assert families == [family for _, family in CREDITS]
    assert record["subsidiary_authors"][:2] == ["Zhang, Qian", "Kim, Il Sung"]


def test_csl_translators_have_family_and_given(credited, tmp_path, capsys):
    items = json.loads(export(credited, "csl-json", tmp_path, capsys).read_text(encoding="utf-8"))
    [item] = [i for i in items if i["id"] == f"da{RECORD}"]
    assert item["translator"][:2] == [
        {"family": "Zhang", "given": "Qian"},
        {"family": "Kim", "given": "Il Sung"},
    ]
    rendered = render([item])[f"da{RECORD}"]
    # the style initializes given names: only a name read as family and given is initialized
    assert "Translated by Q. Zhang, I. S. Kim, Yafeng Xia, and Gary Goldberg." in rendered


@pytest.mark.skipif(shutil.which("biber") is None, reason="biber not installed")
def test_biber_finds_each_family_name(credited, tmp_path, capsys):
    problems, kept = biber(export(credited, "bibtex", tmp_path, capsys), tmp_path)
    assert problems == []
    editors = kept[f"da{RECORD}"]["editor"].split(" and ")  # biber writes "Family, Given"
    assert [e.split(",")[0] for e in editors] == [family for _, family in CREDITS]
