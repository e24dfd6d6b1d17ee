"""The error tree of `kg`: each class carries its CLI exit code and HTTP status.

    KgError                      exit 2, HTTP 500  anything kg itself raises
    ├── UsageError               exit 2, HTTP 400  a bad flag, setting or argument
    │   ├── QuerySyntaxError     exit 2, HTTP 400  a SPARQL query that does not parse
    │   ├── UnsupportedFeature   exit 2, HTTP 400  a function or feature the engine lacks
    │   ├── ResultTooLarge       exit 2, HTTP 400  more rows than max_rows (never cut silently)
    │   ├── QueryRefused         exit 2, HTTP 403  an update, or SERVICE outside the allowlist
    │   ├── NotAcceptable                 HTTP 406  no offered format is acceptable
    │   ├── NotFound                      HTTP 404  no resource at this IRI or path
    │   │   └── Gone                      HTTP 410  an IRI a release removed (its tombstone)
    │   ├── ContentTooLarge               HTTP 413  a request body over max_body
    │   ├── UriTooLong                    HTTP 414  a request URL over max_url
    │   └── UnsupportedMediaType          HTTP 415  a POST body of a type we do not read
    ├── EnvironmentProblem       exit 2, HTTP 503  missing directory, store not built, I/O
    │   ├── QueryTimeout         exit 2, HTTP 503  ran past query_timeout; the work was stopped
    │   └── RemoteStoreError     exit 2, HTTP 502  a remote SPARQL server refused or failed
    ├── QueryFailed              exit 2, HTTP 500  the engine crashed or ran out of memory
    └── DataError                exit 1, HTTP 500  the project's data is invalid
        ├── RdfSyntaxError       exit 1            a file that does not parse (file:line:col)
        └── ValidationFailed     exit 1            SHACL or a *-violation.rq query failed

Each class has a stable ``code`` (``malformed-query``, ``timeout``…): the JSON
error body says ``{"error": code, "message": …, "hint": …}`` and never carries a
class name, a traceback or a file path of the server.

Exit codes are documented in `kg --help` and docs/commands.md: 0 ok, 1 invalid data,
2 usage or environment. An exception that is not a KgError is a bug: the CLI
prints it with its traceback and the HTTP app answers 500, never 400.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EXIT_OK = 0
EXIT_INVALID_DATA = 1
EXIT_USAGE = 2


class KgError(Exception):
    """Base class of every error `kg` raises on purpose."""

    code = "error"
    exit_code = EXIT_USAGE
    http_status = 500

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  hint: {self.hint}" if self.hint else self.message

    def to_json(self) -> dict[str, Any]:
        """The one JSON error body of the HTTP app."""
        body: dict[str, Any] = {"error": self.code, "message": self.message}
        if self.hint:
            body["hint"] = self.hint
        return body


class UsageError(KgError):
    """The user asked for something that cannot be done as asked."""

    code = "bad-request"
    http_status = 400


class QuerySyntaxError(UsageError):
    """A SPARQL query or update that does not parse; the message has line and column."""

    code = "malformed-query"


class UnsupportedFeature(UsageError):
    """A query that parses but asks for what the engine does not implement (an unknown
    function such as Jena's ``afn:`` or Virtuoso's ``bif:``): the client's to change."""

    code = "unsupported-feature"


class EnvironmentProblem(KgError):
    """The machine is not as needed: a missing directory, an unbuilt store, an I/O failure."""

    code = "unavailable"
    http_status = 503


class DataError(KgError):
    """The project's data is invalid; the curator must fix a file."""

    code = "invalid-data"
    exit_code = EXIT_INVALID_DATA


@dataclass(frozen=True, slots=True)
class SourceLocation:
    """A place in a project file, printed as ``file:line:column`` like compilers do."""

    path: Path
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [str(self.path)]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


