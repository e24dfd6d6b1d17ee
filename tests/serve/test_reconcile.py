"""The Reconciliation Service API through the real server, with OpenRefine-shaped requests."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

ONTOLOGY = "https://kg.example.org/ontology/"
COUNTRY = f"{ONTOLOGY}Country"
PERSON = f"{ONTOLOGY}Person"


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
    assert COUNTRY in [t["id"] for t in answer["q1"]["result"][0]["type"]]


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
    assert [t["id"] for t in types["result"]] == [COUNTRY]  # not schema:Country, its superclass
    assert properties["result"][0]["id"] == "http://www.w3.org/2002/07/owl#sameAs"


def test_flyouts_follow_the_manifest(seed_server):
    """Each suggest service names a flyout service, and it answers for what it suggested."""
    with seed_server.client() as client:
        suggest = client.get("/reconcile").json()["suggest"]
        same_as = "http://www.w3.org/2002/07/owl#sameAs"
        for kind, wanted in (("entity", "substance/fentanyl"), ("property", same_as),
                             ("type", COUNTRY)):  # fmt: skip
            path = suggest[kind]["flyout_service_path"].replace("${id}", quote(wanted, safe=""))
            answer = client.get(suggest[kind]["service_url"] + path)
            assert answer.status_code == 200, (kind, answer.text)
            assert answer.json()["id"] == wanted and "<strong" in answer.json()["html"]
        fentanyl = client.get("/reconcile/flyout/entity", params={"id": "substance/fentanyl"})
        assert "Wikidata" in fentanyl.json()["html"]
        missing = client.get("/reconcile/flyout/entity", params={"id": "country/atlantis"})
        assert missing.status_code == 404
        assert client.get("/reconcile/flyout/colour", params={"id": "x"}).status_code == 404


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


SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"


def test_json_body_of_the_1_0_draft_is_answered_in_order(seed_server):
    batch = {"queries": [
        {"conditions": [{"matchType": "name", "propertyValue": "China"}], "limit": 2},
        {"conditions": [{"matchType": "name", "propertyValue": "Trump"},
                        {"matchType": "property", "propertyId": SAME_AS,
                         "propertyValue": ["Q22686"], "required": False}]},
        {"type": COUNTRY, "conditions": [{"matchType": "name", "propertyValue": "Mexico"}]},
    ]}  # fmt: skip
    with seed_server.client() as client:
        response = client.post("/reconcile", json=batch)
        plain_trump = reconcile(client, {"q0": {"query": "Trump"}})["q0"]["result"][0]
    assert response.status_code == 200, response.text
    china, trump, mexico = response.json()["results"]
    assert [c["id"] for c in china["candidates"]][:1] == ["country/china"]
    assert len(china["candidates"]) <= 2
    assert trump["candidates"][0]["score"] > plain_trump["score"]  # the property condition
    assert [c["id"] for c in mexico["candidates"]] == ["country/mexico"]


def test_json_body_with_0_2_named_queries(seed_server):
    with seed_server.client() as client:
        response = client.post("/reconcile", json={"queries": {"q0": {"query": "fentanyl"}}})
    assert response.status_code == 200, response.text
    assert response.json()["q0"]["result"][0]["id"] == "substance/fentanyl"


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ("{not json", "the request body is not valid JSON"),
        ("[1, 2]", "an object with a 'queries' member"),
        ('{"query": "China"}', "an object with a 'queries' member"),
        ('{"queries": 3}', "'queries' must be a JSON object of named queries"),
        ('{"queries": "{oops"}', "'queries' is not valid JSON"),
        ('{"queries": [7]}', "query queries[0]: a query must be a JSON object"),
        ('{"queries": [{"conditions": []}]}', "query queries[0]: 'conditions' must be"),
        ('{"queries": [{"conditions": [{"matchType": "id", "propertyValue": "x"}]}]}',
         "each condition must be"),
        ('{"queries": [{"conditions": [{"matchType": "name", "propertyValue": "a"}]}, '
         '{"conditions": [{"matchType": "property", "propertyValue": "x"}]}]}',
         "query queries[1]: each condition must be"),
        ('{"queries": {"q0": {"query": "x"}, "q1": {"query": "x", "limit": "many"}}}',
         "query q1: 'limit' must be a positive whole number"),
        ('{"queries": {"q0": {"query": "x", "limit": -2}}}', "'limit' must be a positive"),
    ],
)  # fmt: skip
def test_malformed_json_body_is_a_400_naming_the_fault(seed_server, body, said):
    with seed_server.client() as client:
        response = client.post(
            "/reconcile", content=body, headers={"Content-Type": "application/json"}
        )
    assert response.status_code == 400, response.text
    assert said in response.json()["message"]


def test_a_body_of_another_type_is_refused_not_ignored(seed_server):
    """It used to be read as no parameters at all, and answered with the manifest."""
    with seed_server.client() as client:
        response = client.post(
            "/reconcile", content='{"queries": {}}', headers={"Content-Type": "text/plain"}
        )
    assert response.status_code == 415
    assert "application/json" in response.json()["hint"]


@pytest.mark.parametrize(
    "wanted",
    [
        COUNTRY,
        "Country",
        {"id": COUNTRY, "name": "country"},
        [COUNTRY],
        [{"id": COUNTRY, "name": "country"}],
        ["https://kg.example.org/ontology/Substance", {"id": COUNTRY}],
    ],
)
def test_type_as_string_object_or_list(seed_server, wanted):
    with seed_server.client() as client:
        answer = reconcile(client, {"q0": {"query": "China", "type": wanted}})
        single = client.get("/reconcile", params={"query": json.dumps(
            {"query": "China", "type": wanted})}).json()  # fmt: skip
    assert [r["id"] for r in answer["q0"]["result"]] == ["country/china"]
    assert [r["id"] for r in single["result"]] == ["country/china"]


@pytest.mark.parametrize("wanted", [None, "", []])
def test_no_type_means_any_type(seed_server, wanted):
    with seed_server.client() as client:
        answer = reconcile(client, {"q0": {"query": "China", "type": wanted}})
    assert "government/china" in [r["id"] for r in answer["q0"]["result"]]


@pytest.mark.parametrize("wanted", [5, {"name": "country"}, [COUNTRY, 5], [{"id": 1}]])
def test_a_type_without_an_id_is_a_400(seed_server, wanted):
    with seed_server.client() as client:
        response = client.post(
            "/reconcile", data={"queries": json.dumps({"q0": {"query": "x", "type": wanted}})}
        )
    assert response.status_code == 400
    assert "'type' must be" in response.json()["message"]


ENDPOINTS = [
    ("GET", "/reconcile", {}),
    ("GET", "/reconcile", {"query": "Mexico"}),
    ("GET", "/reconcile", {"queries": json.dumps({"q0": {"query": "Mexico"}})}),
    ("POST", "/reconcile", {"queries": json.dumps({"q0": {"query": "Mexico"}})}),
    ("JSON", "/reconcile", {"queries": [
        {"conditions": [{"matchType": "name", "propertyValue": "Mexico"}]}]}),
    ("GET", "/reconcile/suggest/entity", {"prefix": "mex"}),
    ("GET", "/reconcile/suggest/type", {"prefix": "coun"}),
    ("GET", "/reconcile/suggest/property", {"prefix": "same"}),
    ("GET", "/reconcile/flyout/entity", {"id": "country/mexico"}),
    ("GET", "/reconcile/flyout/type", {"id": COUNTRY}),
]  # fmt: skip


def send(client, method: str, path: str, params: dict, callback: str | None = None):
    query = {"callback": callback} if callback is not None else {}
    if method == "JSON":
        return client.post(path, json=params, params=query)
    if method == "POST":
        return client.post(path, data=params, params=query)
    return client.get(path, params={**params, **query})


@pytest.mark.parametrize(("method", "path", "params"), ENDPOINTS)
def test_jsonp_on_every_json_endpoint(seed_server, method, path, params):
    with seed_server.client() as client:
        plain = send(client, method, path, params).json()
        wrapped = send(client, method, path, params, callback="jQuery36_17.done")
    assert wrapped.status_code == 200, wrapped.text
    assert wrapped.headers["content-type"].startswith("application/javascript")
    assert wrapped.text.startswith("jQuery36_17.done(") and wrapped.text.endswith(");")
    assert json.loads(wrapped.text[len("jQuery36_17.done(") : -2]) == plain


def test_jsonp_preview_carries_the_html_card(seed_server):
    with seed_server.client() as client:
        html = client.get("/reconcile/preview", params={"id": "country/china"}).text
        wrapped = client.get("/reconcile/preview", params={"id": "country/china", "callback": "cb"})
    assert wrapped.headers["content-type"].startswith("application/javascript")
    assert json.loads(wrapped.text[3:-2]) == {"id": "country/china", "html": html}


@pytest.mark.parametrize(
    "callback", ["alert(1)//", "cb;alert(1)", "1cb", "a..b", "a.", "cb\u2028", "é", "x" * 65]
)
@pytest.mark.parametrize(
    ("method", "path", "params"),
    [*ENDPOINTS, ("GET", "/reconcile/preview", {"id": "country/china"})],
)
def test_unsafe_callback_is_a_400_everywhere(seed_server, method, path, params, callback):
    with seed_server.client() as client:
        response = send(client, method, path, params, callback=callback)
    assert response.status_code == 400
    assert "callback" in response.json()["message"]


def test_no_empty_descriptions(seed_server):
    """Results and suggestions said ``"description": ""`` for every entity without a comment."""
    queries = ["China", "Trump", "fentanyl", "tariff", "Ministry", "Beijing"]
    with seed_server.client() as client:
        answer = reconcile(client, {q: {"query": q, "limit": 10} for q in queries})
        suggested = {
            kind: [
                hit
                for cursor in range(0, 200, 20)
                for hit in client.get(f"/reconcile/suggest/{kind}", params={"cursor": cursor})
                .json()["result"]
            ]
            for kind in ("entity", "type", "property")
        }  # fmt: skip
    results = [r for query in answer.values() for r in query["result"]]
    hits = [hit for kind in suggested.values() for hit in kind]
    assert all(r.get("description", "absent").strip() for r in [*results, *hits])
    by_id = {r["id"]: r for r in results}
    assert by_id["government/china"]["description"].startswith("The speaker behind")  # comment
    assert "country" in by_id["country/china"]["description"]  # else what it is
    assert "description" not in by_id["topic/tariff"]  # an unlabelled skos:Concept: nothing
    described = [h["id"] for h in suggested["entity"] if "description" in h]
    assert len(suggested["entity"]) > 20  # every entity, over two pages
    assert [h["id"] for h in suggested["entity"] if not h["id"].startswith("topic/")] == described


def test_every_default_type_has_a_name(seed_server):
    with seed_server.client() as client:
        types = client.get("/reconcile").json()["defaultTypes"]
    assert types and len({t["id"] for t in types}) == len(types)
    for t in types:
        assert t["name"].strip() and t["name"] != t["id"], t
    assert {"id": COUNTRY, "name": "country"} in types


def test_default_types_are_our_own_most_specific_classes_each_once(seed_server):
    """With superclass types in the data, defaultTypes listed ~22 types, Person three times
    (kgo:, foaf:, schema:, prov:…) and every superclass (agent, place) beside it."""
    with seed_server.client() as client:
        types = client.get("/reconcile").json()["defaultTypes"]
    names = [t["name"].casefold() for t in types]
    assert len(set(names)) == len(names), names
    assert all(t["id"].startswith(ONTOLOGY) for t in types), types
    assert {"id": PERSON, "name": "person"} in types
    assert f"{ONTOLOGY}Agent" not in [t["id"] for t in types]  # only a superclass here


def test_a_person_is_shown_as_a_person_not_an_agent(seed_server):
    with seed_server.client() as client:
        found = reconcile(client, {"q0": {"query": "Donald Trump"}})["q0"]["result"][0]
        preview = client.get("/reconcile/preview", params={"id": "person/donald-trump"}).text
        china = client.get("/reconcile/preview", params={"id": "country/china"}).text
        suggested = client.get("/reconcile/suggest/type", params={"prefix": "pers"}).json()
    assert found["id"] == "person/donald-trump"
    assert found["type"] == [{"id": PERSON, "name": "person"}]
    assert found["description"] == "person"  # no comment: what it is, once
    assert '<span style="color:#666">person</span>' in preview
    assert '<span style="color:#666">country</span>' in china  # not "Place, country, place…"
    assert [t["id"] for t in suggested["result"]] == [PERSON]


@pytest.mark.parametrize(
    "wanted",
    [f"{ONTOLOGY}Agent", "Agent", "https://schema.org/Person", "http://www.w3.org/ns/prov#Agent"],
)
def test_a_type_filter_reads_superclass_types_too(seed_server, wanted):
    """Only the most specific types are shown, but a query for agents still finds people."""
    with seed_server.client() as client:
        answer = reconcile(client, {"q0": {"query": "Donald Trump", "type": wanted}})
    assert answer["q0"]["result"][0]["id"] == "person/donald-trump"
