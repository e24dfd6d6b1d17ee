"""The SPARQL 1.1 Graph Store HTTP Protocol, read side, at ``/store``.

Tools fetch one graph by name the way Fuseki, Oxigraph, Virtuoso and GraphDB let them:
``GET /store?graph=IRI`` (indirect identification, §4.2) or ``GET /store?default``
(the default graph, which here is the union of all graphs, as for ``/sparql``), in any
RDF format by ``Accept`` or ``?format=``, with ``ETag`` and 304. ``HEAD`` answers the
same headers. A graph the dataset does not hold is a 404. Writes (``PUT``, ``POST``,
``DELETE``) are refused with 405: the dataset changes only by ``kg build``.

Each graph is a CONSTRUCT run through the same query pool, deadline and ``max_rows``
as ``/sparql``, so a request for a graph too large to answer gets the same 400 that
points to the dumps.
"""

from __future__ import annotations

import hashlib
import time

from fastapi import APIRouter, Request, Response

from kg import formats
from kg.config import Settings
from kg.errors import NotFound, UsageError
from kg.namespaces import is_iri
from kg.serve.cache import ResponseCache
from kg.serve.httpbody import query_params
from kg.serve.service_description import GRAPH_STORE_PATH, graph_sizes
from kg.serve.sparql import choose_format, run_watched
from kg.store import Store
from kg.store.pool import QueryRunner
from kg.store.worker import Job

GRAPH_FORMATS = tuple(f for f in formats.offered(formats.RDF) if not f.quads)
NAMED = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <%s> { ?s ?p ?o } }"
DEFAULT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


def graph_store_router(settings: Settings, store: Store, pool: QueryRunner,
                       cache: ResponseCache) -> APIRouter:  # fmt: skip
    router = APIRouter(tags=["graph store"])

    @router.api_route(GRAPH_STORE_PATH, methods=["GET", "HEAD"], response_model=None)
    async def get_graph(request: Request) -> Response:
        """One graph of the dataset: ``?graph=IRI``, or ``?default`` for the default graph."""
        params = query_params(request)
        query = _construct(params, graph_sizes(store, store.info.version))
        fmt = choose_format(request, params, GRAPH_FORMATS)
        key = f"{store.info.version}\n{query}\n{fmt.name}".encode()
        etag = f'W/"{hashlib.sha256(key).hexdigest()[:32]}"'
        headers = {"ETag": etag, "Vary": "Accept"}
        if etag in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers=headers)
        info = store.info
        job = Job(build=str(info.path or ""), query=query, format=fmt.name,
                  max_rows=settings.max_rows)  # fmt: skip

        async def graph() -> Response:
            deadline = time.monotonic() + settings.query_timeout
            body = await run_watched(request, pool, job, deadline)
            return Response(body, media_type=fmt.content_type, headers=headers)

        return await cache.answer_awaiting(info.version, ("graph store", query, fmt.name), graph)

    return router


def _construct(params: dict[str, list[str]], sizes: dict[str, int]) -> str:
    """The CONSTRUCT that reads the graph a request names (GSP §4.2)."""
    graphs, default = params.get("graph", []), "default" in params
    if default == bool(graphs) or len(graphs) > 1:
        raise UsageError(
            "name one graph: ?graph=IRI, or ?default for the default graph",
            hint="the whole dataset is at /dumps/ (dataset.trig, dataset.nq.gz)",
        )
    if default:
        return DEFAULT
    graph = graphs[0]
    if not is_iri(graph):
        raise UsageError(f"graph: {graph!r} is not an IRI")
    if graph not in sizes:
        raise NotFound(
            f"the dataset has no graph {graph}",
            hint="the service description at /sparql lists every graph by name",
        )
    return NAMED % graph
