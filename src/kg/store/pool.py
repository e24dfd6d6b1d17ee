"""Query worker processes, with deadlines that really stop work and room kept for cheap queries.

Every query runs in a worker process of its own (pyoxigraph cannot cancel a query
from Python, and some inputs crash its process). A request takes an idle worker,
or a fresh one forked from a preloaded fork server, sends it a ``Job`` and awaits
the reply on the event loop, which watches the worker's pipe itself: a cheap query
costs no thread and no hop between threads, only the pipe's two writes.

A query first runs at full priority. One that is still running after
``SHORT_SECONDS`` is a long query: at most ``long_slots`` long queries run at once,
at the lowest CPU priority (nice 19), so cheap queries and pages keep the CPU;
further long queries are paused (SIGSTOP) and resumed in arrival order as slots
free up. At most ``max_queries`` queries are short and at most ``max_queries`` are
long (running or paused); beyond either the request gets 503 with Retry-After at
once rather than a place in a queue it could not leave within its deadline.

Memory is watched the same way: a worker whose resident memory passes ``memory_limit_mb``
is killed at once. Polling can miss a fast or a single large allocation, so each
worker also caps its own address space once its store is open: it may grow by the limit
less what is already resident (an allocation past it fails, and the worker with it).

At the deadline, when the client has gone or when the worker dies, the worker is
killed (SIGKILL, which also ends a paused process) and forgotten; idle workers are
kept warm up to ``warm`` and new ones are forked in the background.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from kg.errors import WORKER_ERRORS, QueryFailed, QueryTimeout, ServerBusy
from kg.store.long_lane import LongLane
from kg.store.replies import ReplyReader
from kg.store.waiting import DISCONNECT_CHECK_SECONDS, Disconnected, in_own_thread
from kg.store.worker import Job, read_reply, worker_main

LOG = logging.getLogger(__name__)

if TYPE_CHECKING:
    from kg.config import Settings

POLL_SECONDS = 0.05
SHORT_SECONDS = 0.25  # a query still running after this is a long query
LONG_NICE = 19
IDLE_SECONDS = 30  # surplus idle workers are stopped after this long
DYING_SECONDS = 1.0  # how long a worker whose pipe closed mid-query gets to exit
PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20


class ClientGone(Exception):
    """The client disconnected; its query was stopped."""


class QueryRunner(Protocol):
    """What the SPARQL router needs to run a query under a deadline: this pool, or
    ``kg.store.remote.RemoteRunner`` for a store on a SPARQL server."""

    def start(self) -> None: ...

    def close(self) -> None: ...

    async def answer(self, job: Job, *, deadline: float, disconnected: Disconnected) -> bytes:
        """The job's serialized result; raises QueryTimeout, ClientGone, ServerBusy or the
        query's error."""
        ...


