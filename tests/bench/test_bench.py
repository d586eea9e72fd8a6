"""The benchmark harness at a tiny scale, so that it cannot rot: every part runs, the JSON has
the figures `make bench` reports, and the robustness invariants hold."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import PROJECT

PARSE_FIGURES = {
    "pages", "pages_per_cpu_s", "ms_per_page", "floor_pages_per_cpu_s", "floor_ms_per_page",
    "floor_ratio", "bs4_pages_per_cpu_s", "bs4_ratio",
}  # fmt: skip


def test_harness_runs_at_a_tiny_scale(tmp_path):
    result, figures = bench_run(tmp_path, "--documents", "60")
    assert "Cold crawl" in result.stdout and "Search:" in result.stdout
    assert figures["reparse"]["same_documents"] is True
    assert figures["documents"] == 60
    assert set(figures["cold"]) >= {
        "pages_per_s",
        "baseline_b0_pages_per_s",
        "baseline_b1_pages_per_s",
        "peak_rss_mb",
        "lean_cpu_ratio",
    }
    assert figures["cold"]["runs"]["lean"]["documents"] == 60  # the lean baseline stores all
    assert "ours / L =" in result.stdout
    assert set(figures["parse"]) >= PARSE_FIGURES | {"real", "rendered", "target_met"}
    assert set(figures["parse"]["rendered"]) >= PARSE_FIGURES
    assert "ours/floor" in result.stdout
    assert figures["cold"]["runs"]["ours"]["documents"] == 60
    assert figures["recrawl"]["rows_written"] == 0
    assert figures["recrawl"]["bytes_ratio"] <= 0.05
    assert 0 < figures["recrawl"]["one_percent_changed"]["rows_written"] <= 3
    assert [f["p"] for f in figures["faults"]] == [0.01, 0.05, 0.1]
    for run in figures["faults"]:
        assert (run["lost"], run["partial"], run["duplicates"]) == (0, 0, 0), run
    assert figures["resume"]["complete"] is True
    assert figures["resume"]["duplicate_fetch_ratio"] <= 0.05
    assert figures["search"]["sqlite"]["queries"] == 20
    sqlite = figures["search"]["sqlite"]
    assert set(sqlite) >= {"p95_ms", "bare_p95_ms", "ratio_p50", "ratio_p95", "per_query"}
    assert len(sqlite["per_query"]) == 20 and "ours / bare" in result.stdout


def bench_run(tmp_path, *arguments: str) -> tuple[subprocess.CompletedProcess[str], dict]:
    """`python -m bench.run ARGUMENTS` in a subprocess: its output and the figures it wrote."""
    output = tmp_path / "latest.json"
    result = subprocess.run(
        [sys.executable, "-m", "bench.run", *arguments, "--output", str(output)],
        cwd=PROJECT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return result, json.loads(output.read_text())


def test_startup_at_a_tiny_scale(tmp_path):
    """bench/startup.py: every command measured, the floor and the target in the JSON."""
    result, figures = bench_run(tmp_path, "--only", "startup", "--documents", "20")
    assert "da start-up" in result.stdout
    startup = figures["startup"]
    assert startup["documents"] == 20 and startup["target_ms"] == 200
    assert [c["command"] for c in startup["commands"]][:2] == ["da --help", "da search armistice"]
    assert startup["python_floor_ms"] > 0 and startup["search_through_sqlalchemy_ms"] > 0
    for command in startup["commands"]:
        assert command["median_ms"] >= command["min_ms"] > 0
        assert command["no_bytecode_median_ms"] > 0 and command["ratio"] > 0
    assert startup["within_target"] == (startup["worst_median_ms"] <= 200)


def test_parse_at_a_tiny_scale(tmp_path):
    """bench/parse.py: both sets of pages, ours against the floor and B0, in the JSON."""
    result, figures = bench_run(tmp_path, "--only", "parse", "--documents", "30")
    assert "ours/floor" in result.stdout and "target (" in result.stdout
    parse = figures["parse"]
    assert parse["rendered"]["pages"] == 30 and set(parse["rendered"]) >= PARSE_FIGURES
    for figures in (parse, parse["rendered"]):
        assert figures["floor_ratio"] > 1  # nothing parses and extracts faster than a parse
        assert figures["bs4_ratio"] > 1 and figures["pages_per_cpu_s"] > 0
    if "skipped" not in parse["real"]:  # ../shared/site/real/ is optional
        assert parse["measured_on"] == "real" and parse["real"]["distinct_pages"] >= 1
    assert parse["target_met"] == (parse["pages_per_cpu_s"] >= 1000 and parse["bs4_ratio"] >= 15)


def test_reparse_at_a_tiny_scale(tmp_path):
    """The crawl's WACZ re-parsed into an empty file: every document back, the same hashes."""
    result, figures = bench_run(tmp_path, "--only", "reparse", "--documents", "30")
    reparse = figures["reparse"]
    assert (reparse["documents"], reparse["rebuilt_documents"]) == (30, 30)
    assert reparse["same_documents"] is True and reparse["reparse_returncode"] == 0
    assert reparse["reparse_documents_per_s"] > 0 and "da reparse:" in result.stdout
