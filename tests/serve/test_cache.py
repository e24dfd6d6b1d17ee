"""The response cache: repeats are answered from memory with the same bytes and
validators, a rebuild changes every answer at once, and what is not a function of
the data is never kept."""

from __future__ import annotations

import httpx
from starlette.responses import Response

from kg.build.pipeline import build
from kg.serve.cache import ResponseCache, answer_is_fixed
from tests.conftest import eventually, start_server, stop_server

MINI = "https://mini.example.org/"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ATLANTIS = f"SELECT ?l WHERE {{ <{MINI}id/country/atlantis> <{LABEL}> ?l }}"
JSON = {"Accept": "application/sparql-results+json"}


def cache_of(client: httpx.Client) -> dict[str, int]:
    return client.get("/healthz").json()["cache"]


REPEATED = [
    ("/id/country/atlantis.ttl", {}, {}),
    ("/id/country/atlantis.html", {}, {}),
    ("/sparql", {"query": ATLANTIS}, JSON),
    ("/sparql", {}, {"Accept": "text/turtle"}),  # the service description
    ("/store", {"graph": f"{MINI}graph/entities"}, {}),
]


def test_a_repeat_is_a_hit_with_the_same_bytes_and_validators(mini_server):
    with mini_server.client() as client:
        for path, params, headers in REPEATED:
            first = client.get(path, params=params, headers=headers)
            before = cache_of(client)["hits"]
            again = client.get(path, params=params, headers=headers)
            assert first.status_code == again.status_code == 200, path
            assert again.content == first.content, path
            assert again.headers.get("etag") == first.headers.get("etag"), path
            assert again.headers["content-type"] == first.headers["content-type"], path
            assert cache_of(client)["hits"] == before + 1, path
        etag = client.get("/id/country/atlantis.ttl").headers["etag"]
        current = client.get("/id/country/atlantis.ttl", headers={"If-None-Match": etag})
        assert current.status_code == 304


def test_a_rebuild_changes_every_cached_answer_at_once(mini_server, mini_settings, mini_project):
    with mini_server.client() as client:
        document = client.get("/id/country/atlantis.ttl")
        result = client.get("/sparql", params={"query": ATLANTIS}, headers=JSON)
        assert "Atlantis" in document.text and "Atlantis" in result.text
        assert "Atlantis" in client.get("/id/country/atlantis.ttl").text  # now kept
        entities = mini_project / "data/entities.ttl"
        entities.write_text(entities.read_text().replace('"Atlantis"@en', '"Atlantida"@en'))
        build(mini_settings, progress=False)
        eventually(lambda: "Atlantida" in client.get("/id/country/atlantis.ttl").text, True)
        assert "Atlantida" in client.get("/sparql", params={"query": ATLANTIS}, headers=JSON).text
        assert "Atlantida" in client.get("/id/country/atlantis.html").text
        assert client.get("/id/country/atlantis.ttl").headers["etag"] != document.headers["etag"]


def test_answers_that_are_not_a_function_of_the_data_are_not_kept(mini_server):
    with mini_server.client() as client:
        for query in ("SELECT (NOW() AS ?t) WHERE {}", "SELECT (RAND() AS ?r) WHERE {}",
                      "SELECT (STRUUID() AS ?u) WHERE {}"):  # fmt: skip
            client.get("/sparql", params={"query": query}, headers=JSON)
            before = cache_of(client)
            client.get("/sparql", params={"query": query}, headers=JSON)
            assert cache_of(client)["hits"] == before["hits"], query
        client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x }"}, headers=JSON)  # an error
        entries = cache_of(client)["entries"]
        client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x }"}, headers=JSON)
        assert cache_of(client)["entries"] == entries


def test_cache_mb_zero_keeps_nothing(mini_store, mini_project):
    server = start_server(mini_project, "--cache-mb", "0")
    try:
        with server.client() as client:
            for _ in range(2):
                assert client.get("/id/country/atlantis.ttl").status_code == 200
            assert cache_of(client) == {"hits": 0, "misses": 0, "entries": 0, "bytes": 0}
    finally:
        stop_server(server)


def test_the_cache_stays_within_its_budget_least_recently_used_first():
    cache = ResponseCache(8_000)
    for number in range(10):
        cache.keep("v1", number, Response(b"x" * 900))
    assert cache.stats()["bytes"] <= 8_000
    assert cache.get("v1", 0) is None and cache.get("v1", 9) is not None
    cache.keep("v1", "big", Response(b"x" * 1_001))  # over an eighth of the budget
    assert cache.get("v1", "big") is None
    assert cache.get("v2", 9) is None and cache.stats()["entries"] == 0  # a new version


def test_which_queries_are_a_function_of_the_data():
    assert answer_is_fixed("SELECT * WHERE { ?s ?p ?o }")
    for changing in ("SELECT (now() AS ?t) {}", "SELECT (RAND ( ) AS ?r) {}",
                     "SELECT * { SERVICE <http://x/sparql> { ?s ?p ?o } }",
                     "SELECT (BNODE() AS ?b) {}"):  # fmt: skip
        assert not answer_is_fixed(changing), changing


def test_a_kept_answer_is_found_only_for_the_same_request(mini_server):
    """The key is the request as sent: another Accept, format= or dataset is another answer."""
    with mini_server.client() as client:
        nothing = f"{MINI}graph/nothing"
        asks = [({"query": ATLANTIS}, JSON),
                ({"query": ATLANTIS}, {"Accept": "text/csv"}),
                ({"query": ATLANTIS, "format": "xml"}, JSON),
                ({"query": ATLANTIS, "default-graph-uri": nothing}, JSON)]  # fmt: skip
        first = [client.get("/sparql", params=p, headers=h) for p, h in asks]
        again = [client.get("/sparql", params=p, headers=h) for p, h in asks]
        kinds = [r.headers["content-type"].split(";")[0] for r in first]
        assert kinds == [JSON["Accept"], "text/csv", "application/sparql-results+xml",
                         JSON["Accept"]]  # fmt: skip
        assert "Atlantis" in first[0].text and "Atlantis" not in first[3].text
        assert [r.content for r in again] == [r.content for r in first]
