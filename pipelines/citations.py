"""Archive citations ("RGASPI, f. 558, op. 11, d. 341, ll. 86-88") -> structured parts.

`parse_citations(source)` splits a `source` field into its citations (on ";" and on a final
"and" before another archive) and reads each: the repository as written and its canonical
name (from pipelines/archive_table.py), the Russian-style archival units (fond, opis, delo,
papka, listy) or else the reference as written, the credits (translated, contributed,
obtained, transcribed, edited by), or a published book cited instead of an archive. The raw
text is always kept; `parsed` is False only when nothing at all was recognised.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from items import CREDIT_FIELDS, Archive, Citation, DocumentItem, Item
from pipelines.archive_table import ARCHIVES, ArchiveRecord

CREDIT_VERBS = ("translated", "contributed", "obtained", "transcribed", "edited")
VERB = r"(?:translated|contributed|obtained|transcribed|edited)"
# A credit clause: "Translated by X", "Obtained for CWIHP by X", "translated and edited by X".
CREDIT_START = re.compile(
    rf"(?:^|(?<=[.;,])\s*|\s+and\s+)(?={VERB}\b(?:\s*(?:,|and)\s*{VERB}\b)*(?:\s+for\s+[^.;]+?)?\s+by\b)",
    re.I,
)
VERB_GROUP = rf"{VERB}\b(?:\s*(?:,|and)\s*{VERB}\b)*(?:\s+for\s+[^.;]+?)?\s+by\b"
# "Contributed by X and translated by Y": one clause per verb group with its "by" and names.
CLAUSE = re.compile(
    rf"(?P<verbs>{VERB}\b(?:\s*(?:,|and)\s*{VERB}\b)*)(?:\s+for\s+[^.;]+?)?\s+by\s+"
    rf"(?P<names>.*?)(?=\s*,?\s*(?:\band\s+)?{VERB_GROUP}|$)",
    re.I,
)
NAME_SPLIT = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*")
# Units. Lowercase abbreviations and spelled-out Russian words are unambiguous; English words
# (Collection, File, Folder…) count only in a citation with at least two unit markers.
VALUE = (
    r"(?P<value>[\dA-Za-z][\w/]*(?:\s*[-–]\s*[\dA-Za-z][\w/]*)?"  # 86-88, 059a, 1-B
    r"(?:\s*,\s*\d[\w]*(?:\s*[-–]\s*\d\w*)?)*)"  # more sheets: 12, 14-15
)
UNITS: dict[str, tuple[str, str]] = {
    # unit: (unambiguous markers, English markers)
    "fond": (r"\bf\.|\bFond\b|\bfond\b", r"\bCollection\b"),
    "opis": (r"\bop\.|\bOpis\b|\bopis\b", r"\bInventory\b"),
    "delo": (r"\bd\.|\bDelo\b|\bdelo\b", r"\bFile\b"),
    "papka": (r"\bp\.|\bPapka\b|\bpapka\b", r"\bFolder\b"),
    "listy": (r"\bll?\.|\bListy?\b|\blisty?\b|\bList\b", r"\bSheets?\b"),
}
UNIT_PATTERNS = {
    unit: (
        re.compile(rf"(?:{strict})\s*{VALUE}"),
        re.compile(rf"(?:{strict}|{english})\s*(?:No\.\s*)?{VALUE}"),
    )
    for unit, (strict, english) in UNITS.items()
}
PUBLICATION = re.compile(
    r"\([^()]*:\s*[^()]*\d{4}\)|Foreign Relations of the United States|\bFRUS\b|\bpp?\.\s*\d"
    r"|\bvol\.\s*\d+.*\(\d{4}\)|[\"“][^\"”]{8,}[\"”]",
    re.I,
)
ARCHIVE_WORDS = re.compile(
    r"\b(?:Archives?|Archiv\w*|Library|Museum|Institute|Records|Papers|Collection|Center|Centre)\b"
)


def has_credits(citation: Citation) -> bool:
    return any(getattr(citation, name) for name in CREDIT_FIELDS)


@lru_cache(maxsize=1)
def _archive_index() -> tuple[re.Pattern[str], dict[str, ArchiveRecord]]:
    """One regex over every name, abbreviation and alias, longest first, whole words."""
    by_key: dict[str, ArchiveRecord] = {}
    for record in ARCHIVES:
        for key in (record.name, record.abbreviation, *record.aliases):
            if key:
                by_key.setdefault(key, record)
    alternation = "|".join(re.escape(k) for k in sorted(by_key, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])"), by_key


def archive_for(name: str | None) -> ArchiveRecord | None:
    """The archive a name refers to ("RGASPI", "Bundesarchiv", "… (UN ARMS)"), or None."""
    if not name:
        return None
    pattern, by_key = _archive_index()
    match = pattern.search(name)
    return by_key[match.group(0)] if match else None


def parse_citations(text: str | None) -> list[Citation]:
    """All citations of a source field, in order. Never raises."""
    source = " ".join((text or "").split())
    if not source:
        return []
    citations: list[Citation] = []
    pending: dict[str, list[str]] = {}  # credits met before any citation text
    for segment in _segments(source):
        rest, credits = _take_credits(segment)
        if not _meaningful(rest):
            target = citations[-1] if citations else None
            if target is None:
                for verb, names in credits.items():
                    pending.setdefault(verb, []).extend(names)
                continue
            target.raw = f"{target.raw}; {segment}"
            _add_credits(target, credits)
            continue
        citation = _parse_one(segment, rest)
        _add_credits(citation, pending)
        pending = {}
        _add_credits(citation, credits)
        citation.parsed = citation.kind != "unknown" or has_credits(citation)
        citations.append(citation)
    if pending:  # only credits, no archive at all
        citation = Citation(raw=source)
        _add_credits(citation, pending)
        citation.parsed = True
        citations.append(citation)
    return citations


def _segments(source: str) -> list[str]:
    """Split on ";" and on "and" right before another known archive."""
    pattern, _ = _archive_index()
    segments = []
    for part in source.split(";"):
        part = re.sub(r"^\s*and\s+", "", part).strip()
        start = 0
        for match in re.finditer(r"(?:,\s*|\s+)and\s+(?=\S)", part):
            following = part[match.end() :]
            archive = pattern.match(following)
            if archive and not CREDIT_START.match(following) and start < match.start():
                segments.append(part[start : match.start()].strip())
                start = match.end()
        if part[start:].strip():
            segments.append(part[start:].strip())
    return segments


def _take_credits(segment: str) -> tuple[str, dict[str, list[str]]]:
    """Remove credit sentences from a segment: (the rest, {verb: names})."""
    credits: dict[str, list[str]] = {}
    rest = segment
    while True:
        match = CREDIT_START.search(rest)
        if match is None:
            break
        clause_start = match.end()
        end = _sentence_end(rest, clause_start)
        for clause in CLAUSE.finditer(rest[clause_start:end].strip()):
            names = [n.strip(" .") for n in NAME_SPLIT.split(clause["names"]) if n.strip(" .")]
            for verb in re.findall(VERB, clause["verbs"], re.I):
                credits.setdefault(verb.lower(), []).extend(names)
        rest = " ".join((rest[: match.start()] + " " + rest[end:]).split())
    return rest.strip(" ,.;"), credits


def _sentence_end(text: str, start: int) -> int:
    """Where a credit sentence ends: a "." that is not an initial ("Karl P. Benziger"), "(", ";"."""
    i = start
    while i < len(text):
        char = text[i]
        if char in ";(":
            return i
        if char == ".":
            word = re.search(r"(\S+)$", text[start:i])
            is_initial = word is not None and re.fullmatch(
                r"[A-Z]|[A-Z]\.[A-Z]|Jr|Sr|Dr", word.group(1)
            )
            if not is_initial:
                return i + 1
        i += 1
    return len(text)


def _meaningful(rest: str) -> bool:
    return bool(re.search(r"\w", rest))


def _parse_one(raw: str, rest: str) -> Citation:
    citation = Citation(raw=raw)
    repository, archive, remainder = _repository(rest)
    citation.repository = repository
    if archive is not None:
        citation.repository_name = archive.name
        citation.abbreviation, citation.country = archive.abbreviation, archive.country
    units, leftover = _units(remainder)
    if units:
        for unit, value in units.items():
            setattr(citation, unit, value)
        citation.kind = "archive"
        citation.reference = leftover  # "a.e. 4347", "Problema 20/1952, Dosar 3"
        return citation
    reference = remainder.strip(" ,.;") or None
    if repository is None and reference and PUBLICATION.search(reference):
        citation.kind, citation.publication = "publication", reference
    elif repository is not None:
        citation.kind, citation.reference = "archive", reference
    return citation


def _repository(text: str) -> tuple[str | None, ArchiveRecord | None, str]:
    """(repository as written, its archive record, the text without it)."""
    pattern, by_key = _archive_index()
    match = pattern.search(text)
    if match:
        record = by_key[match.group(0)]
        start, end = match.span()
        written = match.group(0)
        if text[start - 1 : start] == "(" and text[end : end + 1] == ")":
            # "National Archives (NARA)": the name before the parenthesis goes with it.
            start = text.rfind(",", 0, start - 1) + 1
            end += 1
        # "Archive of the President … (APRF)": the abbreviation is what citations use.
        paren = re.match(r"\s*\(([^()]+)\)", text[end:])
        if paren and archive_for(paren.group(1)) is record:
            written, end = paren.group(1), end + paren.end()
        elif record.abbreviation and written == record.name:
            abbr = re.match(rf"\s*\(({re.escape(record.abbreviation)})\)", text[end:])
            if abbr:
                end += abbr.end()
        return written, record, _cut(text, start, end)
    first, _, remainder = text.partition(",")
    if remainder and ARCHIVE_WORDS.search(first) and not _units(first)[0]:
        # An archive we do not know by name: keep it as written, unresolved.
        first_two = text.split(",")
        if len(first_two) > 2 and re.fullmatch(r"\s*[A-Z][a-z]+\s*", first_two[1]):
            first = ",".join(first_two[:2])  # "Central State Archive, Tirana"
            remainder = ",".join(first_two[2:])
        return first.strip(), None, remainder
    return None, None, text


def _cut(text: str, start: int, end: int) -> str:
    return (text[:start].rstrip(" ,.") + ", " + text[end:].lstrip(" ,.")).strip(" ,.")


def _units(text: str) -> tuple[dict[str, str], str | None]:
    """The archival units found, and what is left of the text around them."""
    strict = {u: m for u, (pattern, _) in UNIT_PATTERNS.items() if (m := pattern.search(text))}
    loose = {u: m for u, (_, pattern) in UNIT_PATTERNS.items() if (m := pattern.search(text))}
    found = loose if len(loose) >= 2 else strict
    units = {unit: match.group("value").strip(" ,.") for unit, match in found.items()}
    leftover = text
    for match in sorted(found.values(), key=lambda m: m.start(), reverse=True):
        leftover = leftover[: match.start()] + "," + leftover[match.end() :]
    leftover = ", ".join(p.strip(" .") for p in leftover.split(",") if re.search(r"\w", p))
    return units, leftover or None


def _add_credits(citation: Citation, credits: dict[str, list[str]]) -> None:
    for verb, names in credits.items():
        target = getattr(citation, f"{verb}_by")
        target.extend(n for n in names if n not in target)


class CitationsPipeline:
    """Adds `citations`: the parsed citations of the `source` field, as dicts."""

    def __init__(self, stats: Any = None) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> CitationsPipeline:
        return cls(crawler.stats)

    def process_item(self, item: Item) -> Item:
        if not isinstance(item, DocumentItem):
            return item
        citations = parse_citations(item.source)
        if self.stats is not None:
            self.stats.inc_value("archive/citations", len(citations))
            self.stats.inc_value("archive/citations_unparsed", sum(not c.parsed for c in citations))
        item.citations = citations
        item.archives = archive_records(item.original_archives)
        return item


def archive_records(names: list[str]) -> list[Archive]:
    """The archive table's record for each name (its own name when the table has none)."""
    records = []
    for name in names:
        record = archive_for(name)
        records.append(
            Archive(record.name, record.abbreviation, record.country) if record else Archive(name)
        )
    return records
