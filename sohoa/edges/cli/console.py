"""What every `sohoa` command shares: the consoles, the progress bar, the local user's name."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

out = Console(soft_wrap=True)
"""Results: standard output. Lines are never broken by rich (soft wrap): keys, paths and tokens stay whole at any
width, the terminal wraps them on screen; tables still fit the width."""
err = Console(stderr=True, soft_wrap=True)
"""Messages, warnings and progress: standard error (soft wrap, as ``out``)."""


@contextmanager
def progress_bar(quiet: bool) -> Iterator[Callable[[str, int, int], None]]:
    if quiet or not err.is_terminal:
        yield lambda stage, done, total: None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        tasks: dict[str, int] = {}

        def advance(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield advance


@contextmanager
def spinner(quiet: bool, message: str) -> Iterator[None]:
    if quiet or not err.is_terminal:
        yield
        return
    with err.status(message):
        yield


def user() -> str:
    import getpass

    return getpass.getuser()
