"""What clients send in practice, through the real server: SPARQLWrapper and rdflib's
SPARQLStore unchanged, the dataset rules of SPARQL 1.1 (FROM, FROM NAMED and the
protocol's graph parameters), relative IRIs, HEAD, CORS preflights, format parameters
in other endpoints' spellings, the Graph Store Protocol's read side, readable errors,
security headers on HTML, and no threads left by clients that hang up."""

from __future__ import annotations

import contextlib
import threading
import time
from pathlib import Path

import httpx
import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from tests.conftest import built_mini_server

MINI = "https://mini.example.org/"
ENTITIES = f"{MINI}graph/entities"
ARTICLE = f"{MINI}id/article/first-article"
COUNTRY = f"{MINI}ontology/Country"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
COUNT = "SELECT (COUNT(*) AS ?n) {} WHERE {{ ?s ?p ?o }}"
GRAPHS = "SELECT DISTINCT ?g {} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} ORDER BY ?g"
COUNTRIES = f"SELECT ?c ?l WHERE {{ ?c a <{COUNTRY}> ; <{LABEL}> ?l }} ORDER BY ?l"
CONSTRUCT = f"CONSTRUCT {{ ?c <{LABEL}> ?l }} WHERE {{ ?c a <{COUNTRY}> ; <{LABEL}> ?l }}"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    limits = {"KG_QUERY_TIMEOUT": "4", "KG_QUERY_WORKERS": "2"}
    with built_mini_server(tmp_path_factory, "clients", env=limits) as live:
        yield live


def number(response: httpx.Response) -> int:
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def graph_names(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [row["g"]["value"] for row in response.json()["results"]["bindings"]]


# --- SPARQLWrapper 2, every return format, GET and POST, with and without parameters ---

SELECT_FORMATS = {JSON: "application/sparql-results+json", XML: "application/sparql-results+xml",
                  CSV: "text/csv", TSV: "text/tab-separated-values"}  # fmt: skip
GRAPH_FORMATS = {TURTLE: "text/turtle", N3: "text/turtle", RDFXML: "application/rdf+xml",
                 XML: "application/rdf+xml", JSONLD: "application/ld+json"}  # fmt: skip


@pytest.mark.parametrize("only_conneg", [False, True], ids=["parameters", "conneg"])
@pytest.mark.parametrize("method", ["GET", POST])
@pytest.mark.parametrize(("form", "return_format"),
                         [("select", f) for f in SELECT_FORMATS]
                         + [("construct", f) for f in GRAPH_FORMATS])  # fmt: skip
def test_sparqlwrapper_gets_every_format_it_asks_for(server, form, return_format, method,
                                                     only_conneg):  # fmt: skip
    wrapper = SPARQLWrapper(f"{server.url}/sparql")
    wrapper.setQuery(COUNTRIES if form == "select" else CONSTRUCT)
    wrapper.setReturnFormat(return_format)
    wrapper.setMethod(method)
    wrapper.setOnlyConneg(only_conneg)
    result = wrapper.query()
    expected = (SELECT_FORMATS if form == "select" else GRAPH_FORMATS)[return_format]
    assert result.info()["content-type"].startswith(expected)
    converted = result.convert()
    if form == "construct":
        if isinstance(converted, bytes):  # Turtle and N3 come back unparsed
            converted = rdflib.Graph().parse(data=converted, format="turtle")
        assert len(converted) == 2
    elif return_format == JSON:
        labels = [b["l"]["value"] for b in converted["results"]["bindings"]]
        assert labels == ["Atlantis", "Lemuria"]
    elif return_format == XML:
        assert len(converted.getElementsByTagName("result")) == 2
    else:
        assert b"Atlantis" in converted and b"Lemuria" in converted


@pytest.mark.parametrize("method", ["GET", "POST_FORM"])
def test_rdflib_sparqlstore_reads_the_endpoint(server, method):
    graph = rdflib.Graph(SPARQLStore(f"{server.url}/sparql", method=method))  # XML, its default
    rows = list(graph.query(COUNTRIES))
    assert [str(row.l) for row in rows] == ["Atlantis", "Lemuria"]
    assert len(graph.query(CONSTRUCT).graph) == 2
    as_json = rdflib.Graph(SPARQLStore(f"{server.url}/sparql", returnFormat="json"))
    assert len(list(as_json.query(COUNTRIES))) == 2


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ([("format", "tsv"), ("format", "text/tab-separated-values")], "text/tab-separated-values"),
        ([("output", "csv")], "text/csv"),
        ([("results", "xml")], "application/sparql-results+xml"),
        ([("format", "application/sparql-results+json")], "application/sparql-results+json"),
        ([("format", "turtle")], "application/sparql-results+json"),  # fits no SELECT: Accept
        ([("format", "png")], "application/sparql-results+json"),
    ],
)
def test_format_parameters_in_other_endpoints_spellings(client, params, expected):
    response = client.get("/sparql", params=[("query", COUNTRIES), *params],
                          headers={"Accept": "application/sparql-results+json"})  # fmt: skip
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("rdf+xml", "application/rdf+xml"), ("rdfxml", "application/rdf+xml"),
     ("xml", "application/rdf+xml"), ("json-ld", "application/ld+json"),
     ("json", "application/ld+json"), ("n3", "text/turtle"), ("ntriples", "application/n-triples"),
     ("application/rdf+xml", "application/rdf+xml"), ("trig", "application/trig"),
     ("nquads", "application/n-quads")],
)  # fmt: skip
def test_a_format_name_fits_the_query_form(client, value, expected):
    response = client.get("/sparql", params={"query": CONSTRUCT, "format": value})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(expected)


