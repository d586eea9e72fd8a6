"""`da` start-up: the wall time of whole `da` processes on a small SQLite database (median of
N runs), with `python -c pass` in the same run as the floor. Target: 200 ms
(issue 13; docs/performance.md, "da start-up").

Each command runs once first: the project's bytecode is then cached (in a temporary
PYTHONPYCACHEPREFIX, as an installed `da` has it) and the measured runs read it. The same
commands are also measured without bytecode (PYTHONDONTWRITEBYTECODE=1: every project module
compiled at each start), and `da search` through SQLAlchemy (the same file named by a URL
that SQLAlchemy parses), the path every SQLite read took before."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import search
from models.db import make_engine

TARGET_MS = 200
PROJECT = Path(__file__).resolve().parent.parent


def da_command() -> list[str]:
    """The `da` console script of this interpreter's environment (python -m cli.main without)."""
    script = Path(sys.executable).parent / "da"
    return [str(script)] if script.exists() else [sys.executable, "-m", "cli.main"]


def _wall_ms(command: list[str], env: dict[str, str], repeats: int) -> dict[str, Any]:
    first = subprocess.run(command, env=env, cwd=PROJECT, capture_output=True, text=True)
    if first.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {first.stderr[-500:]}")
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run(command, env=env, cwd=PROJECT, capture_output=True, check=True)
        timings.append((time.perf_counter() - started) * 1000)
    return {"median_ms": round(statistics.median(timings), 1), "min_ms": round(min(timings), 1)}


def measure(url: str, record_id: str, repeats: int, cache: Path) -> dict[str, Any]:
    da = [*da_command(), "--db", url]
    commands = {
        "da --help": [*da, "--help"],
        "da search armistice": [*da, "search", "armistice"],
        f"da show {record_id}": [*da, "show", record_id],
        "da people": [*da, "people"],
        "da stats": [*da, "stats"],
    }
    cached = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cached["PYTHONPYCACHEPREFIX"] = str(cache)
    uncached = os.environ | {"PYTHONDONTWRITEBYTECODE": "1"}
    floor = _wall_ms([sys.executable, "-c", "pass"], cached, repeats)
    rows = []
    for name, command in commands.items():
        timing = _wall_ms(command, cached, repeats)
        rows.append(
            {"command": name} | timing
            | {"ratio": round(timing["median_ms"] / floor["median_ms"], 1),
               "no_bytecode_median_ms": _wall_ms(command, uncached, repeats)["median_ms"]}
        )  # fmt: skip
    head, _, tail = url.rpartition(".")
    heavy = _wall_ms([*da_command(), "--db", f"{head}%2E{tail}", "search", "armistice"], cached, repeats)  # fmt: skip
    worst = max(r["median_ms"] for r in rows)
    return {
        "repeats": repeats,
        "target_ms": TARGET_MS,
        "python_floor_ms": floor["median_ms"],
        "commands": rows,
        "worst_median_ms": worst,
        "within_target": worst <= TARGET_MS,
        "search_through_sqlalchemy_ms": heavy["median_ms"],
    }


def run(documents: int = 200, repeats: int = 21) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="da-startup-") as folder:
        url = f"sqlite:///{folder}/startup.db"
        engine = make_engine(url)
        try:
            search.build(engine, documents)
            with engine.connect() as conn:
                record_id = conn.exec_driver_sql("SELECT min(record_id) FROM documents").scalar()
        finally:
            engine.dispose()
        return {"documents": documents} | measure(
            url, str(record_id), repeats, Path(folder) / "pyc"
        )


def print_startup(r: dict[str, Any]) -> None:
    print(
        f"\nda start-up: median wall of {r['repeats']} runs on SQLite ({r['documents']} documents), "
        f"target {r['target_ms']} ms; python -c pass {r['python_floor_ms']} ms"
    )
    print(f"{'command':<28}{'median ms':>10}{'min ms':>9}{'x floor':>9}{'no .pyc ms':>12}")
    for c in r["commands"]:
        print(f"{c['command']:<28}{c['median_ms']:>10}{c['min_ms']:>9}{c['ratio']:>9}"
              f"{c['no_bytecode_median_ms']:>12}")  # fmt: skip
    print(
        f"worst {r['worst_median_ms']} ms: {'within' if r['within_target'] else 'OVER'} target; "
        f"da search through SQLAlchemy (before): {r['search_through_sqlalchemy_ms']} ms"
    )


if __name__ == "__main__":
    print_startup(run())
