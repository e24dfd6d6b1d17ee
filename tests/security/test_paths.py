"""Pages, static files and dumps: no request path reaches a file outside what is served,
every echoed value is HTML-escaped, and very long paths are refused cleanly."""

from __future__ import annotations

import html
from urllib.parse import quote

import pytest

from tests.security.conftest import BROWSER, assert_alive, assert_no_file_content, raw_request

TRAVERSALS = [
    "../../../../etc/passwd",
    "%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "..%2f..%2f..%2f..%2fetc%2fpasswd",
    "%252e%252e%252f%252e%252e%252fetc%252fpasswd",
    "..\\..\\..\\..\\etc\\passwd",
    "..%5c..%5c..%5c..%5cetc%5cpasswd",
    "%c0%ae%c0%ae/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
    "%c0%ae%c0%ae%c0%af%c0%ae%c0%ae%c0%afetc%c0%afpasswd",
    "../../pyproject.toml",
    "%2e%2e/%2e%2e/kg.toml",
    "..%2f..%2fkg.toml",
    "../kg.toml%00.ttl",
    "kg.toml%00",
    "/etc/passwd",
    "%2fetc%2fpasswd",
    "....//....//etc/passwd",
    ".%2e/.%2e/kg.toml",
]
PREFIXES = ["/dumps/", "/static/", "/id/", "/id/country/", "/ontology/", "/"]
TWINS = ["", ".ttl", ".html", ".jsonld", ".nt", ".rdf"]


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("attack", TRAVERSALS)
def test_no_path_reaches_a_file(server, prefix, attack):
    for twin in TWINS:
        target = prefix + attack + twin
        response = raw_request(server, target, headers={"Accept": "*/*"})
        assert response.status in (400, 404), (target, response.status, response.body[:200])
        assert_no_file_content(response.body, target)


def test_traversal_from_the_root_and_doubled_slashes(server):
    for target in ("//etc/passwd", "///etc/passwd", "/..", "/../", "/%2e%2e",
                   "/static/..", "/static/%2e%2e/app.py", "/static//etc/passwd",
                   "/static/../app.py", "/dumps//../kg.toml"):  # fmt: skip
        response = raw_request(server, target)
        assert response.status in (400, 404), (target, response.status, response.body[:200])
        assert_no_file_content(response.body, target)
        assert b"create_app" not in response.body  # the package's own source
    assert_alive(server)


@pytest.mark.parametrize("path", ["/id/%ff", "/id/%c0%ae", "/id/%01", "/id/a%7f.ttl",
                                  "/ontology/%ed%a0%80", "/id/%ef%bf%bf.html"])  # fmt: skip
def test_a_path_that_decodes_to_no_iri_is_404_not_500(server, path):
    """Regression: U+FFFD (from invalid UTF-8) or a control character reached pyoxigraph,
    which refused the IRI, and the page answered 500."""
    for accept in ("*/*", BROWSER):
        assert raw_request(server, path, headers={"Accept": accept}).status == 404


@pytest.mark.parametrize("size", [10_000, 100_000])
def test_very_long_paths_are_refused_cleanly(server, size):
    for prefix in ("/id/", "/dumps/", "/static/", "/sparql/"):
        response = raw_request(server, prefix + "a" * size, headers={"Accept": BROWSER})
        assert response.status in (404, 414), (prefix, size, response.status)
    assert_alive(server)


XSS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "'><svg onload=alert(1)>"]


def xss_requests(payload: str) -> list[tuple[str, dict[str, str]]]:
    """Every route, with the payload where a value could be echoed."""
    q = quote(payload, safe="")
    return [
        (f"/{q}", {}),
        (f"/id/{q}", {}),
        (f"/id/{q}.html", {}),
        (f"/id/country/{q}.ttl", {}),
        (f"/ontology/{q}", {}),
        (f"/dumps/{q}", {}),
        (f"/static/{q}", {}),
        (f"/id/country/atlantis.html?x={q}", {}),
        (f"/id/country/atlantis?format={q}", {}),
        (f"/sparql?query={q}", {}),
        (f"/sparql?query=SELECT%20*%20WHERE%20%7B%20{q}%20%7D", {}),
        (f"/sparql?query=ASK%20%7B%7D&format={q}", {}),
        (f"/sparql?query=ASK%20%7B%7D&default-graph-uri={q}", {}),
        (f"/sparql?query=ASK%20%7B%7D&named-graph-uri={q}", {}),
        (f"/sparql?query=SELECT%20*%20WHERE%20%7B%20SERVICE%20%3Chttp%3A%2F%2Fx%2F{q}%3E%20%7B%7D%20%7D",
         {}),
        (f"/sparql?update={q}", {}),
        (f"/sparql?{q}={q}", {}),
        (f"/dumps/?format={q}", {}),
        (f"/.well-known/void?format={q}", {}),
        (f"/reconcile?query={q}", {}),
        (f"/reconcile?queries={q}", {}),
        (f"/reconcile?callback={q}&query=x", {}),
        (f"/reconcile/preview?id={q}", {}),
        (f"/reconcile/suggest/{q}", {}),
        (f"/reconcile/suggest/entity?prefix={q}&cursor={q}", {}),
        ("/id/country/atlantis", {"Accept": payload}),
        ("/sparql?query=ASK%20%7B%7D", {"Accept": payload}),
        ("/sparql", {"Accept": f"text/html, {payload}"}),
    ]  # fmt: skip


@pytest.mark.parametrize("payload", XSS)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_echoed_values_are_escaped(server, payload, method):
    for target, extra in xss_requests(payload):
        headers = {"Accept": BROWSER} | extra
        body = b""
        if method == "POST":
            path, _, query = target.partition("?")
            target, body = path, query.encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        response = raw_request(server, target, method=method, headers=headers, body=body)
        assert response.status < 500, (target, response.status, response.body[:300])
        assert payload.encode() not in response.body, (target, response.status, response.body)
        assert html.escape(payload, quote=False).encode() not in response.body.replace(
            html.escape(payload).encode(), b""
        ), target  # half-escaped: quotes left raw inside an attribute


def test_a_post_query_with_a_payload_is_escaped_on_the_error_page(client):
    for payload in XSS:
        response = client.post("/sparql", content=f"SELECT * WHERE {{ {payload} }}",
                               headers={"content-type": "application/sparql-query",
                                        "accept": BROWSER})  # fmt: skip
        assert response.status_code == 400
        assert payload not in response.text
