"""Hostile query text and request lines: deep nesting, invalid UTF-8, lone surrogates,
NUL bytes, a URL too long for the HTTP parser, a body too large. Each gets a 400-range
answer with a JSON error (or, where the input is legal, a correct answer); never a
500, a dropped connection or a dead server.

Also covered elsewhere, not repeated here: 2,500 and 100,000 nested braces in a form
POST (tests/serve/test_sparql.py::test_deep_nesting_is_refused_fast_and_the_server_survives),
invalid UTF-8 in a direct POST body (tests/serve/test_sparql.py::test_protocol_errors) and
a body over max_body (tests/serve/test_sparql.py::test_oversized_body_gets_413).
"""

from __future__ import annotations

import json
import time

import pytest

from tests.security.conftest import MAX_BODY, assert_alive, raw_request

JSON = {"Accept": "application/sparql-results+json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def assert_json_error(response, status: int, code: str | None = None) -> dict:
    assert response.status == status, (response.status, response.body[:300])
    assert response.headers["content-type"].startswith("application/json")
    body = json.loads(response.body)
    assert set(body) <= {"error", "message", "hint"} and body["message"]
    if code:
        assert body["error"] == code, body
    return body


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("braces, GET", "SELECT * WHERE " + "{" * 2_500 + "}" * 2_500),
        ("parentheses", "ASK { FILTER(" + "(" * 2_500 + "1" + ")" * 2_500 + ") }"),
        ("brackets", "ASK { ?s ?p " + "[ ?p " * 2_500 + "1" + " ]" * 2_500 + " }"),
        # regression: a prefixed name's escaped quote hid the braces from the nesting count
        ("hidden after a name", "PREFIX ex: <http://e.example/> SELECT * WHERE { BIND(ex:a\\' AS"
         " ?x) " + "{" * 2_500 + "}" * 2_500 + " FILTER(?x != 'x') }"),
        ("hidden after a CR comment", "SELECT * WHERE { # \r" + "{" * 2_500 + "}" * 2_500 + "}"),
    ],
)  # fmt: skip
def test_deep_nesting_is_refused_fast_in_every_form(server, client, name, query):
    started = time.monotonic()
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 400, response.text
    assert "nests brackets" in response.json()["message"]
    assert time.monotonic() - started < 2
    direct = client.post(
        "/sparql", content=query, headers={"content-type": "application/sparql-query"}
    )
    assert direct.status_code == 400
    assert_alive(server)


@pytest.mark.parametrize(
    ("name", "target"),
    [
        ("in a comment", b"/sparql?query=ASK%20%7B%7D%20%23%ff%fe"),
        ("in a string", b"/sparql?query=ASK%20%7B%20FILTER(%22%ff%fe%22%20!%3D%20%22%22)%7D"),
        ("CESU-8 surrogate", b"/sparql?query=ASK%7B%20FILTER(%22%ed%a0%80%22%20!%3D%20%22%22)%7D"),
        ("overlong encoding", b"/sparql?query=ASK%20%7B%7D%20%23%c0%ae"),
        ("in another parameter", b"/sparql?query=ASK%20%7B%7D&format=%ff"),
    ],
)  # fmt: skip
def test_invalid_utf8_in_the_query_string_is_a_400(server, name, target):
    """Regression: the bytes were replaced by U+FFFD and a query nobody sent ran (200)."""
    body = assert_json_error(raw_request(server, target), 400, "bad-request")
    assert "UTF-8" in body["message"]


@pytest.mark.parametrize(
    "body",
    [b"query=ASK%20%7B%7D%20%23%ff%fe", b"query=ASK%20%7B%7D%20%23%ed%a0%80",
     b"query=ASK+%7B%7D+%23\xff\xfe", b"query=ASK+%7B%7D&x=\xc0\xae"],
)  # fmt: skip
def test_invalid_utf8_in_a_form_body_is_a_400(server, body):
    response = raw_request(server, "/sparql", method="POST", body=body, headers=FORM)
    assert "UTF-8" in assert_json_error(response, 400, "bad-request")["message"]


@pytest.mark.parametrize("body", [b"ASK {} #\xed\xa0\x80", b'ASK { FILTER("\xc0\xae" != "") }'])
def test_invalid_utf8_in_a_direct_post_is_a_400(server, body):
    response = raw_request(server, "/sparql", method="POST", body=body,
                           headers={"Content-Type": "application/sparql-query"})  # fmt: skip
    assert "UTF-8" in assert_json_error(response, 400, "bad-request")["message"]


