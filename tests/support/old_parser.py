"""An "old parser" for the tests of re-parsing: a pipeline that gives every document whose
record id is even a different title, as a parser that has since been fixed would have.
Added to ITEM_PIPELINES of a test crawl (tests/support is on its PYTHONPATH)."""

from __future__ import annotations

import json
from typing import Any

from items import DocumentItem

SUFFIX = " (as the old parser read it)"


class OldParserPipeline:
    def process_item(self, item: Any) -> Any:
        if isinstance(item, DocumentItem) and item.record_id and int(item.record_id) % 2 == 0:
            item.title = (item.title or "") + SUFFIX
        return item


def pipelines_setting() -> str:
    """ITEM_PIPELINES with this pipeline before validation, as `-s ITEM_PIPELINES=` takes it."""
    import settings

    return json.dumps({**settings.ITEM_PIPELINES, "support.old_parser.OldParserPipeline": 480})
