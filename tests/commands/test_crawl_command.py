"""commands/crawl.py: the `-a` checks in process, the exit statuses through the real command.

In process the command is built as scrapy.cmdline.execute builds it (project settings, the
command's defaults, its options parsed, process_options), except for `crawler_process`:
cmdline makes an AsyncCrawlerProcess, which installs the asyncio reactor and Scrapy's log
handler in the test process, and whose `start()` runs the reactor. The argument checks only
need its spider loader, so an AsyncCrawlerRunner (the same base, no reactor) stands in. A
crawl itself runs in a subprocess (conftest.run_scrapy).
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import PROJECT, run_scrapy
from scrapy.cmdline import ScrapyArgumentParser, _get_commands_dict, _run_print_help
from scrapy.crawler import AsyncCrawlerRunner
from scrapy.exceptions import UsageError
from scrapy.utils.project import get_project_settings

from commands.crawl import Command
from models import runs
from models.db import prepare_database


@dataclass
class Prepared:
    command: Command
    parser: argparse.ArgumentParser
    args: list[str]
    opts: argparse.Namespace


def command_for(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> Prepared:
    """`scrapy crawl ARGV…` up to cmd.run, as scrapy.cmdline.execute prepares it."""
    monkeypatch.chdir(PROJECT)  # the project (scrapy.cfg) is found from the working directory
    monkeypatch.setenv("SCRAPY_SETTINGS_MODULE", "settings")  # what init_env would set for good
    settings = get_project_settings()
    command = _get_commands_dict(settings, inproject=True)["crawl"]
    assert isinstance(command, Command)  # COMMANDS_MODULE: the project's crawl, not Scrapy's
    parser = ScrapyArgumentParser(conflict_handler="resolve", prog="scrapy crawl")
    settings.setdict(command.default_settings, priority="command")
    command.settings = settings
    command.add_options(parser)
    opts, args = parser.parse_known_args(args=argv)
    command.process_options(args, opts)
    command.crawler_process = AsyncCrawlerRunner(settings)  # type: ignore[assignment]
    return Prepared(command, parser, args, opts)


def usage_error(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> UsageError:
    prepared = command_for(argv, monkeypatch)
    with pytest.raises(UsageError) as raised:
        prepared.command.run(prepared.args, prepared.opts)
    assert raised.value.print_help is False  # one line, not the whole help text
    assert "\n" not in str(raised.value)
    return raised.value


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(
            ["collection", "-a", "id=abc"],
            "-a id= takes a numeric collection id, not 'abc'",
            id="collection id not a number",
        ),
        pytest.param(
            ["document", "-a", "id=113071,abc"],
            "-a id= takes numeric record ids, not 'abc'",
            id="record id not a number",
        ),
        pytest.param(
            ["catalog", "-a", "since=yesterday"],
            "-a since= takes a date YYYY-MM-DD, not 'yesterday'",
            id="since not a date",
        ),
        pytest.param(
            ["collection", "-a", "url=/collection/169", "-a", "id=169"],
            "give one of -a url=…, -a id=… or -a all=1",
            id="both url and id",
        ),
        pytest.param(
            ["document"],
            "give -a url=URL[,URL…] or -a id=RECORD_ID[,…]",
            id="document without target",
        ),
        pytest.param(
            ["catalog", "-a", "facet=topics"],
            "-a facet= takes NAME:ID (e.g. topics:86492), not 'topics'",
            id="facet without id",
        ),
        pytest.param(["nosuchspider"], "no spider named 'nosuchspider'", id="unknown spider"),
    ],
)
def test_bad_arguments_are_a_one_line_usage_error(argv, message, monkeypatch):
    assert str(usage_error(argv, monkeypatch)) == message


def test_a_usage_error_exits_2_with_its_line_last(monkeypatch, capsys):
    prepared = command_for(["collection", "-a", "id=abc"], monkeypatch)
    with pytest.raises(SystemExit) as exited:  # what cmdline does with the UsageError
        _run_print_help(prepared.parser, prepared.command.run, prepared.args, prepared.opts)
    assert exited.value.code == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last == "scrapy crawl: error: -a id= takes a numeric collection id, not 'abc'"


def test_good_arguments_pass_the_checks(monkeypatch):
    """The same checks pass good arguments (the crawl itself is the subprocess tests' part)."""
    prepared = command_for(["collection", "-a", "id=169"], monkeypatch)
    spidercls = prepared.command.crawler_process.spider_loader.load(prepared.args[0])
    assert prepared.opts.spargs == {"id": "169"}
    assert spidercls.check_arguments(**prepared.opts.spargs) is None


# -- the real command, in a subprocess --------------------------------------------------------


def crawl_document(database_url: str):
    return run_scrapy(
        "crawl",
        "document",
        "-a",
        "id=113071",
        "-s",
        "DA_OFFLINE=1",
        "-s",
        f"DATABASE_URL={database_url}",
    )


def test_a_locked_job_exits_1_with_one_refusal_line(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    engine = prepare_database(url)
    # A running run of the same job, held by a live process on this machine: this one.
    holder = runs.start_run(engine, "document", {"id": "113071"})
    engine.dispose()
    result = crawl_document(url)
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()  # one line (the log is at WARNING)
    assert line.startswith(
        f"crawl refused: another run of this job is running (run {holder.id}, pid {os.getpid()} "
    )
    assert "crawl finished" not in result.stdout


def test_a_tiny_offline_document_crawl_exits_0(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    result = crawl_document(url)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == (
        "crawl finished: collections 0, documents 1 new / 0 updated / 0 unchanged, rejected 0, "
        f"failed 0; 3 requests (0 not modified) -> {url}"
    )
