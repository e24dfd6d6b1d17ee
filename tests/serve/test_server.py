"""`kg serve` as a real process on loopback: health, and following a new build."""

from kg.build.pipeline import build
from tests.conftest import eventually


def test_healthz_reports_the_served_version(mini_server, mini_store):
    with mini_server.client() as client:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["version"] == mini_store.info.version


def test_a_new_build_is_served_without_restart(mini_server, mini_settings, mini_project):
    query = {"query": "SELECT ?l WHERE { ?c a <https://mini.example.org/ontology/Country> ; "
             "<http://www.w3.org/2000/01/rdf-schema#label> ?l }"}  # fmt: skip
    entities = mini_project / "data/entities.ttl"
    with mini_server.client() as client:
        assert len(client.get("/sparql", params=query).json()["results"]["bindings"]) == 2

        def labels() -> int:
            return len(client.get("/sparql", params=query).json()["results"]["bindings"])

        with entities.open("a", encoding="utf-8") as out:
            out.write(
                '<https://mini.example.org/id/country/mu> a kgo:Country ; rdfs:label "Mu" .\n'
            )
        build(mini_settings, progress=False)
        assert eventually(labels, 3) == 3
