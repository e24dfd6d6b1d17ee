"""Corrections and retractions through the real server: the corrected resource's notice,
the 410 of what a correction withdrew or a retraction removed (a page, RDF by Accept or
twin, the JSON error body), the retracted article's banner, and the records' own pages.

Two projects, each released as curators do: the seed with a second story, corrected
(one label changed, one statement withdrawn) and released; the other also retracted
and released again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS

from tests.conftest import LiveServer, links_in, start_server, stop_server
from tests.release.lifecycle import (
    BASE,
    CORRECTED,
    EARLIER_LABEL,
    REASON,
    STORY,
    STORY_IRI,
    WITHDRAWN,
    correct,
    retract_story,
)
from tests.release.test_incremental_release import ARTICLES, release, two_stories

PROV = Namespace("http://www.w3.org/ns/prov#")
DATE_TIME = URIRef("http://www.w3.org/2001/XMLSchema#dateTime")
HTML = "text/html,application/xhtml+xml,*/*;q=0.8"
CORRECTION_1 = f"{STORY_IRI}/correction-1"  # changed CORRECTED's label
CORRECTION_2 = f"{STORY_IRI}/correction-2"  # withdrew WITHDRAWN
RETRACTION = f"{STORY_IRI}/retraction"
EVIDENCE = f"{STORY_IRI}/s1"
RDF_ANSWERS = {
    "ttl": ("text/turtle", "turtle"),
    "jsonld": ("application/ld+json", "json-ld"),
    "nt": ("application/n-triples", "nt"),
    "rdf": ("application/rdf+xml", "xml"),
}


def path(iri: str) -> str:
    return "/" + iri.removeprefix(BASE)


def corrected_project(root: Path) -> Path:
    """The second story corrected and released; the label's correction cites a sentence."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        project = two_stories(root, monkeypatch)
        correct(project)
        graph = project / ARTICLES / STORY / "graph.ttl"
        with graph.open("a", encoding="utf-8") as out:
            out.write("\nart:correction-1 kgo:evidence art:s1 .\n")
        release(project)
    return project


