"""`da reparse [--captures DIR|FILE.wacz…]`: today's parsers and pipelines over stored
captures, without any network.

Each WACZ says which crawl it holds (spider, arguments, site: its warcinfo record, written by
extensions/captures.py). Each distinct crawl is run again, oldest first, as `scrapy crawl`
with `DA_REPLAY` naming every WACZ given (spiders/replay.py answers each request from them),
so the same spiders, middlewares and pipelines decide what is stored: a document whose
derived values changed is updated with a revision; an unchanged one is not written. Each
crawl prints its progress and summary line as any crawl does; the exit status is the worst
of them (0 all finished, 1 one failed, 2 a usage error). `da` itself imports no Scrapy: the
crawls run as `python -m scrapy`, in this project's settings.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

from cli.output import UserError
from models.wacz import WARC_FOLDER, CaptureDamaged, job_of

DEFAULT_CAPTURES = "data/captures"


def captures_folder() -> Path:
    return Path(os.environ.get("DA_CAPTURES_DIR") or DEFAULT_CAPTURES)


def wacz_files(given: list[str] | None) -> list[Path]:
    """The WACZ files named (folders expanded), oldest first; a usage error when none."""
    files: list[Path] = []
    for name in given or [str(captures_folder())]:
        path = Path(name)
        if path.is_dir():
            found = sorted(path.glob("*.wacz"), key=lambda p: (p.stat().st_mtime, p.name))
            if not found:
                raise UserError(f"no .wacz captures in {path}")
            files += found
        elif path.is_file():
            if not zipfile.is_zipfile(path):
                raise UserError(f"{path} is not a WACZ file")
            files.append(path)
        else:
            raise UserError(f"no such captures folder or file: {path}")
    return list(dict.fromkeys(files))


def jobs(files: list[Path]) -> list[dict[str, Any]]:
    """The distinct crawls the files hold, in the order of their first file."""
    found: dict[str, dict[str, Any]] = {}
    for path in files:
        try:
            job = job_of(path)
        except (CaptureDamaged, zipfile.BadZipFile, OSError) as exc:
            raise UserError(f"{path}: {exc}") from None
        key = json.dumps(job, sort_keys=True)
        found.setdefault(key, {**job, "files": []})["files"].append(path)
    return list(found.values())


def crawl_command(job: dict[str, Any], files: list[Path], url: str) -> list[str]:
    command = [sys.executable, "-m", "scrapy", "crawl", str(job["spider"])]
    for name, value in sorted(job["arguments"].items()):
        command += ["-a", f"{name}={value}"]
    command += ["-s", f"DA_REPLAY={os.pathsep.join(str(f.resolve()) for f in files)}"]
    command += ["-s", f"DATABASE_URL={url}"]
    if job.get("base_url"):
        command += ["-s", f"DA_BASE_URL={job['base_url']}"]
    if not os.environ.get("LOG_LEVEL"):  # progress and summary, as `make crawl` shows them
        command += ["-s", "LOG_LEVEL=WARNING"]
    return command


def unpackaged(given: list[str] | None) -> list[Path]:
    """WARCs a run left unpackaged (still running, or killed) in the folders given."""
    folders = [Path(name) for name in given or [str(captures_folder())] if Path(name).is_dir()]
    return [warc for folder in folders for warc in sorted((folder / WARC_FOLDER).glob("*.warc.gz"))]


def run_reparse(url: str, given: list[str] | None) -> int:
    files = wacz_files(given)
    crawls = jobs(files)
    if left := unpackaged(given):
        print(f"da reparse: {len(left)} WARC file(s) of unfinished runs in "
              f"{left[0].parent} are not re-parsed (the next crawl of their job packages "
              "them)", file=sys.stderr)  # fmt: skip
    env = {
        **os.environ,
        "SCRAPY_SETTINGS_MODULE": os.environ.get("SCRAPY_SETTINGS_MODULE", "settings"),
    }
    worst = 0
    for job in crawls:
        arguments = " ".join(f"{k}={v}" for k, v in sorted(job["arguments"].items()))
        names = ", ".join(f.name for f in job["files"])
        print(f"reparse: {job['spider']} {arguments}".rstrip() + f" from {names}", flush=True)
        status = subprocess.run(crawl_command(job, files, url), env=env, check=False).returncode
        worst = max(worst, status if status in (0, 1, 2) else 1)
    done = len(crawls)
    print(f"reparse: {done} crawl{'s' if done != 1 else ''} from {len(files)} WACZ "
          f"file{'s' if len(files) != 1 else ''}, exit {worst}", flush=True)  # fmt: skip
    return worst
