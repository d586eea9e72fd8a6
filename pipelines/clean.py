"""Clean text: mojibake repaired, Unicode NFC, and the summary falling back to the listing's.

Whitespace is already normalized by the page parsers; decomposed accents (seen on real pages)
are composed here, for every string of the item, in lists and version dicts too. Mojibake
("PÃ³Å‚noc" for "Północ") is repaired by ftfy, and only in strings that show its marks.
"""

from __future__ import annotations

import re
import unicodedata
from enum import Enum
from typing import Any

from items import DocumentItem, Item

# UTF-8 read as Latin-1/Windows-1252 leaves these; clean text almost never has them.
MOJIBAKE_MARKS = re.compile(
    "[ÃÂÅÐÑ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u02c6\u02dc\u2013-\u203a\u20ac\u2122]|â€"
)


def clean_text(value: str) -> str:
    if value.isascii():  # NFC and mojibake marks concern non-ASCII characters only
        return value
    if MOJIBAKE_MARKS.search(value):
        import ftfy  # here: most crawls never need it, and it costs 40 ms of start-up

        value = ftfy.fix_text(value, uncurl_quotes=False, fix_line_breaks=False)
    return unicodedata.normalize("NFC", value)


# Exact types that hold no string: returned at once (most of an item's fields are these,
# None or plain str, so the common cases are decided by one type test).
LEFT_ALONE = frozenset({bool, int, float, type(None)})


def clean_value(value: Any) -> Any:
    kind = type(value)
    if kind is str:
        return clean_text(value)
    if kind in LEFT_ALONE:
        return value
    if isinstance(value, str):  # a vocabulary's value (a StrEnum is a str) is kept as it is
        return value if isinstance(value, Enum) else clean_text(value)
    if isinstance(value, list):
        return [clean_text(v) if type(v) is str else clean_value(v) for v in value]
    if isinstance(value, dict):
        return {k: clean_value(v) for k, v in value.items()}
    parts = getattr(value, "__dataclass_fields__", None)
    if parts is not None and not isinstance(value, type):  # versions, citations, …
        for name in parts:  # in place: the parts belong to this item alone
            setattr(value, name, clean_value(getattr(value, name)))
    return value


class CleanTextPipeline:
    def process_item(self, item: Item) -> Item:
        clean_value(item)  # every string of every field, in place
        if isinstance(item, DocumentItem) and not item.summary:
            item.summary = item.listing_summary
        return item