# --- the dataset: SPARQL 1.1 Query §13 and Protocol §2.1.4 ----------------------------


def test_from_in_the_query_defines_the_default_graph(client):
    everything = number(client.get("/sparql", params={"query": COUNT.format("")}))
    entities = number(client.get("/sparql", params={"query": COUNT.format(f"FROM <{ENTITIES}>")}))
    assert 0 < entities < everything
    nothing = client.get("/sparql", params={"query": COUNT.format("FROM <urn:nonexistent>")})
    assert number(nothing) == 0


def test_from_named_alone_leaves_the_default_graph_empty(client):
    query = COUNT.format(f"FROM NAMED <{ENTITIES}>")
    assert number(client.get("/sparql", params={"query": query})) == 0
    named = client.get("/sparql", params={"query": GRAPHS.format(f"FROM NAMED <{ENTITIES}>")})
    assert graph_names(named) == [ENTITIES]


def test_protocol_graphs_override_the_query_and_are_the_whole_dataset(client):
    query = COUNT.format("FROM <urn:nonexistent>")
    overridden = client.get("/sparql", params={"query": query, "default-graph-uri": ENTITIES})
    assert number(overridden) > 0
    only_default = client.get("/sparql", params={"query": GRAPHS.format(""),
                                                 "default-graph-uri": ENTITIES})  # fmt: skip
    assert graph_names(only_default) == []
    only_named = {"query": COUNT.format(""), "named-graph-uri": ARTICLE}
    assert number(client.get("/sparql", params=only_named)) == 0
    named = client.get("/sparql", params={"query": GRAPHS.format(""), "named-graph-uri": ARTICLE})
    assert graph_names(named) == [ARTICLE]


def test_without_a_dataset_the_default_graph_is_the_union_and_every_graph_is_named(client):
    names = graph_names(client.get("/sparql", params={"query": GRAPHS.format("")}))
    assert ENTITIES in names and ARTICLE in names and len(names) >= 4


def test_relative_iris_resolve_against_the_endpoint(server, client):
    response = client.get("/sparql", params={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}"},
                          headers={"Accept": "application/n-triples"})  # fmt: skip
    assert response.status_code == 200, response.text
    assert response.text.startswith(f"<{server.url}/s> <{server.url}/p> ")


# --- HEAD, CORS, headers ------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/sparql", "/sparql?query=ASK%20%7B%7D", "/reconcile", "/reconcile/suggest/entity?prefix=at",
     "/reconcile/preview?id=country/atlantis", "/store?default", "/healthz", "/",
     "/id/country/atlantis.ttl"],
)  # fmt: skip
def test_head_answers_what_get_would_without_the_body(client, path):
    got, head = client.get(path), client.head(path)
    assert got.status_code == head.status_code == 200, (got.text, path)
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]


def test_a_cors_preflight_gets_the_headers_it_asks_for(client):
    asked = "Authorization, Content-Type, X-Requested-With"
    response = client.options("/sparql", headers={
        "Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": asked})  # fmt: skip
    assert response.status_code == 200, response.text
    allowed = response.headers["access-control-allow-headers"].lower()
    assert {"authorization", "content-type", "x-requested-with"} <= {
        h.strip() for h in allowed.split(",")
    }


@pytest.mark.parametrize("path", ["/", "/sparql", "/id/country/atlantis.html", "/nowhere"])
def test_html_carries_a_content_security_policy_and_no_sniffing(client, path):
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.headers["content-type"].startswith("text/html"), response.status_code
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"]
    assert "<style" not in response.text and " style=" not in response.text


