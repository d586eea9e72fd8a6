"""A bad --db gets one line on stderr and exit 2, and never creates a file: an unparseable
URL, a SQLite path whose folder or file does not exist (a mistyped path), a folder, a file
that is not a database. Only `da db upgrade` creates a SQLite file."""

from __future__ import annotations

import pytest
from test_cli import da

COMMANDS = [["stats"], ["search", "armistice"], ["show", "113071"], ["runs"], ["people"]]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_garbage_is_one_line_and_exit_2(capsys, command):
    code, out, err = da(capsys, "--db", "garbage", *command)
    assert (code, out) == (2, "")
    assert err == (
        f"da {command[0]}: DATABASE_URL cannot be parsed: 'garbage' (expected sqlite:///FILE or "
        "postgresql+psycopg://USER:PASSWORD@HOST/DATABASE)\n"
    )


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_missing_file_is_refused_and_not_created(capsys, tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    for url in ("sqlite:///no/such.db", f"sqlite:///{tmp_path / 'archiv.db'}"):
        code, out, err = da(capsys, "--db", url, *command)
        assert (code, out) == (2, "")
        assert err == (
            f"da {command[0]}: no such file: {url} has no archive tables: run `make crawl` "
            "(or `da db upgrade`) first, or check the --db path\n"
        )
    assert list(tmp_path.iterdir()) == []  # neither no/ nor archiv.db


def test_db_upgrade_creates_the_file(capsys, tmp_path):
    url = f"sqlite:///{tmp_path / 'new' / 'archive.db'}"
    code, out, _ = da(capsys, "--db", url, "db", "upgrade")
    assert (code, out) == (0, f"{url} is at the newest schema\n")
    assert (tmp_path / "new" / "archive.db").is_file()
    code, _, err = da(capsys, "--db", url, "stats")
    assert (
        code == 2
        and err
        == f"da stats: {url} holds no documents yet: run `make crawl` or a `scrapy crawl` first\n"
    )


def test_a_folder_or_a_file_that_is_not_a_database(capsys, tmp_path):
    not_db = tmp_path / "notes.txt"
    not_db.write_text("not a database\n" * 100)
    for path in (tmp_path, not_db):
        code, out, err = da(capsys, "--db", f"sqlite:///{path}", "stats")
        assert (code, out) == (2, "")
        assert err.startswith(f"da stats: cannot read sqlite:///{path}: ") and err.count("\n") == 1
    assert not_db.read_text() == "not a database\n" * 100
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
