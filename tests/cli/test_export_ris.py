"""`da export --format ris` read back by rispy, each tag checked against what Zotero's RIS
translator (RIS.js, zotero/translators) makes of it for the item type it reads from TY:

- `TY MANSCPT` → manuscript; `TI` title; `AU` author; `A4` translator (A4's default);
- `DA` date, `YYYY/MM/DD/` with unknown parts empty (dateRIStoZotero); `PY` the year;
- `DB` → Archive: the holding archive; `AN` → Loc. in Archive; `DP` → Library Catalog;
- `UR` URL; `L1` a PDF attachment (the scan); `Y2` Accessed; `M3` Type; `LA` Language;
- `N1` notes (the source as shown, every further citation, the other credits);
- `KW` one tag per line: RIS.js splits a KW value at ';' and a lone tag at ','.
"""

from __future__ import annotations

import re

import rispy
from export_expected import CATALOG, expected, export_db, run_export  # noqa: F401

LIST_TAGS = [*rispy.LIST_TYPE_TAGS, "L1"]  # several scans: several PDF attachments


def read(db: str, tmp_path, capsys) -> tuple[str, dict[str, dict]]:
    ris = run_export(db, "ris", tmp_path / "export.ris", capsys)
    records = rispy.loads(ris, list_tags=LIST_TAGS)
    return ris, {r["id"]: r for r in records}


def test_every_document_is_one_zotero_manuscript(export_db, tmp_path, capsys):  # noqa: F811
    ris, records = read(export_db, tmp_path, capsys)
    docs = expected(export_db)
    assert len(records) == len(docs) == ris.count("ER  - \n")
    assert set(records) == set(docs)
    for record_id, doc in docs.items():
        record = records[record_id]
        assert record["type_of_reference"] == "MANSCPT", record_id
        assert record["title"] == " ".join(doc["title"].split())
        assert record["database_provider"] == CATALOG  # DP → libraryCatalog
        assert record.get("name_of_database") == doc["archive"]  # DB → archive
        assert record.get("accession_number") == doc["location"]  # AN → archiveLocation
        assert record.get("urls") == [doc["page_url"]]
        assert record.get("file_attachments1", []) == doc["scans"]  # L1 → PDF attachments
        assert record.get("authors", []) == doc["authors"]
        assert record.get("subsidiary_authors", []) == doc["translators"]  # A4 → translator
        assert record.get("language") == (", ".join(doc["languages"]) or None)
        assert record.get("type_of_work") == doc["document_type"]  # M3 → manuscriptType
        keywords = record.get("keywords", [])
        assert keywords[: len(doc["keywords"])] == [k.replace(";", ",") for k in doc["keywords"]]
        assert all(";" not in k for k in keywords)
        if len(doc["keywords"]) == 1 and "," in doc["keywords"][0]:
            assert keywords[1:] == [CATALOG]  # a lone tag would be split at its commas
        notes = record.get("notes", [])
        also = [n for n in notes if n.startswith("Also cited: ")]
        assert len(also) == len(doc["citations"]) - (1 if doc["archive"] else 0)
        for archive, where in doc["archives"][1:]:
            assert f"Also cited: {archive}, {where}" in notes
        for credit, label in (("contributed_by", "Contributed by"), ("obtained_by", "Obtained by")):
            names = list(dict.fromkeys(n for c in doc["citations"] for n in c[credit]))
            assert (f"{label}: {', '.join(names)}" in notes) == bool(names)
        assert_dates(record, doc)


def assert_dates(record: dict, doc: dict) -> None:
    start, precision = doc["date_start"], doc["date_precision"]
    if not start:
        assert "date" not in record and "year" not in record
        return
    year, month, day = start[:10].split("-")
    assert record["year"] == year
    assert record["date"] == {"day": f"{year}/{month}/{day}/", "month": f"{year}/{month}//"}.get(
        precision, f"{year}///"
    )
    # as dateRIStoZotero reads DA: year, month, day, other
    m = re.fullmatch(r"(\d+)(?:/(\d{0,2})(?:/(\d{0,2})(?:(?:/|\s)([^/]*))?)?)?", record["date"])
    assert m and m[1] == year
    assert (m[2] or None) == (month if precision in {"day", "month"} else None)
    assert (m[3] or None) == (day if precision == "day" else None)
    if record.get("access_date") or doc["fetched_at"]:
        assert record["access_date"] == doc["fetched_at"][:10].replace("-", "/") + "/"


def test_the_mao_telegram_as_zotero_reads_it(tmp_path, capsys, crawled_db):
    """The fixture's Ciphered Telegram No. 23256: three archives, the first APRF's."""
    _, records = read(crawled_db, tmp_path, capsys)
    mao = records["113071"]
    assert mao["name_of_database"] == "Archive of the President of the Russian Federation"
    assert mao["accession_number"] == "f. 45, op. 1, d. 340, ll. 86-88"
    assert mao["database_provider"] == "Wilson Center Digital Archive"
    assert mao["date"] == "1951/08/27/" and mao["year"] == "1951"
    assert mao["notes"][1:] == [
        "Also cited: Archive of Foreign Policy of the Russian Federation, f. 059a, op. 5a, d. 5, p. 11, ll. 51-53",
        "Also cited: Russian State Archive of Socio-Political History, f. 558, op. 11, d. 341, ll. 86-88",
    ]
    assert "Korean War, 1950-1953--Armistices" in mao["keywords"]


def test_the_real_capture_as_zotero_reads_it(tmp_path, capsys):
    """The real page of ../shared/site/real/: a UN archives reference, its scan, its credit."""
    from export_expected import real_capture

    _, records = read(real_capture(tmp_path), tmp_path, capsys)
    [record] = records.values()
    assert record["title"] == "Aide-Memoire: Meeting with Hamdi O. Mouknass"
    assert record["name_of_database"] == "United Nations Archives and Records Management Section"
    assert record["accession_number"] == "S-0878-0001-05"
    assert record["database_provider"] == "Wilson Center Digital Archive"
    assert record["date"] == "1969/10/13/"
    [scan] = record["file_attachments1"]
    assert scan.endswith("/1969_10_13__Aide_Memoire_SecGen_and_Hamdi_Ould_Mouknass.pdf")
    assert "Obtained by: Charles Kraus" in record["notes"]
