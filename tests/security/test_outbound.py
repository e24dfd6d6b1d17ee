"""No request makes the server reach out: SERVICE in every spelling, FROM and the
protocol's dataset parameters with file: and http: IRIs, LOAD in every transport, and
JSON-LD remote contexts (in /reconcile input and in a project's data). A loopback
listener counts every connection; it must count none, and no file may show through.
"""

from __future__ import annotations

import json
import shutil

import httpx
import pytest

from tests.conftest import FIXTURES, run_kg
from tests.security.conftest import assert_alive, assert_no_file_content

# {L}: the listener's URL. Each is a legal query whose SERVICE must be refused (403).
SERVICE_QUERIES = {
    "plain": "SELECT * WHERE { SERVICE <{L}/sparql> { ?s ?p ?o } }",
    "lower case": "select * where { service <{L}/sparql> { ?s ?p ?o } }",
    "mixed case, silent": "SELECT * WHERE { SeRvIcE SiLeNt <{L}/sparql> { ?s ?p ?o } }",
    "no spaces": "SELECT * WHERE{SERVICE<{L}/sparql>{?s ?p ?o}}",
    "tab and newline": "SELECT * WHERE {\n\tSERVICE\n\t<{L}/sparql>\n{ ?s ?p ?o } }",
    "codepoint escape": "SELECT * WHERE { \\u0053ERVICE <{L}/sparql> { ?s ?p ?o } }",
    "long codepoint escape": "SELECT * WHERE { \\U00000053ERVICE <{L}/sparql> { ?s ?p ?o } }",
    "escaped IRI": "SELECT * WHERE { SERVICE <\\u0068ttp://{HOSTPORT}/sparql> { ?s ?p ?o } }",
    "variable from VALUES": "SELECT * WHERE { VALUES ?e { <{L}/sparql> } SERVICE ?e { ?s ?p ?o } }",
    "variable from BIND": "SELECT * WHERE { BIND(<{L}/sparql> AS ?e) SERVICE ?e { ?s ?p ?o } }",
    "prefixed name": "PREFIX l: <{L}/> SELECT * WHERE { SERVICE l:sparql { ?s ?p ?o } }",
    "relative to BASE": "BASE <{L}/> SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }",
    "in a subquery": "SELECT * WHERE { { SELECT * WHERE { SERVICE <{L}/sparql> { ?s ?p ?o } } } }",
    "in OPTIONAL": "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <{L}/sparql> { ?s ?p ?x } } }",
    "in UNION": "SELECT * WHERE { { ?s ?p ?o } UNION { SERVICE SILENT <{L}/sparql> {} } }",
    "in FILTER EXISTS": "ASK { FILTER EXISTS { SERVICE <{L}/sparql> { ?s ?p ?o } } }",
    "in MINUS": "SELECT * WHERE { ?s ?p ?o MINUS { SERVICE <{L}/sparql> { ?s ?p ?o } } }",
    "in CONSTRUCT": "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <{L}/sparql> { ?s ?p ?o } }",
    "in DESCRIBE": "DESCRIBE ?s WHERE { SERVICE <{L}/sparql> { ?s ?p ?o } }",
    "after a comment": "SELECT * WHERE { # a comment { ' \"\n SERVICE <{L}/sparql> { ?s ?p ?o } }",
    # each of these hid SERVICE from the endpoint's lexer, and Oxigraph then called out
    "after a comment ended by CR": "SELECT * WHERE { BIND(1 AS ?x) # note\r"
    " SERVICE <{L}/sparql> { ?s ?p ?o } }",
    "after a name with an escaped quote": "PREFIX ex: <http://e.example/> SELECT * WHERE "
    "{ BIND(ex:a\\' AS ?x) SERVICE <{L}/sparql> { ?s ?p ?o } FILTER(?o != 'x') }",
    "after a name with an escaped hash": "PREFIX ex: <http://e.example/> SELECT * WHERE "
    "{ BIND(ex:a\\# AS ?x) SERVICE <{L}/sparql> { ?s ?p ?o } }",
    "after an escaped quote in a string": 'SELECT * WHERE { BIND("x\\u0022 " AS ?x) '
    'SERVICE <{L}/sparql> { ?s ?p ?o } BIND(" " AS ?y) }',
}


def fill(query: str, listener) -> str:
    return query.replace("{L}", listener.url).replace("{HOSTPORT}", listener.url[7:])


