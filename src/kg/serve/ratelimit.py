"""A per-client request rate limit: 429 with Retry-After, before any work is done.

Each client address has a token bucket that refills at ``per_minute / 60`` tokens a
second and holds a burst of ``burst`` (ten seconds' worth, at least 10): a person
clicking through pages or a script sending a query at a time never meets it, a
crawler or a loop without pauses does. The client address is what uvicorn reports:
behind a reverse proxy listed in ``FORWARDED_ALLOW_IPS`` it is the address the proxy
forwards, so one limit per real client, not one for the proxy.

Buckets live in memory, at most ``MAX_CLIENTS`` of them, least recently seen
dropped first (a dropped client starts again with a full bucket).
"""

from __future__ import annotations

import functools
import ipaddress
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence

from starlette.types import ASGIApp, Receive, Scope, Send

from kg.errors import RateLimited

MAX_CLIENTS = 100_000
UNLIMITED_PREFIXES = ("/healthz", "/static/")


class TokenBuckets:
    """``take(client)`` is 0 when a request may go ahead, else the seconds to wait."""

    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = per_minute / 60.0
        self.burst = max(10.0, self.rate * 10)
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        now = self._clock()
        with self._lock:
            tokens, seen = self._buckets.pop(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - seen) * self.rate)
            wait = 0.0 if tokens >= 1 else (1 - tokens) / self.rate
            self._buckets[client] = (tokens - 1 if wait == 0 else tokens, now)
            if len(self._buckets) > MAX_CLIENTS:
                self._buckets.popitem(last=False)
        return wait


class RateLimit:
    """ASGI middleware; raises RateLimited, which the app's error handler answers."""

    def __init__(
        self, app: ASGIApp, *, per_minute: int, exempt: Sequence[str], on_limited: Callable
    ) -> None:
        self.app = app
        self.buckets = TokenBuckets(per_minute) if per_minute else None
        self.exempt = tuple(ipaddress.ip_network(n, strict=False) for n in exempt)
        self.on_limited = on_limited  # (scope, receive, send, error) -> awaitable

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.buckets is None or scope["type"] != "http" or self._unlimited(scope):
            await self.app(scope, receive, send)
            return
        client = scope["client"][0]
        wait = self.buckets.take(client)
        if wait == 0:
            await self.app(scope, receive, send)
            return
        seconds = math.ceil(wait)
        error = RateLimited(
            f"too many requests from {client}: the limit is "
            f"{round(self.buckets.rate * 60)} a minute",
            retry_after=seconds,
            hint=f"wait {seconds} s; for bulk access download a dump from /dumps/",
        )
        await self.on_limited(scope, receive, send, error)

    def _unlimited(self, scope: Scope) -> bool:
        if scope["path"].startswith(UNLIMITED_PREFIXES) or not scope.get("client"):
            return True
        return self._exempt(scope["client"][0])

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one middleware per server, kept for its life
    def _exempt(self, client: str) -> bool:
        """Whether a client address is in an exempt network (parsed once per address)."""
        try:
            address = ipaddress.ip_address(client)
        except ValueError:
            return False  # not an IP (a unix socket peer): limit by its name
        return any(address in network for network in self.exempt)
