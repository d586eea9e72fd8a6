"""Every subcommand's --help ends with examples: lines of `da …` a reader can copy."""

from __future__ import annotations

import argparse
import shlex

import pytest

from cli.main import build_parser, main


def subcommands() -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sorted(action.choices)


def test_the_commands_are_all_there():
    assert {"search", "show", "stats", "runs", "export", "db", "people", "archives", "places",
            "topics", "collections"} <= set(subcommands())  # fmt: skip


@pytest.mark.parametrize("command", subcommands())
def test_help_shows_an_example(capsys, command):
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    out = capsys.readouterr().out
    assert exit_.value.code == 0
    assert "example" in out.lower()
    examples = [line.strip() for line in out.splitlines() if line.strip().startswith("da ")]
    assert examples, out
    for example in examples:  # each is a valid command line (parsing opens no database)
        words = shlex.split(example)[1:]
        for end in ("|", ">"):
            words = words[: words.index(end)] if end in words else words
        args = build_parser().parse_args(words)
        assert args.command == command