def test_the_listener_counts_what_reaches_it(listener):
    """The control: a connection to the listener is counted, so zero means none was made."""
    httpx.get(listener.url + "/", timeout=5)
    assert listener.settled_hits() == 1


@pytest.mark.parametrize("transport", ["get", "form", "direct"])
@pytest.mark.parametrize("name", list(SERVICE_QUERIES))
def test_service_in_any_spelling_is_refused_before_any_request(client, listener, name, transport):
    query = fill(SERVICE_QUERIES[name], listener)
    if transport == "get":
        response = client.get("/sparql", params={"query": query})
    elif transport == "form":
        response = client.post("/sparql", data={"query": query})
    else:
        response = client.post(
            "/sparql", content=query, headers={"content-type": "application/sparql-query"}
        )
    assert response.status_code == 403, response.text
    assert response.json()["error"] == "refused"
    assert listener.settled_hits() == 0


@pytest.mark.parametrize(
    "query",
    [
        'SELECT ?x WHERE { BIND("SERVICE <{L}/sparql> { ?s ?p ?o }" AS ?x) }',
        "SELECT ?x WHERE { BIND('''SERVICE <{L}/sparql> {}''' AS ?x) }",
        "SELECT ?x WHERE { # SERVICE <{L}/sparql> { ?s ?p ?o }\n BIND(1 AS ?x) }",
        "PREFIX service: <{L}/> SELECT ?x WHERE { BIND(service:x AS ?x) }",
        "SELECT ?service WHERE { BIND(<{L}/sparql> AS ?service) }",
    ],
)
def test_the_word_service_in_strings_comments_and_names_is_not_a_call(client, listener, query):
    response = client.get("/sparql", params={"query": fill(query, listener)})
    assert response.status_code == 200, response.text
    assert listener.settled_hits() == 0


# --- the dataset: FROM, FROM NAMED, default-graph-uri, named-graph-uri -----------------

EXISTING, MISSING = "file:///etc/passwd", "file:///etc/kg-no-such-file"


def dataset_requests(iri: str) -> dict[str, dict]:
    """Every way a request can name ``iri`` as part of its dataset."""
    any_triple = "SELECT * WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
    return {
        "FROM": {"query": f"SELECT * FROM <{iri}> WHERE {{ ?s ?p ?o }}"},
        "FROM NAMED": {"query": f"SELECT * FROM NAMED <{iri}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"},
        "both": {"query": f"SELECT * FROM <{iri}> FROM NAMED <{iri}> WHERE {{ ?s ?p ?o }}"},
        "default-graph-uri": {"query": any_triple, "default-graph-uri": iri},
        "named-graph-uri": {"query": any_triple, "named-graph-uri": iri},
        "both parameters": {"query": any_triple, "default-graph-uri": iri, "named-graph-uri": iri},
    }


@pytest.mark.parametrize("way", list(dataset_requests(EXISTING)))
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_file_in_the_dataset_is_a_graph_name_and_never_read(client, way, method):
    """An existing and a missing file answer alike: nothing tells whether a file exists."""
    answers = []
    for iri in (EXISTING, MISSING):
        params = dataset_requests(iri)[way]
        if method == "GET":
            response = client.get("/sparql", params=params)
        else:
            response = client.post("/sparql", data=params)
        assert_no_file_content(response.text, f"{way} {iri}")
        answers.append((response.status_code, response.text.replace(iri, "IRI")))
    assert answers[0] == answers[1]
    assert answers[0][0] == 200  # an unknown graph is an empty one


@pytest.mark.parametrize("way", list(dataset_requests(EXISTING)))
def test_an_http_iri_in_the_dataset_is_never_fetched(client, listener, way):
    params = dataset_requests(listener.url + "/graph")[way]
    assert client.get("/sparql", params=params).status_code == 200
    assert client.post("/sparql", data=params).status_code == 200
    assert listener.settled_hits() == 0


# --- LOAD ------------------------------------------------------------------------------


@pytest.mark.parametrize("source", ["existing file", "missing file", "listener"])
@pytest.mark.parametrize("transport", ["get update", "get query", "form update", "form query",
                                       "sparql-update", "sparql-query"])  # fmt: skip
