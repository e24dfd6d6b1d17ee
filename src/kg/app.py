"""``create_app(settings, store)``: the HTTP application, its routers and one error handler."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from kg import __version__
from kg.config import Settings
from kg.errors import KgError
from kg.sparql import sparql_router
from kg.store import EmbeddedStore, open_store


def create_app(settings: Settings, store: EmbeddedStore | None = None) -> FastAPI:
    """The app for one dataset; ``store`` defaults to the built store of ``settings``."""
    store = store or open_store(settings)
    app = FastAPI(
        title=settings.title,
        description=settings.description,
        version=__version__,
        docs_url="/api",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.store = store

    @app.exception_handler(KgError)
    async def kg_error(request: Request, exc: KgError) -> JSONResponse:
        return JSONResponse(exc.to_json(), status_code=exc.http_status)

    @app.get("/healthz", tags=["operations"])
    def healthz() -> dict[str, str]:
        """Liveness and the dataset version being served."""
        return {"status": "ok", "version": store.info.version, "kg": __version__}

    app.include_router(sparql_router(settings, store))
    return app
