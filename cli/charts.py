"""What `da plot` draws and `da stats` shows as bars: the counts, read from the database (no
matplotlib here), and the terminal bar charts (rich).

The documents are those `da search` and `da export` select: the filters through
`models.search.matching_ids`, a query through `models.search.search` (every hit). Each figure
says what it counts:

- timeline: documents per year of `date_start`, each document once, in the stack of its first
  cited archive's country (`citations` → `archives.country`) or, `--by language`, of its first
  language; undated documents are counted apart;
- archives: documents per cited archive (abbreviation, else name), as `da stats` counts them: a
  document citing two archives counts for both;
- languages: documents per language (`document_languages`), likewise.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from models.readonly import Connection, Engine, run
from models.search import Filters, matching_ids, search

FIGURES = ("timeline", "archives", "languages")
GROUPINGS = ("country", "language")
NO_ARCHIVE = "(no archive cited)"
NO_COUNTRY = "(country unknown)"
NO_LANGUAGE = "(no language)"
OTHER = "(other)"


@dataclass
class PlotData:
    """The counts one figure is drawn from (what `da plot --data` writes)."""

    figure: str
    documents: int  # documents selected by the query and filters
    by: str | None = None  # timeline: country or language
    counts: dict[str, int] = field(default_factory=dict)  # label (year for timeline) → documents
    series: dict[str, dict[str, int]] = field(default_factory=dict)  # timeline: group → year → n
    undated: int = 0  # timeline: selected documents without date_start
    omitted: int = 0  # archives, languages: labels beyond --top

    def as_json(self) -> dict[str, Any]:
        return {
            "figure": self.figure,
            "documents": self.documents,
            "by": self.by,
            "counts": self.counts,
            "series": self.series,
            "undated": self.undated,
            "omitted": self.omitted,
        }


def selected_ids(engine: Engine, query: str | None, filters: Filters) -> set[int]:
    """The ids of the documents `da search QUERY [filters]` finds (all of them, not a page)."""
    with engine.connect() as conn:
        ids = set(matching_ids(conn, filters))
        if not (query and query.strip()) or not ids:
            return ids
        keys = {
            (record_id, url): doc_id
            for doc_id, record_id, url in run(
                conn, "SELECT id, record_id, canonical_url FROM documents"
            )
        }
    hits = search(engine, query, filters, limit=len(ids))
    return {keys[(h.record_id, h.url)] for h in hits if (h.record_id, h.url) in keys}


def plot_data(
    engine: Engine,
    figure: str,
    query: str | None = None,
    filters: Filters | None = None,
    by: str = "country",
    top: int = 15,
) -> PlotData:
    """The counts of one figure over the documents the query and filters select."""
    ids = selected_ids(engine, query, filters or Filters())
    with engine.connect() as conn:
        if figure == "timeline":
            return _timeline(conn, ids, by)
        if figure == "archives":
            pairs = _rows(conn, """SELECT DISTINCT c.document_id, coalesce(a.abbreviation, a.name)
                                   FROM citations c JOIN archives a ON a.id = c.archive_id""", ids)  # fmt: skip
        elif figure == "languages":
            pairs = _rows(conn, """SELECT DISTINCT dl.document_id, l.name FROM document_languages dl
                                   JOIN languages l ON l.id = dl.entity_id""", ids)  # fmt: skip
        else:
            raise ValueError(f"no figure {figure!r}")
    ranked = _ranked(Counter(label for _, label in pairs))
    return PlotData(figure, len(ids), counts=dict(ranked[:top]), omitted=max(len(ranked) - top, 0))


def _timeline(conn: Connection, ids: set[int], by: str) -> PlotData:
    year = (
        "strftime('%Y', date_start)"
        if conn.dialect.name == "sqlite"
        else "to_char(date_start, 'YYYY')"
    )
    years = dict(_rows(conn, f"SELECT id, {year} FROM documents WHERE date_start IS NOT NULL", ids))
    if by == "language":
        group = _first(_rows(conn, """SELECT dl.document_id, l.name FROM document_languages dl
                                      JOIN languages l ON l.id = dl.entity_id
                                      ORDER BY dl.document_id, dl.position, l.name""", ids))  # fmt: skip
        missing = NO_LANGUAGE
    else:
        group = _first(
            (doc_id, country or NO_COUNTRY)
            for doc_id, country in _rows(conn, """SELECT c.document_id, a.country FROM citations c
                                                  JOIN archives a ON a.id = c.archive_id
                                                  ORDER BY c.document_id, c.position""", ids)
        )  # fmt: skip
        missing = NO_ARCHIVE
    series: dict[str, Counter[str]] = defaultdict(Counter)
    for doc_id, y in years.items():
        series[group.get(doc_id, missing)][y] += 1
    totals = Counter(years.values())
    return PlotData(
        "timeline",
        len(ids),
        by=by,
        counts=dict(sorted(totals.items())),
        series={g: dict(sorted(series[g].items())) for g, _ in _ranked(Counter({g: sum(c.values()) for g, c in series.items()}))},
        undated=len(ids) - len(years),
    )  # fmt: skip


def _rows(conn: Connection, sql: str, ids: set[int]) -> list[tuple[int, Any]]:
    """(document id, value) rows of the query, for the selected documents only."""
    return [(doc_id, value) for doc_id, value in run(conn, sql) if doc_id in ids]


def _first(pairs: Iterable[tuple[int, str]]) -> dict[int, str]:
    found: dict[int, str] = {}
    for doc_id, value in pairs:
        found.setdefault(doc_id, value)
    return found


def _ranked(counts: Counter[str]) -> list[tuple[str, int]]:
    """Most documents first, then by name."""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


# ---- terminal bar charts (`da stats` on a terminal) ----

BLOCKS = " ▏▎▍▌▋▊▉█"


def bar(value: int, most: int, width: int) -> str:
    """A bar of block characters, `width` for `most`, in eighths of a character."""
    if most <= 0 or value <= 0:
        return ""
    eighths = max(round(8 * width * value / most), 1)
    full, part = divmod(eighths, 8)
    return "█" * full + (BLOCKS[part] if part else "")


def decades(by_year: Sequence[dict[str, Any]]) -> list[tuple[str, int]]:
    """`stats()['by_year']` summed by decade ("1950s"), undated last."""
    counts: Counter[str] = Counter()
    undated = 0
    for row in by_year:
        if row["value"]:
            counts[f"{str(row['value'])[:3]}0s"] += row["documents"]
        else:
            undated += row["documents"]
    found = sorted(counts.items())
    return [*found, ("undated", undated)] if undated else found


def stats_charts(
    numbers: dict[str, Any], top: int = 10
) -> list[tuple[str, list[tuple[str, int]], int]]:
    """The bar charts of `da stats`: (title, rows, labels left out) by decade, archive, language."""
    charts = [("Documents by decade", decades(numbers["by_year"]), 0)]
    for key, title in (
        ("by_archive", "Documents by archive"),
        ("by_language", "Documents by language"),
    ):
        rows = [(str(r["value"] or "(none)"), int(r["documents"])) for r in numbers[key]]
        charts.append((title, rows[:top], max(len(rows) - top, 0)))
    return charts  # fmt: skip


def print_stats_bars(numbers: dict[str, Any], top: int = 10) -> None:
    """The decades, archives and languages of `da stats` as bar charts, one line a bar."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console()
    for title, rows, omitted in stats_charts(numbers, top):
        table = Table(
            title=title, title_justify="left", box=None, show_header=False, padding=(0, 1)
        )
        table.add_column("label", no_wrap=True, max_width=28, overflow="ellipsis")
        table.add_column("documents", justify="right", no_wrap=True)
        table.add_column("bar", no_wrap=True)
        most = max((n for _, n in rows), default=0)
        label_width = min(max((len(label) for label, _ in rows), default=0), 28)
        width = max(min(console.width - label_width - 12, 50), 10)
        for label, n in rows:
            # Text, never markup: a label such as "[/illegible]" is shown as it is.
            table.add_row(Text(label), Text(f"{n:,}"), Text(bar(n, most, width), style="cyan"))
        if omitted:
            table.add_row(Text(f"… {omitted} more", style="dim"), Text(""), Text(""))
        console.print(table)
