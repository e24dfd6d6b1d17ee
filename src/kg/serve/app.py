"""``create_app(settings, store)``: the HTTP application, its routers and one error handler."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http import HTTPStatus
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kg import __version__, formats
from kg.config import Settings
from kg.errors import Gone, KgError, MethodNotAllowed, NotFound, UsageError, retry_after
from kg.serve.cache import ResponseCache
from kg.serve.changes import changes_router
from kg.serve.downloads import downloads_router
from kg.serve.fastlane import FastLane, Handler
from kg.serve.graph_store import graph_store_router
from kg.serve.pages import pages_router
from kg.serve.query_page import query_page
from kg.serve.ratelimit import RateLimit
from kg.serve.reconcile import reconcile_router
from kg.serve.sparql import sparql_router
from kg.serve.tombstones import gone_format, tombstone_rdf, tombstone_view
from kg.serve.urllimit import UrlLimit
from kg.serve.views import Links
from kg.store import Store, open_store

PACKAGE = Path(__file__).resolve().parent
logger = logging.getLogger("kg")
GZIP_MINIMUM_BYTES = 1024


def create_app(settings: Settings, store: Store | None = None) -> FastAPI:
    """The app for one dataset; ``store`` defaults to the built store of ``settings``."""
    store = store or open_store(settings)
    pool = store.runner(settings)  # worker processes, or requests to a remote server
    templates = Jinja2Templates(directory=PACKAGE / "templates")
    links = Links(settings.base_iri)
    cache = ResponseCache(settings.cache_mb * 2**20)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool.start()
        try:
            yield
        finally:
            pool.close()

    app = FastAPI(
        title=settings.title,
        description=settings.description,
        version=__version__,
        docs_url="/api",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = store
    app.mount("/static", StaticFiles(directory=PACKAGE / "static"), name="static")

    @app.exception_handler(KgError)
    async def kg_error(request: Request, exc: KgError) -> Response:
        """One error body: JSON for programs, a page for browsers (who ask for HTML first);
        the tombstone of an IRI a release removed also as RDF, and on its page."""
        wait = retry_after(exc)
        headers = {"Retry-After": str(wait)} if wait is not None else {}
        headers["Vary"] = "Accept"
        accept = request.headers.get("accept", "")
        tombstone = exc.tombstone if isinstance(exc, Gone) else None
        fmt = gone_format(tombstone, accept) if tombstone else None
        if fmt is not None and fmt.kind == formats.RDF and not _prefers_html(accept):
            body = tombstone_rdf(tombstone, fmt, settings.base_iri)
            return Response(body, status_code=exc.http_status, media_type=fmt.content_type,
                            headers=headers)  # fmt: skip
        if _prefers_html(accept) or (fmt is not None and fmt.kind == formats.PAGE):
            context = {"title": settings.title, "dataset": settings, "links": links,
                       "status": exc.http_status, "heading": _ERROR_HEADINGS.get(
                           exc.http_status, "Something went wrong"),
                       "message": exc.message, "hint": exc.hint}  # fmt: skip
            if tombstone:
                context["tombstone"] = await run_in_threadpool(
                    tombstone_view, store, settings, tombstone
                )
            return templates.TemplateResponse(
                request, "error.html", context, status_code=exc.http_status, headers=headers
            )
        return JSONResponse(exc.to_json(), status_code=exc.http_status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_parameter(request: Request, exc: RequestValidationError) -> Response:
        """FastAPI's own 422 body echoes the value sent; ours is a 400 naming the parameter."""
        problems = sorted({f"{e['loc'][-1]}: {e['msg']}" for e in exc.errors()})
        return await kg_error(request, UsageError(f"invalid parameter {'; '.join(problems)}"))

    @app.exception_handler(StarletteHTTPException)
    async def routing_error(request: Request, exc: StarletteHTTPException) -> Response:
        """Starlette's own 404 and 405 (unknown static file, wrong method) in our error body."""
        error: KgError = {
            404: NotFound(f"nothing at {request.url.path}"),
            405: MethodNotAllowed(f"{request.method} is not allowed on {request.url.path}"),
        }.get(exc.status_code) or _status_error(exc.status_code)
        response = await kg_error(request, error)
        response.headers.update(exc.headers or {})  # Allow, for a 405
        return response

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        """A bug: logged with its traceback here, a plain 500 for the client (never a 400)."""
        logger.exception("unexpected error on %s %s", request.method, request.url.path)
        error = KgError("internal error; the server log has the details")
        return await kg_error(request, error)

    @app.api_route("/healthz", methods=["GET", "HEAD"], tags=["operations"])
    def healthz() -> dict[str, Any]:
        """Liveness, the dataset version being served, the queries in progress and the
        response cache."""
        health: dict[str, Any] = {"status": "ok", "version": store.info.version, "kg": __version__}
        if hasattr(pool, "load"):
            health["queries"] = pool.load()
        health["cache"] = cache.stats()
        return health

    lanes: dict[tuple[str, str], Handler] = {}
    page = query_page(templates, settings)
    app.include_router(sparql_router(settings, store, pool, cache, render_page=page, lanes=lanes))
    app.include_router(graph_store_router(settings, store, pool, cache))
    app.include_router(downloads_router(settings))
    app.include_router(changes_router(settings))
    app.include_router(reconcile_router(settings, store))
    app.include_router(
        pages_router(settings, store, templates, cache)
    )  # last: it catches all paths

    async def answer_any_error(request: Request, exc: Exception) -> Response:
        if isinstance(exc, KgError):
            return await kg_error(request, exc)
        return await unexpected(request, exc)

    # The first added is the innermost: the fast lane still passes every limit.
    app.add_middleware(FastLane, routes=lanes, needs=(b"query=", b"update="),
                       on_error=answer_any_error)  # fmt: skip
    app.add_middleware(RateLimit, per_minute=settings.rate_limit,
                       exempt=settings.rate_limit_exempt,
                       on_limited=lambda *args: _answer_error(kg_error, *args))  # fmt: skip
    app.add_middleware(UrlLimit, max_bytes=settings.max_url,
                       on_refused=lambda *args: _answer_error(kg_error, *args))  # fmt: skip
    app.add_middleware(OpenAndGzipped, exclude=("/dumps/",), minimum_size=GZIP_MINIMUM_BYTES,
                       compresslevel=6)  # fmt: skip
    return app


