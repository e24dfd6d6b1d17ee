"""Awaiting blocking work from the event loop, in threads that end with the work.

An executor would keep, idle, as many threads as the busiest moment ever needed; a
server that clients hang up on must not grow. ``in_own_thread`` runs one call (forking
a worker), ``answer_in_thread`` one query of a blocking runner (a remote store),
stopping it when the client disconnects.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from kg.store.worker import Job

T = TypeVar("T")
Disconnected = Callable[[], Awaitable[bool]]  # has the client gone?
DISCONNECT_CHECK_SECONDS = 0.2


def in_own_thread(loop: asyncio.AbstractEventLoop, call: Callable[[], T]) -> asyncio.Future[T]:
    """``call()`` in a thread that ends with it (an executor would keep its threads)."""
    future: asyncio.Future[T] = loop.create_future()

    def target() -> None:
        try:
            outcome: T | BaseException = call()
        except BaseException as exc:
            outcome = exc
        loop.call_soon_threadsafe(_settle, future, outcome)

    threading.Thread(target=target, daemon=True, name="kg-blocking").start()
    return future


async def answer_in_thread(
    run: Callable[..., bytes], job: Job, *, deadline: float, disconnected: Disconnected
) -> bytes:
    """``run(job, deadline=, cancelled=)``, a blocking runner, awaited from the event loop;
    ``cancelled`` is set as soon as the client disconnects.

    An error of ``run`` is raised here, in the request."""
    cancelled = threading.Event()
    loop = asyncio.get_running_loop()
    future = in_own_thread(loop, lambda: run(job, deadline=deadline, cancelled=cancelled))
    while True:
        done, _ = await asyncio.wait({future}, timeout=DISCONNECT_CHECK_SECONDS)
        if done:
            break
        if await disconnected():
            cancelled.set()
    return future.result()


def _settle(future: asyncio.Future, outcome: object) -> None:
    if future.done():  # the request was cancelled meanwhile
        return
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)
