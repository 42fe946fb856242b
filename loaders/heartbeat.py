"""Signs of life on stderr for long work that has no progress bar of its own, and the
seconds each of its steps took.

A step that runs longer than ``every`` seconds prints its name and elapsed time every
``every`` seconds, and its duration when it ends; a shorter step prints nothing. Lines go
through ``tqdm.write`` so that they do not break a progress bar drawn at the same time. It
lives in loaders, the package every later step (linking, graph, the shell) may import.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

EVERY_S = 5.0


class Heartbeat:
    """A ticker and a stopwatch for the steps of one piece of work (``what``).

    ``step(name)`` ends the current step and begins ``name`` (``None``: no step runs);
    ``seconds`` holds each ended step's duration. ``report`` says every step's duration,
    not only those that ran long; a step begun with ``ticks=False`` (one that shows its
    own progress) is timed without ticking.
    """

    def __init__(self, what: str, enabled: bool = True, every: float = EVERY_S,
                 report: bool = False) -> None:
        self.what, self.enabled, self.every, self.report = what, enabled, every, report
        self.seconds: dict[str, float] = {}
        self._lock = threading.Lock()
        self._step: str | None = None
        self._ticks = True
        self._since = time.perf_counter()
        self._ticked = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Heartbeat:
        if self.enabled:
            self._thread = threading.Thread(target=self._tick, daemon=True,
                                            name=f"heartbeat {self.what}")
            self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.step(None)
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def step(self, name: str | None, ticks: bool = True) -> None:
        """End the current step (timing it) and begin ``name``."""
        with self._lock:
            now = time.perf_counter()
            if self._step is not None:
                self.seconds[self._step] = now - self._since
                if self.enabled and (self._ticked or self.report):
                    self._say(f"{self._step} done in {self.seconds[self._step]:.1f} s")
            self._step, self._ticks, self._since, self._ticked = name, ticks, now, False

    def _tick(self) -> None:
        while not self._stop.wait(self.every):
            with self._lock:
                if self._step is not None and self._ticks:
                    self._ticked = True
                    self._say(f"{self._step} ... {time.perf_counter() - self._since:.0f} s")

    def _say(self, message: str) -> None:
        from tqdm import tqdm

        tqdm.write(f"kglink: {self.what}: {message}", file=sys.stderr)


@contextmanager
def heartbeat(what: str, enabled: bool = True, every: float = EVERY_S) -> Iterator[None]:
    """One long step, ``"work: step"``, with a heartbeat."""
    work, _, step = what.partition(": ")
    with Heartbeat(work, enabled, every) as beat:
        beat.step(step or work)
        yield
