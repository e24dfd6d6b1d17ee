"""Every error the server can be made to answer, as JSON and as a page: none shows a
traceback, an exception class, the engine's name or a path on the server."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from tests.security.conftest import (
    BROWSER,
    MAX_BODY,
    QUERY_TIMEOUT,
    assert_alive,
    assert_no_leak,
    raw_request,
)

# five patterns over the mini data: minutes of work, stopped at the time limit
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
ASK = "/sparql?query=ASK%20%7B%7D"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {"Content-Type": "application/sparql-query"}


def form(**params: str) -> bytes:
    return urlencode(params).encode()


# (name, method, target, headers, body, expected status)
ERRORS = [
    ("syntax error", "GET", "/sparql?query=SELECT%20*%20WHERE%20%7B%20%3Fs%20%3Fp%20%7D", {}, b"",
     400),
    ("syntax error, direct POST", "POST", "/sparql", DIRECT, b"SELECT * WHERE { ?s ?p }", 400),
    ("syntax error in an IRI", "POST", "/sparql", DIRECT, b"SELECT * WHERE { <a b> ?p ?o }", 400),
    ("bad escape", "POST", "/sparql", DIRECT, b'SELECT * WHERE { BIND("\\ud800" AS ?x) }', 400),
    ("bad codepoint", "POST", "/sparql", DIRECT, b"SELECT * WHERE { BIND(<\\U0011FFFF> AS ?x) }",
     400),
    ("bad language tag", "POST", "/sparql", DIRECT, b'ASK { FILTER("a"@123 = "") }', 400),
    ("bad datatype IRI", "POST", "/sparql", DIRECT, b'ASK { FILTER("a"^^<http://[x> = "") }', 400),
    ("unknown prefix", "POST", "/sparql", DIRECT, b"SELECT * WHERE { ?s nope:x ?o }", 400),
    ("undefined variable", "POST", "/sparql", DIRECT, b"SELECT ?x (COUNT(*) AS ?x) {}", 400),
    ("nesting", "POST", "/sparql", DIRECT, b"ASK " + b"{" * 300 + b"}" * 300, 400),
    ("NUL", "POST", "/sparql", DIRECT, b"ASK {\x00}", 400),
    ("invalid UTF-8", "POST", "/sparql", DIRECT, b"ASK {} #\xff", 400),
    ("invalid UTF-8 in the query string", "GET", "/sparql?query=%ff", {}, b"", 400),
    ("two queries", "GET", ASK + "&query=ASK%7B%7D", {}, b"", 400),
    ("no query", "POST", "/sparql", FORM, b"x=1", 400),
    ("query and update", "POST", "/sparql", FORM, form(query="ASK {}", update="CLEAR ALL"), 400),
    ("format naming nothing, Accept neither", "GET", ASK + "&format=png",
     {"Accept": "image/png"}, b"", 406),
    ("graph that is no IRI", "GET", ASK + "&default-graph-uri=not-an-iri", {}, b"", 400),
    ("named graph that is no IRI", "GET", ASK + "&named-graph-uri=%01", {}, b"", 400),
    ("control character XML cannot carry", "GET",
     "/sparql?query=SELECT%20*%20%7B%20BIND(%22%5Cu0000%22%20AS%20%3Fx)%20%7D&format=xml", {},
     b"", 400),
    ("406 on the endpoint", "GET", ASK, {"Accept": "image/png"}, b"", 406),
    ("406 on a page", "GET", "/id/country/atlantis", {"Accept": "image/png"}, b"", 406),
    ("406 on the dumps", "GET", "/dumps/", {"Accept": "image/png"}, b"", 406),
    ("404 page", "GET", "/id/country/nowhere", {}, b"", 404),
    ("404 twin", "GET", "/id/country/nowhere.ttl", {}, b"", 404),
    ("404 outside the base", "GET", "/nothing/here", {}, b"", 404),
    ("404 dump", "GET", "/dumps/nothing.ttl", {}, b"", 404),
    ("404 static", "GET", "/static/nothing.css", {}, b"", 404),
    ("404 preview", "GET", "/reconcile/preview?id=nothing", {}, b"", 404),
    ("404 suggest", "GET", "/reconcile/suggest/nothing", {}, b"", 404),
    ("405 on the endpoint", "DELETE", "/sparql", {}, b"", 405),
    ("405 on a page", "PUT", "/id/country/atlantis", {}, b"", 405),
    ("405 on the dumps", "POST", "/dumps/", FORM, b"x=1", 405),
    ("413", "POST", "/sparql", FORM, b"query=" + b"a" * (MAX_BODY + 1), 413),
    ("413 declared", "POST", "/sparql", DIRECT | {"Content-Length": str(MAX_BODY * 10)}, b"", 413),
    ("413 on reconcile", "POST", "/reconcile", FORM, b"queries=" + b"a" * (MAX_BODY + 1), 413),
    ("414", "GET", "/sparql?query=" + "a" * 40_000, {}, b"", 414),
    ("414 on a page", "GET", "/id/" + "a" * 40_000, {}, b"", 414),
    ("415", "POST", "/sparql", {"Content-Type": "text/plain"}, b"ASK {}", 415),
    ("415 without a type", "POST", "/sparql", {}, b"ASK {}", 415),
    ("403 update by GET", "GET", "/sparql?update=CLEAR%20ALL", {}, b"", 403),
    ("403 update by form", "POST", "/sparql", FORM, form(update="DROP ALL"), 403),
    ("403 update by direct POST", "POST", "/sparql", {"Content-Type": "application/sparql-update"},
     b"LOAD <file:///etc/passwd>", 403),
    ("update as a query", "POST", "/sparql", DIRECT, b"INSERT DATA { <a:a> <a:b> <a:c> }", 400),
    ("403 SERVICE", "POST", "/sparql", DIRECT,
     b"SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", 403),
    ("403 SERVICE variable", "POST", "/sparql", DIRECT,
     b"SELECT * WHERE { SERVICE ?e { ?s ?p ?o } }", 403),
    ("reconcile: bad JSON", "GET", "/reconcile?queries=%7Bnope", {}, b"", 400),
    ("reconcile: not an object", "GET", "/reconcile?queries=%5B1%5D", {}, b"", 400),
    ("reconcile: no query string", "POST", "/reconcile", FORM,
     form(queries='{"q": {"query": 1}}'), 400),
    ("reconcile: bad limit", "GET",
     "/reconcile?queries=%7B%22q%22%3A%7B%22query%22%3A%22a%22%2C%22limit%22%3A%22x%22%7D%7D", {},
     b"", 400),
    ("reconcile: infinite limit", "POST", "/reconcile", FORM,
     form(queries='{"q": {"query": "a", "limit": Infinity}}'), 400),
    ("reconcile: bad type", "POST", "/reconcile", FORM,
     form(queries='{"q": {"query": "a", "type": 5}}'), 400),
    ("reconcile: bad properties", "POST", "/reconcile", FORM,
     form(queries='{"q": {"query": "a", "properties": 5}}'), 400),
    ("reconcile: deep JSON", "POST", "/reconcile", FORM, b"queries=" + b"%5B" * 20_000, 400),
    ("reconcile: bad callback", "GET", "/reconcile?query=a&callback=alert(1)", {}, b"", 400),
    ("reconcile: bad cursor", "GET", "/reconcile/suggest/entity?cursor=x", {}, b"", 400),
    ("reconcile: no id", "GET", "/reconcile/preview", {}, b"", 400),
    ("reconcile: invalid UTF-8", "POST", "/reconcile", FORM, b"query=%ff", 400),
]  # fmt: skip


@pytest.mark.parametrize("accept", ["application/json", BROWSER])
@pytest.mark.parametrize(("name", "method", "target", "headers", "body", "status"), ERRORS,
                         ids=[e[0] for e in ERRORS])  # fmt: skip
def test_error_bodies_leak_nothing(server, name, method, target, headers, body, status, accept):
    headers = {"Accept": accept} | headers
    response = raw_request(server, target, method=method, headers=headers, body=body)
    assert response.status == status, (name, response.status, response.body[:300])
    assert_no_leak(response.body, name)
    if accept == "application/json":  # Starlette's own 404 and 405 included
        document = json.loads(response.body)
        assert set(document) <= {"error", "message", "hint"}, document
        assert document["error"] and document["message"]
    if status == 405:
        assert response.headers["allow"]


def test_a_timeout_body_leaks_nothing(server):
    for accept in ("application/sparql-results+json", BROWSER):
        response = raw_request(
            server, "/sparql", method="POST", headers=DIRECT | {"Accept": accept},
            body=RUNAWAY.encode(), timeout=QUERY_TIMEOUT + 10,
        )  # fmt: skip
        assert response.status == 503
        assert response.headers["retry-after"]
        assert_no_leak(response.body, "timeout")
    assert_alive(server)
