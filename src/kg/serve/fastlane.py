"""A shorter way through the app for the requests that are most of its traffic.

FastAPI hands every request through its router, the matching route, dependency
solving, an exit stack and two exception layers; for a point lookup that costs
more than the query itself. ``FastLane`` sits inside kg's own middlewares (rate
limit, URL limit, CORS and gzip, which still apply) and sends the requests it
knows straight to their handler, the same function FastAPI's route calls, so
the answer and every error are the same either way; everything else goes on to
FastAPI unchanged.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

Handler = Callable[[Request], Awaitable[Response]]
ErrorHandler = Callable[[Request, Exception], Awaitable[Response]]


class FastLane:
    """ASGI middleware: ``routes`` maps (method, path) to a handler, taken only when the
    query string has one of ``needs`` (``query=``: a query, not the query page);
    ``on_error`` answers what a handler raises, as the app's exception handlers do."""

    def __init__(self, app: ASGIApp, *, routes: dict[tuple[str, str], Handler],
                 needs: tuple[bytes, ...], on_error: ErrorHandler) -> None:  # fmt: skip
        self.app, self.routes, self.needs, self.on_error = app, routes, needs, on_error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        handler = None
        if scope["type"] == "http" and scope.get("root_path", "") == "":
            handler = self.routes.get((scope["method"], scope["path"]))
        if handler is None or not self._wanted(scope.get("query_string", b"")):
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            response = await handler(request)
        except Exception as exc:  # answered as the app's exception handlers answer it
            response = await self.on_error(request, exc)
        await response(scope, receive, send)

    def _wanted(self, query_string: bytes) -> bool:
        return any(query_string.startswith(name) or b"&" + name in query_string
                   for name in self.needs)  # fmt: skip