class _Worker:
    def __init__(self, context: multiprocessing.context.BaseContext, memory_limit_mb: int) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=worker_main, args=(child, memory_limit_mb), daemon=True, name="kg-query-worker"
        )
        self.process.start()
        child.close()
        self.reniced = False

    @property
    def pid(self) -> int:
        return self.process.pid or 0

    def signal(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):  # it died; the pipe will say so
            os.kill(self.pid, signum)

    def renice(self) -> None:
        try:
            os.setpriority(os.PRIO_PROCESS, self.pid, LONG_NICE)
            self.reniced = True
        except OSError:
            pass

    def restore_priority(self) -> bool:
        """Back to normal priority, which needs privileges unprivileged servers lack."""
        if not self.reniced:
            return True
        try:
            os.setpriority(os.PRIO_PROCESS, self.pid, 0)
        except OSError:
            return False
        self.reniced = False
        return True

    def resident_mb(self) -> float:
        """Resident memory now, from /proc (0 where there is none)."""
        try:
            with open(f"/proc/{self.pid}/statm", "rb") as statm:
                return int(statm.read().split()[1]) * PAGE_MB
        except (OSError, IndexError, ValueError):
            return 0.0

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class _IdleWorkers:
    """Workers between queries: the most recently used is reused first (its caches are
    warm); ``warm`` are always kept, surplus ones are stopped after ``IDLE_SECONDS``."""

    def __init__(self, spawn: Callable[[], _Worker], discard: Callable[[_Worker], None],
                 warm: int) -> None:  # fmt: skip
        self._spawn, self._discard, self.warm = spawn, discard, warm
        self._stack: collections.deque[tuple[_Worker, float]] = collections.deque()
        self._lock = threading.Lock()
        self._refilling = False
        self.closed = threading.Event()

    def start(self) -> None:
        for _ in range(self.warm):
            self.put(self._spawn())
        threading.Thread(target=self._reap_forever, daemon=True, name="kg-reaper").start()

    def take(self) -> _Worker | None:
        with self._lock:
            worker = self._stack.pop()[0] if self._stack else None
        self.top_up()
        return worker

    def top_up(self) -> None:
        """Start forking workers in the background when fewer than ``warm`` are idle."""
        with self._lock:
            if self._refilling or self.closed.is_set() or len(self._stack) >= self.warm:
                return
            self._refilling = True
        threading.Thread(target=self._refill, daemon=True, name="kg-refill").start()

    def put(self, worker: _Worker) -> None:
        with self._lock:
            self._stack.append((worker, time.monotonic()))

    def _refill(self) -> None:
        """Fork workers one at a time, off the requests' path, until ``warm`` are idle."""
        try:
            while not self.closed.is_set():
                with self._lock:
                    if len(self._stack) >= self.warm:
                        return
                self.put(self._spawn())
        finally:
            with self._lock:
                self._refilling = False

    def _reap_forever(self) -> None:
        while not self.closed.wait(IDLE_SECONDS / 4):
            cutoff, surplus = time.monotonic() - IDLE_SECONDS, []
            with self._lock:
                while len(self._stack) > self.warm and self._stack[0][1] < cutoff:
                    surplus.append(self._stack.popleft()[0])
            for worker in surplus:
                self._discard(worker)


