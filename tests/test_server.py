"""`kg serve` as a real process on loopback: health and the minimal SPARQL endpoint."""

import json

from rdflib import Graph


def test_healthz_reports_the_served_version(mini_server, mini_store):
    with mini_server.client() as client:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["version"] == mini_store.info.version


def test_ask_via_get(mini_server):
    with mini_server.client() as client:
        response = client.get("/sparql", params={"query": "ASK {}"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    assert response.headers["vary"] == "Accept"
    assert json.loads(response.text) == {"head": {}, "boolean": True}


def test_select_via_form_post_and_direct_post(mini_server):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://mini.example.org/ontology/Country> }"
    with mini_server.client() as client:
        form = client.post("/sparql", data={"query": query}, headers={"accept": "text/csv"})
        direct = client.post(
            "/sparql", content=query, headers={"content-type": "application/sparql-query"}
        )
    assert form.text == "n\r\n2\r\n"
    assert direct.json()["results"]["bindings"][0]["n"]["value"] == "2"


def test_construct_negotiates_rdf(mini_server):
    query = "CONSTRUCT WHERE { ?s a <https://mini.example.org/ontology/Country> }"
    with mini_server.client() as client:
        response = client.get("/sparql", params={"query": query}, headers={"accept": "text/turtle"})
    assert response.headers["content-type"].startswith("text/turtle")
    assert len(Graph().parse(data=response.text, format="turtle")) == 2


def test_errors_have_the_right_status(mini_server):
    with mini_server.client() as client:
        bad = client.get("/sparql", params={"query": "SELEKT"})
        missing = client.get("/sparql")
        unacceptable = client.get(
            "/sparql", params={"query": "ASK {}"}, headers={"accept": "image/png"}
        )
        wrong_type = client.post(
            "/sparql", content="ASK {}", headers={"content-type": "text/plain"}
        )
    assert bad.status_code == 400 and "1:" in bad.json()["message"]
    assert missing.status_code == 400
    assert unacceptable.status_code == 406 and "text/csv" in unacceptable.json()["message"]
    assert wrong_type.status_code == 415
