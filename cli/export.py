"""`da export`: documents as CSV, JSON Lines, RIS, CSL-JSON or BibTeX (biblatex).

Each citation format is written for the program that reads it (docs in the README):

- RIS as Zotero's RIS translator (`RIS.js`, zotero/translators) reads it: `TY MANSCPT` is a
  *manuscript*; `DB` its *Archive* (the holding archive), `AN` its *Loc. in Archive*, `DP` its
  *Library Catalog* ("Wilson Center Digital Archive"), `L1` a PDF attachment (the scan), `A4`
  a *translator*, `M3` the *Type*, `Y2` the *Accessed* date, `N1` notes (the source as shown,
  every further citation, the other credits: Zotero's manuscript has no creator type for
  them and drops `A2`/`A3` there).
- CSL-JSON (Zotero, Pandoc, citeproc): type `manuscript` with `archive`, `archive_location`,
  `archive-place`, `issued` (date parts, `circa`, ranges), `translator`, `URL`, `accessed`.
- biblatex `@misc` entries that biber reads without a warning: only fields of biblatex's
  data model (it has no `archive`): the archive in `organization`, its country in
  `location`, the location in the archive in `addendum`, the site in `howpublished`.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections.abc import Iterable
from typing import Any, TextIO

from cli.queries import document_details
from items.names import family_first
from models.readonly import Connection, run

FORMATS = ("csv", "jsonl", "ris", "csl-json", "bibtex")
CSV_COLUMNS = (
    "record_id", "title", "date_text", "date_start", "date_end", "date_precision", "document_type",
    "summary", "source", "archive", "archive_location", "languages", "authors", "subjects",
    "canonical_url",
)  # fmt: skip
CATALOG = "Wilson Center Digital Archive"
CREDITS = (("translated_by", "Translated by"), ("contributed_by", "Contributed by"),
           ("obtained_by", "Obtained by"), ("transcribed_by", "Transcribed by"),
           ("edited_by", "Edited by"), ("annotated_by", "Annotated by"))  # fmt: skip
UNITS = (("f.", "fond"), ("op.", "opis"), ("d.", "delo"), ("p.", "papka"), ("ll.", "listy"))


def export(conn: Connection, ids: Iterable[int], fmt: str, out: TextIO) -> int:
    """Write the documents to `out`; returns how many were written."""
    countries: dict[str, str] = {
        name: country
        for name, country in run(
            conn, "SELECT name, country FROM archives WHERE country IS NOT NULL"
        )
    }
    docs = (
        document_details(conn, i) | {"_countries": countries, "fetched_at": _fetched_at(conn, i)}
        for i in ids
    )
    writer = {"csv": _csv, "jsonl": _jsonl, "ris": _ris, "csl-json": _csl_json, "bibtex": _bibtex}
    return writer[fmt](docs, out)


def _fetched_at(conn: Connection, doc_id: int) -> str | None:
    """When the stored version was fetched (the citation's access date), as an ISO string."""
    value: Any = run(
        conn, "SELECT fetched_at FROM documents WHERE id = :id", {"id": doc_id}
    ).scalar()
    return value.isoformat() if hasattr(value, "isoformat") else value


def holdings(doc: dict[str, Any]) -> list[tuple[str, str | None]]:
    """Every archival citation as (archive, where in it: "f. 558, op. 11, d. 341, ll. 86-88"
    or the reference), in the order of the source."""
    found = []
    for citation in doc.get("citations") or []:
        if citation.get("kind") != "archive":
            continue
        archive = citation.get("archive_name") or citation.get("repository")
        if not archive:
            continue
        units = [(label, citation.get(name)) for label, name in UNITS]
        location = ", ".join(f"{label} {value}" for label, value in units if value)
        found.append((archive, location or citation.get("reference")))
    return found


def archive_location(doc: dict[str, Any]) -> tuple[str | None, str | None]:
    """The first archival citation's archive and where in it."""
    return next(iter(holdings(doc)), (None, None))


def other_citations(doc: dict[str, Any]) -> list[str]:
    """Every citation but the first archival one (exported in its own fields), as text."""
    result, first_skipped = [], False
    for citation in doc.get("citations") or []:
        archive = citation.get("archive_name") or citation.get("repository")
        if citation.get("kind") == "archive" and archive:
            if not first_skipped:
                first_skipped = True
                continue
            units = [(label, citation.get(name)) for label, name in UNITS]
            location = ", ".join(f"{label} {v}" for label, v in units if v)
            result.append(
                ", ".join(p for p in (archive, location or citation.get("reference")) if p)
            )
        elif citation.get("publication") or citation.get("raw"):
            result.append(_one_line(citation.get("publication") or citation["raw"]))
    return result


def credits(doc: dict[str, Any]) -> dict[str, list[str]]:
    """The source's credits (on its citations), by field, without repeats."""
    found: dict[str, list[str]] = {}
    for citation in doc.get("citations") or []:
        for field, _ in CREDITS:
            for name in citation.get(field) or []:
                names = found.setdefault(field, [])
                if name not in names:
                    names.append(name)
    return found


def scans(doc: dict[str, Any]) -> list[str]:
    """The original scans' URLs (PDFs), in page order."""
    return [
        v["url"] for v in doc.get("versions") or [] if v.get("type") == "original" and v.get("url")
    ]


def page_url(doc: dict[str, Any]) -> str | None:
    """The document's page: its canonical URL, else the URL it was fetched from."""
    return doc.get("canonical_url") or doc.get("url")


def keywords(doc: dict[str, Any]) -> list[str]:
    """Subject headings, then topics, without repeats."""
    found: list[str] = []
    for word in (doc.get("subjects") or []) + (doc.get("topics") or []):
        word = _one_line(word)
        if word and word not in found:
            found.append(word)
    return found


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
        doc.pop("_countries", None)
        out.write(json.dumps(doc, ensure_ascii=False, default=str) + "\n")
        n += 1
    return n


# ---------------------------------------------------------------- RIS (Zotero's RIS.js)


def _ris_date(doc: dict[str, Any]) -> str | None:
    """DA as RIS.js's dateRIStoZotero reads it: YYYY/MM/DD/, the unknown parts empty."""
    start, precision = doc.get("date_start"), doc.get("date_precision")
    if not start:
        return None
    year, month, day = start[:10].split("-")
    if precision == "day":
        return f"{year}/{month}/{day}/"
    if precision == "month":
        return f"{year}/{month}//"
    return f"{year}///"


def ris_record(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """One document's tags, in the order Zotero writes them (RIS.js exportOrder)."""
    archive, location = archive_location(doc)
    found = credits(doc)
    notes = [f"Source: {doc['source']}"] if doc.get("source") else []
    notes += [f"Also cited: {c}" for c in other_citations(doc)]
    notes += [f"{label}: {', '.join(found[f])}" for f, label in CREDITS
              if f != "translated_by" and found.get(f)]  # fmt: skip
    date_text = doc.get("date_text")
    if date_text and (doc.get("date_circa") or doc.get("date_precision") in {"range", "decade"}):
        notes.append(f"Date as shown: {date_text}")  # Zotero's date has no circa or range
    tags = list(keywords(doc))
    if len(tags) == 1 and "," in tags[0]:
        tags.append(CATALOG)  # RIS.js splits a lone tag at its commas (completeItem)
    lines: list[tuple[str, Any]] = [("TI", doc["title"])]
    lines += [("AU", a) for a in doc.get("authors") or []]
    lines += [("A4", credit_name(t)) for t in found.get("translated_by", [])]
    lines += [("AB", doc.get("summary")), ("DA", _ris_date(doc)),
              ("PY", (doc.get("date_start") or "")[:4]), ("DP", CATALOG),
              ("LA", ", ".join(doc.get("languages") or [])), ("M3", doc.get("document_type")),
              ("UR", page_url(doc)), ("AN", location), ("DB", archive),
              ("Y2", _ris_access(doc))]  # fmt: skip
    lines += [("L1", url) for url in scans(doc)]
    lines += [("N1", note) for note in notes]
    lines += [("KW", tag.replace(";", ",")) for tag in tags]  # RIS.js splits KW at ';'
    record = [("TY", "MANSCPT"), ("ID", str(doc["record_id"]))]
    return record + [(tag, _one_line(str(v))) for tag, v in lines if v]


def _ris_access(doc: dict[str, Any]) -> str | None:
    fetched = doc.get("fetched_at")
    return fetched[:10].replace("-", "/") + "/" if fetched else None


def _ris(docs: Iterable[dict[str, Any]], out: TextIO) -> int:
    """RIS: one TY … ER record per document."""
    n = 0
    for doc in docs:
        for tag, value in ris_record(doc):
            out.write(f"{tag}  - {value}\n")
        out.write("ER  - \n\n")
        n += 1
    return n


# ---------------------------------------------------------------- CSL-JSON


def _date_parts(iso: str, precision: str | None) -> list[int]:
    year, month, day = (int(p) for p in iso[:10].split("-"))
    if precision == "month":
        return [year, month]
    if precision in {"year", "decade"}:
        return [year]
    return [year, month, day]


def csl_issued(doc: dict[str, Any]) -> dict[str, Any] | None:
    start, end, precision = doc.get("date_start"), doc.get("date_end"), doc.get("date_precision")
    if not start:
        return None
    if precision in {"range", "decade"} and end and end != start:
        issued: dict[str, Any] = {
            "date-parts": [_date_parts(start, "day"), _date_parts(end, "day")]
        }
        if precision == "decade":
            issued["date-parts"] = [[int(start[:4])], [int(end[:4])]]
    else:
        issued = {"date-parts": [_date_parts(start, precision)]}
    if doc.get("date_circa"):
        issued["circa"] = True
    return issued


def credit_name(name: str) -> str:
    """A credit as citation managers read names ("Last, First" when it has a comma): one
    written family name first ("Zhang Qian") gets its comma ("Zhang, Qian"), so RIS readers
    and biber do not take "Qian" for the family name; any other stays as written."""
    parts = family_first(name)
    return f"{parts[0]}, {parts[1]}" if parts else name


def csl_name(name: str) -> dict[str, str]:
    """ "Zhou, Enlai" → family and given; anything else (an institution, a name as written in
    a credit) whole, as a literal: CSL prints it as it is."""
    if "," in name:
        family, given = (p.strip() for p in name.split(",", 1))
        if family and given:
            return {"family": family, "given": given}
    return {"literal": name}


def csl_item(doc: dict[str, Any]) -> dict[str, Any]:
    archive, location = archive_location(doc)
    found = credits(doc)
    notes = [f"Also cited: {c}" for c in other_citations(doc)]
    notes += [f"{label} {', '.join(found[f])}" for f, label in CREDITS
              if f != "translated_by" and found.get(f)]  # fmt: skip
    item: dict[str, Any] = {
        "id": f"da{doc['record_id']}",
        "type": "manuscript",
        "title": _one_line(doc["title"]),
        "author": [csl_name(a) for a in doc.get("authors") or []],
        "translator": [csl_name(credit_name(t)) for t in found.get("translated_by", [])],
        "issued": csl_issued(doc),
        "archive": archive,
        "archive_location": location,
        "archive-place": doc["_countries"].get(archive) if archive else None,
        "source": CATALOG,
        "genre": doc.get("document_type"),
        "URL": page_url(doc),
        "accessed": {"date-parts": [_date_parts(doc["fetched_at"], "day")]}
        if doc.get("fetched_at")
        else None,
        "abstract": doc.get("summary"),
        "language": ", ".join(doc.get("languages") or []),
        "keyword": "; ".join(k.replace(";", ",") for k in keywords(doc)),  # headings hold commas
        "note": "\n".join(notes),
    }
    return {k: v for k, v in item.items() if v}


def _csl_json(docs: Iterable[dict[str, Any]], out: TextIO) -> int:
    """A CSL-JSON array, one item per line."""
    n = 0
    out.write("[")
    for doc in docs:
        out.write(("," if n else "") + "\n" + json.dumps(csl_item(doc), ensure_ascii=False))
        n += 1
    out.write("\n]\n")
    return n


# ---------------------------------------------------------------- BibTeX / biblatex

INSTITUTION = re.compile(
    r"\b(?:Archives?|Center|Centre|Institute|University|Library|Foundation|Ministry|Committee"
    r"|Party|Council|Office|Department|Commission|Embassy|Government|Museum|Academy|Agency"
    r"|Association|Society|Project|Press|Bureau|Staff|of|for|the)\b"
)


def bib_name(name: str, personal_form: bool) -> str:
    """A biblatex name. `personal_form`: the archive's "Last, First" (a name without a comma is
    an institution); otherwise a credit as written ("Gary Goldberg"), braced when it reads as
    an institution. Braces keep a corporate name whole ("{Communist Party … Committee}")."""
    value = _bib(name)
    corporate = "," not in name if personal_form else bool(INSTITUTION.search(name))
    if corporate or re.search(r"\band\b", name, re.I) or name.count(",") > 1:
        return "{" + value + "}"
    return value


def bib_date(doc: dict[str, Any]) -> str | None:
    """biblatex's ISO 8601-2 date: 1951-08-27, 1953-03, 1952, 1950-06-25/1953-07-27, 1950~."""
    start, end, precision = doc.get("date_start"), doc.get("date_end"), doc.get("date_precision")
    if not start:
        return "XXXX"  # ISO 8601-2's unspecified year: biber requires a date or year
    circa = "~" if doc.get("date_circa") else ""
    if precision == "range" and end and end != start:
        return f"{start[:10]}{circa}/{end[:10]}{circa}"
    if precision == "decade" and end:
        return f"{start[:4]}{circa}/{end[:4]}{circa}"
    cut = {"day": 10, "month": 7}.get(precision or "", 4)
    return start[:cut] + circa


def bib_keyword(word: str) -> str:
    """One keyword of biber's comma-separated list: quoted when it holds a comma, as biber
    reads its separated lists (Text::CSV: a quoted value is never split)."""
    value = _bib(word).replace('"', "'")
    return f'"{value}"' if "," in value else value


def bib_fields(doc: dict[str, Any]) -> dict[str, str | None]:
    archive, location = archive_location(doc)
    found = credits(doc)
    extra = [f"Also cited: {c}" for c in other_citations(doc)]
    extra += [f"{label} {', '.join(found[f])}" for f, label in CREDITS
              if f != "translated_by" and found.get(f)]  # fmt: skip
    return {
        "title": "{" + _bib(doc["title"]) + "}",  # keep the archive's capitalisation
        "author": " and ".join(bib_name(a, True) for a in doc.get("authors") or []) or None,
        # @misc has no `translator` in biblatex's data model: `editor` with `editortype`
        # translator, which the standard styles print "trans. by"
        "editor": " and ".join(
            bib_name(credit_name(t), False) for t in found.get("translated_by", [])
        )
        or None,
        "editortype": "translator" if found.get("translated_by") else None,
        "date": bib_date(doc),
        "type": _bib(doc["document_type"]) if doc.get("document_type") else None,
        "organization": _bib(archive) if archive else None,
        "location": _bib(doc["_countries"][archive])
        if archive and doc["_countries"].get(archive)
        else None,
        "addendum": _bib(location) if location else None,
        "howpublished": CATALOG,
        "note": _bib(". ".join(extra)) if extra else None,
        "url": _bib_url(page_url(doc) or "") or None,
        "urldate": (doc.get("fetched_at") or "")[:10] or None,
        "abstract": _bib(doc["summary"]) if doc.get("summary") else None,
        "language": " and ".join(_bib(x) for x in doc.get("languages") or []) or None,
        "keywords": ", ".join(bib_keyword(k) for k in keywords(doc)) or None,
    }


def _bibtex(docs: Iterable[dict[str, Any]], out: TextIO) -> int:
    """biblatex @misc entries, keyed da{record_id}."""
    n = 0
    for doc in docs:
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in bib_fields(doc).items() if v)
        out.write(f"@misc{{da{_key(doc['record_id'])},\n{body}\n}}\n\n")
        n += 1
    return n


def _key(record_id: Any) -> str:
    return re.sub(r"[^A-Za-z0-9_:.-]", "-", str(record_id))


def _bib_url(url: str) -> str:
    """A URL as biblatex's verbatim `url` field takes it: braces and spaces percent-encoded."""
    return url.replace(" ", "%20").replace("{", "%7B").replace("}", "%7D").replace("\\", "%5C")


def _one_line(value: str) -> str:
    return " ".join(value.split())


BIB_SPECIAL = {"\\": r"\textbackslash{}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
               **{c: "\\" + c for c in "&%$#_{}"}}  # fmt: skip


def _bib(value: str) -> str:
    """Escape BibTeX's special characters; keep Unicode (biber and Zotero read UTF-8)."""
    value = unicodedata.normalize("NFC", _one_line(value))
    return "".join(BIB_SPECIAL.get(c, c) for c in value)
