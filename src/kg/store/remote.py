"""A store on a SPARQL 1.1 server: the ``Store`` interface over the SPARQL Protocol.

``kg publish`` puts the built dataset into a server; ``kg serve --store URL`` then
serves from it. Pages, reconciliation and ``/sparql`` send their queries to the
server's query endpoint and get pyoxigraph results back, so nothing above this
module knows where the data is.

- **The dataset.** On the embedded store the default graph is the union of the
  dataset's graphs. With ``remote_dataset = "published"`` (the default) each
  request names the published graphs (``default-graph-uri`` and ``named-graph-uri``
  for each graph the metadata graph lists): this works on any server as it comes
  and hides the server's other graphs. With ``"server"`` requests name nothing and
  the server's own default graph must be the union of its graphs (Virtuoso,
  GraphDB, Neptune and QLever do that; Oxigraph server with
  ``--union-default-graph``). Virtuoso 7.2 needs ``"server"``: over a dataset named
  in the request it evaluates ``*`` and ``+`` paths wrongly.
- **Results** are asked for as SPARQL JSON and N-Triples and parsed by pyoxigraph;
  blank node labels that are not N-Triples labels (Virtuoso's ``nodeID://b1``) are
  relabelled first. Virtuoso's partial "anytime" answers are refused, not served.
- **``/sparql``** runs through ``RemoteRunner``: the time left is the request's
  timeout, a client that leaves closes the connection to the server, and
  ``max_rows`` and the output formats are the worker's own (``worker.serialize``).
- **``info``** is read from the metadata graph (``kg.store.publication``) and kept for
  ``INFO_SECONDS``, so a new publish is served without a restart.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import threading
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import Future
from typing import Any

import httpx
import pyoxigraph as ox

from kg import __version__, formats
from kg.config import Settings
from kg.errors import (
    EnvironmentProblem,
    KgError,
    QuerySyntaxError,
    QueryTimeout,
    RemoteStoreError,
    ResultTooLarge,
)
from kg.namespaces import prefix_lines
from kg.querytext import inspect_query
from kg.store.bindings import with_values
from kg.store.builds import BuildInfo
from kg.store.pool import POLL_SECONDS, ClientGone, query_timeout, query_workers
from kg.store.publication import Publication, read_query
from kg.store.waiting import Disconnected, answer_in_thread
from kg.store.worker import Job, TooManyRows, serialize

INFO_SECONDS = 2.0
EXCERPT_CHARS = 300
RESULT_FORMATS = (formats.BY_NAME["json"], formats.BY_NAME["xml"])
# not RDF/XML: its parser expands XML entities, so a 1 KB answer could abort the server
GRAPH_FORMATS = tuple(formats.BY_NAME[n] for n in ("ntriples", "turtle"))
PARTIAL_RESULT = "x-sql-state"  # Virtuoso: the answer was cut at the server's own time limit
_BLANK_LABEL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?\Z")

Graphs = Iterable[ox.NamedNode | str] | None


def credentials(settings: Settings) -> httpx.Auth | None:
    """Basic or digest authentication from the ``user``/``password``/``auth`` settings."""
    if not settings.user:
        return None
    if settings.auth == "digest":
        return httpx.DigestAuth(settings.user, settings.password)
    return httpx.BasicAuth(settings.user, settings.password)


def client_options(settings: Settings) -> dict[str, Any]:
    """What every HTTP client of a remote server is made with (sync or async)."""
    return {"auth": credentials(settings), "headers": {"user-agent": f"kg/{__version__}"}}


def answer_of(response: httpx.Response) -> str:
    """The server's answer for an error message: status, reason and the body's start."""
    body = " ".join(response.text.split())
    if len(body) > EXCERPT_CHARS:
        body = body[:EXCERPT_CHARS] + "…"
    return f"{response.status_code} {response.reason_phrase}" + (f": {body}" if body else "")


def transport_error(exc: httpx.HTTPError, url: str) -> KgError:
    """A request that got no answer: out of time, or the server out of reach."""
    if isinstance(exc, httpx.TimeoutException):
        return query_timeout()
    return RemoteStoreError(
        f"cannot reach the SPARQL server at {url}: {exc or type(exc).__name__}",
        hint="check that the server runs and that the URL is its endpoint",
    )


class RemoteStore:
    """A dataset published into a SPARQL server, queried through ``endpoint``."""

    def __init__(self, endpoint: str, settings: Settings) -> None:
        self.endpoint = endpoint
        self.settings = settings
        self.client = httpx.Client(timeout=settings.query_timeout, **client_options(settings))
        self._lock = threading.Lock()
        self._publication: tuple[float, Publication] | None = None

    def __enter__(self) -> RemoteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()

    def read_publication(self) -> Publication | None:
        """The metadata graph as it is on the server now; None if nothing was published."""
        rows = list(self._answer(read_query(self.settings.base_iri), dataset={}))
        if not rows:
            return None
        return Publication.from_json(rows[0]["publication"].value, where=self.endpoint)

    @property
    def publication(self) -> Publication:
        with self._lock:
            now = time.monotonic()
            if self._publication is None or now - self._publication[0] > INFO_SECONDS:
                found = self.read_publication()
                if found is None:
                    raise EnvironmentProblem(
                        f"no dataset has been published to {self.endpoint}",
                        hint=f"run `kg build` then `kg publish --to {self.endpoint}`",
                    )
                self._publication = (now, found)
            return self._publication[1]

    @property
    def info(self) -> BuildInfo:
        return BuildInfo(None, self.publication.info)

    def query(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None,
        prefixes: Mapping[str, str] | None = None,
        default_graph: Graphs = None,
        named_graphs: Graphs = None,
    ) -> Any:
        """Run a SPARQL query on the server; results as the embedded store gives them."""
        text = with_values(sparql, bindings) if bindings else sparql
        if prefixes:
            text = prefix_lines(prefixes) + text
        return self._answer(text, dataset=self.dataset(default_graph, named_graphs))

    def _answer(self, text: str, *, dataset: Mapping[str, list[str]]) -> Any:
        request = self.request(text, dataset=dataset, timeout=self.settings.query_timeout)
        try:
            response = self.client.send(request)
        except httpx.HTTPError as exc:
            raise transport_error(exc, self.endpoint) from None
        return read_results(response, form=inspect_query(text).form)

    def graph_sizes(self, graphs: list[str]) -> dict[str, int]:
        """Triples the server holds in each of ``graphs``; an empty or absent one is left out."""
        if not graphs:
            return {}
        values = " ".join(f"<{g}>" for g in graphs)
        text = (f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} "
                "GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")  # fmt: skip
        return {row["g"].value: int(row["n"].value) for row in self._answer(text, dataset={})}

    def dataset(
        self, default_graph: Graphs, named_graphs: Graphs, *, union: bool = True
    ) -> dict[str, list[str]]:
        """The protocol's dataset parameters: what the query ranges over (module doc).
        ``union`` False with nothing named: the query's own FROM decides, on the server."""
        unnamed = default_graph is None and named_graphs is None
        if unnamed and (not union or self.settings.remote_dataset == "server"):
            return {}
        published = sorted(self.publication.graphs)
        return {
            "default-graph-uri": published if default_graph is None else _iris(default_graph),
            "named-graph-uri": published if named_graphs is None else _iris(named_graphs),
        }

    def request(
        self, text: str, *, dataset: Mapping[str, list[str]], timeout: float
    ) -> httpx.Request:
        """A SPARQL Protocol query request (URL-encoded POST: any length, any server)."""
        wanted = GRAPH_FORMATS if inspect_query(text).returns_graph else RESULT_FORMATS
        return httpx.Request(
            "POST",
            self.endpoint,
            data={"query": text, **dataset},
            headers={"accept": formats.accept_header(*wanted)},
            extensions={"timeout": httpx.Timeout(max(timeout, 0.001)).as_dict()},
        )

    def runner(self, settings: Settings) -> RemoteRunner:
        """Requests to the server, as many at once as there would be query workers."""
        return RemoteRunner(self, query_workers(settings))