_ERROR_HEADINGS = {404: "Not found", 400: "Bad request", 406: "Not acceptable", 410: "Gone",
                   503: "Unavailable"}  # fmt: skip


CORS = {
    "allow_origins": ["*"],
    "allow_methods": ["GET", "HEAD", "POST", "OPTIONS"],
    "allow_headers": ["*"],  # a preflight gets the headers it asks for (no credentials)
    "expose_headers": ["Content-Length", "ETag", "Last-Modified", "Retry-After", "Vary"],
    "max_age": 86400,
}


# HTML runs only the scripts and styles it is served with: no inline code, nothing from
# elsewhere (pages link out, they load nothing out); data blocks (JSON-LD) are not code.
HTML_POLICY = [
    (b"content-security-policy", b"default-src 'self'; script-src 'self'; style-src 'self'; "
     b"img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
     b"form-action 'self'"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
]  # fmt: skip
NO_SNIFF = (b"x-content-type-options", b"nosniff")


class OpenAndGzipped:
    """CORS and gzip in one layer that costs little on the hot path (a point lookup is a
    few hundred bytes: Starlette's two middlewares each wrapped every response).

    Every response says ``X-Content-Type-Options: nosniff``, and HTML its content
    security and referrer policies.

    Every response is open to any origin, ``Access-Control-Allow-Origin: *`` whether the
    request names one or not, so no cache needs ``Vary: Origin``; preflight requests get
    Starlette's CORS answer. Gzip only for clients that accept it, and never under
    ``exclude``: downloads keep their exact bytes, their strong ETags and byte ranges."""

    def __init__(self, app: ASGIApp, *, exclude: tuple[str, ...], **gzip: Any) -> None:
        self.app, self.exclude = app, exclude
        self.gzip = GZipMiddleware(app, **gzip)
        self.preflight = CORSMiddleware(app, **CORS)
        exposed = ", ".join(CORS["expose_headers"]).encode()
        self.open = [(b"access-control-allow-origin", b"*"),
                     (b"access-control-expose-headers", exposed)]  # fmt: skip

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        gzip = preflight = False
        for name, value in scope["headers"]:
            if name == b"accept-encoding":
                gzip = b"gzip" in value
            elif name == b"access-control-request-method":
                preflight = scope["method"] == "OPTIONS"
        if preflight:
            await self.preflight(scope, receive, send)
            return
        excluded = scope["path"].startswith(self.exclude)
        extra = self.open if gzip or excluded else [*self.open, (b"vary", b"Accept-Encoding")]

        async def send_opened(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", ()), *extra, NO_SNIFF]
                if any(k == b"content-type" and v.startswith(b"text/html") for k, v in headers):
                    headers += HTML_POLICY
                message["headers"] = headers
            await send(message)

        await (self.gzip if gzip and not excluded else self.app)(scope, receive, send_opened)


def _status_error(status: int) -> KgError:
    error = UsageError(HTTPStatus(status).phrase) if status < 500 else KgError("internal error")
    error.http_status = status
    return error


async def _answer_error(
    handler, scope: Scope, receive: Receive, send: Send, error: KgError
) -> None:
    """Answer ``error`` from a middleware, through the app's one error handler."""
    response = await handler(Request(scope, receive), error)
    await response(scope, receive, send)


def _prefers_html(accept: str) -> bool:
    """Browsers list text/html first; API clients and curl do not ask for it."""
    return accept.split(",")[0].strip().startswith("text/html")


def lean_log_records() -> None:
    """The access log's records without the caller's frame, thread or process (the
    logging HOWTO's "Optimization"): finding them cost a tenth of a cached answer."""
    logging._srcfile = None  # type: ignore[attr-defined]
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
