"""The change feed through the real server: /changes as ActivityStreams 2.0 and Atom,
ETag/304, and each release's RDF Patch served by its listed name only."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import LiveServer, start_server, stop_server
from tests.projects import seed_project
from tests.release.test_incremental_release import SEED, copy_article, edit_label, release

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    root = seed_project(tmp_path_factory.mktemp("changes") / "project")
    copy_article(root, SEED, "second-story")
    release(root)
    edit_label(root)
    release(root)
    shutil.rmtree(root / "data/articles/second-story")  # release 3 removes an article
    release(root)
    live = start_server(Path(root))
    yield live
    stop_server(live)


def test_the_feed_lists_the_releases_newest_first(server: LiveServer):
    with server.client() as client:
        response = client.get("/changes")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/activity+json")
    feed = response.json()
    assert feed["type"] == "OrderedCollectionPage" and feed["partOf"]["totalItems"] == 3
    removal, edit, first = feed["orderedItems"]
    assert (edit["name"], edit["type"], first["type"]) == ("Release 2", "Update", "Create")
    story = "https://kg.example.org/id/article/second-story"
    assert {"href": story, "name": "changed", "type": "Link"} in edit["tag"]
    assert {"href": story, "name": "removed", "type": "Link"} in removal["tag"]
    assert "attachment" not in first  # nothing came before the first release


def test_each_patch_is_served_by_its_listed_name(server: LiveServer):
    with server.client() as client:
        patch = client.get("/changes").json()["orderedItems"][0]["attachment"]
        path = patch["href"].split("://", 1)[1].split("/", 1)[1]
        answer = client.get(f"/{path}")
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("application/rdf-patch")
        assert answer.text.startswith("H id <urn:kg:release:")
        assert client.get("/changes/000009-unknown.rdfp").status_code == 404
        assert client.get("/changes/..%2Fdataset.ttl").status_code == 404


def test_atom_and_conditional_requests(server: LiveServer):
    with server.client() as client:
        atom = client.get("/changes", headers={"accept": "application/atom+xml"})
        assert atom.headers["content-type"].startswith("application/atom+xml")
        entries = ElementTree.fromstring(atom.text).findall(f"{ATOM}entry")
        titles = [e.find(f"{ATOM}title").text for e in entries]
        assert titles == ["Release 3", "Release 2", "Release 1"]
        assert client.get("/changes?format=atom").text == atom.text
        etag = client.get("/changes").headers["etag"]
        assert client.get("/changes", headers={"if-none-match": etag}).status_code == 304


def test_the_landing_page_links_the_feed(server: LiveServer):
    with server.client() as client:
        page = client.get("/", headers={"accept": "text/html"}).text
    assert 'href="/changes"' in page


@pytest.mark.parametrize(
    "path",
    [
        "/id/article/second-story",
        "/id/article/second-story/statement/china-condemns-tariffs",
        "/id/article/second-story/statement/china-condemns-tariffs.ttl",
    ],
)
def test_an_iri_a_release_removed_answers_410_with_its_tombstone(server: LiveServer, path):
    with server.client() as client:
        answer = client.get(path, headers={"accept": "application/json"})
        page = client.get(path, headers={"accept": "text/html"})
    assert answer.status_code == 410 == page.status_code
    body = answer.json()
    assert body["error"] == "gone"
    assert "removed from this dataset by release 3" in body["message"]
    assert "/changes/" in body["hint"]
    assert "release 3" in page.text


def test_an_iri_never_in_the_dataset_is_still_404(server: LiveServer):
    with server.client() as client:
        assert client.get("/id/article/never-was").status_code == 404


def test_dcat_describes_each_release_and_its_previous_version(server: LiveServer):
    from rdflib import Graph, Namespace, URIRef

    dcat = Namespace("http://www.w3.org/ns/dcat#")
    with server.client() as client:
        graph = Graph().parse(data=client.get("/changes", headers={"accept": "text/turtle"}).text,
                              format="turtle")  # fmt: skip
        void = Graph().parse(data=client.get("/.well-known/void").text, format="turtle")
    versions = list(graph.objects(URIRef("https://kg.example.org/dataset"), dcat.hasVersion))
    assert len(versions) == 3
    previous = {str(graph.value(v, dcat.version)): graph.value(v, dcat.previousVersion)
                for v in versions}  # fmt: skip
    assert sum(p is None for p in previous.values()) == 1  # only the first has none
    patches = list(graph.subjects(None, dcat.Distribution))
    assert len(patches) == 2 and all("/changes/" in str(p) for p in patches)
    see_also = URIRef("http://www.w3.org/2000/01/rdf-schema#seeAlso")
    assert (URIRef("https://kg.example.org/dataset"), see_also,
            URIRef("https://kg.example.org/changes")) in void  # fmt: skip
