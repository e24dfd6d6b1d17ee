"""Responses that cannot change until the next build, kept in memory.

What `kg serve` answers from the dataset — a resource's document in every format, its
page, a query's result, a graph of the Graph Store, the service description — depends
only on the request and the dataset version. So a response is kept under the version
and what the request asked; the first request that sees another version empties the
cache, and a rebuild changes every answer as soon as the server sees the new build.

The cache is bounded in bytes, least recently used first out; a response over an
eighth of the budget is never kept (large results would push out many small ones).
Hits and misses are counted for ``/healthz`` and the benchmark. Answers that are not a
function of the data are never kept: errors, queries that call ``SERVICE`` or ask for
the time, random numbers or fresh identifiers.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass

from starlette.responses import Response

ENTRY_SHARE = 8  # a response larger than budget / ENTRY_SHARE is not kept
_CHANGING = re.compile(r"\b(?:NOW|RAND|UUID|STRUUID|BNODE)\s*\(|\bSERVICE\b", re.IGNORECASE)
_RECOMPUTED = (b"content-length", b"content-type")


def answer_is_fixed(query: str) -> bool:
    """Whether a query's answer depends only on the data (errs towards False)."""
    return _CHANGING.search(query) is None


@dataclass(frozen=True, slots=True)
class _Kept:
    status: int
    body: bytes
    media_type: str | None
    headers: tuple[tuple[str, str], ...]

    def response(self) -> Response:
        return Response(self.body, status_code=self.status, media_type=self.media_type,
                        headers=dict(self.headers))  # fmt: skip


class ResponseCache:
    """Responses by (dataset version, key); ``max_bytes`` 0 keeps nothing."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, _Kept] = OrderedDict()
        self._version: str | None = None
        self._bytes = 0
        self._lock = threading.Lock()  # pages are answered in threads
        self.hits = self.misses = 0

    def get(self, version: str, key: Hashable) -> Response | None:
        if not self.max_bytes:
            return None
        with self._lock:
            self._follow(version)
            kept = self._entries.get(key)
            if kept is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
        return kept.response()

    def keep(self, version: str, key: Hashable, response: Response) -> Response:
        """Keep ``response`` (a 200 with its whole, non-empty body) and hand it back
        unchanged; an empty body is also what a client that hung up was given."""
        body = getattr(response, "body", None)
        if (not self.max_bytes or response.status_code != 200 or not isinstance(body, bytes)
                or not body or len(body) > self.max_bytes // ENTRY_SHARE):  # fmt: skip
            return response
        headers = tuple((k.decode("latin-1"), v.decode("latin-1"))
                        for k, v in response.raw_headers if k not in _RECOMPUTED)  # fmt: skip
        kept = _Kept(response.status_code, body, response.media_type, headers)
        with self._lock:
            self._follow(version)
            previous = self._entries.pop(key, None)
            self._bytes += len(body) - (len(previous.body) if previous else 0)
            self._entries[key] = kept
            while self._bytes > self.max_bytes:
                self._bytes -= len(self._entries.popitem(last=False)[1].body)
        return response

    def answer(self, version: str, key: Hashable, make: Callable[[], Response]) -> Response:
        """The kept response for ``key``, or ``make()``'s, kept for the next request."""
        return self.get(version, key) or self.keep(version, key, make())

    async def answer_awaiting(self, version: str, key: Hashable,
                              make: Callable[[], Awaitable[Response]]) -> Response:  # fmt: skip
        """``answer`` for a response that is awaited (a query, or work in a thread)."""
        return self.get(version, key) or self.keep(version, key, await make())

    def _follow(self, version: str) -> None:
        if version != self._version:
            self._entries.clear()
            self._bytes = 0
            self._version = version

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {"hits": self.hits, "misses": self.misses, "entries": len(self._entries),
                    "bytes": self._bytes}  # fmt: skip