@pytest.mark.parametrize(
    ("accept", "expected"),
    [("application/json", "application/ld+json"), ("text/n3", "text/turtle")],
)
def test_json_and_n3_clients_get_json_ld_and_turtle(client, accept, expected):
    page = client.get("/id/country/atlantis", headers={"Accept": accept}, follow_redirects=True)
    assert page.status_code == 200 and page.headers["content-type"].startswith(expected)
    graph = client.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": accept})
    assert graph.status_code == 200 and graph.headers["content-type"].startswith(expected)


# --- errors people can read -------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["SELECT (<http://jena.apache.org/ARQ/function#strjoin>('a', 'b') AS ?x) WHERE {}",
     "PREFIX fn: <http://www.w3.org/2005/xpath-functions#> SELECT (fn:doc('a') AS ?x) WHERE {}"],
)  # fmt: skip
def test_an_unknown_function_is_the_clients_to_change(client, query):
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "unsupported-feature"
    assert "is not supported" in response.json()["message"]


@pytest.mark.parametrize("operator", ["!", "-"])
def test_a_long_chain_of_unary_operators_is_refused_and_the_server_survives(client, operator):
    query = f"ASK {{ FILTER({operator * 50_000}true) }}"
    response = client.post("/sparql", content=query,
                           headers={"content-type": "application/sparql-query"})  # fmt: skip
    assert response.status_code == 400, response.text
    assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200


def test_a_syntax_error_shows_the_line_and_a_few_expected_tokens(client):
    query = "PREFIX ex: <http://example.org/>\nSELECT * WHERE {\n  ?s ex:p ?o\n"
    message = client.get("/sparql", params={"query": query}).json()["message"]
    first, _line, caret = message.splitlines()
    assert first.startswith("SPARQL syntax error at line 4, column 1: expected")
    assert first.count(",") <= 14 and "\\u{" not in message and len(message) < 400
    assert caret.strip() == "^"


# --- the Graph Store Protocol, read side ------------------------------------------------


def test_one_graph_by_name_in_every_rdf_format(client):
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{ENTITIES}> {{ ?s ?p ?o }} }}"
    expected = client.get("/sparql", params={"query": query},
                          headers={"Accept": "application/n-triples"})  # fmt: skip
    reference = rdflib.Graph().parse(data=expected.text, format="nt")
    parsers = {"text/turtle": "turtle", "application/ld+json": "json-ld",
               "application/n-triples": "nt", "application/rdf+xml": "xml"}  # fmt: skip
    for accept, parser in parsers.items():
        response = client.get("/store", params={"graph": ENTITIES}, headers={"Accept": accept})
        assert response.status_code == 200 and response.headers["content-type"].startswith(accept)
        graph = rdflib.Graph().parse(data=response.content, format=parser)
        assert isomorphic(graph, reference), accept


def test_the_default_graph_is_the_union(client):
    union = client.get("/store?default", headers={"Accept": "application/n-triples"})
    assert union.status_code == 200
    assert len(union.text.splitlines()) == number(
        client.get("/sparql", params={"query": COUNT.format("")})
    )


def test_graph_store_etags_errors_and_writes(client):
    first = client.get("/store", params={"graph": ARTICLE})
    assert first.status_code == 200 and first.headers["etag"]
    again = client.get("/store", params={"graph": ARTICLE},
                       headers={"If-None-Match": first.headers["etag"]})  # fmt: skip
    assert again.status_code == 304 and again.content == b""
    assert client.get("/store", params={"graph": f"{MINI}graph/none"}).status_code == 404
    assert client.get("/store").status_code == 400
    assert client.get("/store", params={"graph": "not an iri"}).status_code == 400
    for method in ("PUT", "POST", "DELETE"):
        refused = client.request(method, "/store", params={"graph": ARTICLE}, content=b"")
        assert refused.status_code == 405 and "GET" in refused.headers["allow"]


def test_the_service_description_names_the_graph_store(server, client):
    description = client.get("/sparql", headers={"Accept": "text/turtle"}).text
    assert f"<{server.url}/store>" in description


# --- threads ----------------------------------------------------------------------------


def threads_of(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("Threads")))


def hang_up_early(url: str) -> None:
    with (httpx.Client(base_url=url, timeout=0.5) as impatient,
          contextlib.suppress(httpx.TimeoutException)):  # fmt: skip
        impatient.get("/sparql", params={"query": RUNAWAY})


def test_clients_that_hang_up_leave_no_threads_behind(server, client):
    pid = server.process.pid
    before = threads_of(pid)
    clients = [threading.Thread(target=hang_up_early, args=(server.url,)) for _ in range(20)]
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join()

    def in_progress() -> int:
        load = client.get("/healthz").json()["queries"]
        return sum(load.values())

    deadline = time.monotonic() + 15
    while in_progress() and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(0.5)
    assert threads_of(pid) <= before + 2