def test_load_is_refused_in_every_transport(client, listener, source, transport):
    iri = {"existing file": EXISTING, "missing file": MISSING, "listener": listener.url}[source]
    update = f"LOAD <{iri}> INTO GRAPH <urn:x:g>"
    name = "update" if "update" in transport else "query"
    if transport.startswith("get"):
        response = client.get("/sparql", params={name: update})
    elif transport.startswith("form"):
        response = client.post("/sparql", data={name: update})
    else:
        kind = f"application/{transport}"
        response = client.post("/sparql", content=update, headers={"content-type": kind})
    # an update sent as an update is refused (403); sent as a query it is no query (400)
    assert response.status_code == (403 if name == "update" else 400), response.text
    body = response.json()
    assert "read-only" in f"{body['message']} {body.get('hint') or ''}"
    assert_no_file_content(response.text, transport)
    assert listener.settled_hits() == 0


def test_load_answers_alike_for_an_existing_and_a_missing_file(client):
    answers = []
    for iri in (EXISTING, MISSING):
        response = client.get("/sparql", params={"update": f"LOAD <{iri}>"})
        answers.append((response.status_code, response.text.replace(iri, "IRI")))
    assert answers[0] == answers[1]


# --- JSON-LD remote contexts ------------------------------------------------------------


def test_reconcile_json_with_a_remote_context_fetches_nothing(client, listener, server):
    context = {"@context": f"{listener.url}/ctx", "query": "Atlantis"}
    batch = json.dumps({"q0": context, "q1": {"@context": [f"{listener.url}/ctx2"],
                                              "query": "Lemuria"}})  # fmt: skip
    answers = [
        client.post("/reconcile", data={"queries": batch}),
        client.get("/reconcile", params={"queries": batch}),
        client.get("/reconcile", params={"query": json.dumps(context)}),
    ]
    for response in answers:
        assert response.status_code == 200, response.text
    assert answers[0].json()["q0"]["result"][0]["name"] == "Atlantis"
    assert listener.settled_hits() == 0
    assert_alive(server)


def test_the_build_never_fetches_a_remote_context_or_import(tmp_path, listener):
    """The build reads Turtle only: a JSON-LD file with a remote context is not read at
    all, and ``owl:imports`` is not followed (pySHACL runs without ``do_owl_imports``)."""
    project = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", project, ignore=shutil.ignore_patterns(".kg"))
    remote = {"@context": f"{listener.url}/ctx", "@id": "https://mini.example.org/id/x",
              "name": "x"}  # fmt: skip
    for folder in (project / "data", project / "data/articles/first-article", project / "ontology"):
        (folder / "graph.jsonld").write_text(json.dumps(remote), encoding="utf-8")
    with (project / "ontology/mini.ttl").open("a", encoding="utf-8") as ontology:
        ontology.write(
            f"\n<https://mini.example.org/ontology> <http://www.w3.org/2002/07/owl#imports> "
            f"<{listener.url}/imported.ttl> .\n"
        )
    result = run_kg("build", "--project", project)
    assert result.returncode == 0, result.stderr
    assert listener.settled_hits() == 0


@pytest.mark.parametrize("where", ["violation query", "sh:sparql shape"])
def test_a_check_the_build_runs_may_not_call_out(tmp_path, listener, where):
    """Violation queries and SPARQL-based shapes read only the dataset being built."""
    project = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", project, ignore=shutil.ignore_patterns(".kg"))
    call = f"SERVICE <{listener.url}/sparql> {{ ?this ?p ?o }}"
    if where == "violation query":
        written = project / "sparql/calls-out-violation.rq"
        header = "# title: Calls out\n# description: asks another endpoint.\n"
        written.write_text(f"{header}SELECT ?focus WHERE {{ {call} BIND(?this AS ?focus) }}\n")
        shown = "sparql/calls-out-violation.rq"
    else:
        written = project / "shapes/mini-shapes.ttl"
        with written.open("a", encoding="utf-8") as shapes:
            shapes.write(
                "\n@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
                "<https://mini.example.org/shapes/CallsOut> a sh:NodeShape ;"
                " sh:targetNode <https://mini.example.org/id/x> ;"
                f' sh:sparql [ sh:select "SELECT $this WHERE {{ {call} }}" ] .\n'
            )
        shown = "shapes/mini-shapes.ttl"
    result = run_kg("build", "--project", project)
    assert result.returncode == 1, result.stderr
    assert f"{shown}: SERVICE is not allowed" in result.stderr
    assert "Traceback" not in result.stderr
    assert listener.settled_hits() == 0
