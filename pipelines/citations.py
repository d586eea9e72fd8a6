"""Archive citations ("RGASPI, f. 558, op. 11, d. 341, ll. 86-88") -> structured parts.

`parse_citations(source)` reads a document's `source` field in four steps, each a function:

1. `take_credits`: the credit clauses, wherever they stand ("Obtained and translated for
   CWIHP by X", "Contributed, transcribed, and translated by Y", "translated from the Polish
   by A with B", "Provided to … by Z"), with institutions kept whole ("North Korean Materials
   Archive, IFES, Kyungnam University") and articles and titles dropped ("the", "Dr.").
2. `split_citations`: the rest into citations, on ";", on "and" before another known archive,
   and before "copy in" / "on file at" (a second archive holding a copy); the publication an
   archive citation names ("Published in", "Reprinted in", "Also published in", "Included
   in") stays with that citation.
3. `read_citation`: each citation's repository (as written, without its abbreviation, a gloss
   or its city), its canonical archive (pipelines/archive_table.py), the units (fond, opis,
   delo, papka, listy in every spelling the archive uses), and the reference (what is left:
   shelf marks, record groups, collection names); or a book or article cited instead.
4. The kind: `archive`, `publication`, `person` (a private person's papers or gift) or
   `unknown`.

The credits of the whole field go on its first citation (on a citation of their own when the
field names no source at all). The raw text is kept; `parsed` is False only when nothing at
all was recognised. The expected parse of hundreds of real strings is kept as data in
fixtures/real/sources.toml, and `make citations-report` lists what still differs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from items import CREDIT_FIELDS, Archive, Citation, DocumentItem, Item
from pipelines.archive_table import ARCHIVES, ArchiveRecord

# -- credits ---------------------------------------------------------------------------------

VERBS = {
    "translated": "translated", "translation": "translated", "contributed": "contributed",
    "obtained": "obtained", "transcribed": "transcribed", "edited": "edited",
    "annotated": "annotated", "provided": "contributed", "donated": "contributed",
}  # fmt: skip
VERB = (
    r"(?:translated|translation|contributed|obtained|transcribed|edited|annotated|provided|donated)"
)
# "Obtained and translated for CWIHP by", "Contributed, transcribed, and translated by",
# "translated from the Polish by", "Provided to the National Security Archive/X by".
CREDIT = re.compile(
    rf"(?P<verbs>\b{VERB}(?:\s*,?\s*(?:and\s+)?{VERB})*)"
    r"(?:\s+(?:from\s+(?:the\s+)?[A-Z]\w+|into\s+\w+))?"
    r"(?:\s+(?:for|to)\s+(?P<holder>[^.;]*?))?"
    r"(?:\s+from\s+(?:the\s+)?[A-Z]\w+)?"
    r"\s+by\s+(?:by\s+)?(?P<names>.+)",
    re.I,
)
# Where the names of a clause end: the next credit verb group, a sentence, ";", "(".
NAMES_END = re.compile(
    rf"\s*,?\s*(?:\band\s+)?(?i:\b{VERB}\b(?:\s*,?\s*(?:and\s+)?{VERB})*(?:\s+\w+){{0,6}}?\s+by)\b"
    r"|\s*;|\s*\(|\.\s+(?=[A-Z])|\.$"
    r"|\s+for\s+(?:the\s+)?(?:[A-Z]{2,}\b|Wilson|National Security Archive|Cold War|Parallel)"
    r"|\s+for\s+the\s"
    r"|,\s+(?=[a-z])(?!(?:and|with|de|da|van|von|di|la|le|al|el|bin)\b)|,?\s+and\s+on\s+file\b",
)
# A "." that ends an initial or a title is not a sentence end.
INITIAL = re.compile(
    r"(?:\b[A-Z]|\b[A-Z]\.[A-Z]|\b(?:Yu|Ye|Ya|Zh|Kh|Ch|Sh|Th)|\bJr|\bSr|\bDr|\bProf|\bSt|\bMr|\bMrs|\bMs)$"
)
TITLES = re.compile(
    r"^(?:the\s+|Dr\.?\s+|Prof\.?\s+|Professor\s+|Mr\.?\s+|Ms\.?\s+|Mrs\.?\s+)+", re.I
)
INSTITUTION = re.compile(
    r"\b(?:Archives?|University|Institute|Group|Project|Center|Centre|Foundation|Library|Museum|"
    r"Ministry|Committee|Program|Programme|Society|Academy|Council|Office|Service|IFES|NHK)\b"
)
ACRONYM = re.compile(r"^[A-Z][A-Z&.-]{1,9}$")


def may_contain(text: str, words: tuple[str, ...]) -> bool:
    """Whether a case-insensitive pattern that cannot match without one of `words`
    (lowercase) may match `text`: substring tests instead of running the pattern, which on
    most sources finds nothing. Exact for ASCII text; re.I also folds a few other letters to
    ASCII ones (the long s, the Kelvin sign), so any other text goes to the pattern."""
    if not text.isascii():
        return True
    low = text.lower()
    return any(word in low for word in words)


# What each screened pattern cannot match without (see the patterns).
CREDIT_WORDS = (
    "translat", "contributed", "obtained", "transcribed", "edited", "annotated", "provided",
    "donated",
)  # fmt: skip


def take_credits(text: str) -> tuple[str, dict[str, list[str]]]:
    """Remove every credit clause: (the rest, {credit field: names in reading order})."""
    credits: dict[str, list[str]] = {}
    rest = text
    while True:
        match = None
        if may_contain(rest, ("by",)) and may_contain(rest, CREDIT_WORDS):
            match = CREDIT.search(rest)
        if match is None:
            return _tidy(rest), credits
        names_start = match.start("names")
        end = _names_end(rest, names_start)
        names = _names(rest[names_start:end])
        verbs = re.findall(VERB, match.group("verbs"), re.I)
        for verb in verbs:
            target = credits.setdefault(f"{VERBS[verb.casefold()]}_by", [])
            target.extend(n for n in names if n not in target)
        # "X (National Security Archive)", "X for the National Security Archive": affiliations.
        affiliation = re.match(
            r"\s*\((?![^()]*\d{4})[^()]*\)|\s+for\s+(?:the\s+)?[^.;,(]*", rest[end:]
        )
        if affiliation:
            end += affiliation.end()
        # "Provided to the National Security Archive by X": the archive holds the document.
        holder = _archive_index()[0].search(match.group("holder") or "")
        kept = holder.group(0) if holder and verbs[0].lower() in {"provided", "donated"} else ""
        before = re.sub(r"(?:[\s,;]+(?:and|also))?[\s,;]*$", "", rest[: match.start()])
        rest = before + (f". {kept}" if kept else "") + ". " + rest[end:].lstrip(" ,;.")


def _names_end(text: str, start: int) -> int:
    position = start
    while True:
        match = NAMES_END.search(text, position)
        if match is None:
            return len(text)
        if match.group(0).startswith(".") and INITIAL.search(text[start : match.start()]):
            position = match.start() + 1  # "Karl P. Benziger", "Dr. Smith"
            continue
        return match.start()


def _names(text: str) -> list[str]:
    """'A, B, and C' -> [A, B, C]; an institution written with commas stays one name."""
    text = re.sub(r"^for\s+.*?\bby\s+", "", text.strip(" ,.;"))  # "Translated by for NKIDP by X"
    text = re.sub(r"\bassistance\s+from\s+", "", text)
    groups = [g for g in re.split(r"\s*,?\s+(?:and|with)\s+|\s*&\s*", text) if g.strip(" ,.")]
    merged: list[str] = []
    for group in groups:  # "Institute for Defence Studies and Analyses" is one name
        if (
            merged
            and INSTITUTION.search(merged[-1])
            and len(group.split()) == 1
            and group[:1].isupper()
        ):
            merged[-1] += f" and {group}"
        else:
            merged.append(group)
    names: list[str] = []
    for group in merged:
        parts = [p.strip(" .") for p in group.split(",") if p.strip(" .")]
        institution = len(parts) > 1 and any(INSTITUTION.search(p) for p in parts[1:])
        if institution and (INSTITUTION.search(parts[0]) or ACRONYM.match(parts[1])):
            parts = [", ".join(parts)]  # "North Korean Materials Archive, IFES, …"
        if (
            len(parts) > 1
            and all(ACRONYM.match(p) for p in parts[1:])
            and not ACRONYM.match(parts[0])
        ):
            parts = parts[:1]  # "David Wolff, CWIHP": an affiliation
        names.extend(TITLES.sub("", p).strip() for p in parts)
    return [n for n in names if n]


# -- splitting -------------------------------------------------------------------------------

PUBLISHED_WORDS = ("published", "printed", "included", "cited", "quoted", "reproduced", "available")
PUBLISHED_IN = re.compile(
    r"\b(?:(?:Also|Originally|First|Previously)\s+)?(?:published|reprinted|printed|included|cited|"
    r"quoted|reproduced|available)(?:\s+in\s+(?:English|Russian|Chinese|Hungarian|German|Polish|full))?"
    r"\s+in\b[:\s]*",
    re.I,
)
COPY_WORDS = ("cop", "file", "available")
COPY_AT = re.compile(
    r",?\s*(?:a\s+)?(?:copy|copies)\s+(?:in|at)\s+(?:the\s+)?|,?\s*(?:and\s+)?on\s+file\s+at\s+(?:the\s+)?"
    r"|\.?\s*Also\s+available\s+(?:at|from)\s+(?:the\s+)?",
    re.I,
)


# Phrases that say how a copy travelled, not where it is: dropped before reading.
NOISE_WORDS = ("permission", "provided", "copy", "given", "secret", "confidential")
NOISE = re.compile(
    r"\bWith\s+(?:the\s+)?permission\s+of\s+[^.;]*[.;]?|,?\s*provided\s+to\s+(?:the\s+)?(?-i:[A-Z]{3,})\b"
    r"|^\s*copy\b\s*|(?<=;)\s*copy\b\s*\.?|,?\s*(?:fond|opis|delo)(?:\s+and\s+\w+)?\s+not\s+given"
    r"|,\s*(?:Top\s+|Strictly\s+)?(?:Secret|Confidential)(?=[,.;]|$)",
    re.I,
)


# "Archive of the Romanian Ministry of Foreign Affairs, Year 1955; Issue 20; Country: …": the
# parts of one shelf mark, separated by ";".
CONTINUED = re.compile(r"\s*(?:Year|Issue|Country|Problema|Matter|Folder|Dosar)\b")


@dataclass
class Part:
    text: str
    publication: str | None = None
    is_publication: bool = False


def split_citations(text: str) -> list[Part]:
    parts: list[Part] = []
    segments: list[str] = []
    for segment in text.split(";"):  # "Foreign Relations …, Eastern Europe; The Soviet Union"
        if segments and (_published_in(segments[-1]) or CONTINUED.match(segment)):
            segments[-1] += ";" + segment
        else:
            segments.append(segment)
    for segment in segments:
        segment = LEADING_AND.sub("", segment).strip(" ,.")
        if not segment:
            continue
        leading = PUBLISHED_IN.match(segment) if may_contain(segment, PUBLISHED_WORDS) else None
        if leading and parts:  # "…, 861.00/2-2246; reprinted in …"
            parts[-1].publication = re.sub(r"^the\s+", "", segment[leading.end() :]).strip(" ,.")
            continue
        body, publication = _publication(segment)
        pieces = _split_on_archives(body)
        if publication and len(pieces) == 1 and _is_publication(pieces[0]):
            # A book "Also available in" another: two publications.
            parts += [Part(pieces[0], is_publication=True), Part(publication, is_publication=True)]
            continue
        for i, piece in enumerate(pieces):
            parts.append(Part(piece, publication if i == len(pieces) - 1 else None))
    return parts


LEADING_AND = re.compile(r"^\s*(?:and|also)\s+")


def _published_in(text: str) -> re.Match[str] | None:
    return PUBLISHED_IN.search(text) if may_contain(text, PUBLISHED_WORDS) else None


def _is_publication(text: str) -> bool:
    return _repository(text)[0] is None and bool(PUBLICATION.search(text))


def _publication(segment: str) -> tuple[str, str | None]:
    """'…, d. 3. Reprinted in X. Translated …' -> ('…, d. 3', 'X')."""
    match = _published_in(segment)
    if match is None or match.start() == 0:
        return segment, None
    publication = re.sub(r"^the\s+", "", segment[match.end() :])
    end = _sentence_end(publication)
    return segment[: match.start()].strip(" ,."), publication[:end].strip(" ,.") or None


def _sentence_end(text: str) -> int:
    for match in re.finditer(r"\.\s+(?=[A-Z])", text):
        before = text[: match.start()]
        if INITIAL.search(before) or re.search(r"\b(?:No|no|pp|p|vol|Vol|ed|eds|et al)$", before):
            continue
        return match.start()
    return len(text)


def _split_on_archives(text: str) -> list[str]:
    """Before 'copy in' / 'on file at' (another holder), before 'and' + a known archive, and
    before a comma + a second known archive ("IDSA (…), Tata Institute …")."""
    result: list[str] = []
    for i, piece in enumerate(COPY_AT.split(text) if may_contain(text, COPY_WORDS) else [text]):
        piece = piece.strip(" ,.")
        if not piece:
            continue
        if i == 0 or _has_repository(piece):
            result.extend(_split_on_known(piece))
        elif result:
            result[-1] += ", " + piece
    return result


ARCHIVE_JOIN = re.compile(r"(?:,\s*|\s+)and\s+(?=\S)|,\s*(?=[A-Z])")


def _split_on_known(text: str) -> list[str]:
    pattern, by_key = _archive_index()
    pieces, start = [], 0
    for match in ARCHIVE_JOIN.finditer(text):
        following = pattern.match(text, match.end())
        if not following or start >= match.start():
            continue
        if "and" not in match.group(0):
            earlier = pattern.search(text[start : match.start()])
            if earlier is None or by_key[earlier.group(0)] is by_key[following.group(0)]:
                continue
        pieces.append(text[start : match.start()].strip(" ,."))
        start = match.end()
    pieces.append(text[start:].strip(" ,."))
    return [p for p in pieces if p]


def _has_repository(text: str) -> bool:
    return _repository(text)[0] is not None


# -- one citation ----------------------------------------------------------------------------

# Unit markers in every spelling the archive's strings use. Each value: (unit, English?).
# English words count only in a citation with at least two unit markers.
MARKERS: list[tuple[str, str, bool]] = [
    (r"f|F|fond|Fond|Fondi|fonds|Fonds", "fond", False),
    (r"Collection", "fond", True),
    (r"op|Op|opis|Opis|dans", "opis", False),
    (r"Inventory|Record", "opis", True),
    (r"d|D|delo|Delo|Dos|Dosja|dosja|dosar|Dosar|kh/n|a\.\s?e|A\.\s?E", "delo", False),
    (r"(?:File|file|Folder|Dossier)(?:\s+[Nn]o)?(?=\.?\s*[A-Z]?[’']?\d)", "delo", False),
    (r"papka|Papka", "papka", False),
    (r"ll|Ll|l|L|list|List|listy|Listy|Fl|fl|Filele|Fila|k|khuu|pp", "listy", False),
    (r"Sheets?|sheets?|Frames?|Pages?", "listy", True),
    (r"p|P", "p", False),  # papka before a delo, else pages
]
# A unit's value: "86-88", "059a", "14/AP", "130.02/3294/7", "A’0392", "12, 14-15".
VALUE = (
    r"[\dA-Za-z](?:[\w/’']|\.(?=\d))*(?:\s*[-–]\s*[\dA-Za-z][\w/]*)?"
    r"(?:\s*,\s*\d+(?:\s*[-–]\s*\d+)?)*"
)
UNIT = [
    (
        re.compile(
            rf"^(?:{markers})(?:\s*\([^()]{{1,6}}\))?"  # "Fondi (F.) 14/AP"
            rf"(?:\.\s*|\s+|(?=\d))(?:[Nn]o\.?\s*)?(?P<value>{VALUE})"
            r"(?:\s*\([^()]*\))?$"  # "File A’0392 (Microfilm)"
        ),
        unit,
        english,
    )
    for markers, unit, english in MARKERS
]
# Hungarian archives write the number first: "288. f. 5/829. ő. e." is fond 288, unit 5/829.
HUNGARIAN_UNITS = re.compile(r"\b(?P<value>\d[\w/]*)\.\s*(?P<unit>f|ő\.\s*e)\.?(?=\s|,|$)")
HUNGARIAN = {"f": "f.", "ő": "d."}
RECORD_GROUP = re.compile(r"\bRG\s*\d+|\bRecord Group\s+\d+")
BARE_RANGE = re.compile(r"^\d+(?:\s*[-–]\s*\d+)?$")  # pages after a shelf mark
SHELF_MARK = re.compile(r"\b[A-Z]?\d+(?:-\d+){2,}\b")
PLACES = (
    "Moscow", "Sofia", "Kew", "Warsaw", "Prague", "Budapest", "Berlin", "Tirana", "Bucharest",
    "Beijing", "Washington, D.C.", "Washington, DC", "Washington D.C.", "Washington", "D.C.",
    "DC", "London", "Rome", "Belgrade", "Ulaanbaatar", "Ulan Bator", "Seoul", "Tokyo",
    "Pretoria", "Canberra", "Albania", "Bulgaria", "Poland", "Romania", "Russia", "China",
    "Hungary", "Moskva", "College Park", "College Park, MD", "Stanford", "New Delhi", "Havana",
    "Hanoi", "Pyongyang", "Taipei", "Paris", "Bonn", "Vienna", "Geneva", "New York",
    "D.C", "Washington, D.C", "Moscow, Russian Federation", "Brasilia", "Brazil",
    "Tirana, Albania", "Sofia, Bulgaria",
)  # fmt: skip
_PLACES = "|".join(re.escape(p) for p in sorted(PLACES, key=len, reverse=True))
PLACE = re.compile(rf"^(?:{_PLACES})$")
PLACE_FIRST = re.compile(rf"(?P<place>{_PLACES})(?:,|$|\.\s)")  # a city right after a name
PUBLICATION = re.compile(
    r"\([^()]*:\s*[^()]*\d{4}\)|\([^()]*\b\d{4}\)|Foreign Relations of the United States|\bFRUS\b"
    r"|\bpp?\.\s*\d|\bvol\.\s*\d|\beds?\.,|[\"“][^\"”]{8,}[\"”]|\bBulletin\b|\bWorking Paper\b"
    r"|\b[A-Z][a-z]+:\s*[A-Z][^,:;]*,\s*\d{4}\b|\beds?\.\s"  # "London: Aneks Publishers, 1996"
    r"|\bJournal\b|\bZhurnal\b|\bwenxuan\b|\bwengao\b|\bwenji\b|\bwansui\b|\bRecord\s+\d+|\bno\.\s*\d",
    re.I,
)
GOVERNMENT_PUBLICATION = re.compile(r"\bWhite\s+Paper\b|\bBlue\s+Book\b|\bGazette\b")
ARCHIVE_WORDS = re.compile(
    r"\b(?:Archives?|Archiv\w*|Arkhiv\w*|Library|Museum|Records|Papers|Collection)\b"
)
# A private person's papers or gift: "From the personal collection of …", "Courtesy of …".
PERSON_SOURCE = re.compile(
    r"^(?:From\s+(?:the\s+)?(?=personal|private))?"
    r"(?:Personal\s+(?:archive|papers|collection)\s+of|Private\s+(?:archive|collection)\s+of"
    r"|Courtesy\s+of|Interview\s+with)\s+",
    re.I,
)


PIECES = re.compile(r",(?![”\"\d])\s*|\.\s+(?=[A-Za-z]+\.?\s*\d)")


def read_citation(part: Part) -> Citation:
    citation = Citation(raw=part.text, publication=part.publication)
    text = part.text
    if part.is_publication:
        citation.kind, citation.publication = "publication", _tidy(text)
        return citation
    person = PERSON_SOURCE.match(text)
    if person:
        holder = re.sub(r"^From\s+(?:the\s+)?", "", text, flags=re.I)
        citation.kind, citation.repository = "person", holder.split(",")[0].strip()
        return citation
    if GOVERNMENT_PUBLICATION.search(text):  # a ministry's White Paper is a book, not its archive
        citation.kind, citation.publication = "publication", _tidy(text)
        return citation
    repository, record, rest = _repository(text)
    rest = HUNGARIAN_UNITS.sub(lambda m: f", {HUNGARIAN[m['unit'][0]]} {m['value']},", rest)
    pieces = [p.strip() for p in PIECES.split(rest) if p.strip(" .")]
    units, reference = _units(pieces)
    if record is not None:
        citation.repository_name, citation.abbreviation = record.name, record.abbreviation
        citation.country = record.country
    citation.repository = repository
    reference_text = ", ".join(reference) or None
    if repository is None and set(units) <= {"listy"} and PUBLICATION.search(text):
        citation.kind, citation.publication = "publication", _tidy(text)
        return citation
    for unit, value in units.items():
        setattr(citation, unit, value)
    if repository is None and RECORD_GROUP.search(text):  # "RG 59, DF, …": the US National Archives
        nara = archive_for("NARA")
        if nara is not None:
            citation.repository_name, citation.country = nara.name, nara.country
    if repository is not None or units or RECORD_GROUP.search(text):
        citation.kind, citation.reference = "archive", reference_text
    else:
        citation.reference = reference_text
    return citation


@lru_cache(maxsize=4096)  # asked for each piece while splitting, then again when reading it
def _repository(text: str) -> tuple[str | None, ArchiveRecord | None, str]:
    """(the repository as written, its archive record, the text without it and its city)."""
    pattern, by_key = _archive_index()
    match = pattern.search(text)
    if match and not _inside_publication(text, match.end()):
        record = by_key[match.group(0)]
        start, end = match.span()
        written = match.group(0)
        if text[start - 1 : start] == "(" and text[end : end + 1] == ")":
            # "National Archives of Hungary (MNL OL)", "Archive of the President, Russian
            # Federation (APRF)": the name before the parenthesis.
            before = (
                0 if not re.search(r"\d", text[: start - 1]) else text.rfind(",", 0, start - 1) + 1
            )
            written, start, end = text[before : start - 1].strip(), before, end + 1
            return written, record, _without(text, start, end)
        # "Archive of Foreign Policy, Russian Federation (AVP RF)": the name runs on to its
        # abbreviation.
        runs_on = re.match(r",\s*[^,()\[\]\d]+?(?=\s*\()", text[end:])
        if runs_on:
            gloss = re.match(r"\s*[(\[]([^()\[\]]+)[)\]]", text[end + runs_on.end() :])
            if gloss and archive_for(gloss.group(1)) is record:
                written = _without_place(text[start : end + runs_on.end()])
                end += runs_on.end() + gloss.end()
                return written, record, _without(text, start, end)
        gloss = re.match(r"\s*[(\[]([^()\[\]]+)[)\]]", text[end:])
        if gloss and (archive_for(gloss.group(1)) in (record, None)):
            end += gloss.end()  # "(APRF)", "(Central State Archives, Tirana, Albania)"
        return _without_place(written), record, _without(text, start, end)
    first = text.partition(",")[0]
    if ARCHIVE_WORDS.search(first) and not PUBLICATION.search(text) and not _unit_of(first.strip()):
        # An archive we do not know by name: kept as written, unresolved.
        written = re.sub(r"\s*\([^()]*\)$", "", first.strip())
        return written, None, _without(text, 0, len(first))
    return None, None, text


def _without_place(name: str) -> str:
    """ "Central State Archive, Sofia" -> "Central State Archive"; "… (Moscow)" likewise."""
    name = re.sub(
        r"\s*\(([^()]+)\)$", lambda m: "" if PLACE.match(m.group(1)) else m.group(0), name
    )
    head, comma, tail = name.rpartition(", ")
    return head if comma and PLACE.match(tail) else name


def _inside_publication(text: str, end: int) -> bool:
    """ "National Security Archive Electronic Briefing Book": an archive's name in a title."""
    return text[end:].lstrip().startswith("Electronic Briefing Book")


