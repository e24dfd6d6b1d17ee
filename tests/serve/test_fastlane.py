"""The fast lane: the requests it knows go straight to their handler, everything else
on to the app untouched, and what a handler raises is answered by the error handler.
(Every server test goes through it too: GET /sparql with a query takes it.)"""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from kg.serve.fastlane import FastLane


async def fast(request: Request) -> Response:
    if request.query_params.get("query") == "boom":
        raise ValueError("boom")
    return PlainTextResponse("fast")


async def answer_error(request: Request, exc: Exception) -> Response:
    return PlainTextResponse(f"error: {exc}", status_code=500)


async def behind(scope, receive, send) -> None:
    await PlainTextResponse(f"behind {scope['path']}")(scope, receive, send)


def call(method: str, path: str, query_string: bytes = b"") -> tuple[int, bytes]:
    """One request through a lane for GET /sparql?query=…, as uvicorn would make it."""
    lane = FastLane(behind, routes={("GET", "/sparql"): fast}, needs=(b"query=",),
                    on_error=answer_error)  # fmt: skip
    scope = {"type": "http", "method": method, "path": path, "query_string": query_string,
             "headers": [], "root_path": ""}  # fmt: skip
    sent = []

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        sent.append(message)

    asyncio.run(lane(scope, receive, send))
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


def test_only_the_known_requests_take_the_lane():
    assert call("GET", "/sparql", b"query=x") == (200, b"fast")
    assert call("GET", "/sparql", b"a=1&query=x") == (200, b"fast")
    assert call("GET", "/sparql") == (200, b"behind /sparql")  # the page or the description
    assert call("GET", "/sparql", b"myquery=x") == (200, b"behind /sparql")
    assert call("POST", "/sparql", b"query=x") == (200, b"behind /sparql")
    assert call("GET", "/other", b"query=x") == (200, b"behind /other")


def test_what_a_handler_raises_goes_to_the_error_handler():
    assert call("GET", "/sparql", b"query=boom") == (500, b"error: boom")
