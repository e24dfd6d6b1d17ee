"""A separate Oxigraph server (the `oxigraph` package from PyPI) federates into our endpoint."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import REPO, start_server, stop_server
from tests.servers import oxigraph_server

COUNTRY = "https://mini.example.org/ontology/Country"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@pytest.fixture
def oxigraph(tmp_path):
    with oxigraph_server(tmp_path / "oxigraph") as url:
        yield url


def test_service_call_from_oxigraph_server_returns_our_data(oxigraph, mini_server):
    query = f"""SELECT ?country ?label WHERE {{
      SERVICE <{mini_server.url}/sparql> {{ ?country a <{COUNTRY}> ; <{LABEL}> ?label }}
    }} ORDER BY ?label"""
    response = httpx.post(
        f"{oxigraph}/query",
        content=query,
        headers={
            "content-type": "application/sparql-query",
            "accept": "application/sparql-results+json",
        },
        timeout=30,
    )
    assert response.status_code == 200, response.text
    labels = [row["label"]["value"] for row in response.json()["results"]["bindings"]]
    assert labels == ["Atlantis", "Lemuria"]


def test_allowlisted_service_is_called_through_our_endpoint(oxigraph, mini_store, mini_project):
    remote = f"{oxigraph}/query"
    loaded = httpx.post(
        f"{oxigraph}/store?default",
        content=b'<http://remote.example/x> <http://remote.example/says> "hello from afar" .',
        headers={"content-type": "application/n-triples"},
    )
    assert loaded.status_code in (200, 201, 204), loaded.text
    server = start_server(mini_project, env={"KG_SERVICE_ALLOWLIST": remote})
    try:
        pattern = "?x <http://remote.example/says> ?said"
        query = f"SELECT ?said WHERE {{ SERVICE <{remote}> {{ {pattern} }} }}"
        with server.client() as client:
            response = client.get("/sparql", params={"query": query})
            description = client.get("/sparql", headers={"accept": "text/turtle"}).text
        assert response.status_code == 200, response.text
        assert response.json()["results"]["bindings"][0]["said"]["value"] == "hello from afar"
        assert "BasicFederatedQuery" in description
    finally:
        stop_server(server)


WD, WDT = "http://www.wikidata.org/entity/", "http://www.wikidata.org/prop/direct/"
DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"
# a tiny Wikidata-like extract, in the shape of Wikidata's direct claims
WIKIDATA_EXTRACT = f"""\
<{WD}Q148> <{WDT}P1082> "1409670000"^^<{DECIMAL}> .
<{WD}Q148> <{WDT}P36> <{WD}Q956> .
<{WD}Q30> <{WDT}P1082> "340110988"^^<{DECIMAL}> .
<{WD}Q22686> <{WDT}P39> <{WD}Q11696> .
""".encode()


def test_stored_federated_query_joins_our_graph_with_a_wikidata_stand_in(
    oxigraph, seed_store, seed_outputs
):
    remote = f"{oxigraph}/query"
    loaded = httpx.post(
        f"{oxigraph}/store?default",
        content=WIKIDATA_EXTRACT,
        headers={"content-type": "application/n-triples"},
    )
    assert loaded.status_code in (200, 201, 204), loaded.text
    stored = (REPO / "sparql/federated/wikidata-country-facts.rq").read_text(encoding="utf-8")
    query = stored.replace("<https://query.wikidata.org/sparql>", f"<{remote}>")
    env = {f"KG_{k.upper()}": v for k, v in seed_outputs.items()}
    server = start_server(REPO, env=env | {"KG_SERVICE_ALLOWLIST": remote})
    try:
        with server.client() as client:
            response = client.post("/sparql", data={"query": query})
    finally:
        stop_server(server)
    assert response.status_code == 200, response.text
    rows = {
        row["label"]["value"]: row.get("population", {}).get("value")
        for row in response.json()["results"]["bindings"]
    }
    assert rows["China"] == "1409670000"
    assert rows["United States"] == "340110988"
    assert rows["Mexico"] is None  # linked, but not in the extract: OPTIONAL keeps the row
