"""The W3C SPARQL 1.1 Protocol test suite, run from its own manifest against `kg serve`.

The manifest (``../shared/w3c/protocol/manifest.ttl``, from the W3C rdf-tests
repository) describes each test as HTTP exchanges: method, path, headers, body in a
named character encoding, and what the response must be (a status class, a result
format, an ASK answer). This module reads those exchanges and sends them unchanged to
the real server, whose store holds exactly the test's graph data as named graphs.

kg is read-only, so the suite's read-only part is what it must pass: every query test
and every ``bad_*`` test (an update refused is still a 4xx). The seven tests that expect
an update to succeed are run as well, and must get kg's documented refusal instead.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, Graph, Namespace
from rdflib.collection import Collection

from tests.conftest import FIXTURES, REPO, start_server, stop_server

SUITE = REPO.parent / "shared" / "w3c" / "protocol"
MANIFEST = SUITE / "manifest.ttl"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
CNT = Namespace("http://www.w3.org/2011/content#")

BOOLEAN_TYPES = ("application/sparql-results+json", "application/sparql-results+xml")
TABULAR_TYPES = (*BOOLEAN_TYPES, "text/csv", "text/tab-separated-values")
RDF_TYPES = ("text/turtle", "application/n-triples", "application/rdf+xml",
             "application/ld+json", "application/n-quads", "application/trig")  # fmt: skip


@dataclass(frozen=True)
class Exchange:
    """One request of a test and what its response must be."""

    method: str
    path_and_query: str
    headers: dict[str, str]
    body: bytes | None
    statuses: frozenset[int]  # acceptable classes: 2, 3, 4 for 2xx, 3xx, 4xx
    result_format: str | None  # "boolean", "tabular" or "RDF"
    boolean: bool | None


@dataclass(frozen=True)
class ProtocolTest:
    name: str
    title: str
    graphs: dict[str, Path] = field(default_factory=dict)  # graph name -> N-Triples file
    exchanges: tuple[Exchange, ...] = ()

    @property
    def expects_an_update_to_succeed(self) -> bool:
        return self.name.startswith("update_")


def read_manifest() -> list[ProtocolTest]:
    graph = Graph().parse(MANIFEST)
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    entries = Collection(graph, graph.value(manifest, MF.entries))
    return [_read_test(graph, entry) for entry in entries]


def _read_test(graph: Graph, entry) -> ProtocolTest:
    graphs = {  # the graph's name is its label; the file lies next to the manifest
        str(graph.value(data, RDFS.label)): SUITE / _file_name(graph.value(data, UT.graph))
        for data in graph.objects(entry, UT.graphData)
    }
    connection = graph.value(entry, MF.action)
    requests = Collection(graph, graph.value(connection, HT.requests))
    return ProtocolTest(
        name=str(entry).rsplit("#", 1)[1],
        title=str(graph.value(entry, MF.name)),
        graphs=graphs,
        exchanges=tuple(_read_exchange(graph, request) for request in requests),
    )


def _file_name(iri) -> str:
    return Path(urlsplit(str(iri)).path).name


def _read_exchange(graph: Graph, request) -> Exchange:
    headers: dict[str, str] = {}
    if (header_list := graph.value(request, HT.headers)) is not None:
        for header in Collection(graph, header_list):
            name, value = graph.value(header, HT.fieldName), graph.value(header, HT.fieldValue)
            headers[str(name)] = str(value)
    body = None
    if (content := graph.value(request, HT.body)) is not None:
        encoding = str(graph.value(content, CNT.characterEncoding) or "UTF-8")
        body = str(graph.value(content, CNT.chars)).encode(encoding)
    response = graph.value(request, HT.resp)
    statuses = frozenset(int(str(code).removeprefix(str(HTS))[len("StatusCode")])
                         for code in graph.objects(response, MF.expectedStatus))  # fmt: skip
    expected_format = graph.value(response, MF.expectedFormat)
    expected_boolean = graph.value(response, MF.expectedBoolean)
    path = str(graph.value(request, HT.absolutePath))
    return Exchange(
        method=str(graph.value(request, HT.methodName)),
        path_and_query="/sparql" + path.removeprefix("/sparql/"),  # the manifest's is /sparql/
        headers=headers,
        body=body,
        statuses=statuses,
        result_format=str(expected_format) if expected_format is not None else None,
        boolean=expected_boolean.toPython() if expected_boolean is not None else None,
    )  # fmt: skip


TESTS = read_manifest() if MANIFEST.exists() else []


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`kg serve` over a store that holds every test's graph data, each in its named graph."""
    if not TESTS:
        pytest.skip(f"the W3C protocol manifest is not at {MANIFEST}")
    project = tmp_path_factory.mktemp("w3c-protocol") / "mini"
    shutil.copytree(FIXTURES / "mini", project, ignore=shutil.ignore_patterns(".kg"))
    _publish_store_of(project, {name: path for test in TESTS for name, path in test.graphs.items()})
    live = start_server(project)
    yield live
    stop_server(live)


def _publish_store_of(project: Path, graphs: dict[str, Path]) -> None:
    """Put the test data where `kg build` would put a build, through the same swap."""
    from kg.store.builds import new_build_dir, publish_build

    link = project / ".kg" / "store"
    build = new_build_dir(link)
    store = ox.Store(str(build / "oxigraph"))
    for name, path in graphs.items():
        store.load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(name))
    store.flush()
    del store
    publish_build(link, build, {"version": "w3c-protocol", "triples": len(graphs)})


def _run(client: httpx.Client, exchange: Exchange) -> httpx.Response:
    return client.request(exchange.method, exchange.path_and_query, headers=exchange.headers,
                          content=exchange.body)  # fmt: skip


def _check(exchange: Exchange, response: httpx.Response) -> None:
    assert response.status_code // 100 in exchange.statuses, (
        f"{exchange.method} {exchange.path_and_query}: {response.status_code} {response.text[:300]}"
    )
    media_type = response.headers.get("content-type", "").split(";")[0].strip()
    if exchange.result_format == "boolean":
        assert media_type in BOOLEAN_TYPES, media_type
    elif exchange.result_format == "tabular":
        assert media_type in TABULAR_TYPES, media_type
    elif exchange.result_format == "RDF":
        assert media_type in RDF_TYPES, media_type
    if exchange.boolean is not None:
        assert media_type == "application/sparql-results+json", "the default boolean format"
        assert json.loads(response.content)["boolean"] is exchange.boolean


READ_ONLY = [test for test in TESTS if not test.expects_an_update_to_succeed]
UPDATES = [test for test in TESTS if test.expects_an_update_to_succeed]


@pytest.mark.parametrize("test", READ_ONLY, ids=[test.name for test in READ_ONLY])
def test_the_read_only_part_of_the_protocol_suite(client, test: ProtocolTest):
    for exchange in test.exchanges:
        _check(exchange, _run(client, exchange))


@pytest.mark.parametrize("test", UPDATES, ids=[test.name for test in UPDATES])
def test_updates_the_suite_expects_to_succeed_are_refused_as_documented(client, test: ProtocolTest):
    response = _run(client, test.exchanges[0])
    assert response.status_code == 403, response.text
    assert response.json()["error"] == "refused"


def test_the_suite_is_all_there():
    """Guards the runner against reading too little of the manifest."""
    if not TESTS:
        pytest.skip(f"the W3C protocol manifest is not at {MANIFEST}")
    assert (len(READ_ONLY), len(UPDATES)) == (27, 7)
    assert all(test.exchanges and all(e.statuses for e in test.exchanges) for test in TESTS)
