"""Admission of long queries: a few run at the lowest CPU priority, the rest wait paused.

A query still running after the pool's short-query time is long. ``LongLane`` keeps at
most ``slots`` of them running (reniced by the worker itself), pauses the others with
SIGSTOP and resumes them in arrival order as slots free up; past ``limit`` a long
query is refused with ServerBusy rather than queued beyond its deadline.
"""

from __future__ import annotations

import collections
import signal
import threading
from typing import Protocol

from kg.errors import ServerBusy


class Worker(Protocol):
    """What the lane needs of a query worker."""

    def renice(self) -> None: ...

    def signal(self, signum: int) -> None: ...


class LongLane:
    """Admission of long queries: ``slots`` run (niced), up to ``limit`` in all, the rest paused."""

    def __init__(self, slots: int, limit: int) -> None:
        self.slots, self.limit = slots, limit
        self._running: set[Worker] = set()
        self._paused: collections.deque[Worker] = collections.deque()
        self._lock = threading.Lock()

    def enter(self, worker: Worker) -> None:
        """Renice ``worker`` and run or pause it; ServerBusy when the lane is full."""
        with self._lock:
            if len(self._running) + len(self._paused) >= self.limit:
                raise ServerBusy(
                    "too many long queries are running; this one was stopped",
                    hint=f"retry in a few seconds, or narrow the query; "
                    f"{self.slots} long queries run at once",
                )
            worker.renice()
            if len(self._running) < self.slots:
                self._running.add(worker)
            else:
                worker.signal(signal.SIGSTOP)
                self._paused.append(worker)

    def leave(self, worker: Worker) -> None:
        """``worker`` is done (or killed): its slot goes to the longest-paused query."""
        with self._lock:
            if worker in self._running:
                self._running.discard(worker)
                if self._paused:
                    following = self._paused.popleft()
                    following.signal(signal.SIGCONT)
                    self._running.add(following)
            elif worker in self._paused:
                self._paused.remove(worker)

    def counts(self) -> tuple[int, int]:
        with self._lock:
            return len(self._running), len(self._paused)
