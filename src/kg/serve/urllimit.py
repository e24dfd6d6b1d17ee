"""A cap on the request target (path and query string): 414 with a clear error body.

uvicorn's HTTP parser (h11) holds a request's line and headers in one buffer and,
past its size (16 KiB by default), drops the request with a bare "400 Invalid HTTP
request received": the client cannot tell a long URL from a broken one. `kg serve`
gives that buffer room (``parser_buffer``), so a target longer than ``max_url``
reaches this middleware, which answers 414 URI Too Long through the app's error
handler and says to POST the query instead. The buffer stays bounded: it is memory
a slow client can make the server hold per connection.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

from kg.errors import UriTooLong

PARSER_BUFFER = 256 * 1024  # a URL up to 8x the default max_url still gets the clear 414
HEADER_ROOM = 64 * 1024  # the headers after the request line: cookies, long Accept lists


def parser_buffer(max_url: int) -> int:
    """Bytes uvicorn may buffer for a request head (``h11_max_incomplete_event_size``)."""
    return max(PARSER_BUFFER, max_url + HEADER_ROOM)


class UrlLimit:
    """ASGI middleware; ``on_refused`` answers UriTooLong through the app's error handler."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, on_refused: Callable) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.on_refused = on_refused  # (scope, receive, send, error) -> awaitable

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope.get("raw_path") or scope["path"].encode()
            size = len(path) + len(scope.get("query_string", b""))
            if size > self.max_bytes:
                error = UriTooLong(
                    f"the request URL is {size} bytes; this server reads at most "
                    f"{self.max_bytes} (max_url)",
                    hint="send a long SPARQL query with POST, as application/sparql-query "
                    "or a form, instead of in the URL",
                )
                await self.on_refused(scope, receive, send, error)
                return
        await self.app(scope, receive, send)