class QueryPool:
    """Runs each query in a worker process; ``run`` blocks the calling thread only."""

    def __init__(
        self, long_slots: int, *, max_queries: int = 16, memory_limit_mb: int = 0, warm: int = 0
    ) -> None:
        self.max_queries = max(max_queries, long_slots)
        self._memory = memory_limit_mb
        self._context = _fork_server()
        self._idle = _IdleWorkers(self._spawn, self._discard, warm or long_slots)
        self._short = 0
        self._lock = threading.Lock()
        self._long = LongLane(long_slots, self.max_queries)
        self._all: set[_Worker] = set()

    def start(self) -> None:
        self._idle.start()

    def _spawn(self) -> _Worker:
        worker = _Worker(self._context, self._memory)
        with self._lock:
            self._all.add(worker)
        return worker

    def _discard(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.kill()
        self._idle.top_up()

    def _admit(self) -> None:
        """Count one more short query; ServerBusy when ``max_queries`` already are."""
        with self._lock:
            if self._short >= self.max_queries:
                raise ServerBusy(
                    f"{self.max_queries} queries are starting at once; this one was not started",
                    hint="retry in a few seconds",
                )
            self._short += 1

    async def _fresh_worker(self, loop: asyncio.AbstractEventLoop) -> _Worker:
        """A worker forked off the event loop; kept idle if the request is cancelled."""
        forked = in_own_thread(loop, self._spawn)
        try:
            return await asyncio.shield(forked)
        except asyncio.CancelledError:
            forked.add_done_callback(lambda f: f.exception() or self._give_back(f.result()))
            raise

    def _give_back(self, worker: _Worker) -> None:
        if self._idle.closed.is_set() or not worker.restore_priority():
            self._discard(worker)
        else:
            self._idle.put(worker)

    async def answer(self, job: Job, *, deadline: float, disconnected: Disconnected) -> bytes:
        """The job's serialized result; raises QueryTimeout, ClientGone, ServerBusy or the
        worker's error. The event loop waits on the worker's pipe; every ``POLL_SECONDS``
        while the query runs it checks the deadline, the worker's memory and whether the
        query has become long, and every ``DISCONNECT_CHECK_SECONDS`` the client."""
        loop = asyncio.get_running_loop()
        self._admit()
        try:
            worker = self._idle.take() or await self._fresh_worker(loop)
        except BaseException:
            self._end_short()
            raise
        started = time.monotonic()
        short, healthy, ended = True, False, False
        ready: asyncio.Future[bytes] = loop.create_future()
        fd = worker.conn.fileno()
        try:
            os.set_blocking(fd, True)  # the job goes whole at once: an idle worker is reading
            worker.conn.send_bytes(job.to_wire())
            loop.add_reader(fd, ReplyReader(fd, ready).on_readable)
            next_client_check = started + DISCONNECT_CHECK_SECONDS
            while not ready.done():
                await asyncio.wait((ready,), timeout=POLL_SECONDS)
                if ready.done():
                    break
                now = time.monotonic()
                if now >= deadline:
                    raise query_timeout()
                if self._memory and worker.resident_mb() > self._memory:
                    raise query_too_big(self._memory)
                if short and now - started >= SHORT_SECONDS:
                    self._end_short()
                    short = False
                    self._long.enter(worker)
                if now >= next_client_check:
                    next_client_check = now + DISCONNECT_CHECK_SECONDS
                    if await disconnected():
                        raise ClientGone
            reply = read_reply(ready.result())
            healthy = True
        except (EOFError, OSError):
            ended = True
            raise QueryFailed(
                "the query engine stopped while running this query (it crashed or ran out "
                "of memory); simplify the query"
            ) from None
        finally:
            loop.remove_reader(fd)
            if short:
                self._end_short()
            else:
                self._long.leave(worker)
            if healthy:
                self._give_back(worker)
            else:  # the signal at once, so its memory stops growing; the reaping, which
                # takes a moment, off the event loop
                if not ended:
                    worker.signal(signal.SIGKILL)
                end = self._bury if ended else self._discard
                threading.Thread(target=end, args=(worker,), daemon=True).start()
        if isinstance(reply, bytes):
            return reply
        raise WORKER_ERRORS.get(reply[0], QueryFailed)(reply[1])

    def _bury(self, worker: _Worker) -> None:
        """Log how a worker that ended mid-query ended (a signal, an exit code; the client
        only hears that the engine stopped, the operator needs to know why), then forget it.
        Its pipe closed, so it is exiting: it gets a moment to, before the kill."""
        worker.process.join(timeout=DYING_SECONDS)
        code = worker.process.exitcode
        if code is None:
            how = f"its pipe closed, and it was still running {DYING_SECONDS} s later"
        elif code < 0:
            how = f"signal {signal.Signals(-code).name}"
        else:
            how = f"exit code {code}"
        LOG.warning("query worker %s stopped while running a query (%s)", worker.pid, how)
        self._discard(worker)

    def _end_short(self) -> None:
        with self._lock:
            self._short -= 1

    def load(self) -> dict[str, int]:
        """Queries in progress, by phase (for /healthz and tests)."""
        running, paused = self._long.counts()
        with self._lock:
            short = self._short
        return {"short": short, "long_running": running, "long_paused": paused}

    def close(self) -> None:
        self._idle.closed.set()
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.kill()


def _fork_server() -> multiprocessing.context.BaseContext:
    """Workers fork from a server process that has already imported pyoxigraph: a new
    worker costs tens of milliseconds instead of a fresh interpreter's few hundred."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["__main__", "kg.store.worker"])
    return context


def query_workers(settings: Settings) -> int:
    """How many long queries run at once: the setting, or one per core and at least two."""
    return settings.query_workers or max(2, os.cpu_count() or 1)


def query_too_big(limit_mb: int) -> QueryFailed:
    return QueryFailed(
        f"the query needed more than {limit_mb} MiB of memory and was stopped",
        hint="narrow the query (fewer rows to sort or group, LIMIT) or download a dump",
    )


def query_timeout() -> QueryTimeout:
    return QueryTimeout(
        "the query ran past the time limit and was stopped",
        hint="narrow the query (LIMIT, more specific patterns) or download a dump",
    )
