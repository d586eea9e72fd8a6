"""`da stats` on a terminal: documents per decade, archive and language as bar charts whose
numbers are the SQL counts, the whole in fewer lines than the old tables (92 lines for 3,000
documents). The real `da` runs on a pseudo-terminal, as an analyst would run it."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT, query
from support.synthetic_db import synthetic_database

from cli.charts import bar

DA = Path(sys.executable).parent / "da"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
BAR_LINE = re.compile(r"^\s*(?P<label>.+?)\s+(?P<n>[\d,]+)\s+(?P<bar>[█▏▎▍▌▋▊▉]+)\s*$")
TITLES = ("Documents by decade", "Documents by archive", "Documents by language")
DECADE = {
    "sqlite": "CAST(strftime('%Y', date_start) AS INTEGER) / 10 * 10",
    "postgresql": "CAST(extract(year FROM date_start) AS INTEGER) / 10 * 10",
}


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def synthetic_db(request, tmp_path_factory):
    yield from synthetic_database(request.param, tmp_path_factory.mktemp("stats"))


def on_a_terminal(*args: str) -> tuple[int, str]:
    """Run the real `da` with its stdout on a pseudo-terminal 100 columns wide."""
    controller, terminal = pty.openpty()
    env = {**os.environ, "COLUMNS": "100", "LINES": "50", "TERM": "xterm-256color"}
    process = subprocess.Popen([str(DA), *args], stdout=terminal, stderr=subprocess.PIPE, cwd=PROJECT, env=env)  # fmt: skip
    os.close(terminal)
    output = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal is closed: da has exited
            break
        if not chunk:
            break
        output += chunk
    os.close(controller)
    assert process.stderr is not None
    process.stderr.close()
    code = process.wait(timeout=120)
    return code, ANSI.sub("", output.decode("utf-8")).replace("\r\n", "\n")


def charts(output: str) -> dict[str, list[tuple[str, int, str]]]:
    """The bars under each chart's title: (label, number, bar)."""
    found: dict[str, list[tuple[str, int, str]]] = {}
    current = None
    for line in output.splitlines():
        if line.strip() in TITLES:
            current = found.setdefault(line.strip(), [])
        elif current is not None and (match := BAR_LINE.match(line)):
            current.append((match["label"], int(match["n"].replace(",", "")), match["bar"]))
        else:
            current = None
    return found


def test_stats_bars_are_the_sql_counts_in_few_lines(synthetic_db):
    code, output = on_a_terminal("--db", synthetic_db, "stats")
    assert code == 0, output
    found = charts(output)
    assert set(found) == set(TITLES), output
    kind = "sqlite" if synthetic_db.startswith("sqlite") else "postgresql"
    decades = {f"{d}s": n for d, n in query(synthetic_db, f"SELECT {DECADE[kind]} AS d, count(*) FROM documents GROUP BY d")}  # fmt: skip
    archives = dict(query(synthetic_db, """SELECT coalesce(a.abbreviation, a.name), count(DISTINCT c.document_id)
                                           FROM citations c JOIN archives a ON a.id = c.archive_id GROUP BY 1"""))  # fmt: skip
    languages = dict(query(synthetic_db, """SELECT l.name, count(*) FROM document_languages dl
                                            JOIN languages l ON l.id = dl.entity_id GROUP BY l.name"""))  # fmt: skip
    for title, expected in zip(TITLES, (decades, archives, languages), strict=True):
        rows = found[title]
        assert {label: n for label, n, _ in rows} == expected, title
        # The longest bar is the largest number; bars grow with the numbers.
        by_number = sorted(rows, key=lambda row: row[1])
        assert [len(b) for _, _, b in by_number] == sorted(len(b) for _, _, b in rows)
        assert len(by_number[-1][2]) == max(len(b) for _, _, b in rows)
    assert [label for label, _, _ in found["Documents by decade"]] == sorted(decades)
    assert output.startswith("3000 documents (0 withdrawn)\n")
    lines = output.rstrip("\n").splitlines()
    assert len(lines) <= 40, output  # the tables took 92


def test_piped_stats_keep_the_tables(synthetic_db):
    """Not a terminal: the tab-separated tables for programs, no bars."""
    result = subprocess.run([str(DA), "--db", synthetic_db, "stats"], cwd=PROJECT, capture_output=True, text=True, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "By year" in result.stdout and "█" not in result.stdout


def test_bar_lengths():
    assert bar(0, 10, 20) == "" and bar(5, 0, 20) == ""
    assert bar(10, 10, 20) == "█" * 20
    assert bar(5, 10, 20) == "█" * 10
    assert bar(1, 1000, 20) == "▏"  # never invisible
    assert bar(3, 16, 4) == "▊"  # 6 eighths
