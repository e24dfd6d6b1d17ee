"""A cap on the request target (path and query string): 414 with a clear error body.

`kg serve` parses HTTP with httptools (llhttp, in C: a fifth of the cost of a point
lookup went to the pure-Python h11 parser). uvicorn's httptools protocol gathers a
request's URL and headers without any bound, so ``BoundedHttpTools`` counts them and
refuses a request head past ``parser_buffer`` bytes: memory a slow client could
otherwise make the server hold per connection. Up to that size a target longer than
``max_url`` reaches this middleware, which answers 414 URI Too Long through the app's
error handler (JSON, or a page for browsers) and says to POST the query instead; past
it the protocol answers the same 414 JSON body itself and closes the connection.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from kg.errors import UriTooLong

PARSER_BUFFER = 256 * 1024  # a URL up to 8x the default max_url still gets the clear 414
HEADER_ROOM = 64 * 1024  # the headers after the request line: cookies, long Accept lists
URL_PARSER_LIMIT = 65_535  # httptools' URL parser keeps 16-bit offsets; max_url stays below


def parser_buffer(max_url: int) -> int:
    """Bytes the server may hold for one request head (its line and headers)."""
    return max(PARSER_BUFFER, max_url + HEADER_ROOM)


def too_long(size: int, limit: int) -> UriTooLong:
    return UriTooLong(
        f"the request URL is {size} bytes; this server reads at most {limit} (max_url)",
        hint="send a long SPARQL query with POST, as application/sparql-query "
        "or a form, instead of in the URL",
    )


class BoundedHttpTools(HttpToolsProtocol):
    """uvicorn's httptools protocol with the request head bounded (set ``head_limit``
    and ``max_url`` on a subclass: uvicorn builds the protocol itself)."""

    head_limit = PARSER_BUFFER
    max_url = PARSER_BUFFER - HEADER_ROOM

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head_bytes = 0
        self._refused = False

    def on_url(self, url: bytes) -> None:
        self._count(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(name) + len(value) + 4)
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        if len(self.url) > URL_PARSER_LIMIT:  # httptools.parse_url would fail on it
            self._refuse()
        super().on_headers_complete()

    def _count(self, size: int) -> None:
        self._head_bytes += size
        if self._head_bytes > self.head_limit:
            self._refuse()

    def _refuse(self) -> None:
        """Stop the parser; ``data_received`` then answers through ``send_400_response``."""
        self._refused = True
        raise _HeadTooLong

    def send_400_response(self, msg: str) -> None:
        if not getattr(self, "_refused", False):
            super().send_400_response(msg)
            return
        limit = min(self.max_url, URL_PARSER_LIMIT)
        body = json.dumps(too_long(len(self.url), limit).to_json()).encode()
        self.transport.write(b"".join([
            b"HTTP/1.1 414 URI Too Long\r\ncontent-type: application/json\r\n",
            b"content-length: %d\r\nconnection: close\r\n\r\n" % len(body), body,
        ]))  # fmt: skip
        self.transport.close()


class _HeadTooLong(Exception):
    pass


def bounded_protocol(max_url: int) -> type[BoundedHttpTools]:
    """The protocol class for ``uvicorn.run(http=…)`` with this server's limits."""
    return type("KgHttpTools", (BoundedHttpTools,),
                {"head_limit": parser_buffer(max_url), "max_url": max_url})  # fmt: skip


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
                await self.on_refused(scope, receive, send, too_long(size, self.max_bytes))
                return
        await self.app(scope, receive, send)
