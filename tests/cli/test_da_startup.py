"""`da` on a plain SQLite file starts without SQLAlchemy, Alembic, Scrapy, psycopg,
matplotlib or rich (docs/performance.md, "da start-up"): each command, run as a process on
the offline crawl, leaves them out of sys.modules, and prints what the same command prints
through SQLAlchemy (the same file named by a URL SQLAlchemy parses: one %-escape). No timing
here: bench/startup.py measures it."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import DOCUMENTS, PROJECT
from test_cli import MAO

import cli.export
from cli.main import EXPORT_FORMATS

HEAVY = ("sqlalchemy", "alembic", "scrapy", "twisted", "psycopg", "matplotlib", "rich")

# Runs `da ARGS…` in this interpreter, then says which of HEAVY it imported (on stderr, last).
WRAPPER = f"""
import sys
from cli.main import main
try:
    code = main(sys.argv[1:])
finally:
    heavy = sorted({{m.split(".")[0] for m in sys.modules}} & set({HEAVY!r}))
    print("\\nimported:", " ".join(heavy), file=sys.stderr)
sys.exit(code)
"""

SQLITE_ONLY = pytest.mark.parametrize("crawled_db", ["sqlite"], indirect=True)
COUNTRY = next(d for d in DOCUMENTS if d["record_id"] == MAO)

COMMANDS = [
    ["--help"],
    ["search", "--help"],
    ["plot", "--help"],
    ["search", "armistice"],
    ["search", "armistice", "--from", "1953", "--json"],
    ["search", "korea* -stalin", "--sort", "date", "--format", "csv"],
    ["search", "", "--from", "1950", "--to", "1952"],
    ["search", "truce", "--limit", "2"],
    ["show", MAO],
    ["show", MAO, "--json"],
    ["show", COUNTRY["slug"], "--text"],
    ["show", "no-such-document"],
    ["people"],
    ["people", "--name", "stalin", "--json"],
    ["archives", "--fonds"],
    ["places", "--limit", "3"],
    ["topics"],
    ["collections", "--format", "csv"],
    ["stats"],
    ["stats", "--json"],
    ["runs", "--format", "jsonl"],
]


def da(url: str, *args: str) -> tuple[int, str, str, list[str]]:
    """(exit status, stdout, stderr without the last line, the HEAVY modules imported)."""
    result = subprocess.run(
        [sys.executable, "-c", WRAPPER, "--db", url, *args],
        capture_output=True, text=True, cwd=PROJECT, timeout=120,
    )  # fmt: skip
    err, _, imported = result.stderr.rstrip("\n").rpartition("\nimported:")
    return result.returncode, result.stdout, err.strip("\n"), imported.split()


def through_sqlalchemy(url: str) -> str:
    """The same file, named by a URL that SQLAlchemy parses (the last '.' as %2E)."""
    head, _, tail = url.rpartition(".")
    return f"{head}%2E{tail}"


@SQLITE_ONLY
@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_the_light_path_prints_what_sqlalchemy_prints(crawled_db, args):
    code, out, err, imported = da(crawled_db, *args)
    assert imported == [], f"da {' '.join(args)} imported {imported}"
    assert code in (0, 2), err
    assert out or err
    heavy = through_sqlalchemy(crawled_db)
    want = da(heavy, *args)
    if args != ["--help"] and "--help" not in args:
        assert "sqlalchemy" in want[3]  # the comparison is with the other path
    assert (code, out, err.replace(crawled_db, heavy)) == want[:3]


@SQLITE_ONLY
def test_help_lists_every_command_with_examples(crawled_db):
    code, out, _, imported = da(crawled_db, "--help")
    assert (code, imported) == (0, [])
    for command in ("search", "show", "people", "archives", "places", "topics", "collections",
                    "stats", "runs", "export", "plot", "db", "serve"):  # fmt: skip
        assert f"    {command}" in out
    code, out, _, imported = da(crawled_db, "plot", "--help")
    assert (code, imported) == (0, [])
    assert "da plot timeline -o timeline.png" in out and "--by" in out


def test_export_formats_are_cli_exports():
    assert EXPORT_FORMATS == cli.export.FORMATS


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file: {url} has no archive tables"),
        (b"", "{url} has no archive tables: run `make crawl` (or `da db upgrade`) first"),
        (b"not a database, " * 100, "cannot read {url}: file is not a database"),
    ],
)
def test_bad_files_are_one_line_on_both_paths(tmp_path, content, message):
    path = tmp_path / "archive.db"
    if content is not None:
        path.write_bytes(content)
    url = f"sqlite:///{path}"
    for db in (url, through_sqlalchemy(url)):
        code, out, err, _ = da(db, "search", "armistice")
        assert (code, out) == (2, "")
        assert err.startswith("da search: " + message.format(url=db)) and "\n" not in err
    assert path.exists() == (content is not None)  # a missing file is not created


@SQLITE_ONLY
def test_export_and_plot_need_no_sqlalchemy_either(crawled_db, tmp_path):
    code, out, err, imported = da(crawled_db, "export", "--format", "ris", "-o", "-")
    assert (code, imported) == (0, []), err
    assert out.count("ER  -") == len(DOCUMENTS)
    assert out == da(through_sqlalchemy(crawled_db), "export", "--format", "ris", "-o", "-")[1]
    figure = tmp_path / "timeline.svg"
    code, out, err, imported = da(crawled_db, "plot", "timeline", "-o", str(figure))
    assert (code, imported) == (0, ["matplotlib"]), err
    assert figure.read_text(encoding="utf-8").startswith("<?xml")


def test_postgresql_goes_through_sqlalchemy_and_hides_the_password():
    code, out, err, imported = da("postgresql+psycopg://u:S3cr3tPw@127.0.0.1:1/d", "stats")
    assert (code, out) == (2, "") and "sqlalchemy" in imported
    assert err.startswith("da stats: cannot read postgresql+psycopg://u:***@127.0.0.1:1/d: ")
    assert "S3cr3tPw" not in err and "\n" not in err
