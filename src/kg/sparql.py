"""The SPARQL 1.1 Protocol query operation as a router another FastAPI app can mount.

The default graph is the union of all named graphs; ``GRAPH`` reaches each one.
"""

from __future__ import annotations

from urllib.parse import parse_qs

import pyoxigraph as ox
from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool

from kg import formats
from kg.config import Settings
from kg.errors import UsageError
from kg.store import EmbeddedStore

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"


def sparql_router(settings: Settings, store: EmbeddedStore) -> APIRouter:
    router = APIRouter(tags=["sparql"])

    @router.get("/sparql")
    async def query_get(request: Request) -> Response:
        """SPARQL 1.1 Protocol: query via GET."""
        params = parse_qs(request.url.query, keep_blank_values=True)
        return await _answer(request, store, params)

    @router.post("/sparql")
    async def query_post(request: Request) -> Response:
        """SPARQL 1.1 Protocol: query via URL-encoded POST or direct POST."""
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = (await request.body()).decode("utf-8", errors="strict")
        params = parse_qs(request.url.query, keep_blank_values=True)
        if media_type == FORM:
            for key, values in parse_qs(body, keep_blank_values=True).items():
                params.setdefault(key, []).extend(values)
        elif media_type == SPARQL_QUERY:
            if "query" in params:
                raise UsageError("a direct POST carries the query in its body, not in ?query=")
            params["query"] = [body]
        else:
            raise UnsupportedMediaType(media_type)
        return await _answer(request, store, params)

    return router


class UnsupportedMediaType(UsageError):
    http_status = 415

    def __init__(self, media_type: str) -> None:
        super().__init__(
            f"unsupported request Content-Type {media_type or '(none)'!r}",
            hint=f"POST a query as {FORM} (query=…) or as {SPARQL_QUERY}",
        )


async def _answer(request: Request, store: EmbeddedStore, params: dict[str, list[str]]) -> Response:
    queries = params.get("query", [])
    if len(queries) != 1:
        raise UsageError("give exactly one 'query' parameter" if queries else "missing 'query'")
    default = [ox.NamedNode(i) for i in params.get("default-graph-uri", [])] or None
    named = [ox.NamedNode(i) for i in params.get("named-graph-uri", [])] or None
    explicit = params.get("format", [None])[0]
    accept = request.headers.get("accept")

    def execute() -> tuple[bytes, formats.Format]:
        # pyoxigraph results may only be read on the thread that made them
        results = store.query(queries[0], default_graph=default, named_graphs=named)
        kind = formats.RDF if isinstance(results, ox.QueryTriples) else formats.RESULTS
        choices = [f for f in formats.offered(kind) if not f.quads]
        fmt = formats.by_name(explicit, [kind]) if explicit else formats.negotiate(accept, choices)
        if kind == formats.RDF:
            return ox.serialize(results, format=fmt.rdf), fmt
        return results.serialize(format=fmt.results), fmt

    body, fmt = await run_in_threadpool(execute)
    return Response(body, media_type=fmt.content_type, headers={"Vary": "Accept"})