def _without(text: str, start: int, end: int) -> str:
    """The text without the repository, and without the city written right after it."""
    before, after = text[:start].rstrip(" ,.:"), text[end:].lstrip(" ,.:")
    after = re.sub(
        r"^\(([^()]+)\)\s*,?\s*", lambda m: "" if PLACE.match(m.group(1)) else m.group(0), after
    )
    place = PLACE_FIRST.match(after)
    if place:
        after = after[place.end("place") :].lstrip(" ,.")
    return ", ".join(p for p in (before, after) if p)


# The unit patterns as one alternation, in the same order: regex alternation tries each
# in turn, so the first pattern that matches the whole piece wins, as in a loop over UNIT,
# for one call instead of up to ten. Each alternative names its value `v{i}`.
UNIT_ANY = re.compile(
    "|".join(
        f"(?:{pattern.pattern.replace('(?P<value>', f'(?P<v{i}>')})"
        for i, (pattern, _, _) in enumerate(UNIT)
    )
)
UNIT_OF_GROUP = {f"v{i}": (unit, english) for i, (_, unit, english) in enumerate(UNIT)}


def _unit_of(piece: str) -> tuple[str, str, bool] | None:
    match = UNIT_ANY.match(piece)
    if match is None:
        return None
    name = match.lastgroup
    assert name is not None
    unit, english = UNIT_OF_GROUP[name]
    return unit, match.group(name).strip(" ,."), english


