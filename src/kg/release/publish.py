"""``kg publish``: the built dataset into a SPARQL server, by the releases' patches when
the server holds an earlier release, else one named graph at a time.

- **What is sent.** Each named graph of the built store as N-Triples with
  canonical blank node labels (RDFC-1.0, per graph) and sorted lines, so the same
  graph gives the same bytes and SHA-256 in every build. A graph is sent when its
  hash differs from the one the server's metadata graph records (``kg.store.publication``)
  or when the server holds another number of triples in it than recorded (it was
  changed there, or a publish stopped halfway). Graphs that the last publication
  had and the build no longer has are dropped. When nothing changed, nothing is
  written.
- **Or the patches.** When the metadata names a release of the local history, the
  build is the history's last release, each release since has its RDF Patch and
  the server's graphs are as recorded, an ``update`` writer sends the patches
  instead, one request per release, and replaces whole only the graphs whose patch
  lines carry blank nodes (``kg.release.patching`` says when and why). A ``gsp``
  writer always replaces graphs.
- **Each graph is replaced in one request.** With a Graph Store Protocol endpoint
  (``gsp``): a ``PUT`` of the N-Triples. With a SPARQL Update endpoint (``update``):
  ``DROP SILENT GRAPH <g> ; INSERT DATA { GRAPH <g> { … } }``. Whether that is atomic
  is the server's doing, so pick per server (docs/publishing.md): Virtuoso runs a ``PUT`` in one
  transaction (and refuses blank nodes in ``INSERT DATA``); Oxigraph server runs an
  update request in one transaction but a ``PUT`` as a clear, then a load.
- **Checked, then recorded.** After each replacement, and after the patches for
  every graph they touched, the server's triple count for the graph must be the
  local one. The metadata graph is written last: after a failure it still
  describes the previous publication, and the next publish sends whatever is not
  as recorded (or the same patches again: applying one twice changes nothing more).
- **Failures** name the graph (or the patch) and the server's answer and raise
  RemoteStoreError (exit 2); no graph after the failing one is touched.
"""

from __future__ import annotations

import hashlib
import sys
import time
from dataclasses import dataclass, replace
from typing import Protocol

import httpx
import pyoxigraph as ox
from tqdm import tqdm

from kg import formats
from kg.config import Settings
from kg.errors import RemoteStoreError, UsageError
from kg.release import patching
from kg.release.dumps import releases_directory
from kg.release.history import History
from kg.release.parts import graph_lines
from kg.setting_values import is_url
from kg.store.builds import local_store
from kg.store.embedded import EmbeddedStore
from kg.store.publication import Publication, PublishedGraph, metadata_graph
from kg.store.remote import RemoteStore, answer_of, client_options, transport_error

WRITE_SECONDS = 600.0  # one graph's upload and load; a server may take a while on a big one
SPARQL_UPDATE = "application/sparql-update"
N_TRIPLES = formats.BY_NAME["ntriples"]


@dataclass(frozen=True, slots=True)
class LocalGraph:
    """A named graph of the build as it is sent: canonical N-Triples and their hash."""

    iri: str
    ntriples: bytes
    triples: int

    @property
    def record(self) -> PublishedGraph:
        return PublishedGraph(self.triples, hashlib.sha256(self.ntriples).hexdigest())


def canonical_graph(store: ox.Store, iri: str) -> LocalGraph:
    """The graph's statements as the dumps write them (``kg.release.parts.graph_lines``):
    sorted N-Triples, blank nodes labelled by RDFC-1.0 within this graph only, so a
    change elsewhere never changes its hash."""
    lines = graph_lines(store, ox.NamedNode(iri))
    return LocalGraph(iri, b"".join(lines), len(lines))


class GraphWriter(Protocol):
    """How one server replaces and drops a named graph, each in a single request."""

    def replace(self, graph: LocalGraph) -> None: ...

    def drop(self, iri: str) -> None: ...


@dataclass
class GraphStoreWriter:
    """SPARQL 1.1 Graph Store Protocol: PUT replaces a graph, DELETE drops it."""

    endpoint: str
    client: httpx.Client

    def replace(self, graph: LocalGraph) -> None:
        request = self.client.build_request(
            "PUT", self.endpoint, params={"graph": graph.iri}, content=graph.ntriples,
            headers={"content-type": N_TRIPLES.content_type},
        )  # fmt: skip
        _send(self.client, request, f"replacing graph <{graph.iri}>")

    def drop(self, iri: str) -> None:
        request = self.client.build_request("DELETE", self.endpoint, params={"graph": iri})
        _send(self.client, request, f"dropping graph <{iri}>", missing_ok=True)


