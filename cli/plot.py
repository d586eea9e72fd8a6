"""`da plot timeline|archives|languages [QUERY] [filters] -o FILE.png|svg`: a figure of the
documents `da search` would find, drawn with matplotlib (Agg, imported only here, when a figure
is drawn: `da`'s start-up does not pay for it). The counts come from cli/charts.py;
`--data FILE.json` writes them next to the figure."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cli.charts import FIGURES, GROUPINGS, OTHER, PlotData, plot_data
from models.readonly import Engine
from models.search import Filters, SearchError

FORMATS = (".png", ".svg")
DEFAULT_SIZE = (10.0, 5.0)  # inches
DEFAULT_DPI = 100
NONE_TO_DRAW = {
    "timeline": "is dated",
    "archives": "cites an archive",
    "languages": "has a language",
}
MAX_STACKS = 8  # timeline: the largest groups, the rest as "(other)"

EXAMPLES = """examples:
  da plot timeline -o timeline.png
  da plot timeline armistice --from 1950 --to 1954 --by language -o armistice.svg
  da plot archives --person "Zhou Enlai" --top 10 -o archives.png --data archives.json
  da plot languages --collection 169 -o languages.svg"""


class PlotError(SearchError):
    """A figure that cannot be drawn or written: one line, exit status 2 (as a bad filter)."""


def add_parser(commands: Any, add_filters: Callable[[argparse.ArgumentParser], None]) -> None:
    """Register `da plot` among `da`'s subcommands, with the filters of `da search`."""
    plot_cmd = commands.add_parser(
        "plot",
        help="a figure (PNG or SVG): documents per year, per archive, per language",
        description="Draw the documents `da search` would find: per year (stacked by archive "
        "country or language), per archive or per language.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    plot_cmd.add_argument("figure", choices=FIGURES, help="what to draw")
    plot_cmd.add_argument("query", nargs="?", default="", help="search words, as in `da search`")
    add_filters(plot_cmd)
    plot_cmd.add_argument(
        "--by", choices=GROUPINGS, default="country", help="timeline: stack by archive country or language"
    )  # fmt: skip
    plot_cmd.add_argument(
        "--top", type=_whole, default=15, help="archives, languages: the N largest (15)"
    )
    plot_cmd.add_argument(
        "-o", "--output", required=True, type=_image_path, metavar="FILE.png|FILE.svg"
    )
    plot_cmd.add_argument(
        "--size", type=_size, default=DEFAULT_SIZE, metavar="WxH", help="inches (10x5)"
    )
    plot_cmd.add_argument("--dpi", type=_whole, default=DEFAULT_DPI, help="PNG dots per inch (100)")
    plot_cmd.add_argument("--data", metavar="FILE.json", help="also write the plotted counts")


def run_plot(engine: Engine, args: argparse.Namespace, filters: Filters) -> int:
    data = plot_data(engine, args.figure, args.query, filters, by=args.by, top=args.top)
    if not data.documents:
        raise PlotError("no document matches the query and filters: nothing written")
    if not data.counts:
        raise PlotError(f"none of the {data.documents:,} documents {NONE_TO_DRAW[data.figure]}: nothing written")  # fmt: skip
    path = Path(args.output)
    try:
        draw(data, path, args.size, args.dpi, subtitle=_described(args))
        if args.data:
            Path(args.data).write_text(
                json.dumps(data.as_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
            )
    except OSError as exc:
        raise PlotError(f"cannot write {exc.filename or path}: {exc.strerror}") from None
    print(f"wrote {path}: {summary(data)}")
    return 0


def summary(data: PlotData) -> str:
    """ "3,000 documents, 1945–1991"; "3,000 documents, 5 archives"."""
    text = f"{data.documents:,} document{'s' if data.documents != 1 else ''}"
    if data.figure == "timeline":
        if data.counts:
            years = list(data.counts)
            text += f", {years[0]}–{years[-1]}" if years[0] != years[-1] else f", {years[0]}"
        if data.undated:
            text += f" ({data.undated:,} undated, not shown)"
        return text
    shown = len(data.counts)
    text += f", {shown} {data.figure if shown != 1 else data.figure[:-1]}"
    return text + (f" (top {shown} of {shown + data.omitted})" if data.omitted else "")


def draw(
    data: PlotData,
    path: Path,
    size: tuple[float, float] = DEFAULT_SIZE,
    dpi: int = DEFAULT_DPI,
    subtitle: str = "",
) -> None:
    """Write the figure to `path`, PNG or SVG from its suffix, `size` inches at `dpi`."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=size, dpi=dpi, layout="constrained")
    axes = figure.add_subplot()
    if data.figure == "timeline":
        years = list(range(int(min(data.counts)), int(max(data.counts)) + 1))
        bottom = [0] * len(years)
        colors = matplotlib.colormaps["tab10"]
        for index, (group, counts) in enumerate(_stacks(data.series)):
            heights = [counts.get(str(y), 0) for y in years]
            axes.bar(
                years, heights, bottom=bottom, width=0.9, label=group, color=colors(index % 10)
            )
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        axes.set_xlabel("year (of the document's date)")
        axes.set_ylabel("documents")
        axes.set_title(_title(f"Documents per year, by {'archive country' if data.by == 'country' else 'language'}", subtitle))  # fmt: skip
        axes.legend(title="archive country" if data.by == "country" else "first language",
                    fontsize="small", title_fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1))  # fmt: skip
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    else:
        labels = list(reversed(data.counts))  # the largest on top
        values = [data.counts[label] for label in labels]
        bars = axes.barh(labels, values, color="tab:blue")
        axes.bar_label(bars, labels=[f"{v:,}" for v in values], padding=3, fontsize="small")
        axes.set_xlabel("documents")
        axes.set_ylabel("archive (cited)" if data.figure == "archives" else "language")
        axes.set_title(_title(f"Documents per {data.figure[:-1]}", subtitle))
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.margins(x=0.1)
    suffix = path.suffix.lower()
    figure.savefig(path, format=suffix[1:], dpi=dpi, metadata={"Date": None} if suffix == ".svg" else None)  # fmt: skip


def _stacks(series: dict[str, dict[str, int]]) -> list[tuple[str, dict[str, int]]]:
    """The largest groups (series is ordered largest first), the others summed as "(other)"."""
    groups = list(series.items())
    if len(groups) <= MAX_STACKS:
        return groups
    other: dict[str, int] = {}
    for _, counts in groups[MAX_STACKS - 1 :]:
        for year, n in counts.items():
            other[year] = other.get(year, 0) + n
    return [*groups[: MAX_STACKS - 1], (OTHER, other)]


def _title(title: str, subtitle: str) -> str:
    return f"{title}\n{subtitle}" if subtitle else title


def _described(args: argparse.Namespace) -> str:
    """The query and filters, as typed: "“armistice”; 1950–1953, archive RGASPI"."""
    names = ("person", "place", "topic", "language", "archive", "fond", "credit", "kind", "collection")  # fmt: skip
    start, end = getattr(args, "date_from", None), getattr(args, "date_to", None)
    dates = f"{start}–{end}" if start and end else f"from {start}" if start else f"until {end}" if end else ""  # fmt: skip
    shown = [dates] if dates else []
    shown += [f"{name} {getattr(args, name)}" for name in names if getattr(args, name, None)]
    parts = [f"“{args.query.strip()}”"] if args.query and args.query.strip() else []
    if shown:
        parts.append(", ".join(shown))
    return "; ".join(parts)[:120]


def _image_path(value: str) -> str:
    if Path(value).suffix.lower() not in FORMATS:
        raise argparse.ArgumentTypeError(f"must end in .png or .svg: {value!r}")
    return value


def _size(value: str) -> tuple[float, float]:
    try:
        width, height = (float(part) for part in value.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not WIDTHxHEIGHT in inches: {value!r}") from None
    if not (1 <= width <= 50 and 1 <= height <= 50):
        raise argparse.ArgumentTypeError(f"inches between 1 and 50: {value!r}")
    return width, height


def _whole(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if not 1 <= number <= 10_000:
        raise argparse.ArgumentTypeError(f"must be between 1 and 10000: {value}")
    return number
