"""Progress display for sampling (the only place that draws progress bars)."""

import contextlib

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

__all__ = ["chain_progress", "iteration_progress"]


class _Silent:
    def add_chain(self, chain: int, total: int):
        return None

    def update(self, task, completed: int, divergences: int, tuning: bool) -> None:
        return None

    def lost(self, task) -> None:
        return None


class _Bars:
    def __init__(self, progress: Progress):
        self.progress = progress

    def add_chain(self, chain: int, total: int):
        return self.progress.add_task(f"chain {chain}", total=total, divergences=0, phase="tune")

    def update(self, task, completed: int, divergences: int, tuning: bool) -> None:
        self.progress.update(
            task, completed=completed, divergences=divergences, phase="tune" if tuning else "draw"
        )

    def lost(self, task) -> None:
        self.progress.update(task, phase="lost")


class _SpeedColumn(ProgressColumn):
    """Draws per second."""

    def render(self, task) -> Text:
        speed = task.speed
        return Text(f"{speed:,.0f} draws/s" if speed else "")


@contextlib.contextmanager
def chain_progress(enabled: bool):
    """Yield an object with ``add_chain(chain, total)``, ``update(task, done, divs, tuning)`` and
    ``lost(task)`` (the chain failed)."""
    if not enabled:
        yield _Silent()
        return
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[phase]}"),
        TextColumn("divergences: {task.fields[divergences]}"),
        _SpeedColumn(),
        TimeRemainingColumn(),
        transient=False,
    )
    with progress:
        yield _Bars(progress)


class _SilentIterations:
    def update(self, completed: int, **fields) -> None:
        return None


class _IterationBar:
    def __init__(self, progress: Progress, task):
        self.progress, self.task = progress, task

    def update(self, completed: int, **fields) -> None:
        self.progress.update(self.task, completed=completed, **fields)


@contextlib.contextmanager
def iteration_progress(enabled: bool, description: str, total: int, status: str):
    """Yield an object with ``update(completed, **fields)``, shown as one bar (or nothing).

    ``status`` is a format string over the fields, e.g. ``"logp = {task.fields[logp]:.4g}"``;
    the fields it names start as nan.
    """
    if not enabled:
        yield _SilentIterations()
        return
    progress = Progress(
        TextColumn(description),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(status),
        TimeRemainingColumn(),
        transient=False,
    )
    names = [part.split("]")[0] for part in status.split("task.fields[")[1:]]
    with progress:
        task = progress.add_task(description, total=total, **dict.fromkeys(names, float("nan")))
        yield _IterationBar(progress, task)
