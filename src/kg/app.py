"""``create_app(settings, store)``: the HTTP application, its routers and one error handler."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from kg import __version__, formats
from kg.config import Settings
from kg.errors import KgError, QueryTimeout
from kg.namespaces import prefixes
from kg.pool import QueryPool
from kg.project import load_project
from kg.queries import load_queries
from kg.sparql import sparql_router
from kg.store import EmbeddedStore, open_store

PACKAGE = Path(__file__).resolve().parent
GZIP_MINIMUM_BYTES = 1024


def create_app(settings: Settings, store: EmbeddedStore | None = None) -> FastAPI:
    """The app for one dataset; ``store`` defaults to the built store of ``settings``."""
    store = store or open_store(settings)
    workers = settings.query_workers or max(2, os.cpu_count() or 1)
    pool = QueryPool(workers, memory_limit_mb=settings.query_memory)
    templates = Jinja2Templates(directory=PACKAGE / "templates")

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
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM_BYTES)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
        allow_headers=["Accept", "Content-Type", "If-None-Match", "If-Modified-Since", "Range"],
        expose_headers=["Content-Length", "ETag", "Last-Modified", "Retry-After", "Vary"],
        max_age=86400,
    )
    app.mount("/static", StaticFiles(directory=PACKAGE / "static"), name="static")

    @app.exception_handler(KgError)
    async def kg_error(request: Request, exc: KgError) -> JSONResponse:
        headers = {"Retry-After": "5"} if isinstance(exc, QueryTimeout) else None
        return JSONResponse(exc.to_json(), status_code=exc.http_status, headers=headers)

    @app.get("/healthz", tags=["operations"])
    def healthz() -> dict[str, str]:
        """Liveness and the dataset version being served."""
        return {"status": "ok", "version": store.info.version, "kg": __version__}

    def query_page(request: Request) -> HTMLResponse:
        examples = [
            {"name": q.name, "title": q.title, "description": q.description, "text": q.text}
            for q in load_queries(load_project(settings).query_files)
        ]
        context = {
            "root": request.scope.get("root_path", ""),
            "title": settings.title,
            "prefixes": prefixes(settings.base_iri),
            "examples": examples,
            "formats": [f for f in formats.FORMATS if f.kind != formats.PAGE and not f.quads],
            "limits": {
                "timeout": settings.query_timeout,
                "max_rows": settings.max_rows,
            },
        }
        response = templates.TemplateResponse(request, "query.html", context)
        response.headers["Vary"] = "Accept"
        return response

    app.include_router(sparql_router(settings, store, pool, render_page=query_page))
    return app
