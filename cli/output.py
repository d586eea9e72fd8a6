"""How `da` writes rows: rich tables on a terminal, tab-separated text when piped, or the
format asked for (`--format tsv|csv|json|jsonl`).

Data is never read as markup on a terminal: every value becomes a `rich.text.Text` (so
"[/illegible]" or "[bold]" print as they are), control characters (an ESC of "\\x1b[31m")
are shown as `\\x1b` instead of reaching the terminal, and search hits are highlighted with
styles on spans, not with markup.

Piped output (stdout not a terminal) is written by the csv module with a tab delimiter: a
field holding a tab, a newline or a double quote is quoted by the csv rules (doubled quotes
inside), so `csv.reader(f, delimiter="\\t")` reads every value back exactly. Without
`--format`, each table starts with a `# title` line (the count, e.g. "# 20 of 38
documents"); `--format tsv` and `--format csv` write a header row instead; `json` writes one
array, `jsonl` one object a line.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.text import Text

FORMATS = ("tsv", "csv", "json", "jsonl")
HIGHLIGHT = "bold yellow"
# C0 controls but tab and newline, DEL, C1 controls: shown as \xNN on a terminal.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class UserError(Exception):
    """Something the user can fix: printed as one line, exit status 2."""


def cell(value: Any) -> str:
    """A value as one field: lists joined with "; ", None as ""."""
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return "" if value is None else str(value)


def visible(value: str) -> str:
    """The string with its control characters written out (ESC as \\x1b)."""
    return CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", value)


def styled(value: Any, spans: Iterable[tuple[int, int]] = (), limit: int | None = None) -> Text:
    """A literal Text of the value (never markup), its spans highlighted, cut at `limit`."""
    from rich.text import Text

    plain = cell(value)
    if limit is not None and len(plain) > limit:
        plain = plain[:limit] + "…"
    result = Text()
    position = 0
    for start, end in sorted(spans):
        start, end = max(start, position), min(end, len(plain))
        if start >= end:
            continue
        result.append(visible(plain[position:start]))
        result.append(visible(plain[start:end]), style=HIGHLIGHT)
        position = end
    result.append(visible(plain[position:]))
    return result


def is_terminal() -> bool:
    return sys.stdout.isatty()


def writer(delimiter: str = "\t") -> Any:
    return csv.writer(sys.stdout, delimiter=delimiter, lineterminator="\n")


def write_table(
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    fmt: str | None = None,
    records: Sequence[dict[str, Any]] | None = None,
    cells: Sequence[Sequence[Text]] | None = None,
) -> None:
    """Rows as `fmt` (tsv, csv, json, jsonl); without it, a rich table on a terminal (`cells`
    when given: Text with highlights) and `# title` then tab-separated rows otherwise.
    `records` are what json and jsonl write (the rows keyed by headers when not given)."""
    if fmt in ("json", "jsonl"):
        objects = (
            records if records is not None else [dict(zip(headers, r, strict=True)) for r in rows]
        )
        if fmt == "json":
            print(json.dumps(list(objects), ensure_ascii=False, indent=1, default=str))
        else:
            for obj in objects:
                print(json.dumps(obj, ensure_ascii=False, default=str))
        return
    if fmt in ("tsv", "csv"):
        out = writer("\t" if fmt == "tsv" else ",")
        out.writerow(headers)
        out.writerows([cell(c) for c in row] for row in rows)
        return
    if not is_terminal():
        print(f"# {title}")
        writer().writerows([cell(c) for c in row] for row in rows)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=styled(title), show_lines=False)
    for header in headers:
        table.add_column(styled(header), overflow="fold")
    for row in cells if cells is not None else [[styled(c) for c in r] for r in rows]:
        table.add_row(*row)
    Console().print(table)


def print_text(value: str) -> None:
    """Plain text to stdout: literal, control characters written out on a terminal."""
    print(visible(value) if is_terminal() else value)
