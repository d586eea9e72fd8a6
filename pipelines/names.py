"""People's names and document titles.

`parse_person_name("Zhou, Enlai")` -> name "Zhou, Enlai", display_name "Zhou Enlai",
sort_name "Zhou, Enlai"; Western names turn around ("Clark, Mark W." -> "Mark W. Clark").
`parse_title(...)` reads the document type, its number, the sender and recipients of titles
in the "X to Y" form, and resolves pseudonyms: "Filippov [Stalin]" is Stalin, alias Filippov.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

from items import Alias, DocumentItem, Item, PersonForm
from items.names import FAMILY_FIRST

SUFFIX = re.compile(r"(?:Jr|Sr)\.?|I{2,3}|IV|V|VI")
PARTICLES = re.compile(
    r"\s+((?:(?:de|da|di|du|del|della|der|van|von|den|ten|ter|la|le|al|el|bin|ibn)\s*)+)$"
)
ORGANISATION = re.compile(
    r"\b(?:Party|Committee|Ministry|Department|Embassy|Legation|Consulate|Council|Government|"
    r"Office|Agency|Bureau|Commission|Foundation|Institute|University|Archives?|Army|Command|"
    r"Republic|Union|Association|League|Front|Organi[sz]ation|Assembly|Congress|Parliament|"
    r"Secretariat|Presidium|Politburo|Nations|Service|Kingdom|Federation|Headquarters|Staff|"
    r"Directorate|Division|Corps|Forces|Delegation|Mission|Conference)\b"
)
HONORIFICS = re.compile(
    r"^(?:Cde\.|Comrade|Comrades|Cdes\.|Mr\.|Mrs\.|Dr\.|General|Gen\.|President|Marshal|Chairman|Premier|Ambassador)\s+"
)
DOCUMENT_TYPES = (
    "Ciphered Telegram",
    "Cable Telegram",
    "Incoming Cable",
    "Outgoing Cable",
    "Outgoing Telegram",
    "Incoming Telegram",
    "Telephone Message",
    "Telephone Conversation",
    "Cable",
    "Telegram",
    "Handwritten Letter",
    "Letter",
    "Memorandum of Conversation",
    "Memorandum",
    "Memo",
    "Record of a Conversation",
    "Record of Conversation",
    "Minutes of Conversation",
    "Meeting Minutes",
    "Minutes",
    "Report",
    "Statement",
    "Decision",
    "Resolution",
    "Hand delivered note",
    "Note",
    "Notes",
    "Draft",
    "Instructions",
    "Directive",
    "Order",
    "Protocol",
    "Agreement",
    "Speech",
    "Diary",
    "Message",
    "Aide-Memoire",
    "Information",
    "Response",
    "Excerpt",
    "Transcript",
    "Appeal",
    "Communiqué",
)
TYPE_PATTERN = re.compile(
    r"\b(" + "|".join(re.escape(t) for t in sorted(DOCUMENT_TYPES, key=len, reverse=True)) + r")\b",
    re.I,
)
NUMBER = re.compile(r"\b(?:No|Nos|Nº|N°)\.?\s*(\d[\w/-]*)", re.I)
TRAILING_DATE = re.compile(r",\s*(?:\d{1,2}\s+)?[A-Z][a-z]+\.?,?\s+(?:\d{1,2},?\s+)?\d{4}\s*$")
PSEUDONYM = re.compile(r"^(?P<alias>[^\[\]()]+?)\s*[\[(](?P<real>[^\[\]()]+)[\])]$")
ANNOTATION = re.compile(r"\s*\[[^\]]*(?:Secret|Translation|Excerpt|Draft)[^\]]*\]", re.I)
NOT_A_PARTY = re.compile(
    r"^(?:before|after|on|about|regarding|concerning|in|with|for|the\s+\w+ing)\b", re.I
)
PARTY_END = re.compile(
    r"\s+(?:via|regarding|concerning|about|on|with|containing|transmitting|conveying|in)\s.*$", re.I
)


@dataclass(frozen=True)
class PersonName:
    name: str
    display_name: str
    sort_name: str
    aliases: tuple[str, ...] = ()


@dataclass
class TitleParts:
    document_type: str | None = None
    number: str | None = None
    sender: str | None = None
    recipients: list[str] = field(default_factory=list)
    aliases: list[Alias] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# Pure, and a crawl meets the same people on document after document (the archive's
# vocabulary of people is a few thousand names): each name is parsed once a process.
@lru_cache(maxsize=8192)
def parse_person_name(name: str) -> PersonName:
    """'Last, First' -> display and sort forms; a parenthesised other spelling is an alias.

    "Harrison, William K., Jr." -> "William K. Harrison Jr."; "Gaulle, Charles de" -> "Charles
    de Gaulle"; "Zhou, Enlai" -> "Zhou Enlai" (family name first, as the archive writes
    Chinese, Korean and Vietnamese names); organisations ("United States. Department of
    State", "Central Committee, Communist Party") are never turned around.
    """
    name = " ".join(name.split())
    aliases: tuple[str, ...] = ()
    base = name
    match = re.match(r"^(.*?)\s*\(([^()]+)\)$", name)
    if match and "," in match.group(1):
        base, aliases = match.group(1), (match.group(2),)
    if "," not in base or is_organisation(base):  # an organisation, or a single name
        return PersonName(name, base, base, aliases)
    family, *rest = (part.strip() for part in base.split(","))
    suffixes = [part for part in rest if SUFFIX.fullmatch(part)]
    given = " ".join(part for part in rest if part not in suffixes)
    if not given:
        return PersonName(name, base, base, aliases)
    particle = PARTICLES.search(given)  # "Charles de": the particle goes with the family name
    if particle:
        given, family_display = given[: particle.start()], f"{particle.group(1)} {family}"
    else:
        family_display = family
    family_first = family.lower() in FAMILY_FIRST and "." not in given
    display = f"{family} {given}" if family_first else f"{given} {family_display}"
    display = " ".join([display, *suffixes])
    if aliases and family not in aliases[0]:
        # "Eisenhower, Dwight D. (Dwight David)": the parenthesis spells out the given names.
        full = aliases[0]
        aliases = (f"{family} {full}" if family_first else f"{full} {family_display}",)
    return PersonName(name, display, base, aliases)


def is_organisation(name: str) -> bool:
    """ "United States. Department of State", "Korea (North). Ministry of Foreign Affairs",
    "Central Committee, Communist Party": bodies, not people."""
    return bool(ORGANISATION.search(name) or re.search(r"\w{2,}\.\s+[A-Z]\w+\s+\w", name))


def resolve_pseudonym(party: str) -> tuple[str, str | None]:
    """'Filippov [Stalin]' -> ('Stalin', 'Filippov'); other names -> (name, None)."""
    party = HONORIFICS.sub("", party.strip())
    match = PSEUDONYM.match(party)
    if match and not re.search(r"\d", match.group("real")):
        alias = HONORIFICS.sub("", match.group("alias")).strip()
        # "the Chairman [Mao Zedong]" names an office, not a pseudonym.
        return match.group("real").strip(), None if re.match(r"(?i)the\s", alias) else alias
    return party, None


def person_form(person: PersonName) -> PersonForm:
    return PersonForm(person.name, person.display_name, person.sort_name, list(person.aliases))


def parse_title(title: str | None) -> TitleParts:
    parts = TitleParts()
    if not title:
        return parts
    text = ANNOTATION.sub("", TRAILING_DATE.sub("", " ".join(title.split()))).strip()
    type_match = TYPE_PATTERN.search(text)
    if type_match and type_match.start() < 60:
        found = type_match.group(1)
        parts.document_type = next(t for t in DOCUMENT_TYPES if t.lower() == found.lower())
    number = NUMBER.search(text)
    parts.number = number.group(1) if number else None
    parties = _parties(text)
    if parties:
        sender, recipients = parties
        parts.sender, alias = resolve_pseudonym(sender)
        if alias:
            parts.aliases.append(Alias(parts.sender, alias))
        for recipient in recipients:
            real, alias = resolve_pseudonym(recipient)
            parts.recipients.append(real)
            if alias:
                parts.aliases.append(Alias(real, alias))
    return parts


def _parties(text: str) -> tuple[str, list[str]] | None:
    """Sender and recipients of 'Type No. N, X to Y' or 'Type from X to Y'."""
    match = re.search(r"\bfrom\s+(?P<x>.+?)\s+to\s+(?P<y>.+)$", text)
    if match is None:
        head, comma, tail = text.partition(", ")
        candidate = tail if comma and TYPE_PATTERN.search(head) else text
        match = re.search(r"^(?P<x>[^,]+?)\s+to\s+(?P<y>.+)$", candidate)
        if match is None or TYPE_PATTERN.match(match.group("x")):
            return None
    sender = PARTY_END.sub("", match.group("x")).strip(" ,")
    recipients_text = PARTY_END.sub("", match.group("y")).strip(" ,")
    recipients = [r for r in re.split(r",\s*(?:and\s+)?|\s+and\s+", recipients_text) if r]
    if not sender or len(sender.split()) > 8 or NOT_A_PARTY.match(sender):
        return None
    return sender, recipients


class NamesPipeline:
    """Adds `persons` (display and sort forms of every named person) and the title parts."""

    def process_item(self, item: Item) -> Item:
        if not isinstance(item, DocumentItem):
            return item
        names = [*item.authors, *item.people, *item.contributors]
        item.persons = [person_form(parse_person_name(n)) for n in dict.fromkeys(names)]
        title = parse_title(item.title)
        item.document_type = item.document_type or title.document_type
        item.number = title.number
        item.sender = title.sender
        item.recipients = title.recipients
        item.aliases = title.aliases
        return item
