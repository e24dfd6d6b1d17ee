"""The SPARQL 1.1 Protocol query operation, as a router another FastAPI app can mount.

- ``GET /sparql?query=``, ``POST`` form-encoded, ``POST application/sparql-query``;
  ``default-graph-uri`` / ``named-graph-uri`` select the dataset.
- Without a query, ``GET /sparql`` answers the Service Description to RDF clients
  and the query page to browsers; with one, a browser opening the URL (a permalink)
  gets the page, which runs it, and every other client the results.
- The default graph is the union of all named graphs; ``GRAPH`` reaches each.
- Read-only: updates are refused, and ``SERVICE`` only reaches allowlisted endpoints.
- Queries run in worker processes (``kg.store.pool``) under a deadline that kills them, or,
  for a store on a SPARQL server, go there under the same deadline (``kg.store.remote``).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Sequence

import pyoxigraph as ox
from fastapi import APIRouter, Request, Response
from starlette.datastructures import URL

from kg import formats
from kg.config import Settings
from kg.errors import (
    NotAcceptable,
    QueryRefused,
    QuerySyntaxError,
    UnsupportedMediaType,
    UsageError,
)
from kg.namespaces import is_iri
from kg.querytext import inspect_query
from kg.serve.cache import ResponseCache, answer_is_fixed
from kg.serve.fastlane import Handler
from kg.serve.httpbody import FORM, add_form_params, decode, media_type, query_params, read_body
from kg.serve.service_description import service_description
from kg.store import Store
from kg.store.pool import ClientGone, QueryRunner
from kg.store.worker import Job

FORMAT_PARAMETERS = ("format", "output", "results")  # what Virtuoso, Joseki, Fuseki read
DATASET_PARAMETERS = ("default-graph-uri", "named-graph-uri")
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
MAX_NESTING = 200  # brackets and unary chains; pyoxigraph's parser recurses and crashes
DESCRIPTION_FORMATS = (*(f for f in formats.offered(formats.RDF) if not f.quads),
                       formats.BY_NAME["html"])  # fmt: skip
ANSWER_OR_PAGE = (*formats.offered(formats.RESULTS), *formats.offered(formats.RDF),
                  formats.BY_NAME["html"])  # fmt: skip
PAGE_VARY = "Accept, Sec-Fetch-Dest, Upgrade-Insecure-Requests"


def sparql_router(settings: Settings, store: Store, pool: QueryRunner, cache: ResponseCache, *,
                  render_page, lanes: dict[tuple[str, str], Handler]) -> APIRouter:  # fmt: skip
    """``render_page(request)`` draws the query page; the app owns templates. The GET
    handler is also put in ``lanes``, for ``kg.serve.fastlane``."""
    router = APIRouter(tags=["sparql"])

    @router.api_route("/sparql", methods=["GET", "HEAD"], response_model=None)
    async def query_get(request: Request) -> Response:
        """SPARQL 1.1 Protocol query via GET; without a query, the description or the page;
        for a browser opening a query (a permalink), the page, which runs it."""
        params = query_params(request)
        if "query" not in params and "update" not in params:
            return describe(request, params)
        if "update" not in params and wants_page(request, params):
            page = render_page(request)
            page.headers["Vary"] = PAGE_VARY
            return page
        return await answer(request, params)

    lanes[("GET", "/sparql")] = lanes[("HEAD", "/sparql")] = query_get

    @router.post("/sparql", response_model=None)
    async def query_post(request: Request) -> Response:
        """SPARQL 1.1 Protocol query via URL-encoded POST or direct POST."""
        kind = media_type(request)
        params = query_params(request)
        if kind == SPARQL_UPDATE:
            raise QueryRefused("this endpoint is read-only: SPARQL Update is not accepted")
        if kind not in (FORM, SPARQL_QUERY):
            raise UnsupportedMediaType(
                f"unsupported request Content-Type {kind or '(none)'!r}",
                hint=f"POST a query as {FORM} (query=…) or as {SPARQL_QUERY}",
            )
        body = await read_body(request, settings.max_body)
        if kind == FORM:
            add_form_params(params, body)
        else:
            if "query" in params or "update" in params:
                raise UsageError("a direct POST carries the query in its body, not in ?query=")
            params["query"] = [decode(body)]
        return await answer(request, params)

    def describe(request: Request, params: dict[str, list[str]]) -> Response:
        fmt = choose_format(request, params, DESCRIPTION_FORMATS)
        if fmt.kind == formats.PAGE:
            return render_page(request)
        endpoint = _endpoint(request)

        def description() -> Response:
            triples = service_description(settings, store, endpoint)
            body = ox.serialize(triples, format=fmt.rdf, prefixes=_SD_PREFIXES)
            return Response(body, media_type=fmt.content_type, headers={"Vary": "Accept"})

        return cache.answer(store.info.version, ("sd", endpoint, fmt.name), description)

    async def answer(request: Request, params: dict[str, list[str]]) -> Response:
        """The query's response; a kept one is found from the request as sent (the query,
        format parameters, Accept, endpoint and dataset), before any of it is read."""
        query = _single_query(params)
        if not answer_is_fixed(query):
            return await respond(request, params, query)
        dataset = (tuple(params.get(name, ())) for name in DATASET_PARAMETERS)
        key = ("sparql", query, _named_formats(params), request.headers.get("accept"),
               _endpoint(request), *dataset)  # fmt: skip
        return await cache.answer_awaiting(
            store.info.version, key, lambda: respond(request, params, query)
        )

    async def respond(request: Request, params: dict[str, list[str]], query: str) -> Response:
        deadline = time.monotonic() + settings.query_timeout
        shape = inspect_query(query, max_depth=MAX_NESTING)
        if shape.depth > MAX_NESTING:
            raise UsageError(
                f"the query nests brackets or chains unary operators (!, -) more than "
                f"{MAX_NESTING} levels deep",
                hint="flatten the query: few real queries nest more than ten levels",
            )
        if shape.is_update:  # sent as a query: not a legal one (SPARQL 1.1 Protocol §2.1.1)
            raise QuerySyntaxError(
                f"this is a SPARQL Update ({shape.form}), not a query",
                hint="this endpoint is read-only; send queries (SELECT, ASK, CONSTRUCT, "
                "DESCRIBE) as 'query'",
            )
        _check_services(shape.services, settings.service_allowlist)
        kind = formats.RDF if shape.returns_graph else formats.RESULTS
        fmt = choose_format(request, params, formats.offered(kind))
        info = store.info
        job = Job(
            build=str(info.path or ""),
            query=query,
            format=fmt.name,
            max_rows=settings.max_rows,
            base_iri=_endpoint(request),
            **_dataset(params, query_names_one=shape.has_dataset),
        )

        body = await run_watched(request, pool, job, deadline)
        body = formats.check_representable(fmt, body)
        return Response(body, media_type=fmt.content_type, headers={"Vary": "Accept"})

    return router


_SD_PREFIXES = {
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "void": "http://rdfs.org/ns/void#",
    "dcterms": "http://purl.org/dc/terms/",
    "formats": formats.W3C,
}


async def run_watched(request: Request, pool: QueryRunner, job: Job, deadline: float) -> bytes:
    """Run ``job``; it is stopped as soon as the client disconnects (then nobody listens)."""
    try:
        return await pool.answer(job, deadline=deadline, disconnected=request.is_disconnected)
    except ClientGone:
        return b""


def wants_page(request: Request, params: dict[str, list[str]]) -> bool:
    """Whether a GET with a query is a browser opening it (a link, the address bar), to be
    answered with the query page, which runs it; ``format=html`` asks for the page too.

    Accept alone cannot tell: a client may put ``text/html`` first and still want results
    from ``*/*``. A browser navigating says so in its fetch metadata (``Sec-Fetch-Dest:
    document``) or, over plain HTTP to another host, where browsers send no ``Sec-Fetch-*``,
    with ``Upgrade-Insecure-Requests: 1``; ``fetch()`` calls (YASGUI's) send neither."""
    named = formats.from_parameters(_named_formats(params), ANSWER_OR_PAGE)
    if named is not None:
        return named.kind == formats.PAGE
    headers = request.headers
    destination = headers.get("sec-fetch-dest")
    navigating = (destination == "document" if destination
                  else headers.get("upgrade-insecure-requests") == "1")  # fmt: skip
    if not navigating:
        return False
    try:  # the page only when HTML ranks above every answer (ties go to the answer)
        return formats.negotiate(headers.get("accept"), ANSWER_OR_PAGE).kind == formats.PAGE
    except NotAcceptable:
        return False


def _single_query(params: dict[str, list[str]]) -> str:
    queries, updates = params.get("query", []), params.get("update", [])
    if queries and updates:
        raise UsageError("a request carries either a query or an update, not both")
    if updates:
        raise QueryRefused("this endpoint is read-only: SPARQL Update is not accepted")
    if len(queries) != 1:
        raise UsageError(
            "give exactly one 'query' parameter" if queries else "missing 'query' parameter"
        )
    return queries[0]


def _check_services(services: tuple[str | None, ...], allowlist: tuple[str, ...]) -> None:
    for target in services:
        if target is None:
            raise QueryRefused("SERVICE with a variable endpoint is not allowed here")
        if target not in allowlist:
            allowed = ", ".join(allowlist) or "none"
            raise QueryRefused(
                f"SERVICE <{target}> is not allowed; endpoints allowed: {allowed}",
                hint="the server's service_allowlist setting lists the endpoints SERVICE may call",
            )


def _dataset(params: dict[str, list[str]], *, query_names_one: bool) -> dict[str, object]:
    """The RDF dataset a request queries (SPARQL 1.1 Query §13, Protocol §2.1.4).

    ``default-graph-uri`` / ``named-graph-uri`` win, and then the dataset is exactly
    what they name (a graph not named is not there); else the query's own ``FROM`` /
    ``FROM NAMED``; else this endpoint's default: the union of all graphs as the
    default graph, and every graph by name."""
    default, named = (_graphs(params, name) for name in DATASET_PARAMETERS)
    if default is not None or named is not None:
        return {"default_graph": default or (), "named_graphs": named or (), "union": False}
    return {"default_graph": None, "named_graphs": None, "union": not query_names_one}


def _graphs(params: dict[str, list[str]], name: str) -> tuple[str, ...] | None:
    values = params.get(name, [])
    for value in values:
        if not is_iri(value):
            raise UsageError(f"{name}: {value!r} is not an IRI")
    return tuple(values) or None


def _endpoint(request: Request) -> str:
    """The endpoint's URL as this client reached it: the service's IRI, and the base
    its queries' relative IRIs resolve against."""
    scope = request.scope
    host = next((value for name, value in scope["headers"] if name == b"host"), None)
    server = scope.get("server")
    return _url_without_query(scope.get("scheme", "http"), host, server and tuple(server),
                              scope.get("root_path", ""), scope["path"])  # fmt: skip


@functools.lru_cache(maxsize=256)
def _url_without_query(scheme: str, host: bytes | None, server: tuple | None, root_path: str,
                       path: str) -> str:  # fmt: skip
    """Starlette's URL for these parts (built once: a URL costs more than the lookup)."""
    headers = [(b"host", host)] if host is not None else []
    scope = {"type": "http", "scheme": scheme, "server": server, "root_path": root_path,
             "path": path, "query_string": b"", "headers": headers}  # fmt: skip
    return str(URL(scope=scope))


def _named_formats(params: dict[str, list[str]]) -> tuple[str, ...]:
    return tuple(v for key in FORMAT_PARAMETERS for v in params.get(key, ()))


def choose_format(
    request: Request, params: dict[str, list[str]], offered: Sequence[formats.Format]
) -> formats.Format:
    """What ``format=``, ``output=`` or ``results=`` name (from the query string or the
    form body) if it fits the query's form, else the Accept header."""
    return formats.from_parameters(_named_formats(params), offered) or formats.negotiate(
        request.headers.get("accept"), offered
    )