def _iris(graphs: Iterable[ox.NamedNode | str]) -> list[str]:
    return [g.value if isinstance(g, ox.NamedNode) else g for g in graphs]


def read_results(response: httpx.Response, *, form: str | None) -> Any:
    """The server's answer to a query of this form as pyoxigraph results: solutions, a
    boolean, or triples."""
    graph = form in ("CONSTRUCT", "DESCRIBE")
    if response.status_code == 400:
        raise QuerySyntaxError(f"the SPARQL server refused the query: {answer_of(response)}")
    if response.status_code in (408, 504):
        raise query_timeout()
    if not response.is_success:
        raise RemoteStoreError(
            f"the SPARQL server at {response.request.url} failed the query: {answer_of(response)}",
            hint="check the user, password and auth settings"
            if response.status_code in (401, 403)
            else None,
        )
    if PARTIAL_RESULT in response.headers:
        raise QueryTimeout(
            "the SPARQL server stopped the query at its own time limit and sent part of "
            "the answer; a partial result is not served",
            hint="narrow the query, or raise the server's own limit (Virtuoso: "
            "MaxQueryExecutionTime)",
        )
    content_type = response.headers.get("content-type", "")
    kinds = [formats.RDF] if graph else [formats.RESULTS]
    fmt = formats.by_media_type(content_type, kinds)
    if fmt not in (GRAPH_FORMATS if graph else RESULT_FORMATS):
        raise RemoteStoreError(
            f"the SPARQL server answered in {content_type or 'no stated format'}, "
            "which kg does not read here",
        )
    try:
        if graph:
            return [quad.triple for quad in ox.parse(response.content, format=fmt.rdf)]
        body = response.content
        if fmt.name == "json" and b'"bnode"' in body:
            body = _relabelled(body)
        results = ox.parse_query_results(body, fmt.results)
        if form == "ASK" and isinstance(results, ox.QuerySolutions):
            return _boolean(results)
        return results
    except (SyntaxError, ValueError) as exc:
        raise RemoteStoreError(f"the SPARQL server's answer does not parse: {exc}") from None