@dataclass
class UpdateWriter:
    """SPARQL 1.1 Update: one request drops the graph and inserts its new content."""

    endpoint: str
    client: httpx.Client

    def replace(self, graph: LocalGraph) -> None:
        name = f"<{graph.iri}>"
        body = b"".join((f"DROP SILENT GRAPH {name} ;\nINSERT DATA {{ GRAPH {name} {{\n".encode(),
                         graph.ntriples, b"} }\n"))  # fmt: skip
        self.update(body, f"replacing graph {name}")

    def drop(self, iri: str) -> None:
        self.update(f"DROP SILENT GRAPH <{iri}>".encode(), f"dropping graph <{iri}>")

    def update(self, body: bytes, doing: str) -> None:
        """One update request; ``doing`` names it in the error when it fails."""
        request = self.client.build_request(
            "POST", self.endpoint, content=body,
            headers={"content-type": f"{SPARQL_UPDATE}; charset=utf-8"},
        )  # fmt: skip
        _send(self.client, request, doing)


def _send(client: httpx.Client, request: httpx.Request, doing: str, *, missing_ok: bool = False
          ) -> None:  # fmt: skip
    try:
        response = client.send(request)
    except httpx.TimeoutException:
        raise RemoteStoreError(f"{doing} failed: no answer within {WRITE_SECONDS:.0f} s") from None
    except httpx.HTTPError as exc:
        error = transport_error(exc, str(request.url.copy_with(query=None)))
        raise RemoteStoreError(f"{doing} failed: {error.message}", hint=error.hint) from None
    if not response.is_success and not (missing_ok and response.status_code == 404):
        raise RemoteStoreError(
            f"{doing} failed: {request.method} {request.url.copy_with(query=None)} answered "
            f"{answer_of(response)}",
            hint="the graphs not yet replaced are as they were; fix the cause and publish again",
        )


def writer_for(settings: Settings, client: httpx.Client) -> GraphWriter:
    """The ``update`` or the ``gsp`` endpoint: exactly one of them."""
    if settings.update and settings.gsp:
        raise UsageError(
            "give the server's update endpoint or its Graph Store Protocol endpoint, not both",
            hint="see docs/publishing.md for which suits the server",
        )
    if settings.gsp:
        return GraphStoreWriter(settings.gsp, client)
    if settings.update:
        return UpdateWriter(settings.update, client)
    raise UsageError(
        "kg publish needs where to write: --update URL (SPARQL Update) or --gsp URL "
        "(Graph Store Protocol)",
        hint="e.g. Oxigraph server: --update http://HOST:7878/update",
    )


@dataclass(frozen=True, slots=True)
class PublishResult:
    """What one publish did; printed as its summary."""

    to: str
    version: str
    sent: tuple[str, ...]  # the graphs written: replaced, or changed by a patch
    dropped: tuple[str, ...]
    unchanged: int
    triples_sent: int
    seconds: float
    patched: patching.Applied | None = None  # what the patches carried, when they were applied

    def summary(self) -> str:
        if self.patched:
            what = self.patched.summary()
        elif self.sent or self.dropped:
            what = (f"{len(self.sent)} graphs sent ({self.triples_sent} triples), "
                    f"{len(self.dropped)} dropped, {self.unchanged} unchanged")  # fmt: skip
        else:
            what = f"up to date, nothing sent ({self.unchanged} graphs unchanged)"
        version = self.version[:12]
        return f"published to {self.to}: {what} in {self.seconds:.2f} s (version {version})"


def publish(settings: Settings, *, to: str, progress: bool | None = None) -> PublishResult:
    """Make the server at ``to`` (its query endpoint) hold the built dataset."""
    started = time.perf_counter()
    if not is_url(to):
        raise UsageError(f"--to {to!r} is not an http(s) URL of a SPARQL query endpoint")
    built = EmbeddedStore(local_store(settings))
    history = History(releases_directory(settings))
    remote = RemoteStore(to, settings)
    show = sys.stderr.isatty() if progress is None else progress
    with remote, httpx.Client(timeout=WRITE_SECONDS, **client_options(settings)) as client:
        writer = writer_for(settings, client)
        result = _publish(built, history, remote, writer, settings.base_iri, show)
    return replace(result, seconds=time.perf_counter() - started)


