"""Parse + normalize in process (issue 12): our parsers and the four normalizing pipelines,
side by side with a bare `lxml.html.fromstring` of the same pages (the floor: no extraction
can be cheaper than parsing the page) and the BeautifulSoup(html.parser) extraction of
baseline B0.

Two sets of pages, reported separately:
- `real`: the real document pages of ../shared/site/real/ (absent in a plain clone: skipped
  then). There is one today, so it is repeated to make a batch; the parsers keep no cache
  of pages, so a repeated page costs what a new one does (the regex caches are warm either
  way after the warm-up).
- `rendered`: the benchmark mirror's document pages (bench/mirror.py, rendered by the
  fixtures' templates in the current site's markup).

CPU time (`time.process_time`), each measure repeated and the median kept: the machine has
2 cores and other work runs, which moves wall time much more than CPU time. The floor,
ours and B0 run one after the other in each repetition, and the ratios are the medians of
the per-repetition ratios, so that a slow spell of the machine hits all three.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "site" / "real"
LIVE = "https://digitalarchive.wilsoncenter.org"
TARGET_PAGES_PER_CPU_S, TARGET_BS4_RATIO = 1_000, 15

Pages = list[tuple[str, str]]  # (html, url)


def real_pages() -> Pages:
    """The real captures that are document pages (the page-shell capture is not)."""
    from spiders.pages import DocumentPage, parse_page

    pages = []
    for path in sorted(REAL.glob("*.html")) if REAL.is_dir() else []:
        html = path.read_text(encoding="utf-8")
        url = f"{LIVE}/document/{path.stem.removeprefix('document-')}"
        if isinstance(parse_page(html, url), DocumentPage):
            pages.append((html, url))
    return pages


def rendered_pages(count: int) -> Pages:
    from bench.mirror import Archive

    archive = Archive(count)
    return [
        (archive.document_page(d["slug"]).decode(), f"http://127.0.0.1/document/{d['slug']}")
        for d in archive.docs
    ]


def parse_and_normalize() -> Callable[[Pages], None]:
    """What a crawl does with a document page before storing it."""
    from pipelines.citations import CitationsPipeline
    from pipelines.clean import CleanTextPipeline
    from pipelines.dates import DatesPipeline
    from pipelines.names import NamesPipeline
    from spiders.pages import DocumentPage, parse_page

    normalizers = (CleanTextPipeline(), DatesPipeline(), CitationsPipeline(), NamesPipeline())

    def ours(pages: Pages) -> None:
        for html, url in pages:
            page = parse_page(html, url)
            assert isinstance(page, DocumentPage), url
            for normalizer in normalizers:
                normalizer.process_item(page.item)

    return ours


def floor(pages: Pages) -> None:
    import lxml.html

    for html, _ in pages:
        lxml.html.fromstring(html)


def bs4(pages: Pages) -> None:
    from bench.baseline_b0 import extract

    for html, _ in pages:
        extract(html)


def cpu_seconds(work: Callable[[Pages], None], pages: Pages) -> float:
    started = time.process_time()
    work(pages)
    return time.process_time() - started


def measure(pages: Pages, repeats: int, bs4_sample: int) -> dict[str, Any]:
    """One set of pages: in each of `repeats` rounds the floor, ours and B0 (on a sample:
    it is slow) one after the other; medians of the times and of the rounds' ratios."""
    ours = parse_and_normalize()
    ours(pages[:20])  # warm-up: imports, compiled patterns, the archive table
    sample = pages[:bs4_sample]
    ours_s, floor_s, bs4_s, floor_ratios, bs4_ratios = [], [], [], [], []
    for _ in range(repeats):
        bare, mine = cpu_seconds(floor, pages), cpu_seconds(ours, pages)
        theirs = cpu_seconds(bs4, sample) * len(pages) / len(sample)
        floor_s.append(bare)
        ours_s.append(mine)
        bs4_s.append(theirs)
        floor_ratios.append(mine / bare)
        bs4_ratios.append(theirs / mine)
    ours_cpu, floor_cpu, bs4_cpu = (statistics.median(s) for s in (ours_s, floor_s, bs4_s))
    return {
        "pages": len(pages),
        "distinct_pages": len(set(pages)),
        "repeats": repeats,
        "pages_per_cpu_s": round(len(pages) / ours_cpu, 1),
        "ms_per_page": round(1000 * ours_cpu / len(pages), 3),
        "floor_pages_per_cpu_s": round(len(pages) / floor_cpu, 1),
        "floor_ms_per_page": round(1000 * floor_cpu / len(pages), 3),
        "floor_ratio": round(statistics.median(floor_ratios), 2),  # our time / the floor's
        "bs4_pages_per_cpu_s": round(len(pages) / bs4_cpu, 1),
        "bs4_ratio": round(statistics.median(bs4_ratios), 2),  # times faster than B0
    }


def run(pages: int = 500, repeats: int = 7) -> dict[str, Any]:
    """Both sets; the top-level figures are the real pages' (the issue's measure), or the
    rendered pages' when ../shared is absent."""
    rendered = measure(rendered_pages(pages), repeats, bs4_sample=min(pages, 50))
    real = real_pages()
    results: dict[str, Any] = {"rendered": rendered}
    if real:
        copies = max(1, pages // (5 * len(real)))  # a batch of about a fifth of `pages`
        results["real"] = measure(real * copies, repeats, bs4_sample=min(20, copies))
    else:
        results["real"] = {"skipped": f"no real document pages in {REAL}"}
    headline = results["real"] if real else rendered
    results |= {key: value for key, value in headline.items() if key != "distinct_pages"}
    results["measured_on"] = "real" if real else "rendered"
    results["target_met"] = (
        headline["pages_per_cpu_s"] >= TARGET_PAGES_PER_CPU_S
        and headline["bs4_ratio"] >= TARGET_BS4_RATIO
    )
    return results


def print_parse(results: dict[str, Any]) -> None:
    print("\nParse + normalize (CPU time, median of repeats): ours vs a bare lxml.html.fromstring "
          "(the floor) and BeautifulSoup(html.parser) (B0)")  # fmt: skip
    print(f"{'pages':<10}{'count':>7}{'ours p/s':>10}{'ms/page':>9}{'floor p/s':>11}"
          f"{'ours/floor':>12}{'bs4 p/s':>9}{'ours/bs4':>10}")  # fmt: skip
    for name in ("real", "rendered"):
        r = results[name]
        if "skipped" in r:
            print(f"{name:<10}skipped: {r['skipped']}")
            continue
        count = str(r["pages"])
        if r["distinct_pages"] < r["pages"]:  # one real page, repeated
            count = f"{r['distinct_pages']}x{r['pages'] // r['distinct_pages']}"
        print(f"{name:<10}{count:>7}{r['pages_per_cpu_s']:>10}{r['ms_per_page']:>9}"
              f"{r['floor_pages_per_cpu_s']:>11}{r['floor_ratio']:>12}{r['bs4_pages_per_cpu_s']:>9}"
              f"{r['bs4_ratio']:>9}x")  # fmt: skip
    verdict = "met" if results["target_met"] else "not met"
    print(f"target (≥ {TARGET_PAGES_PER_CPU_S} pages per CPU-second and ≥ {TARGET_BS4_RATIO}x "
          f"B0, on the {results['measured_on']} pages): {verdict}")  # fmt: skip
