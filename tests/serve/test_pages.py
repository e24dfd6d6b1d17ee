"""Dereferencing through the real server: 303 to twins, every format, caching, HTML pages."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef

from tests.conftest import built_mini_server, links_in

BASE = "https://mini.example.org/"
RESOURCES = {
    "entity": "id/country/atlantis",
    "article": "id/article/first-article",
    "sentence": "id/article/first-article/s1",
    "statement": "id/article/first-article/claim-1",
    "ontology term": "ontology/Country",
    "ontology": "ontology",
    "shape": "shapes/ClaimShape",
    "shapes": "shapes",
}
TWINS = {
    "ttl": ("text/turtle", "turtle"),
    "jsonld": ("application/ld+json", "json-ld"),
    "nt": ("application/n-triples", "nt"),
    "rdf": ("application/rdf+xml", "xml"),
}
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with built_mini_server(tmp_path_factory, "pages") as live:
        yield live


@pytest.mark.parametrize("kind", RESOURCES)
@pytest.mark.parametrize(
    ("accept", "extension"),
    [
        (BROWSER, "html"),
        ("text/turtle", "ttl"),
        ("application/ld+json", "jsonld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "rdf"),
        ("application/rdf+xml;q=0.9, text/turtle;q=0.5", "rdf"),
        ("text/turtle;q=0.5, application/ld+json", "jsonld"),
        ("*/*", "html"),
        (None, "html"),
    ],
)
def test_iri_answers_303_to_the_negotiated_twin(client, kind, accept, extension):
    path = "/" + RESOURCES[kind]
    headers = {"accept": accept} if accept else {}
    response = client.get(path, headers=headers)
    assert response.status_code == 303
    assert response.headers["location"] == f"{path}.{extension}"
    assert "Accept" in response.headers["vary"]


@pytest.mark.parametrize("kind", RESOURCES)
@pytest.mark.parametrize("extension", TWINS)
def test_every_rdf_twin_parses_and_keeps_canonical_iris(client, kind, extension):
    media_type, parser = TWINS[extension]
    response = client.get(f"/{RESOURCES[kind]}.{extension}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    graph = Graph().parse(data=response.content, format=parser)
    iri = URIRef(BASE + RESOURCES[kind])
    assert (iri, None, None) in graph or (None, None, iri) in graph
    assert "127.0.0.1" not in response.text  # RDF keeps the canonical IRIs


@pytest.mark.parametrize("kind", RESOURCES)
def test_html_twin_links_through_the_serving_origin(client, kind):
    response = client.get(f"/{RESOURCES[kind]}.html")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    hrefs = links_in(response.text)
    assert not [h for h in hrefs if h.startswith(BASE)]  # canonical IRIs are not followed
    assert "/" in hrefs


def test_406_for_nothing_acceptable(client):
    response = client.get("/id/country/atlantis", headers={"accept": "image/png"})
    assert response.status_code == 406
    assert "text/turtle" in response.json()["message"]


def test_unknown_iri_is_404_json_for_programs_and_html_for_browsers(client):
    program = client.get("/id/country/nowhere", headers={"accept": "text/turtle"})
    assert program.status_code == 404 and program.json()["error"] == "not-found"
    browser = client.get("/id/country/nowhere.ttl", headers={"accept": BROWSER})
    assert browser.status_code == 404
    assert browser.headers["content-type"].startswith("text/html")
    assert "Not found" in browser.text


def test_head_etag_and_last_modified(client):
    head = client.head("/id/country/atlantis.ttl")
    assert head.status_code == 200 and head.content == b""
    etag, modified = head.headers["etag"], head.headers["last-modified"]
    again = client.get("/id/country/atlantis.ttl", headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
    since = client.get("/id/country/atlantis.ttl", headers={"if-modified-since": modified})
    assert since.status_code == 304
    other = client.get("/id/country/atlantis.html", headers={"if-none-match": etag})
    assert other.status_code == 200  # each twin has its own validator


def test_cors_on_rdf(client):
    response = client.get(
        "/id/country/atlantis.ttl", headers={"origin": "https://elsewhere.example"}
    )
    assert response.headers["access-control-allow-origin"] == "*"


def test_statement_page_quotes_its_evidence_and_links_to_its_place(client):
    page = client.get("/id/article/first-article/claim-1.html").text
    assert "Atlantis said it had done all it could." in page
    assert 'href="/id/article/first-article.html#s1"' in page
    assert 'href="/id/country/atlantis"' in page


def test_article_page_links_sentences_to_their_facts(client):
    page = client.get("/id/article/first-article.html").text
    assert 'id="s1"' in page and 'id="s3"' in page
    sentence_one = page.split('id="s1"', 1)[1].split('id="s2"', 1)[0]
    assert 'href="/id/article/first-article/claim-1"' in sentence_one


def test_entity_page_lists_incoming_links_and_embeds_schema_org(client):
    page = client.get("/id/country/atlantis.html").text
    assert "Linked from" in page and "/id/article/first-article/claim-1" in page
    assert '<script type="application/ld+json">' in page


def test_ontology_and_shapes_are_documented(client):
    ontology = client.get("/ontology.html").text
    assert "Classes" in ontology and 'id="Country"' in ontology and "Atlantis" in ontology
    shapes = client.get("/shapes.html").text
    assert "A claim needs an evidence sentence of its article." in shapes


def test_landing_page_orients(client):
    page = client.get("/", headers={"accept": BROWSER}).text
    for text in ("triples", "/sparql", "/ontology", "/dumps/", "First article", "Countries"):
        assert text in page


def test_traversal_and_odd_paths_are_404(client):
    for path in ("/id/../etc/passwd", "/id/%2e%2e/%2e%2e/etc/passwd", "/id/a%22b", "/nothing.ttl"):
        assert client.get(path).status_code == 404, path
