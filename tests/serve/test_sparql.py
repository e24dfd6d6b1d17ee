"""The SPARQL 1.1 Protocol endpoint through the real server on loopback."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, HTTPServer

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph
from SPARQLWrapper import CSV, JSON, XML, SPARQLWrapper

from tests.conftest import built_mini_server, eventually
from tests.processes import busiest_descendant, cpu_seconds

COUNTRY = "https://mini.example.org/ontology/Country"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
COUNTRIES = f"SELECT ?c ?l WHERE {{ ?c a <{COUNTRY}> ; <{LABEL}> ?l }} ORDER BY ?l"
GRAPH_QUERY = f"CONSTRUCT {{ ?c <{LABEL}> ?l }} WHERE {{ ?c a <{COUNTRY}> ; <{LABEL}> ?l }}"
# five patterns over ~60 triples: about 8e8 solutions, minutes of work for any engine
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
TIMEOUT = 2.0
MAX_ROWS = 40
MAX_BODY = 4096
ENTITIES_GRAPH = "https://mini.example.org/graph/entities"
ARTICLE_GRAPH = "https://mini.example.org/id/article/first-article"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    limits = {"KG_QUERY_TIMEOUT": str(TIMEOUT), "KG_MAX_ROWS": str(MAX_ROWS),
              "KG_MAX_BODY": str(MAX_BODY), "KG_QUERY_WORKERS": "2"}  # fmt: skip
    with built_mini_server(tmp_path_factory, "sparql", env=limits) as live:
        yield live


def bindings(response: httpx.Response) -> list[dict[str, str]]:
    rows = response.json()["results"]["bindings"]
    return [{k: v["value"] for k, v in row.items()} for row in rows]


# --- protocol operations -------------------------------------------------------------


def test_query_via_get(client):
    response = client.get("/sparql", params={"query": COUNTRIES})
    assert response.status_code == 200
    assert [r["l"] for r in bindings(response)] == ["Atlantis", "Lemuria"]
    assert "Accept" in response.headers["vary"]


def test_query_via_url_encoded_post(client):
    response = client.post("/sparql", data={"query": COUNTRIES})
    assert [r["l"] for r in bindings(response)] == ["Atlantis", "Lemuria"]


def test_query_via_direct_post(client):
    response = client.post(
        "/sparql",
        content=COUNTRIES.encode(),
        headers={"content-type": "application/sparql-query; charset=utf-8"},
    )
    assert [r["l"] for r in bindings(response)] == ["Atlantis", "Lemuria"]


def test_default_graph_is_the_union_and_graph_reaches_each(client):
    union = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"})
    per_graph = client.get(
        "/sparql",
        params={"query": "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"},
    )
    total = int(bindings(union)[0]["n"])
    assert total == sum(int(r["n"]) for r in bindings(per_graph))
    assert {r["g"] for r in bindings(per_graph)} >= {ENTITIES_GRAPH, ARTICLE_GRAPH}


def test_default_graph_uri_and_named_graph_uri_select_the_dataset(client):
    only_article = client.get(
        "/sparql", params={"query": COUNTRIES, "default-graph-uri": ARTICLE_GRAPH}
    )
    assert bindings(only_article) == []
    only_entities = client.get(
        "/sparql", params={"query": COUNTRIES, "default-graph-uri": ENTITIES_GRAPH}
    )
    assert len(bindings(only_entities)) == 2
    named = client.get(
        "/sparql",
        params={
            "query": "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }",
            "named-graph-uri": ENTITIES_GRAPH,
        },
    )
    assert bindings(named) == [{"g": ENTITIES_GRAPH}]


@pytest.mark.parametrize(
    ("request_kwargs", "status", "fragment"),
    [
        ({"method": "GET", "params": {"query": "SELECT * WHERE { ?s ?p }"}}, 400,
         "line 1, column"),
        ({"method": "GET", "params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400,
         "exactly one"),
        ({"method": "POST", "content": "ASK {}", "headers": {"content-type": "text/plain"}}, 415,
         "Content-Type"),
        ({"method": "POST", "content": "ASK {}"}, 415, "Content-Type"),
        ({"method": "POST", "data": {"update": "CLEAR ALL"}}, 403, "read-only"),
        ({"method": "GET", "params": {"query": "INSERT DATA { <a:a> <a:b> <a:c> }"}}, 400,
         "not a query"),
        ({"method": "POST", "data": {"query": "ASK {}", "update": "CLEAR ALL"}}, 400, "not both"),
        ({"method": "POST", "content": "CLEAR ALL",
          "headers": {"content-type": "application/sparql-update"}}, 403, "read-only"),
        ({"method": "POST", "data": {"other": "x"}}, 400, "missing 'query'"),
        ({"method": "POST", "content": b"ASK {} #\xff\xfe",
          "headers": {"content-type": "application/sparql-query"}}, 400, "UTF-8"),
        ({"method": "GET", "params": {"query": "ASK {}", "default-graph-uri": "not an iri"}}, 400,
         "not an IRI"),
    ],
)  # fmt: skip
def test_protocol_errors(client, request_kwargs, status, fragment):
    kwargs = dict(request_kwargs)
    response = client.request(kwargs.pop("method"), "/sparql", **kwargs)
    assert response.status_code == status, response.text
    body = response.json()
    assert fragment in body["message"]
    assert set(body) <= {"error", "message", "hint"}


# --- result formats, each read back by an independent parser ------------------------


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
        ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
        ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
    ],
)
def test_select_formats_parse_back_with_pyoxigraph(client, accept, fmt):
    response = client.get("/sparql", params={"query": COUNTRIES}, headers={"accept": accept})
    assert response.headers["content-type"].split(";")[0] == accept
    rows = list(ox.parse_query_results(response.content, fmt))
    assert [row["l"].value for row in rows] == ["Atlantis", "Lemuria"]
    assert rows[0]["l"].language == "en"


def test_select_csv_parses_back(client):
    response = client.get("/sparql", params={"query": COUNTRIES}, headers={"accept": "text/csv"})
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [row["l"] for row in rows] == ["Atlantis", "Lemuria"]


@pytest.mark.parametrize("return_format", [JSON, XML, CSV])
def test_sparqlwrapper_reads_every_result_format(server, return_format):
    wrapper = SPARQLWrapper(f"{server.url}/sparql")
    wrapper.setQuery(COUNTRIES)
    wrapper.setReturnFormat(return_format)
    result = wrapper.query().convert()
    if return_format == JSON:
        assert [b["l"]["value"] for b in result["results"]["bindings"]] == ["Atlantis", "Lemuria"]
    elif return_format == XML:
        assert "Lemuria" in result.toxml()
    else:
        assert b"Lemuria" in result


def test_ask_in_json_and_xml(client):
    as_json = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert as_json.json() == {"head": {}, "boolean": True}
    as_xml = client.get(
        "/sparql", params={"query": "ASK { ?s ?p ?o }", "format": "xml"}
    )  # the explicit format wins over the Accept header
    assert bool(ox.parse_query_results(as_xml.content, ox.QueryResultsFormat.XML)) is True


@pytest.mark.parametrize(
    ("accept", "rdflib_format", "ox_format"),
    [
        ("text/turtle", "turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", "nt", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", "json-ld", ox.RdfFormat.JSON_LD),
        ("application/rdf+xml", "xml", ox.RdfFormat.RDF_XML),
        ("application/n-quads", "nquads", ox.RdfFormat.N_QUADS),
        ("application/trig", "trig", ox.RdfFormat.TRIG),
    ],
)
def test_construct_formats_parse_back(client, accept, rdflib_format, ox_format):
    response = client.get("/sparql", params={"query": GRAPH_QUERY}, headers={"accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == accept
    assert len(list(ox.parse(response.content, format=ox_format))) == 2
    parsed = Graph().parse(data=response.content, format=rdflib_format)
    assert {str(o) for o in parsed.objects()} == {"Atlantis", "Lemuria"}


def test_describe_returns_a_graph(client):
    query = "DESCRIBE <https://mini.example.org/id/country/atlantis>"
    response = client.get("/sparql", params={"query": query}, headers={"accept": "text/turtle"})
    assert "Atlantis" in response.text


# --- content negotiation --------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("text/*", "text/csv"),
        ("application/sparql-results+xml;q=0.9, application/sparql-results+json;q=0.8",
         "application/sparql-results+xml"),
        ("text/csv;q=0, text/*", "text/tab-separated-values"),
        ("application/json", "application/sparql-results+json"),
        ("application/sparql-results+json;charset=utf-8", "application/sparql-results+json"),
        ("text/html;q=1, */*;q=0.1", "application/sparql-results+json"),
    ],
)  # fmt: skip
def test_select_negotiation(client, accept, expected):
    headers = {"accept": accept} if accept is not None else {}
    response = client.get("/sparql", params={"query": COUNTRIES}, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == expected
    assert "Accept" in response.headers["vary"]


def test_406_names_what_is_offered(client):
    response = client.get("/sparql", params={"query": COUNTRIES}, headers={"accept": "image/png"})
    assert response.status_code == 406
    for media_type in ("application/sparql-results+json", "text/csv", "text/tab-separated-values"):
        assert media_type in response.json()["message"]


def test_construct_refuses_results_only_accept(client):
    response = client.get(
        "/sparql",
        params={"query": GRAPH_QUERY},
        headers={"accept": "application/sparql-results+json"},
    )
    assert response.status_code == 406
    assert "text/turtle" in response.json()["message"]


# --- service description and query page -------------------------------------------------


def test_service_description_for_rdf_clients(client):
    response = client.get("/sparql", headers={"accept": "text/turtle"})
    assert response.status_code == 200
    description = Graph().parse(data=response.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    answer = description.query(
        f"""PREFIX sd: <{sd}> PREFIX void: <http://rdfs.org/ns/void#>
        SELECT ?endpoint ?name ?triples WHERE {{
          ?service a sd:Service ; sd:endpoint ?endpoint ;
                   sd:feature sd:UnionDefaultGraph ;
                   sd:resultFormat <http://www.w3.org/ns/formats/SPARQL_Results_CSV> ;
                   sd:defaultDataset/sd:namedGraph ?named .
          ?named sd:name ?name ; sd:graph/void:triples ?triples .
        }}"""
    )
    sizes = {str(row.name): int(row.triples) for row in answer}
    assert {str(row.endpoint) for row in answer} == {f"{client.base_url}/sparql"}
    counted = client.get(
        "/sparql",
        params={"query": "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"},
    )
    assert sizes == {row["g"]: int(row["n"]) for row in bindings(counted)}


def test_curl_default_accept_gets_the_service_description(client):
    response = client.get("/sparql", headers={"accept": "*/*"})
    assert response.headers["content-type"].startswith("text/turtle")


def test_browsers_get_the_query_page_with_local_assets(client):
    browser_accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    page = client.get("/sparql", headers={"accept": browser_accept})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "<textarea" in page.text and "Countries" in page.text  # the stored example
    assert "PREFIX kgo: &lt;https://mini.example.org/ontology/&gt;" in page.text
    assert "https://" not in "".join(
        line for line in page.text.splitlines() if "<script src" in line or "stylesheet" in line
    )
    for asset in ("query.js", "sparql-highlight.js", "query.css"):
        assert client.get(f"/static/{asset}").status_code == 200


# --- limits ----------------------------------------------------------------------------


def test_timeout_stops_the_work_and_cheap_queries_still_answer(server, client):
    outcome: dict[str, object] = {}

    def heavy() -> None:
        started = time.monotonic()
        response = client.get("/sparql", params={"query": RUNAWAY}, timeout=30)
        outcome["elapsed"] = time.monotonic() - started
        outcome["response"] = response

    thread = threading.Thread(target=heavy)
    thread.start()
    time.sleep(0.5)
    started = time.monotonic()
    cheap = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert cheap.status_code == 200
    assert time.monotonic() - started < 1.0
    thread.join()

    response = outcome["response"]
    assert response.status_code == 503
    assert response.headers["retry-after"]
    assert "time limit" in response.json()["message"]
    assert outcome["elapsed"] < TIMEOUT + 2

    time.sleep(0.5)  # the killed worker is gone; its replacement is idle
    before = cpu_seconds(server.process.pid)
    time.sleep(1.0)
    assert cpu_seconds(server.process.pid) - before < 0.3


def test_a_worker_killed_mid_query_is_a_500_named_in_the_log(server, client):
    """A worker that dies mid-query (here SIGKILL from outside, as the kernel's OOM killer
    sends): the client gets 500 at once, the log says how the worker ended, and the next
    query gets a live worker."""
    outcome: dict[str, httpx.Response] = {}
    thread = threading.Thread(
        target=lambda: outcome.setdefault("response", client.get(
            "/sparql", params={"query": RUNAWAY}, timeout=30)))  # fmt: skip
    thread.start()
    time.sleep(0.3)
    worker = busiest_descendant(server.process.pid)
    os.kill(worker, signal.SIGKILL)
    thread.join()
    response = outcome["response"]
    assert response.status_code == 500
    assert "engine stopped" in response.json()["message"]
    assert server.log is not None
    eventually(lambda: f"query worker {worker} stopped while running a query (signal SIGKILL)"
               in server.log.read_text(), True)  # fmt: skip
    assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).status_code == 200


def test_result_over_max_rows_is_an_error_not_a_cut(client):
    query = "SELECT * WHERE { ?s ?p ?o }"  # about 60 rows > MAX_ROWS
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 400
    assert f"more than {MAX_ROWS} rows" in response.json()["message"]
    within = client.get("/sparql", params={"query": query + f" LIMIT {MAX_ROWS}"})
    assert len(bindings(within)) == MAX_ROWS


def test_large_results_arrive_whole(server):
    """Results of megabytes, several at once: the worker writes each while the server
    reads it, piece by piece (once read in one go on a non-blocking socket, which
    failed half-way as if the engine had died)."""
    doublings = "".join(f" BIND (CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(14))
    query = f'SELECT ?n ?v14 WHERE {{ VALUES ?n {{ {" ".join(map(str, range(MAX_ROWS)))} }}' \
            f' BIND (CONCAT("0123456789", STR(?n)) AS ?v0){doublings} }}'  # fmt: skip

    def fetch() -> list[int]:
        with server.client() as http:
            response = http.get("/sparql", params={"query": query},
                                headers={"Accept": "application/sparql-results+json"})  # fmt: skip
        assert response.status_code == 200, response.text[:300]
        return sorted(len(row["v14"]) for row in bindings(response))

    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: fetch(), range(8)))
    expected = sorted(len(f"0123456789{n}") * 2**14 for n in range(MAX_ROWS))
    assert answers == [expected] * 8


def test_oversized_body_gets_413(client):
    query = "ASK {}" + " " * (MAX_BODY + 10)
    response = client.post("/sparql", data={"query": query})
    assert response.status_code == 413


def test_cors_preflight_for_a_direct_post(client):
    response = client.options(
        "/sparql",
        headers={
            "origin": "https://yasgui.example",
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "content-type" in response.headers["access-control-allow-headers"].lower()
    simple = client.get(
        "/sparql", params={"query": "ASK {}"}, headers={"origin": "https://yasgui.example"}
    )
    assert simple.headers["access-control-allow-origin"] == "*"


def test_large_responses_are_gzipped(client):
    response = client.get(
        "/sparql",
        params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 40"},
        headers={"accept-encoding": "gzip"},
    )
    assert response.headers["content-encoding"] == "gzip"
    assert len(bindings(response)) == 40


class _CountingHandler(BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self):
        type(self).hits += 1
        self.send_response(200)
        self.end_headers()

    do_POST = do_GET

    def log_message(self, *args):
        pass


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <{listener}> { ?s ?p ?o } }",
        "select * where { service silent <{listener}> { ?s ?p ?o } }",
        "SELECT * WHERE { \\u0053ERVICE <{listener}> { ?s ?p ?o } }",
        "PREFIX l: <{listener}> SELECT * WHERE { SERVICE l: { ?s ?p ?o } }",
        "SELECT * WHERE { BIND(<{listener}> AS ?e) SERVICE ?e { ?s ?p ?o } }",
    ],
)
def test_service_outside_the_allowlist_is_refused_before_any_request(client, query):
    listener = HTTPServer(("127.0.0.1", 0), _CountingHandler)
    _CountingHandler.hits = 0
    threading.Thread(target=listener.serve_forever, daemon=True).start()
    try:
        target = f"http://127.0.0.1:{listener.server_address[1]}/sparql"
        response = client.get("/sparql", params={"query": query.replace("{listener}", target)})
        assert response.status_code in (400, 403)
        time.sleep(0.2)
        assert _CountingHandler.hits == 0
    finally:
        listener.shutdown()
        listener.server_close()


def test_json_error_body_is_one_shape(client):
    response = client.get("/sparql", params={"query": "SELECT ?x WHERE {"})
    body = response.json()
    assert body["error"] == "malformed-query"
    json.dumps(body)


def test_deep_nesting_is_refused_fast_and_the_server_survives(mini_server):
    """Regression: ~2,500 nested braces crash pyoxigraph's whole process."""
    with mini_server.client() as client:
        for depth in (2_500, 100_000):
            query = "SELECT * WHERE " + "{" * depth + "}" * depth
            started = time.monotonic()
            response = client.post("/sparql", data={"query": query})
            assert response.status_code == 400
            assert "nests brackets" in response.json()["message"]
            assert time.monotonic() - started < 2
        assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200


def test_moderate_nesting_still_runs(client):
    query = "SELECT * WHERE " + "{" * 150 + "}" * 150
    assert client.post("/sparql", data={"query": query}).status_code == 200