def test_raw_bytes_in_the_request_line_are_refused(server):
    """Bytes outside ASCII are not allowed in a request target at all (RFC 9112 §3.2):
    uvicorn's parser answers 400 before the app sees the request."""
    response = raw_request(server, b"/sparql?query=ASK%20%7B%7D%20%23\xff\xfe")
    assert response.status == 400
    assert_alive(server)


@pytest.mark.parametrize("accept", ["application/sparql-results+json",
                                    "application/sparql-results+xml", "text/csv",
                                    "text/tab-separated-values"])  # fmt: skip
def test_a_lone_surrogate_escape_in_a_string_is_a_400(client, accept):
    query = 'SELECT ?x WHERE { BIND("a\\ud800b" AS ?x) }'
    response = client.get("/sparql", params={"query": query}, headers={"accept": accept})
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "malformed-query"


def test_a_nul_byte_outside_a_string_is_a_400(client):
    response = client.get("/sparql", params={"query": "ASK {\x00}"})
    assert response.status_code == 400
    assert response.json()["error"] == "malformed-query"
    response = client.post("/sparql", content=b"ASK \x00{}",
                           headers={"content-type": "application/sparql-query"})  # fmt: skip
    assert response.status_code == 400


@pytest.mark.parametrize("text", ["a\x00b", "a\\u0000b", "\\u0001\\u001f\\u007f"])
def test_control_characters_in_a_string_are_answered_escaped(client, text):
    """Legal in SPARQL strings: JSON escapes them, CSV and TSV carry them."""
    query = f'SELECT ?x WHERE {{ BIND("{text}" AS ?x) }}'
    expected = text.encode().decode("unicode_escape")
    response = client.get("/sparql", params={"query": query}, headers=JSON)
    assert response.status_code == 200, response.text
    assert response.json()["results"]["bindings"][0]["x"]["value"] == expected
    for accept in ("text/csv", "text/tab-separated-values"):
        other = client.get("/sparql", params={"query": query}, headers={"accept": accept})
        assert other.status_code == 200, (accept, other.text)
        assert expected in other.text


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        ('SELECT ?x WHERE { BIND("a\\u0000b" AS ?x) }', "application/sparql-results+xml"),
        ('SELECT ?x WHERE { BIND("a\\u0008b" AS ?x) }', "application/sparql-results+xml"),
        ('CONSTRUCT { <urn:x:s> <urn:x:p> "a\\u0001b" } WHERE {}', "application/rdf+xml"),
    ],
)
def test_control_characters_xml_cannot_carry_are_a_400_not_broken_xml(client, query, accept):
    """Regression: the XML answer held a raw U+0000, which no XML parser reads."""
    response = client.get("/sparql", params={"query": query}, headers={"accept": accept})
    assert response.status_code == 400, response.text
    assert "XML" in response.json()["message"] and "JSON" in response.json()["hint"]
    fine = client.get("/sparql", params={"query": query.replace("\\u000", "\\u004")},
                      headers={"accept": accept})  # fmt: skip
    assert fine.status_code == 200


def test_a_100_kb_query_string_is_414(server):
    query = "ASK { FILTER(" + " || ".join(["true"] * 20_000) + ") }"  # about 160 KB encoded
    target = "/sparql?query=" + query.replace(" ", "%20").replace("|", "%7C").replace("{", "%7B")
    target = target.replace("}", "%7D")
    assert len(target) > 100_000
    response = raw_request(server, target, headers={"Accept": "application/json"})
    body = assert_json_error(response, 414, "uri-too-long")
    assert "POST" in body["hint"]
    assert_alive(server)


def test_a_query_just_under_max_url_still_runs(client):
    padding = "#" + "x" * 30_000 + "\n"
    response = client.get("/sparql", params={"query": padding + "ASK {}"})
    assert response.status_code == 200, response.text


def test_a_query_too_long_for_a_url_runs_by_post(client):
    query = "ASK { FILTER(" + " || ".join(["true"] * 5_000) + ") }"  # 40 KB
    response = client.post("/sparql", content=query,
                           headers={"content-type": "application/sparql-query"})  # fmt: skip
    assert response.status_code == 200, response.text
    assert client.get("/sparql", params={"query": query}).status_code == 414


def test_a_declared_oversized_body_is_413_before_it_is_sent(server):
    """Only the headers go out: the server answers from Content-Length alone."""
    started = time.monotonic()
    response = raw_request(
        server, "/sparql", method="POST",
        headers={"Content-Type": "application/sparql-query",
                 "Content-Length": str(MAX_BODY * 1000)},
    )  # fmt: skip
    assert_json_error(response, 413, "content-too-large")
    assert time.monotonic() - started < 2
    assert_alive(server)
