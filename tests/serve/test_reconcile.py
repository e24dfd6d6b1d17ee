"""The Reconciliation Service API through the real server, with OpenRefine-shaped requests."""

from __future__ import annotations

import json

import pytest

COUNTRY = "https://kg.example.org/ontology/Country"


def reconcile(client, queries: dict) -> dict:
    response = client.post("/reconcile", data={"queries": json.dumps(queries)})
    assert response.status_code == 200, response.text
    return response.json()


def test_manifest_describes_the_service(seed_server):
    with seed_server.client() as client:
        manifest = client.get("/reconcile").json()
    assert manifest["versions"] == ["0.2"]
    assert manifest["identifierSpace"] == "https://kg.example.org/id/"
    assert manifest["view"]["url"].endswith("/id/{{id}}")
    assert {"entity", "type", "property"} <= set(manifest["suggest"])
    assert any(t["id"] == COUNTRY for t in manifest["defaultTypes"])


@pytest.mark.parametrize(
    ("query", "expected", "match"),
    [
        ("People's Republic of China", "country/china", True),
        ("china", "country/china", True),
        ("Trump", "person/donald-trump", False),  # also the Trump administration: not certain
        ("Ministry of Public Security", "government-body/prc-ministry-of-public-security", True),
        ("fentanyl", "substance/fentanyl", True),
        ("Fentanil", "substance/fentanyl", True),  # a small typo
        ("PÉKIN", None, None),  # nothing close enough in English: no false match
    ],
)
def test_openrefine_batch_puts_the_right_entity_first(seed_server, query, expected, match):
    with seed_server.client() as client:
        answer = reconcile(client, {"q0": {"query": query, "limit": 3}})
    results = answer["q0"]["result"]
    assert len(results) <= 3
    if expected is None:
        assert not any(r["match"] for r in results)
        return
    assert results[0]["id"] == expected
    assert results[0]["match"] is match
    assert all(r["match"] is False for r in results[1:])


def test_type_filter_and_several_queries_at_once(seed_server):
    with seed_server.client() as client:
        answer = reconcile(client, {
            "q0": {"query": "China", "type": COUNTRY},
            "q1": {"query": "United States of America", "type": "Country"},
        })  # fmt: skip
    assert [r["id"] for r in answer["q0"]["result"]] == ["country/china"]
    assert answer["q1"]["result"][0]["id"] == "country/united-states"
    assert answer["q1"]["result"][0]["type"][0]["id"] == COUNTRY


def test_property_values_break_ties(seed_server):
    with seed_server.client() as client:
        plain = reconcile(client, {"q0": {"query": "Trump"}})
        with_link = reconcile(client, {"q0": {"query": "Trump", "properties": [
            {"pid": "http://www.w3.org/2002/07/owl#sameAs", "v": "Q22686"}]}})  # fmt: skip
    assert with_link["q0"]["result"][0]["score"] > plain["q0"]["result"][0]["score"]


def test_preview_shows_the_external_links(seed_server):
    with seed_server.client() as client:
        page = client.get("/reconcile/preview", params={"id": "country/china"})
        missing = client.get("/reconcile/preview", params={"id": "country/atlantis"})
    assert page.status_code == 200
    assert "http://www.wikidata.org/entity/Q148" in page.text
    assert "http://dbpedia.org/resource/China" in page.text
    assert missing.status_code == 404


def test_suggest_services(seed_server):
    with seed_server.client() as client:
        entities = client.get("/reconcile/suggest/entity", params={"prefix": "fent"}).json()
        types = client.get("/reconcile/suggest/type", params={"prefix": "coun"}).json()
        properties = client.get("/reconcile/suggest/property", params={"prefix": "same"}).json()
    assert entities["result"][0]["id"] == "substance/fentanyl"
    assert [t["id"] for t in types["result"]] == [COUNTRY]
    assert properties["result"][0]["id"] == "http://www.w3.org/2002/07/owl#sameAs"


def test_view_url_dereferences(seed_server):
    with seed_server.client() as client:
        manifest = client.get("/reconcile").json()
        url = manifest["view"]["url"].replace("{{id}}", "country/china")
        assert client.get(url, follow_redirects=True).status_code == 200


def test_single_query_jsonp_and_bad_input(seed_server):
    with seed_server.client() as client:
        single = client.get("/reconcile", params={"query": "Mexico"}).json()
        jsonp = client.get("/reconcile", params={"query": "Mexico", "callback": "cb"})
        bad = client.post("/reconcile", data={"queries": "{not json"})
        bad_callback = client.get("/reconcile", params={"query": "x", "callback": "alert(1)//"})
    assert single["result"][0]["id"] == "country/mexico"
    assert jsonp.text.startswith("cb(") and jsonp.headers["content-type"].startswith(
        "application/javascript"
    )
    assert bad.status_code == 400 and "not valid JSON" in bad.json()["message"]
    assert bad_callback.status_code == 400
