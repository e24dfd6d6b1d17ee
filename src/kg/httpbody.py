"""Reading request bodies safely: a size cap enforced before reading, strict UTF-8."""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import Request

from kg.errors import ContentTooLarge, UsageError

FORM = "application/x-www-form-urlencoded"


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing more than ``limit`` bytes before reading them all."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ContentTooLarge(f"request body of {declared} bytes exceeds max_body ({limit})")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ContentTooLarge(f"request body exceeds max_body ({limit} bytes)")
        chunks.append(chunk)
    return b"".join(chunks)


def decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"request body is not UTF-8 (byte {exc.start}: {exc.reason})") from None


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def read_params(request: Request, limit: int) -> dict[str, list[str]]:
    """Query-string parameters, plus those of a form-encoded POST body."""
    params = parse_qs(request.url.query, keep_blank_values=True)
    if request.method == "POST" and media_type(request) == FORM:
        body = decode(await read_body(request, limit))
        for key, values in parse_qs(body, keep_blank_values=True).items():
            params.setdefault(key, []).extend(values)
    return params