class RdfSyntaxError(DataError):
    """A Turtle/TriG file that does not parse."""

    code = "syntax-error"

    def __init__(self, location: SourceLocation, detail: str) -> None:
        super().__init__(
            f"{location}: syntax error: {detail}",
            hint="fix the file at that line and run `kg build` again",
        )
        self.location = location
        self.detail = detail


class ValidationFailed(DataError):
    """The dataset does not conform; ``report`` holds every problem found."""

    code = "validation-failed"

    def __init__(self, report: Any) -> None:
        super().__init__(
            f"the dataset does not conform: {report.summary()}",
            hint="run `kg validate` for the full report; the previous store is still served",
        )
        self.report = report


class QueryRefused(UsageError):
    """A request the endpoint will not run: an update, or SERVICE outside the allowlist."""

    code = "refused"
    http_status = 403


class ResultTooLarge(UsageError):
    """A result longer than ``max_rows``: refused rather than silently cut."""

    code = "result-too-large"


class QueryTimeout(EnvironmentProblem):
    """A query ran past ``query_timeout``; its worker was stopped (HTTP 503 + Retry-After)."""

    code = "timeout"


class ServerBusy(EnvironmentProblem):
    """Too many queries at once: refused at once with 503 and Retry-After, never queued
    past the deadline."""

    code = "busy"


class RateLimited(UsageError):
    """A client sent more requests than ``rate_limit`` allows (HTTP 429 + Retry-After)."""

    code = "rate-limited"
    http_status = 429

    def __init__(self, message: str, *, retry_after: int, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.retry_after = retry_after


def retry_after(error: KgError) -> int | None:
    """Seconds a client should wait before trying again, for the errors where waiting helps."""
    if isinstance(error, RateLimited):
        return error.retry_after
    if isinstance(error, QueryTimeout | ServerBusy):
        return 5
    return None


class RemoteStoreError(EnvironmentProblem):
    """A remote SPARQL server could not be reached, refused a request or failed on it.

    The message names what was being done (the graph being published, the query
    endpoint) and the server's answer: its status and the start of its body.
    """

    code = "remote-store"
    http_status = 502


class QueryFailed(KgError):
    """The engine failed while running a query (it crashed or ran out of memory)."""

    code = "query-failed"
    http_status = 500


class NotAcceptable(UsageError):
    """No offered format is acceptable; the message lists what is offered."""

    code = "not-acceptable"
    http_status = 406

    def __init__(self, offered_types: Sequence[str]) -> None:
        super().__init__(
            f"none of the requested media types is offered; offered: {', '.join(offered_types)}"
        )
        self.offered = tuple(offered_types)


class ContentTooLarge(UsageError):
    code = "content-too-large"
    http_status = 413


class UriTooLong(UsageError):
    """A request URL over ``max_url``: a long query belongs in a POST body."""

    code = "uri-too-long"
    http_status = 414


class NotFound(UsageError):
    """No resource has this IRI or path (HTTP 404)."""

    code = "not-found"
    http_status = 404


class Gone(NotFound):
    """An IRI a release removed (HTTP 410): the message says what it was and when it went;
    ``tombstone`` (a ``kg.serve.tombstones.Tombstone``) holds what a page or an RDF answer
    shows of it: its label and types, the release, and the correction or retraction."""

    code = "gone"
    http_status = 410

    def __init__(self, message: str, *, hint: str | None = None, tombstone: Any = None) -> None:
        super().__init__(message, hint=hint)
        self.tombstone = tombstone


class MethodNotAllowed(UsageError):
    """A method the resource does not offer; the response's Allow header lists those it does."""

    code = "method-not-allowed"
    http_status = 405


class UnsupportedMediaType(UsageError):
    code = "unsupported-media-type"
    http_status = 415


WORKER_ERRORS: dict[str, type[KgError]] = {
    cls.code: cls
    for cls in (QuerySyntaxError, UnsupportedFeature, ResultTooLarge, QueryFailed, QueryRefused)
}