def _units(pieces: list[str]) -> tuple[dict[str, str], list[str]]:
    """The units among the comma-separated pieces, and the pieces that are not units."""
    pieces = [p for p in pieces if not PLACE.match(p.strip(" ."))]
    found: list[tuple[int, str, str, bool]] = []
    for i, piece in enumerate(pieces):
        marker = _unit_of(piece)
        if marker:
            found.append((i, *marker))
    if len(found) < 2:  # an English word alone ("Collection 5") is no unit
        found = [f for f in found if not f[3]]
    units: dict[str, str] = {}
    used: set[int] = set()
    for i, unit, value, _ in found:
        if unit == "p":  # papka before a delo, beside sheets or before another p.; else pages
            later_delo = any(u == "delo" and j > i for j, u, _, _ in found)
            folder = later_delo or any(u == "listy" for _, u, _, _ in found)
            folder = folder or sum(u == "p" for _, u, _, _ in found) > 1
            unit = "papka" if folder and "papka" not in units else "listy"
        if unit not in units:
            units[unit] = value
            used.add(i)
    rest = [p for i, p in enumerate(pieces) if i not in used]
    # "908-1-17, 40-41": the pages after a Chinese archive's shelf mark.
    if (
        "listy" not in units
        and len(rest) >= 2
        and BARE_RANGE.match(rest[-1])
        and SHELF_MARK.search(rest[-2])
    ):
        units["listy"] = rest.pop()
    return units, [p.strip(" .") for p in rest]


