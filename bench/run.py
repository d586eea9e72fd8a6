"""`make bench` / `make bench-quick`: run the benchmarks side by side, print a table, write
bench/results/latest.json. Figures are compared as ratios within the same run."""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench import crawl, parse, reparse, search, startup
from bench.postgres import postgres_url

RESULTS = Path(__file__).parent / "results" / "latest.json"


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }


def run_search(documents: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        results["sqlite"] = search.run(f"sqlite:///{folder}/search.db", documents)
    with postgres_url() as url:
        if url is None:
            results["postgresql"] = {"skipped": "PostgreSQL is not installed"}
        else:
            from sqlalchemy import create_engine, text

            admin = create_engine(url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text("DROP DATABASE IF EXISTS da_bench_search"))
                conn.execute(text("CREATE DATABASE da_bench_search"))
            try:
                results["postgresql"] = search.run(
                    url.rsplit("/", 1)[0] + "/da_bench_search", documents
                )
            finally:
                with admin.connect() as conn:
                    conn.execute(text("DROP DATABASE IF EXISTS da_bench_search WITH (FORCE)"))
                admin.dispose()
    return results


def print_search(results: dict[str, Any]) -> None:
    print(
        "\nSearch: 20 typical queries, 5 runs each (ms): ours (`da search`: hits, snippets, count)"
    )
    print("vs bare (FTS5 MATCH … ORDER BY rank LIMIT 20 / tsvector @@ … ORDER BY ts_rank)")
    print(f"{'database':<12}{'documents':>10}{'build s':>9}{'p50':>9}{'p95':>9}{'max':>9}"
          f"{'bare p50':>10}{'bare p95':>10}{'ratio p50':>11}{'ratio p95':>11}")  # fmt: skip
    for name, r in results.items():
        if "skipped" in r:
            print(f"{name:<12}{'skipped: ' + r['skipped']:>40}")
            continue
        print(f"{name:<12}{r['documents']:>10}{r['build_s']:>9}{r['p50_ms']:>9}{r['p95_ms']:>9}{r['max_ms']:>9}"
              f"{r['bare_p50_ms']:>10}{r['bare_p95_ms']:>10}{r['ratio_p50']:>11}{r['ratio_p95']:>11}")  # fmt: skip
    rows = {name: r["per_query"] for name, r in results.items() if "per_query" in r}
    if rows:
        print(f"\n{'query (p50 ms: ours / bare = ratio)':<58}" + "".join(f"{n:>24}" for n in rows))
        for i, q in enumerate(next(iter(rows.values()))):
            label = (
                (q["query"] or "(no words)")
                + " "
                + " ".join(f"{k}={v}" for k, v in q["filters"].items())
            )
            cells = "".join(
                f"{str(x[i]['ours_ms']) + ' / ' + str(x[i]['bare_ms']) + ' = ' + str(x[i]['ratio']):>24}"
                for x in rows.values()
            )
            print(f"{label[:57]:<58}{cells}")


SIZES = {  # (crawl documents, baseline sample, fault-run documents, search documents)
    "quick": (2_000, 300, 1_000, 2_000),
    "full": (10_000, 1_000, 5_000, 50_000),
}
PARSE_PAGES = 500  # rendered document pages for the parse measure (fewer in a tiny run)
STARTUP = {"quick": (200, 7), "full": (200, 21)}  # (documents, runs of each command)


def run_crawl(
    documents: int, sample: int, fault_documents: int, scale_documents: int = 0
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        cold = crawl.cold(documents, sample, work)
        results: dict[str, Any] = {
            "documents": documents,
            "cold": {
                "pages_per_s": cold["ours"]["pages_per_s"],
                "items_per_s": cold["ours"]["items_per_s"],
                "cpu_ms_per_page": cold["ours"]["cpu_ms_per_page"],
                "peak_rss_mb": cold["ours"]["peak_rss_mb"],
                "requests": cold["ours"]["pages"],
                "bytes": cold["ours"]["bytes"],
                "baseline_b0_pages_per_s": cold["b0"]["pages_per_s"],
                "baseline_b1_pages_per_s": cold["b1"]["pages_per_s"],
                "b0_ratio": round(cold["ours"]["pages_per_s"] / cold["b0"]["pages_per_s"], 2),
                "b1_ratio": round(cold["ours"]["pages_per_s"] / cold["b1"]["pages_per_s"], 2),
                # Issue 12: CPU per page at most 1.2x the lean crawler's, side by side.
                "lean_pages_per_s": cold["lean"]["pages_per_s"],
                "lean_cpu_ms_per_page": cold["lean"]["cpu_ms_per_page"],
                "lean_ratio": round(cold["ours"]["pages_per_s"] / cold["lean"]["pages_per_s"], 2),
                "lean_cpu_ratio": round(
                    cold["ours"]["cpu_ms_per_page"] / cold["lean"]["cpu_ms_per_page"], 2
                ),
                "runs": cold,
            },
        }
        results["parse"] = parse.run(min(PARSE_PAGES, documents))
        results["recrawl"] = crawl.recrawl(documents, work)
        results["recrawl"]["bytes_ratio"] = results["recrawl"]["no_change"]["bytes_ratio"]
        results["recrawl"]["rows_written"] = results["recrawl"]["no_change"]["rows_written"]
        results["faults"] = [crawl.faults(fault_documents, p, work) for p in (0.01, 0.05, 0.10)]
        results["resume"] = crawl.resume(documents, work)
        if scale_documents:
            results["scale"] = crawl.scale(scale_documents, work)
            results["cold"]["peak_rss_growth"] = round(
                results["scale"]["peak_rss_mb"] / results["cold"]["peak_rss_mb"], 2
            )
    return results


def print_crawl(r: dict[str, Any]) -> None:
    cold = r["cold"]["runs"]
    print(f"\nCold crawl ({r['documents']} documents; baselines on {cold['b0']['documents']})")
    print(
        f"{'crawler':<10}{'pages/s':>9}{'items/s':>9}{'CPU ms/page':>13}{'peak MB':>9}{'requests':>10}{'MB':>8}"
    )
    for name, label in (("ours", "ours"), ("lean", "L (lean)"), ("b0", "B0"), ("b1", "B1")):
        c = cold[name]
        print(f"{label:<10}{c['pages_per_s']:>9}{c['items_per_s']:>9}{c['cpu_ms_per_page']:>13}{c['peak_rss_mb']:>9}"
              f"{c['pages']:>10}{c['bytes'] / 1e6:>8.1f}")  # fmt: skip
    print(f"ours / B0 = {r['cold']['b0_ratio']}x, ours / B1 = {r['cold']['b1_ratio']}x (pages/s)")
    print(f"ours / L = {r['cold']['lean_ratio']}x pages/s, {r['cold']['lean_cpu_ratio']}x CPU per page "
          "(target <= 1.2x; L: a lean Scrapy crawler of the same mirror, bench/baseline_lean.py)")  # fmt: skip
    parse.print_parse(r["parse"])
    print("\nRe-crawl            requests   bytes ratio  rows written   seconds")
    for key in ("no_change", "one_percent_changed"):
        x = r["recrawl"][key]
        print(
            f"{key:<20}{x['pages']:>8}{x['bytes_ratio']:>14}{x['rows_written']:>14}{x['wall_s']:>10}"
        )
    print("\nFaults     stored  recorded  lost  partial  duplicates")
    for f in r["faults"]:
        print(
            f"p={f['p']:<7}{f['stored']:>7}{f['recorded_failed']:>10}{f['lost']:>6}{f['partial']:>9}{f['duplicates']:>12}"
        )
    if "scale" in r:
        x = r["scale"]
        print(f"\nMemory: peak RSS {r['cold']['peak_rss_mb']} MB at {r['documents']} documents, {x['peak_rss_mb']} MB at "
              f"{x['documents']} ({r['cold']['peak_rss_growth']}x); {x['pages_per_s']} pages/s")  # fmt: skip
    x = r["resume"]
    print(
        f"\nkill -9 at ~30%, resume: complete {x['complete']} ({x['stored']} stored), "
        f"duplicate fetches {x['duplicate_fetches']} ({x['duplicate_fetch_ratio']:.2%})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (bench-quick)")
    parser.add_argument(
        "--only", choices=["crawl", "parse", "search", "startup", "reparse"], help="run one part"
    )
    parser.add_argument(
        "--documents", type=int, help="crawl size (default 2,000 quick, 10,000 full)"
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    documents, sample, fault_documents, search_documents = SIZES["quick" if args.quick else "full"]
    if args.documents:
        documents, sample, fault_documents = (
            args.documents,
            min(sample, args.documents),
            min(fault_documents, args.documents),
        )
        search_documents = min(search_documents, args.documents)
    results: dict[str, Any] = {"machine": machine(), "quick": args.quick}
    if args.only in (None, "crawl"):
        scale = 0 if args.quick or args.documents else 50_000
        results |= run_crawl(documents, sample, fault_documents, scale)
        print_crawl(results)
    if args.only == "parse":  # (a full run measures it with the crawl)
        results["parse"] = parse.run(min(PARSE_PAGES, args.documents or PARSE_PAGES))
        parse.print_parse(results["parse"])
    if args.only in (None, "reparse"):  # a 10,000-page WACZ in a full run
        results["reparse"] = reparse.run(args.documents or (1_000 if args.quick else 10_000))
        reparse.print_reparse(results["reparse"])
    if args.only in (None, "search"):
        results["search"] = run_search(search_documents)
        print_search(results["search"])
    if args.only in (None, "startup"):
        startup_documents, repeats = STARTUP["quick" if args.quick else "full"]
        if args.documents:
            startup_documents, repeats = min(startup_documents, args.documents), 3
        results["startup"] = startup.run(startup_documents, repeats)
        startup.print_startup(results["startup"])
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=1) + "\n")
    print(f"\nresults written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
