"""`da export`: documents as CSV, JSON Lines, RIS or BibTeX.

RIS and BibTeX let historians import the documents into Zotero and other reference managers:
title, date, archive and archive location (the parsed citation), URL, abstract, language and
keywords.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections.abc import Iterable
from typing import Any, TextIO

from sqlalchemy import Connection

from cli.queries import document_details

FORMATS = ("csv", "jsonl", "ris", "bibtex")
CSV_COLUMNS = (
    "record_id", "title", "date_text", "date_start", "date_end", "date_precision", "document_type",
    "summary", "source", "archive", "archive_location", "languages", "authors", "subjects",
    "canonical_url",
)  # fmt: skip


def export(conn: Connection, ids: Iterable[int], fmt: str, out: TextIO) -> int:
    """Write the documents to `out`; returns how many were written."""
    writer = {"csv": _csv, "jsonl": _jsonl, "ris": _ris, "bibtex": _bibtex}[fmt]
    return writer((document_details(conn, i) for i in ids), out)


def archive_location(doc: dict[str, Any]) -> tuple[str | None, str | None]:
    """The first citation's archive and where in it ("f. 558, op. 11, d. 341, ll. 86-88")."""
    for citation in doc.get("citations") or []:
        if citation.get("kind") != "archive":
            continue
        archive = citation.get("archive_name") or citation.get("repository")
        units = [(label, citation.get(name)) for label, name in
                 (("f.", "fond"), ("op.", "opis"), ("d.", "delo"), ("p.", "papka"), ("ll.", "listy"))]  # fmt: skip
        location = ", ".join(f"{label} {value}" for label, value in units if value) or citation.get(
            "reference"
        )
        return archive, location
    return None, None


def _csv(docs: Iterable[dict[str, Any]], out: TextIO) -> int:
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    n = 0
    for doc in docs:
        archive, location = archive_location(doc)
        row = {k: doc.get(k) for k in CSV_COLUMNS} | {
            "archive": archive,
            "archive_location": location,
        }
        for key in ("languages", "authors", "subjects"):
            row[key] = "; ".join(doc.get(key) or [])
        writer.writerow(row)
        n += 1
    return n


def _jsonl(docs: Iterable[dict[str, Any]], out: TextIO) -> int:
    n = 0
    for doc in docs:
        out.write(json.dumps(doc, ensure_ascii=False, default=str) + "\n")
        n += 1
    return n


def _ris(docs: Iterable[dict[str, Any]], out: TextIO) -> int:
    """RIS: one TY … ER record per document (type MANSCPT: an unpublished archival document)."""
    n = 0
    for doc in docs:
        archive, location = archive_location(doc)
        lines = [("TY", "MANSCPT"), ("ID", doc["record_id"]), ("TI", doc["title"])]
        lines += [("AU", a) for a in doc.get("authors") or []]
        if doc.get("date_start"):
            lines.append(("PY", doc["date_start"][:4]))
            day = doc["date_start"] if doc.get("date_precision") == "day" else None
            lines.append(("DA", day.replace("-", "/") if day else doc["date_start"][:4] + "///"))
        lines += [("AB", doc.get("summary")), ("AN", location), ("DB", "Wilson Center Digital Archive"),
                  ("DP", archive), ("UR", doc.get("canonical_url")), ("M3", doc.get("document_type")),
                  ("N1", doc.get("source"))]  # fmt: skip
        lines += [("LA", language) for language in doc.get("languages") or []]
        lines += [
            ("KW", keyword) for keyword in (doc.get("subjects") or []) + (doc.get("topics") or [])
        ]
        for tag, value in lines:
            if value:
                out.write(f"{tag}  - {_one_line(str(value))}\n")
        out.write("ER  - \n\n")
        n += 1
    return n


def _bibtex(docs: Iterable[dict[str, Any]], out: TextIO) -> int:
    """BibTeX @misc entries (biblatex reads them too), keyed da{record_id}."""
    n = 0
    for doc in docs:
        archive, location = archive_location(doc)
        fields = {
            "title": "{" + _bib(doc["title"]) + "}",  # keep the archive's capitalisation
            "author": " and ".join(_bib(a) for a in doc.get("authors") or []) or None,
            "year": (doc.get("date_start") or "")[:4] or None,
            "date": doc.get("date_start") if doc.get("date_precision") == "day" else None,
            "howpublished": "Wilson Center Digital Archive",
            "archive": _bib(archive) if archive else None,
            "archive_location": _bib(location) if location else None,
            "url": doc.get("canonical_url"),
            "abstract": _bib(doc["summary"]) if doc.get("summary") else None,
            "language": ", ".join(doc.get("languages") or []) or None,
            "keywords": _bib(", ".join(doc.get("subjects") or [])) or None,
            "note": _bib(doc["source"]) if doc.get("source") else None,
        }
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items() if v)
        out.write(f"@misc{{da{doc['record_id']},\n{body}\n}}\n\n")
        n += 1
    return n


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _bib(value: str) -> str:
    """Escape BibTeX's special characters; keep Unicode (biber and Zotero read UTF-8)."""
    value = unicodedata.normalize("NFC", _one_line(value))
    return re.sub(r"([&%$#_{}])", r"\\\1", value)
