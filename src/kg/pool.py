"""A pool of query worker processes, with deadlines that really stop work.

Each request borrows one idle worker, sends it a ``Job`` and waits on the pipe in
a thread (never on the event loop). At the deadline, or when the client has gone,
the worker is killed (SIGKILL: pyoxigraph cannot be interrupted any other way)
and a fresh one takes its place in the background, so the pool keeps its size and
the server keeps answering. A worker that dies on a query is replaced the same way.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Protocol

from kg.errors import WORKER_ERRORS, QueryFailed, QueryTimeout
from kg.worker import Job, worker_main

if TYPE_CHECKING:
    from kg.config import Settings

POLL_SECONDS = 0.05


class ClientGone(Exception):
    """The client disconnected; its query was stopped."""


class QueryRunner(Protocol):
    """What the SPARQL router needs to run a query under a deadline: this pool, or
    ``kg.remote.RemoteRunner`` for a store on a SPARQL server."""

    executor: ThreadPoolExecutor

    def start(self) -> None: ...

    def close(self) -> None: ...

    def run(self, job: Job, *, deadline: float, cancelled: threading.Event) -> bytes: ...


class _Worker:
    def __init__(self, context: multiprocessing.context.SpawnContext, memory_limit_mb: int) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=worker_main, args=(child, memory_limit_mb), daemon=True, name="kg-query-worker"
        )
        self.process.start()
        child.close()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class QueryPool:
    """``size`` worker processes; ``run`` blocks the calling thread, not the event loop."""

    def __init__(self, size: int, *, memory_limit_mb: int = 0) -> None:
        self.size = size
        self._memory = memory_limit_mb
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        # one waiting thread per in-flight query; queries beyond the pool wait for a worker
        self.executor = ThreadPoolExecutor(max_workers=size * 8, thread_name_prefix="kg-query")

    def start(self) -> None:
        for _ in range(self.size):
            self._idle.put(self._spawn())

    def _spawn(self) -> _Worker:
        worker = _Worker(self._context, self._memory)
        with self._lock:
            self._all.add(worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` and put a fresh one in the pool, off the caller's path."""
        with self._lock:
            self._all.discard(worker)
        worker.kill()
        if not self._closed:
            threading.Thread(target=lambda: self._idle.put(self._spawn()), daemon=True).start()

    def run(self, job: Job, *, deadline: float, cancelled: threading.Event) -> bytes:
        """The job's serialized result; raises QueryTimeout, ClientGone or the worker's error."""
        try:
            worker = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise query_timeout() from None
        healthy = False
        try:
            worker.conn.send(job)
            while not worker.conn.poll(POLL_SECONDS):
                if cancelled.is_set():
                    raise ClientGone
                if time.monotonic() >= deadline:
                    raise query_timeout()
            reply = worker.conn.recv()
            healthy = True
        except (EOFError, OSError, BrokenPipeError):
            raise QueryFailed(
                "the query engine stopped while running this query (it crashed or ran out "
                "of memory); simplify the query"
            ) from None
        finally:
            if healthy:
                self._idle.put(worker)
            else:
                self._replace(worker)
        if reply[0] == "ok":
            return reply[1]
        raise WORKER_ERRORS.get(reply[1], QueryFailed)(reply[2])

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.kill()
        self.executor.shutdown(wait=False, cancel_futures=True)


def query_workers(settings: Settings) -> int:
    """How many queries run at once: the setting, or one per core and at least two."""
    return settings.query_workers or max(2, os.cpu_count() or 1)


def query_timeout() -> QueryTimeout:
    return QueryTimeout(
        "the query ran past the time limit and was stopped",
        hint="narrow the query (LIMIT, more specific patterns) or download a dump",
    )