def _tidy(text: str) -> str:
    text = " ".join(text.split())
    # Runs of dots: after the join, only "..", ". ." can start one (\s and str.split() agree).
    if ".." in text or ". ." in text:
        text = DOT_RUNS.sub(".", text)
    return (LEADING_DOT.sub("", text) if text.startswith(".") else text).strip(" ,.;")


DOT_RUNS = re.compile(r"\.(?:\s*\.)+")
LEADING_DOT = re.compile(r"^\.\s*")


# -- the archive table -------------------------------------------------------------------------


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


# -- the whole field -----------------------------------------------------------------------------


def parse_citations(text: str | None) -> list[Citation]:
    """All citations of a source field, in order. Never raises."""
    source = " ".join((text or "").replace("<br>", " ").split())
    if not source:
        return []
    noise = may_contain(source, NOISE_WORDS)
    rest, credits = take_credits(NOISE.sub(" ", source) if noise else source)
    citations = [read_citation(part) for part in split_citations(rest)]
    citations = [
        c for c in citations if c.kind != "unknown" or _substantial(c.reference or c.repository)
    ]
    if not citations and credits:
        citations = [Citation(raw=source)]
    if citations:
        for name, names in credits.items():
            setattr(citations[0], name, names)
    for citation in citations:
        citation.parsed = citation.kind != "unknown" or has_credits(citation)
    return citations


def _substantial(text: str | None) -> bool:
    """Not a leftover fragment ("copy", "and"): a digit or a capitalised word."""
    return bool(text and re.search(r"\d|\b[A-Z]", text))


def has_credits(citation: Citation) -> bool:
    return any(getattr(citation, name) for name in CREDIT_FIELDS)


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
