"""The must-show of releases, corrections and retractions: a project through five
releases after its first (a label edited, an article added, an article deleted, a
story corrected, a story retracted), each mirrored to a real Oxigraph server by
``kg publish``. The patches replayed from the first release's dump give the last
release's N-Quads line for line; the feed lists every release; removed IRIs answer
410 with their tombstone and its reason; the mirror ends equal to the local store."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from kg.config import Settings
from kg.release.history import apply_patch
from kg.release.publish import publish
from kg.store import open_store
from tests.conftest import LiveServer, start_server, stop_server
from tests.release.lifecycle import (
    CORRECTED,
    STORY_IRI,
    WITHDRAWN,
    correct,
    retract_story,
)
from tests.release.test_incremental_release import add, delete, edit_label, release, two_stories
from tests.servers import SparqlServer, oxigraph_server

CHANGES = {"edit": edit_label, "add": add, "delete": delete, "correct": correct,
           "retract": retract_story}  # fmt: skip


class Lifecycle:
    """What the test keeps of each release: the dump's N-Quads and the publish result."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.dumps: list[list[bytes]] = []
        self.published: list[str] = []

    def dumped(self) -> list[bytes]:
        dist = Settings.load(self.root, env={}).dist
        return gzip.decompress((dist / "dataset.nq.gz").read_bytes()).splitlines(keepends=True)


@pytest.fixture(scope="module")
def mirror(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparqlServer]:
    location = tmp_path_factory.mktemp("mirror") / "data"
    with oxigraph_server(location, "--timeout-s", "10") as url:
        yield SparqlServer("oxigraph", url, "/query", ("update", "/update"))


@pytest.fixture(scope="module")
def lifecycle(tmp_path_factory: pytest.TempPathFactory, mirror: SparqlServer) -> Lifecycle:
    with pytest.MonkeyPatch.context() as monkeypatch:
        root = two_stories(tmp_path_factory.mktemp("lifecycle"), monkeypatch)
        life = Lifecycle(root)
        life.dumps.append(life.dumped())
        life.published.append(_publish(root, mirror))
        for change in CHANGES.values():
            change(root)
            release(root)
            life.dumps.append(life.dumped())
            life.published.append(_publish(root, mirror))
    return life


def _publish(root: Path, server: SparqlServer) -> str:
    settings = Settings.load(root, env=server.env())
    return publish(settings, to=server.query(), progress=False).summary()


@pytest.fixture(scope="module")
def site(lifecycle: Lifecycle) -> Iterator[LiveServer]:
    live = start_server(lifecycle.root)
    yield live
    stop_server(live)


def test_the_patches_from_the_first_release_give_the_last_line_for_line(lifecycle: Lifecycle):
    from kg.release.dumps import releases_directory
    from kg.release.history import History

    history = History(releases_directory(Settings.load(lifecycle.root, env={})))
    assert [r.number for r in history.releases] == [1, 2, 3, 4, 5, 6]
    replayed = lifecycle.dumps[0]
    for number, record in enumerate(history.releases[1:], start=1):
        replayed = list(apply_patch(replayed, history.patch_path(record).read_bytes()))
        assert replayed == lifecycle.dumps[number], f"release {record.number}"
    fresh = ox.Store()  # and a fresh store loaded from the replayed lines holds them all
    fresh.load(b"".join(replayed), format=ox.RdfFormat.N_QUADS)
    assert len(fresh) == len(lifecycle.dumps[-1])


def test_the_feed_lists_every_release_with_what_it_touched(site: LiveServer):
    with site.client() as client:
        items = client.get("/changes").json()["orderedItems"]
    assert [item["name"] for item in items] == [f"Release {n}" for n in (6, 5, 4, 3, 2, 1)]
    retracted, corrected = items[0], items[1]
    assert {"href": STORY_IRI, "name": "changed", "type": "Link"} in retracted["tag"]
    assert {"href": STORY_IRI, "name": "changed", "type": "Link"} in corrected["tag"]
    assert all("attachment" in item for item in items[:-1])


REMOVED = [(WITHDRAWN, f"{STORY_IRI}/correction-2"),  # withdrawn by a correction (release 5)
           (f"{STORY_IRI}/s4", f"{STORY_IRI}/retraction"),  # gone with the retraction (6)
           (CORRECTED, f"{STORY_IRI}/retraction")]  # fmt: skip


@pytest.mark.parametrize(("iri", "reason"), REMOVED)
def test_removed_iris_answer_410_with_their_tombstone_and_why(site: LiveServer, iri, reason):
    path = iri.removeprefix("https://kg.example.org")
    with site.client() as client:
        answer = client.get(path, headers={"accept": "application/json"})
    assert answer.status_code == 410
    assert answer.json()["error"] == "gone"
    assert reason in answer.text


def test_the_retracted_article_keeps_a_tombstone_graph_sparql_can_query(site: LiveServer):
    query = f"""PREFIX kgo: <https://kg.example.org/ontology/>
    PREFIX dcterms: <http://purl.org/dc/terms/>
    SELECT ?title ?when ?why WHERE {{ GRAPH <{STORY_IRI}> {{
      <{STORY_IRI}> dcterms:title ?title ; kgo:retraction ?r . ?r dcterms:date ?when ;
      kgo:reason ?why }} }}"""
    ask = f"ASK {{ ?s <https://kg.example.org/ontology/inArticle> <{STORY_IRI}> }}"
    results = {"accept": "application/sparql-results+json"}
    with site.client() as client:
        rows = client.get("/sparql", params={"query": query}, headers=results).json()
        facts = client.get("/sparql", params={"query": ask}, headers=results).json()
    rows = rows["results"]["bindings"]
    assert [(r["when"]["value"], r["why"]["value"]) for r in rows] == [
        ("2025-04-02", "The publisher withdrew the story.")]  # fmt: skip
    assert facts["boolean"] is False  # its facts left the union graph


def test_every_release_was_mirrored_and_the_mirror_equals_the_local_store(
    lifecycle: Lifecycle, mirror: SparqlServer
):
    assert all(summary.startswith("published to ") for summary in lifecycle.published)
    local = open_store(Settings.load(lifecycle.root, env={})).oxigraph
    for graph in sorted({q.graph_name.value for q in local}):
        mine = _canonical(local.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
        assert _canonical(_remote_graph(mirror, graph)) == mine, graph


def _remote_graph(server: SparqlServer, graph: str) -> list[ox.Quad]:
    body = httpx.get(server.query(), params={"query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE "
                     f"{{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"},
                     headers={"accept": "application/n-triples"}, timeout=30).content  # fmt: skip
    return [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph))
            for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]  # fmt: skip


def _canonical(quads) -> list[str]:
    dataset = ox.Dataset(ox.Quad(q.subject, q.predicate, q.object, q.graph_name) for q in quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(str(q) for q in dataset)
