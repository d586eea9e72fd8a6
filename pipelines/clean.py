"""Clean text: Unicode NFC everywhere, so that "Révész" typed two ways is one name.

Whitespace is already normalized by the page parsers; decomposed accents (seen on real pages)
are composed here, for every string of the item, in lists and version dicts too.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from itemadapter import ItemAdapter


def nfc(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [nfc(v) for v in value]
    if isinstance(value, dict):
        return {k: nfc(v) for k, v in value.items()}
    return value


class CleanTextPipeline:
    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        for name, value in adapter.items():
            adapter[name] = nfc(value)
        return item