def _boolean(solutions: ox.QuerySolutions) -> ox.QueryBoolean:
    """An ASK answered as a table, as Virtuoso 7 does: one row, ``__ASK_RETVAL`` 1 or 0."""
    row = next(iter(solutions), None)
    term = row[0] if row is not None and len(row) else None
    document = json.dumps({"head": {}, "boolean": term is not None and term.value in ("1", "true")})
    document = document.encode()
    return ox.parse_query_results(document, ox.QueryResultsFormat.JSON)


def _relabelled(body: bytes) -> bytes:
    """SPARQL JSON with every blank node label made a valid one (the same for the same)."""
    document = json.loads(body)
    for row in document.get("results", {}).get("bindings", []):
        for term in row.values():
            if term.get("type") == "bnode" and not _BLANK_LABEL.match(term["value"]):
                term["value"] = "r" + hashlib.sha256(term["value"].encode()).hexdigest()[:24]
    return json.dumps(document).encode()


class RemoteRunner:
    """The query pool's interface for a remote store: ``/sparql`` queries go to the server.

    Each query waits for one of ``size`` slots (within its deadline), then goes out
    on an event loop of its own thread, so that it can be dropped: at the deadline
    or when the client has gone, the request is cancelled and its connection
    closed, which is all the SPARQL Protocol offers to stop a server's work (set
    the server's own query time limit too). The answer is parsed, limited to
    ``max_rows`` and written in the asked format exactly as a worker does.
    """

    def __init__(self, store: RemoteStore, size: int) -> None:
        self.store = store
        self._slots = threading.BoundedSemaphore(size)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="kg-remote-io",
                                        daemon=True)  # fmt: skip
        self._client = httpx.AsyncClient(**client_options(store.settings))

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        if self._thread.is_alive():
            closing = asyncio.run_coroutine_threadsafe(self._client.aclose(), self._loop)
            closing.result(timeout=5)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)

    async def answer(self, job: Job, *, deadline: float, disconnected: Disconnected) -> bytes:
        """What ``run`` gives, awaited; a client that disconnects cancels the request."""
        return await answer_in_thread(self.run, job, deadline=deadline, disconnected=disconnected)

    def run(self, job: Job, *, deadline: float, cancelled: threading.Event) -> bytes:
        """The job's serialized result; raises QueryTimeout, ClientGone or the query's error."""
        if not self._slots.acquire(timeout=max(0.0, deadline - time.monotonic())):
            raise query_timeout()
        try:
            dataset = self.store.dataset(job.default_graph, job.named_graphs, union=job.union)
            text = f"BASE <{job.base_iri}>\n{job.query}" if job.base_iri else job.query
            request = self.store.request(text, dataset=dataset, timeout=deadline - time.monotonic())
            sent = asyncio.run_coroutine_threadsafe(self._send(request), self._loop)
            response = _wait(sent, deadline, cancelled)
        finally:
            self._slots.release()
        results = read_results(response, form=inspect_query(job.query).form)
        try:
            return serialize(results, job)
        except TooManyRows as exc:
            raise ResultTooLarge(str(exc)) from None

    async def _send(self, request: httpx.Request) -> httpx.Response:
        try:
            return await self._client.send(request)
        except httpx.HTTPError as exc:
            raise transport_error(exc, self.store.endpoint) from None


def _wait(sent: Future[httpx.Response], deadline: float, cancelled: threading.Event) -> Any:
    """The response, unless the deadline passes or the client goes first (then cancelled)."""
    while True:
        try:
            return sent.result(timeout=POLL_SECONDS)
        except TimeoutError:
            if cancelled.is_set():
                sent.cancel()
                raise ClientGone from None
            if time.monotonic() >= deadline:
                sent.cancel()
                raise query_timeout() from None
