"""The spool: items a crawl fetched but could not write (the database was away longer than
`DA_DB_OUTAGE_MAX`, or cannot take writes), kept as JSON lines on the local disk, and replayed
into the database by the next run before it fetches anything.

One file per run: `{DA_SPOOL_DIR}/{database}-{run}.jsonl`, where `database` is a digest of the
database URL without its password, so that a spool is only replayed into the database it was
meant for. The first line names the database; then one line per item, `{"kind", "item"}`,
bytes as base64. Lines are appended and synced; a last line cut short by a crash is skipped;
a file is removed only after its items are committed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from items import CollectionItem, DocumentItem, FetchRecord, Item, RejectedItem, from_payload

KINDS: dict[str, type[Any]] = {
    "document": DocumentItem,
    "collection": CollectionItem,
    "rejected": RejectedItem,
    "fetch": FetchRecord,
}


def database_key(safe_url: str) -> str:
    return hashlib.sha256(safe_url.encode()).hexdigest()[:12]


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode("ascii")}
    raise TypeError(f"not JSON: {type(value).__name__}")


def _unbytes(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"$bytes"}:
            return base64.b64decode(value["$bytes"])
        return {k: _unbytes(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unbytes(v) for v in value]
    return value


def line_of(item: Item) -> str:
    values = asdict(item)
    if isinstance(values.get("http"), dict):
        values["http"].pop("page", None)  # the raw page of a stored document is not kept
    return json.dumps({"kind": item.kind, "item": values}, default=_plain, ensure_ascii=False)


def item_of(line: str) -> Item:
    record = json.loads(line)
    return from_payload(KINDS[record["kind"]], _unbytes(record["item"]))


def write(folder: Path, safe_url: str, run_id: int | None, items: list[Item]) -> Path:
    """Append `items` to this run's spool file, synced to disk before returning."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{database_key(safe_url)}-{run_id or 0}.jsonl"
    lines = [] if path.exists() else [json.dumps({"database": safe_url})]
    lines += [line_of(item) for item in items]
    with path.open("a", encoding="utf-8") as out:
        out.write("".join(line + "\n" for line in lines))
        out.flush()
        os.fsync(out.fileno())
    return path


def pending(folder: Path, safe_url: str) -> list[Path]:
    """The spool files waiting for this database, oldest first."""
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{database_key(safe_url)}-*.jsonl"), key=lambda p: p.stat().st_mtime)


def read(path: Path) -> Iterator[Item]:
    with path.open(encoding="utf-8") as lines:
        next(lines, None)  # the header: which database
        for line in lines:
            if line.endswith("\n"):  # a line cut short by a crash was never complete
                yield item_of(line)