def _publish(built: EmbeddedStore, history: History, remote: RemoteStore, writer: GraphWriter,
             base_iri: str, show: bool) -> PublishResult:  # fmt: skip
    database, info = built.oxigraph, built.info
    before = remote.read_publication() or Publication({})
    names = sorted(g.value for g in database.named_graphs() if isinstance(g, ox.NamedNode))
    records = {iri: canonical_graph(database, iri).record for iri in names}
    held = remote.graph_sizes(sorted({*records, *before.graphs}))
    patches = None
    if isinstance(writer, UpdateWriter):  # a PUT replaces a graph: it cannot apply a patch
        patches = patching.plan(history, before, held=held, records=records,
                                version=info.version)  # fmt: skip
    if patches:
        result = _apply(patches, database, remote, writer, records, info.version, show)
    else:
        result = _to_replace(remote.endpoint, info.version, before, records, held)
        if not result.sent and not result.dropped and before.info.get("version") == info.version:
            return result
        _replace_graphs(writer, remote, database, list(result.sent), show)
        for iri in result.dropped:
            writer.drop(iri)
    lines = sorted(f"{t} .\n" for t in Publication(dict(info.data), records).triples(base_iri))
    metadata = LocalGraph(metadata_graph(base_iri), "".join(lines).encode(), len(lines))
    _replace_checked(writer, remote, metadata)  # last: it vouches for all the graphs above
    return result


def _to_replace(to: str, version: str, before: Publication, records: dict[str, PublishedGraph],
                held: dict[str, int]) -> PublishResult:  # fmt: skip
    """The graphs whose hash or count on the server is not the build's, and those gone."""
    changed = [
        iri
        for iri, record in records.items()
        if before.graphs.get(iri) != record or held.get(iri, 0) != record.triples
    ]
    dropped = tuple(iri for iri in sorted(before.graphs) if iri not in records)
    return PublishResult(to, version, tuple(changed), dropped, len(records) - len(changed),
                         sum(records[iri].triples for iri in changed), 0.0)  # fmt: skip


def _apply(patches: patching.Plan, database: ox.Store, remote: RemoteStore,
           writer: UpdateWriter, records: dict[str, PublishedGraph], version: str, show: bool
           ) -> PublishResult:  # fmt: skip
    """The patches, then the graphs they could not carry replaced whole, those gone from
    the build dropped, and every touched graph's count checked against the build's."""
    done = patching.apply(patches, writer.update, show=show)
    _replace_graphs(writer, remote, database, [g for g in done.blank if g in records], show)
    dropped = tuple(sorted(g for g in patches.graphs if g not in records))
    for iri in dropped:  # emptied by its patch unless it held blank nodes: dropped either way
        writer.drop(iri)
    _check_sizes(remote, {g: records[g].triples if g in records else 0 for g in patches.graphs},
                 "applying the patches")  # fmt: skip
    sent = tuple(sorted(g for g in patches.graphs if g in records))
    triples = done.added + sum(records[g].triples for g in done.blank if g in records)
    return PublishResult(remote.endpoint, version, sent, dropped, len(records) - len(sent),
                         triples, 0.0, done)  # fmt: skip


def _replace_graphs(writer: GraphWriter, remote: RemoteStore, database: ox.Store,
                    graphs: list[str], show: bool) -> None:  # fmt: skip
    with tqdm(total=len(graphs), desc="publishing graphs", unit="graph", disable=not show,
              file=sys.stderr) as bar:  # fmt: skip
        for iri in graphs:
            _replace_checked(writer, remote, canonical_graph(database, iri))
            bar.update()


def _replace_checked(writer: GraphWriter, remote: RemoteStore, graph: LocalGraph) -> None:
    writer.replace(graph)
    _check_sizes(remote, {graph.iri: graph.triples}, f"replacing graph <{graph.iri}>")


def _check_sizes(remote: RemoteStore, triples: dict[str, int], doing: str) -> None:
    """The server holds as many triples in each graph as the build (an absent graph none)."""
    found = remote.graph_sizes(sorted(triples))
    for iri, expected in triples.items():
        if found.get(iri, 0) != expected:
            raise RemoteStoreError(
                f"{doing}: the server holds {found.get(iri, 0)} triples in graph <{iri}> "
                f"afterwards, not {expected}",
                hint="the server may have rewritten some literals; see docs/publishing.md",
            )
