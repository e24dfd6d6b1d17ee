"""Reading request bodies and parameters safely: a size cap enforced before reading, and
strict UTF-8 (a byte replaced by U+FFFD would run a query nobody sent)."""

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


def parse_params(text: str, *, source: str) -> dict[str, list[str]]:
    """URL-encoded parameters whose percent-escapes must decode as UTF-8."""
    try:
        return parse_qs(text, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as exc:
        raise UsageError(f"the {source} is not UTF-8 once percent-decoded ({exc.reason})") from None


def query_params(request: Request) -> dict[str, list[str]]:
    """The query string's parameters, read from the request itself (building its URL
    costs more than parsing them)."""
    try:
        text = request.scope.get("query_string", b"").decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"the query string is not UTF-8 ({exc.reason})") from None
    return parse_params(text, source="query string")


def add_form_params(params: dict[str, list[str]], body: bytes) -> None:
    """Add the parameters of a form-encoded body to ``params``."""
    for key, values in parse_params(decode(body), source="form body").items():
        params.setdefault(key, []).extend(values)


async def read_params(request: Request, limit: int) -> dict[str, list[str]]:
    """Query-string parameters, plus those of a form-encoded POST body."""
    params = query_params(request)
    if request.method == "POST" and media_type(request) == FORM:
        add_form_params(params, await read_body(request, limit))
    return params
