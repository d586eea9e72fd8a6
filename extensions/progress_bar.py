"""On a terminal, the crawl's progress as a rich progress bar instead of periodic log lines.

The run extension owns it (extensions/run.py): it starts the bar when stderr is a terminal
and `DA_PROGRESS_BAR` is on, feeds it the same figures as the progress line (done / total,
percentage, rate, ETA and the counts), and stops it before the summary line. Log records
keep printing above the bar: while it runs, the logging handlers that wrote to the terminal
write through rich's console instead, so that the bar is redrawn below them, not torn.
"""

from __future__ import annotations

import logging
import sys
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:  # rich is imported by the bar itself: a crawl without one does not pay it
    from rich.console import Console
    from rich.progress import TaskID

    from models.runs import Progress as RunProgress


def wanted(enabled: bool, stream: IO[str] | None = None) -> bool:
    stream = stream if stream is not None else sys.stderr
    return enabled and hasattr(stream, "isatty") and stream.isatty()


class ProgressBar:
    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self.console = Console(stderr=True)
        self.bar = Progress(
            TextColumn("[bold]crawl"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[percent]}"),
            TextColumn("{task.fields[rate]} documents/s, ETA {task.fields[eta]}"),
            TextColumn("{task.fields[detail]}"),
            console=self.console,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self.task: TaskID | None = None
        self.moved: list[tuple[logging.StreamHandler[IO[str]], IO[str]]] = []

    def start(self) -> None:
        self.bar.start()
        self.task = self.bar.add_task(
            "documents", total=None, percent="", rate="0.0", eta="unknown", detail=""
        )
        # Log lines go through the console, which prints them above the live bar.
        terminal = self.console.file
        for handler in logging.getLogger().handlers:
            if isinstance(handler, logging.StreamHandler) and handler.stream is terminal:
                self.moved.append((handler, handler.stream))
                handler.setStream(_ConsoleStream(self.console))

    def update(self, progress: RunProgress, detail: str) -> None:
        if self.task is None:
            return
        eta = progress.eta_seconds
        self.bar.update(
            self.task,
            completed=progress.done,
            total=progress.total,
            percent=f"{progress.percent:.0f}%" if progress.percent is not None else "",
            rate=f"{progress.per_second:.1f}",
            eta=_clock(eta) if eta is not None else "unknown",
            detail=detail,
        )

    def stop(self) -> None:
        for handler, stream in self.moved:
            handler.setStream(stream)
        self.moved.clear()
        self.bar.refresh()
        self.bar.stop()


class _ConsoleStream:
    """A file-like object whose writes rich's console prints above the live display."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def write(self, text: str) -> int:
        self.console.print(text, end="", markup=False, highlight=False, soft_wrap=True)
        return len(text)

    def flush(self) -> None:
        self.console.file.flush()


def _clock(seconds: float) -> str:
    minutes, second = divmod(round(seconds), 60)
    hours, minute = divmod(minutes, 60)
    return f"{hours}:{minute:02d}:{second:02d}"
