"""`da` on a terminal prints data literally: rich never reads a value as markup ("[/x]" used
to crash `da show` with a MarkupError, "[armistice]" vanished from snippets), escape
sequences in data are written out (\\x1b) instead of reaching the terminal, search hits are
highlighted with styles. Run through a real pseudo-terminal, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from da_documents import database, item, translation

ANSI = re.compile(r"\x1b\[[0-9;]*m")
BOX = re.compile(r"[\s│┃┆┊╎║─━┄┈╌═┌┐└┘├┤┬┴┼╭╮╯╰┏┓┗┛┡┩╇╈┳┻╋]+")
LONG = "longline " * 600  # 5,400 characters on one line
HOSTILE = {
    "title": "Closing [/x] before [bold]opening",
    "summary": "Agreeing to the [armistice], the President [/illegible] said [link=http://x]no[/link]"
    " with \x1b[31mred\x1b[0m escapes and :smile: and [/] " + LONG,
    "text": "The armistice [/illegible] text",
}
DA = str(Path(sys.executable).parent / "da")


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def hostile_db(request, tmp_path_factory):
    doc = item("777001", HOSTILE["title"], HOSTILE["text"], "1953-07-27", summary=HOSTILE["summary"],
               versions=[translation("<p>Line [/x] one</p><p>\x1b[2Jcleared?</p>")])  # fmt: skip
    yield from database(request, tmp_path_factory, [doc])


def on_terminal(*args: str) -> tuple[int, str, str]:
    """Run `da` with its stdout on a pseudo-terminal 200 columns wide: (status, raw output,
    stderr)."""
    master, slave = pty.openpty()
    env = {**os.environ, "COLUMNS": "200", "LINES": "50", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    process = subprocess.Popen(
        [DA, *args], stdout=slave, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the other side is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    stderr = process.stderr.read().decode() if process.stderr else ""
    return process.wait(timeout=60), b"".join(chunks).decode("utf-8", "replace"), stderr


def flat(output: str) -> str:
    """The printed characters without styles, table borders and white space."""
    return BOX.sub("", ANSI.sub("", output))


def shown(value: str) -> str:
    return BOX.sub("", value.replace("\x1b", "\\x1b"))


def test_show_prints_every_hostile_value_literally(hostile_db):
    code, out, err = on_terminal("--db", hostile_db, "show", "777001")
    assert (code, err) == (0, "")
    assert "Traceback" not in out and "MarkupError" not in out
    printed = flat(out)
    for value in (HOSTILE["title"], HOSTILE["summary"]):  # `da show` leaves the text out
        assert shown(value) in printed
    assert "\x1b[31mred" not in out  # the data's escape never reaches the terminal


def test_search_snippets_keep_brackets_and_highlight_with_styles(hostile_db):
    code, out, err = on_terminal("--db", hostile_db, "search", "armistice")
    assert (code, err) == (0, "")
    printed = flat(out)
    # (ts_headline starts its window at the hit, FTS5's snippet a few words before)
    assert "armistice],thePresident[/illegible]" in printed
    assert shown(HOSTILE["title"]) in printed
    # the hit is styled (bold yellow), the brackets around it are the data's own
    assert "\x1b[1;33marmistice\x1b[0m]" in out
    assert "1documents" in printed


def test_the_translation_prints_literally_on_a_terminal(hostile_db):
    code, out, err = on_terminal("--db", hostile_db, "show", "777001", "--text")
    assert (code, err) == (0, "")
    assert out.replace("\r\n", "\n") == "Line [/x] one\n\n\\x1b[2Jcleared?\n"


def test_piped_output_keeps_the_values_as_they_are(hostile_db, capsys):
    from test_cli import da

    code, out, _ = da(capsys, "--db", hostile_db, "show", "777001", "--text")
    assert (code, out) == (0, "Line [/x] one\n\n\x1b[2Jcleared?\n")