@pytest.fixture(scope="module")
def corrected(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = start_server(corrected_project(tmp_path_factory.mktemp("corrected")))
    yield live
    stop_server(live)


@pytest.fixture(scope="module")
def retracted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    project = corrected_project(tmp_path_factory.mktemp("retracted"))
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1741737600")
        retract_story(project)
        release(project)
    live = start_server(project)
    yield live
    stop_server(live)


def get(server: LiveServer, iri_path: str, accept: str | None = None) -> httpx.Response:
    with server.client() as client:
        return client.get(iri_path, headers={"accept": accept} if accept else {})


def tombstone(response: httpx.Response, syntax: str) -> Graph:
    assert response.status_code == 410, response.text
    assert "Accept" in response.headers["vary"]
    return Graph().parse(data=response.text, format=syntax)


def test_the_corrected_statement_says_when_and_what_it_was(corrected: LiveServer):
    page = get(corrected, path(CORRECTED) + ".html", HTML)
    assert page.status_code == 200
    assert "<strong>Corrected on 2025-03-14:</strong>" in page.text
    assert f"<q>{EARLIER_LABEL}</q>" in page.text
    assert 'Earlier <a href="http://www.w3.org/2000/01/rdf-schema#label">label</a>' in page.text
    assert "The story now says the two countries disagree" in page.text
    links = links_in(page.text)
    assert path(CORRECTION_1) in links and path(EVIDENCE) in links  # the record, the notice


def test_a_withdrawn_statement_answers_410_with_a_page_naming_its_correction(
    corrected: LiveServer,
):
    page = get(corrected, path(WITHDRAWN), HTML)
    assert page.status_code == 410 and page.headers["content-type"].startswith("text/html")
    assert "Accept" in page.headers["vary"]
    text = page.text
    assert "<h1>Gone: The US and China are the world&#39;s two largest economies</h1>" in text
    assert "Withdrawn by a correction on 2025-03-14:" in text
    assert "The story no longer calls the US and China the two largest economies." in text
    assert 'Removed by <a href="/changes">release 2</a>' in text
    links = links_in(text)
    assert path(CORRECTION_2) in links and "/ontology/Statement" in links
    assert any(link.startswith("/changes/000002-") for link in links)  # the patch
    assert path(WITHDRAWN) + ".ttl" in links  # the tombstone for machines
    twin = get(corrected, path(WITHDRAWN) + ".html", "*/*")
    assert twin.status_code == 410 and "Withdrawn by a correction" in twin.text


@pytest.mark.parametrize("extension", RDF_ANSWERS)
@pytest.mark.parametrize("by", ["accept", "twin"])
def test_a_withdrawn_statement_answers_its_tombstone_as_rdf(corrected: LiveServer, extension,
                                                            by):  # fmt: skip
    media_type, syntax = RDF_ANSWERS[extension]
    if by == "accept":
        answer = get(corrected, path(WITHDRAWN), media_type)
    else:
        answer = get(corrected, f"{path(WITHDRAWN)}.{extension}", "*/*")
    assert answer.headers["content-type"].startswith(media_type)
    graph = tombstone(answer, syntax)
    node = URIRef(WITHDRAWN)
    assert graph.value(node, PROV.wasInvalidatedBy) == URIRef(CORRECTION_2)
    assert graph.value(node, RDFS.label) == Literal(
        "The US and China are the world's two largest economies"
    )
    assert (node, RDF.type, URIRef(f"{BASE}ontology/Statement")) in graph
    assert graph.value(node, PROV.invalidatedAtTime).datatype == DATE_TIME
    assert str(graph.value(node, RDFS.seeAlso)).startswith(f"{BASE}dataset/release/")


@pytest.mark.parametrize(
    ("iri_path", "accept"),
    [
        (path(WITHDRAWN), "application/json"),
        (path(WITHDRAWN), None),
        (path(WITHDRAWN), "image/png"),  # nothing offered fits: the error body, not a 406
        (path(WITHDRAWN) + ".ttl", "application/json"),
    ],
)
def test_json_clients_still_get_the_error_body(corrected: LiveServer, iri_path, accept):
    answer = get(corrected, iri_path, accept)
    assert answer.status_code == 410
    body = answer.json()
    assert body["error"] == "gone"
    assert "removed from this dataset by release 2" in body["message"]


def test_the_410_is_never_kept_by_the_response_cache(corrected: LiveServer):
    with corrected.client() as client:
        before = client.get("/healthz").json()["cache"]["entries"]
        answers = [client.get(path(WITHDRAWN) + ".ttl") for _ in range(2)]
        after = client.get("/healthz").json()["cache"]["entries"]
    assert [a.status_code for a in answers] == [410, 410]
    assert after == before


def test_the_correction_has_its_own_page(corrected: LiveServer):
    page = get(corrected, path(CORRECTION_1) + ".html", HTML)
    assert page.status_code == 200
    assert "<h1>Correction of the talks statement</h1>" in page.text
    assert "2025-03-14" in page.text and EARLIER_LABEL in page.text
    links = links_in(page.text)
    assert path(CORRECTED) in links and path(STORY_IRI) in links  # what it corrects, whose


def test_after_the_retraction_a_statement_answers_410_naming_it(retracted: LiveServer):
    page = get(retracted, path(CORRECTED), HTML)
    assert page.status_code == 410
    assert f"<strong>Retracted on 2025-04-02:</strong> {REASON}" in page.text
    assert "by release 3" in page.text and path(RETRACTION) in links_in(page.text)
    graph = tombstone(get(retracted, path(CORRECTED), "text/turtle"), "turtle")
    assert graph.value(URIRef(CORRECTED), PROV.wasInvalidatedBy) == URIRef(RETRACTION)
    assert get(retracted, path(CORRECTED), "application/json").json()["error"] == "gone"


def test_the_retracted_article_shows_a_banner_and_still_answers(retracted: LiveServer):
    page = get(retracted, path(STORY_IRI) + ".html", HTML)
    assert page.status_code == 200
    text = page.text
    banner = text.index(f"<strong>Retracted on 2025-04-02:</strong> {REASON}")
    assert text.index("<h1>") < banner < text.index("<h2>")  # at the top
    assert path(RETRACTION) in links_in(text)
    assert "sentence by sentence" not in text  # its text left with its facts
    assert get(retracted, path(STORY_IRI), HTML).status_code == 303


def test_the_retraction_has_its_own_page(retracted: LiveServer):
    page = get(retracted, path(RETRACTION) + ".html", HTML)
    assert page.status_code == 200
    assert REASON in page.text and "2025-04-02" in page.text
    assert path(STORY_IRI) in links_in(page.text)


def test_a_withdrawn_iri_whose_correction_was_retracted_too(retracted: LiveServer):
    """Release 2 removed it for a correction that release 3 removed with the article."""
    page = get(retracted, path(WITHDRAWN), HTML)
    assert page.status_code == 410
    assert "by release 2" in page.text
    assert "Correction of the economies statement" in page.text
    assert "release 3</a> removed in turn" in page.text
    graph = tombstone(get(retracted, path(WITHDRAWN), "text/turtle"), "turtle")
    assert graph.value(URIRef(WITHDRAWN), PROV.wasInvalidatedBy) == URIRef(CORRECTION_2)
    assert get(retracted, path(CORRECTION_2), "application/json").status_code == 410
