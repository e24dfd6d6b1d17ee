"""Publishing into real SPARQL servers, and serving from them (kg.publish, kg.remote).

Two servers, each started here and stopped afterwards (``tests/servers.py``):

- Oxigraph server, written through SPARQL Update (one request per graph, one
  transaction there) and read with the published graphs named in each request;
- Virtuoso 7 from Debian, written through the Graph Store Protocol as ``dba``
  with digest authentication, and read through its own union default graph.

The releases' patches are published to an Oxigraph server of each test's own, and
the server must end holding exactly the build, whichever way it got there.

Answers are compared as sets of rows with terms normalised (``term_key``):
Virtuoso writes some literals in another lexical form than they were loaded in
(``1e3`` as ``1000.0``, ``en-GB`` as ``en-gb``), gives the booleans that
expressions compute (``BOUND``, ``EXISTS``) as the integers 1 and 0, and labels
blank nodes its own way; values, not spellings, must agree.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from kg.build.pipeline import build
from kg.config import Settings
from kg.errors import EnvironmentProblem, QueryTimeout, RemoteStoreError, UsageError
from kg.queries import is_violation_query, load_query
from kg.release.dumps import releases_directory
from kg.release.history import History
from kg.release.patching import Applied
from kg.release.publish import LocalGraph, canonical_graph, publish, writer_for
from kg.store import open_store
from kg.store.embedded import EmbeddedStore
from kg.store.publication import metadata_graph
from kg.store.remote import RemoteStore
from tests.conftest import REPO, LiveServer, QueryableStore, run_kg, start_server, stop_server
from tests.release.test_dumps import assert_isomorphic
from tests.release.test_incremental_release import (
    change_entities,
    edit_label,
    release,
    two_stories,
)
from tests.servers import (
    VIRTUOSO_PASSWORD,
    VIRTUOSO_USER,
    RecordingProxy,
    SparqlServer,
    drop_graphs,
    oxigraph_server,
    virtuoso_server,
)

SERVERS = ("oxigraph", "virtuoso")
COMPETENCY = [p for p in sorted((REPO / "sparql").glob("*.rq"))
              if not is_violation_query(load_query(p))]  # fmt: skip
XSD_BOOLEAN, XSD_INTEGER = (f"http://www.w3.org/2001/XMLSchema#{t}" for t in ("boolean", "integer"))
JSON_RESULTS = {"accept": "application/sparql-results+json"}
MINI = "https://mini.example.org/"
FIRST, SECOND = f"{MINI}id/article/first-article", f"{MINI}id/article/second-article"
MAX_ROWS, TIMEOUT = 1000, 3.0


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparqlServer]:
    location = tmp_path_factory.mktemp("oxigraph") / "data"
    with oxigraph_server(location, "--timeout-s", "10") as url:  # its own limit stops work
        yield SparqlServer("oxigraph", url, "/query", ("update", "/update"))


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparqlServer]:
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as url:
        credentials = {"user": VIRTUOSO_USER, "password": VIRTUOSO_PASSWORD, "auth": "digest"}
        yield SparqlServer("virtuoso", url, "/sparql", ("gsp", "/sparql-graph-crud-auth"),
                           credentials, remote_dataset="server")  # fmt: skip


@pytest.fixture(scope="module", params=SERVERS)
def server(request: pytest.FixtureRequest) -> SparqlServer:
    return request.getfixturevalue(request.param)


@pytest.fixture
def clean(server: SparqlServer) -> Iterator[SparqlServer]:
    """The server, with the mini project's graphs dropped after the test."""
    yield server
    drop_graphs(server, MINI)


def settings_for(project: Path, server: SparqlServer, url: str | None = None,
                 **overrides: str) -> Settings:  # fmt: skip
    return Settings.load(project, env=server.env(url), overrides=overrides)


# --- the seed, published and served -------------------------------------------------


@pytest.fixture(scope="module")
def seed_remote(server: SparqlServer, seed_store: QueryableStore,
                seed_outputs: dict[str, str]) -> Iterator[LiveServer]:  # fmt: skip
    """The seed published to ``server``, then `kg serve --store URL` on it, with limits
    that no stored query reaches and a runaway query does."""
    publish(settings_for(REPO, server, **seed_outputs), to=server.query(), progress=False)
    env = {"KG_STORE": server.query(), "KG_DIST": seed_outputs["dist"], **server.env(),
           "KG_MAX_ROWS": str(MAX_ROWS), "KG_QUERY_TIMEOUT": str(TIMEOUT)}  # fmt: skip
    live = start_server(REPO, env=env)
    yield live
    stop_server(live)
    drop_graphs(server, "https://kg.example.org/")


def term_key(term: object) -> tuple:
    """A term as a value: blank nodes alike, typed literals by value, language tags lowered."""
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value)
    if isinstance(term, ox.BlankNode):
        return ("blank",)
    assert isinstance(term, ox.Literal)
    if term.language:
        return ("text", term.value, term.language.lower())
    datatype = term.datatype.value
    value = Literal(term.value, datatype=URIRef(datatype)).toPython()
    if datatype == XSD_BOOLEAN:  # Virtuoso: a computed boolean is 1 or 0
        return ("typed", XSD_INTEGER, int(value))
    return ("typed", datatype, value)


def answer(results: ox.QuerySolutions) -> set[frozenset]:
    return {
        frozenset((v.value, term_key(row[v])) for v in results.variables if row[v] is not None)
        for row in results
    }


def triples_of(body: bytes, fmt: ox.RdfFormat) -> set[tuple]:
    return {tuple(map(term_key, q.triple)) for q in ox.parse(body, format=fmt)}


@pytest.mark.parametrize("path", COMPETENCY, ids=lambda p: p.stem)
def test_competency_queries_answer_as_on_the_embedded_store(
    path: Path, server: SparqlServer, seed_remote: LiveServer, seed_store: QueryableStore
):
    text = path.read_text(encoding="utf-8")
    expected = answer(seed_store.store.query(text))
    with seed_remote.client() as client:
        response = client.post("/sparql", data={"query": text}, headers=JSON_RESULTS)
    assert response.status_code == 200, response.text
    got = answer(ox.parse_query_results(response.content, ox.QueryResultsFormat.JSON))
    assert got == expected
    assert expected, "a competency query answers something on the seed"


def test_pages_reconciliation_downloads_and_description_work_from_the_remote_store(
    server: SparqlServer, seed_remote: LiveServer, seed_server: LiveServer,
    seed_store: QueryableStore,
):  # fmt: skip
    with seed_remote.client() as remote, seed_server.client() as local:
        assert remote.get("/healthz").json()["version"] == seed_store.store.info.version
        for path in ("/id/country/china.ttl", "/id/article/china-fentanyl-tariffs.nt",
                     "/ontology.ttl", "/shapes.ttl"):  # fmt: skip
            fmt = ox.RdfFormat.from_extension(path.rsplit(".", 1)[1])
            theirs, ours = remote.get(path), local.get(path)
            assert theirs.status_code == 200, (path, theirs.text)
            assert triples_of(theirs.content, fmt) == triples_of(ours.content, fmt), path
        for path in ("/", "/id/country/china.html", "/id/article/china-fentanyl-tariffs.html",
                     "/ontology.html", "/shapes.html"):  # fmt: skip
            page = remote.get(path)
            assert page.status_code == 200 and "</html>" in page.text, path
        assert remote.get("/id/country/atlantis.ttl").status_code == 404
        queries = json.dumps({"q0": {"query": "People's Republic of China"}})
        matched = remote.post("/reconcile", data={"queries": queries}).json()
        assert matched["q0"]["result"][0]["id"] == "country/china"
        assert remote.get("/dumps/SHA256SUMS").content == local.get("/dumps/SHA256SUMS").content
        described = remote.get("/sparql", headers={"accept": "application/n-triples"})
        names = {t.object.value for t in ox.parse(described.content, format=ox.RdfFormat.N_TRIPLES)
                 if t.predicate.value.endswith("#name")}  # fmt: skip
        graphs = {g.value for g in seed_store.store.oxigraph.named_graphs()}
        assert graphs <= names  # with the server's default graph, the server's other graphs too
        if server.remote_dataset == "published":
            assert names == graphs


def test_remote_endpoint_keeps_formats_limits_and_errors(
    server: SparqlServer, seed_remote: LiveServer
):
    with seed_remote.client() as client:
        blanks = "SELECT ?b WHERE { ?b ?p ?o FILTER isBlank(?b) } LIMIT 5"
        rows = client.get("/sparql", params={"query": blanks}, headers=JSON_RESULTS)
        assert len(rows.json()["results"]["bindings"]) == 5  # Virtuoso's labels relabelled
        csv = client.get("/sparql", params={"query": blanks, "format": "csv"})
        assert csv.headers["content-type"].startswith("text/csv") and len(csv.text.split()) == 6
        graph = client.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s a ?t } LIMIT 3"},
                           headers={"accept": "text/turtle"})  # fmt: skip
        assert len(list(ox.parse(graph.content, format=ox.RdfFormat.TURTLE))) == 3
        ask = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }", "format": "xml"})
        assert "<boolean>true</boolean>" in ask.text  # Virtuoso answers ASK as a table
        too_many = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
        assert too_many.status_code == 400
        assert f"more than {MAX_ROWS} rows" in too_many.json()["message"]
        malformed = client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x ?y }"})
        assert malformed.status_code == 400
        assert malformed.json()["error"] == "malformed-query"
        assert "refused the query: 400" in malformed.json()["message"]
        if server.name == "oxigraph":  # Virtuoso would answer part of it at its own limit
            runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
            slow = client.get("/sparql", params={"query": runaway}, timeout=30)
            assert slow.status_code == 503 and slow.headers["retry-after"]
            assert slow.elapsed.total_seconds() < TIMEOUT + 2


# --- publishing: only what changed, and failures that leave the rest alone -----------


@pytest.fixture
def two_articles(mini_project: Path) -> Path:
    """The mini project with a second article."""
    article = mini_project / "data/articles/second-article"
    article.mkdir()
    (article / "text.txt").write_text("Lemuria denied it. Atlantis said nothing.\n")
    (article / "graph.ttl").write_text(f"""\
@prefix kgo: <{MINI}ontology/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<{SECOND}> a kgo:Article ; rdfs:label "Second article" .
<{SECOND}/claim-1> a kgo:Claim ; kgo:speaker <{MINI}id/country/lemuria> ;
    kgo:evidence <{SECOND}/s1> .
""")
    return mini_project


def rewrite(project: Path, slug: str, text: str) -> None:
    (project / f"data/articles/{slug}/text.txt").write_text(text)


def test_publish_sends_only_the_graphs_that_changed(clean: SparqlServer, two_articles: Path):
    with RecordingProxy(clean.url) as proxy:
        settings = settings_for(two_articles, clean, proxy.url)
        build(settings, progress=False)
        to = clean.query(proxy.url)
        first = publish(settings, to=to, progress=False)
        assert len(first.sent) == 5  # ontology, shapes, entities, two articles

        proxy.seen.clear()
        again = publish(settings, to=to, progress=False)
        assert again.sent == () and proxy.writes() == []
        assert len(proxy.seen) == 2  # the metadata and the servers' triple counts: reads only

        rewrite(two_articles, "second-article", "Lemuria denied it again. Atlantis said nothing.\n")
        build(settings, progress=False)
        proxy.seen.clear()
        changed = publish(settings, to=to, progress=False)
        assert changed.sent == (SECOND,)
        assert [w.graph for w in proxy.writes()] == [SECOND, metadata_graph(MINI)]
        remote = RemoteStore(clean.query(), settings)
        assert remote.read_publication().info["version"] == changed.version
        assert "again" in str(list(remote.query(f"SELECT ?t WHERE {{ <{SECOND}> ?p ?t }}")))

        shutil.rmtree(two_articles / "data/articles/second-article")
        build(settings, progress=False)
        proxy.seen.clear()
        removed = publish(settings, to=to, progress=False)
        assert removed.sent == () and removed.dropped == (SECOND,)
        assert [w.graph for w in proxy.writes()] == [SECOND, metadata_graph(MINI)]
    assert remote.graph_sizes([FIRST, SECOND]) == {FIRST: remote.publication.graphs[FIRST].triples}


def test_a_failure_names_the_graph_and_leaves_the_other_graphs_alone(
    clean: SparqlServer, two_articles: Path
):
    settings = settings_for(two_articles, clean)
    build(settings, progress=False)
    publish(settings, to=clean.query(), progress=False)
    remote = RemoteStore(clean.query(), settings)
    before = remote.read_publication()
    content = {g: graph_content(remote, g) for g in before.graphs}

    rewrite(two_articles, "first-article", "Atlantis said it had done all it could.\n")
    rewrite(two_articles, "second-article", "Lemuria denied it. Atlantis said it did not.\n")
    build(settings, progress=False)
    with RecordingProxy(clean.url) as proxy:
        proxy.fail = lambda seen: (500, b"disk full (the test proxy)") if (
            seen.is_write and seen.graph == SECOND) else None  # fmt: skip
        failed = run_kg("publish", "--project", two_articles, "--to", clean.query(proxy.url),
                        env=clean.env(proxy.url))  # fmt: skip
    assert failed.returncode == 2, failed.stderr
    assert f"replacing graph <{SECOND}> failed" in failed.stderr
    assert "500" in failed.stderr and "disk full (the test proxy)" in failed.stderr
    assert remote.read_publication() == before  # the record is the previous publication's
    for graph, triples in content.items():
        if graph != FIRST:  # sent, checked and in place before the failure
            assert graph_content(remote, graph) == triples, graph

    healed = publish(settings, to=clean.query(), progress=False)
    assert set(healed.sent) == {FIRST, SECOND}
    assert remote.read_publication().graphs[SECOND] != before.graphs[SECOND]


def graph_content(remote: RemoteStore, graph: str) -> set[tuple]:
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    return {tuple(map(term_key, t)) for t in remote.query(query, default_graph=[])}


def test_a_refused_replacement_leaves_the_graph_as_it_was(clean: SparqlServer, mini_project):
    """Each server replaces a graph atomically the way kg writes to it (docs/publishing.md)."""
    settings = settings_for(mini_project, clean)
    build(settings, progress=False)
    publish(settings, to=clean.query(), progress=False)
    remote = RemoteStore(clean.query(), settings)
    before = graph_content(remote, FIRST)
    local = canonical_graph(EmbeddedStore(settings.store).oxigraph, FIRST)
    broken = LocalGraph(FIRST, local.ntriples + b'<urn:x> <urn:y> "no end .\n', local.triples)
    with httpx.Client(auth=clean.auth(), timeout=30) as client, pytest.raises(RemoteStoreError):
        writer_for(settings, client).replace(broken)
    assert graph_content(remote, FIRST) == before


def test_a_partial_answer_from_virtuoso_is_refused(virtuoso: SparqlServer):
    """Virtuoso's "anytime" answer (cut at its time limit) is a timeout, never a result
    (its own graphs make the query heavy enough)."""
    anytime = RemoteStore(virtuoso.query() + "?timeout=200", settings_for(REPO, virtuoso))
    with pytest.raises(QueryTimeout, match="part of the answer"):
        anytime.query("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")


# --- publishing by the releases' patches -------------------------------------------

STORY = "https://kg.example.org/id/article/second-story"
ENTITIES = "https://kg.example.org/graph/entities"


@pytest.fixture
def own_oxigraph(tmp_path: Path) -> Iterator[SparqlServer]:
    """An Oxigraph server of the test's own: the releases below are of the seed, whose
    graphs and metadata graph on the shared server are ``seed_remote``'s."""
    with oxigraph_server(tmp_path / "oxigraph") as url:
        yield SparqlServer("oxigraph", url, "/query", ("update", "/update"))


@pytest.fixture
def released(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The seed with a second story, released once (``two_stories``)."""
    return two_stories(tmp_path, monkeypatch)


def edit_story(project: Path, old: str, new: str) -> None:
    graph = project / "data/articles/second-story/graph.ttl"
    text = graph.read_text(encoding="utf-8")
    assert old in text
    graph.write_text(text.replace(old, new, 1), encoding="utf-8")


def assert_server_holds_the_build(server: SparqlServer, settings: Settings) -> None:
    """Every graph on the server but kg's metadata is the build's: the same graphs, the
    same counts, the same statements (blank nodes up to isomorphism)."""
    query = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    rows = httpx.post(server.query(), data={"query": query}, headers=JSON_RESULTS, timeout=30)
    theirs = [ox.Quad(r["s"], r["p"], r["o"], r["g"])
              for r in ox.parse_query_results(rows.content, ox.QueryResultsFormat.JSON)
              if r["g"].value != metadata_graph(settings.base_iri)]  # fmt: skip
    ours = list(EmbeddedStore(settings.store).oxigraph.quads_for_pattern(None, None, None, None))
    assert Counter(q.graph_name for q in theirs) == Counter(q.graph_name for q in ours)
    assert_isomorphic(ours, theirs, "the server's graphs")


def test_publish_applies_the_patch_of_the_release_after_the_servers(
    own_oxigraph: SparqlServer, released: Path
):
    settings = settings_for(released, own_oxigraph)
    first = publish(settings, to=own_oxigraph.query(), progress=False)
    assert first.patched is None and len(first.sent) == 5  # no release before: replaced

    edit_label(released)
    release(released)
    with RecordingProxy(own_oxigraph.url) as proxy:
        result = publish(settings_for(released, own_oxigraph, proxy.url),
                         to=own_oxigraph.query(proxy.url), progress=False)  # fmt: skip
    assert result.patched == Applied(1, 1, 1, ())
    assert result.summary().startswith(
        f"published to {own_oxigraph.query(proxy.url)}: 1 patch applied "
        "(1 quad removed, 1 added) in "
    )
    patch, metadata = proxy.writes()
    assert patch.body.startswith(b"DELETE DATA {\nGRAPH <" + STORY.encode() + b"> {\n")
    assert b"DROP" not in patch.body and b"China denounces the tariffs" in patch.body
    assert metadata.graph == metadata_graph(settings.base_iri)
    remote = RemoteStore(own_oxigraph.query(), settings)
    assert remote.read_publication().info["version"] == result.version
    assert_server_holds_the_build(own_oxigraph, settings)


def test_a_server_two_releases_behind_gets_both_patches_in_order(
    own_oxigraph: SparqlServer, released: Path
):
    settings = settings_for(released, own_oxigraph)
    publish(settings, to=own_oxigraph.query(), progress=False)
    edit_label(released)
    release(released)
    edit_story(released, "China denounces the tariffs", "China rebukes the tariffs")
    change_entities(released)
    release(released)  # the same statement changed twice: in the wrong order, both labels
    with RecordingProxy(own_oxigraph.url) as proxy:
        result = publish(settings_for(released, own_oxigraph, proxy.url),
                         to=own_oxigraph.query(proxy.url), progress=False)  # fmt: skip
    assert result.patched == Applied(2, 3, 3, ())
    assert result.sent == (ENTITIES, STORY)
    first, second, _ = proxy.writes()
    assert b"China denounces" in first.body and b"Donald J. Trump" not in first.body
    assert b"China rebukes" in second.body and b"Donald J. Trump" in second.body
    assert_server_holds_the_build(own_oxigraph, settings)


def test_a_dataset_back_as_it_was_is_patched_from_its_latest_release(
    own_oxigraph: SparqlServer, released: Path
):
    """Releases 1 and 3 are the same dataset (a label edited, then edited back): a server
    at that version gets release 4's patch only, not 2's, 3's and 4's."""
    settings = settings_for(released, own_oxigraph)
    publish(settings, to=own_oxigraph.query(), progress=False)
    edit_label(released)
    release(released)
    edit_story(released, "China denounces the tariffs", "China condemns Trump's tariffs")
    release(released)
    change_entities(released)
    release(released)
    versions = [r.version for r in History(releases_directory(settings)).releases]
    assert len(versions) == 4 and versions[0] == versions[2]
    result = publish(settings, to=own_oxigraph.query(), progress=False)
    assert result.patched == Applied(1, 1, 1, ()) and result.sent == (ENTITIES,)
    assert_server_holds_the_build(own_oxigraph, settings)


def test_a_patch_with_blank_nodes_replaces_their_graph_whole(
    own_oxigraph: SparqlServer, released: Path
):
    settings = settings_for(released, own_oxigraph)
    publish(settings, to=own_oxigraph.query(), progress=False)
    edit_story(released, 'kgo:dateValue "2025-03-12"', 'kgo:dateValue "2025-03-11"')  # a [ … ]
    change_entities(released)
    release(released)
    with RecordingProxy(own_oxigraph.url) as proxy:
        result = publish(settings_for(released, own_oxigraph, proxy.url),
                         to=own_oxigraph.query(proxy.url), progress=False)  # fmt: skip
    assert result.patched == Applied(1, 1, 1, (STORY,))  # the entities' line only
    assert "1 graph replaced for its blank nodes)" in result.summary()
    patch, replaced, _ = proxy.writes()
    assert patch.graph == ENTITIES and b"_:" not in patch.body
    assert replaced.body.startswith(f"DROP SILENT GRAPH <{STORY}>".encode())
    assert_server_holds_the_build(own_oxigraph, settings)


def test_a_server_changed_behind_kgs_back_gets_its_graphs_replaced(
    own_oxigraph: SparqlServer, released: Path
):
    settings = settings_for(released, own_oxigraph)
    publish(settings, to=own_oxigraph.query(), progress=False)
    stray = f"INSERT DATA {{ GRAPH <{ENTITIES}> {{ <urn:x> <urn:y> <urn:z> }} }}"
    httpx.post(own_oxigraph.url + "/update", data={"update": stray}).raise_for_status()
    edit_label(released)
    release(released)
    result = publish(settings, to=own_oxigraph.query(), progress=False)
    assert result.patched is None and result.sent == (ENTITIES, STORY)
    assert "2 graphs sent" in result.summary()
    assert_server_holds_the_build(own_oxigraph, settings)


@pytest.mark.parametrize("why", ["gsp", "no patch file"])
def test_without_a_way_to_apply_the_patches_the_changed_graphs_are_replaced(
    own_oxigraph: SparqlServer, released: Path, why: str
):
    settings = settings_for(released, own_oxigraph)
    if why == "gsp":  # a PUT replaces a graph whole: there is no partial change to send
        settings = Settings.load(released, env={"KG_GSP": own_oxigraph.url + "/store"})
    publish(settings, to=own_oxigraph.query(), progress=False)
    edit_label(released)
    release(released)
    if why == "no patch file":
        history = History(releases_directory(settings))
        history.patch_path(history.last).unlink()
    result = publish(settings, to=own_oxigraph.query(), progress=False)
    assert result.patched is None and result.sent == (STORY,)
    assert "1 graphs sent" in result.summary()
    assert_server_holds_the_build(own_oxigraph, settings)


# --- settings and commands ------------------------------------------------------------


def test_serving_a_server_nothing_was_published_to_says_so(tmp_path):
    with oxigraph_server(tmp_path / "empty") as url:
        settings = Settings.load(REPO, env={"KG_STORE": f"{url}/query"})
        with pytest.raises(EnvironmentProblem, match="no dataset has been published"):
            open_store(settings)


def test_publish_needs_exactly_one_way_to_write(mini_store, mini_project, oxigraph):
    with pytest.raises(UsageError, match="--update URL"):
        publish(Settings.load(mini_project, env={}), to=oxigraph.query())
    both = {"KG_UPDATE": oxigraph.url + "/update", "KG_GSP": oxigraph.url + "/store"}
    with pytest.raises(UsageError, match="not both"):
        publish(Settings.load(mini_project, env=both), to=oxigraph.query())


def test_building_into_a_url_is_refused(mini_project):
    result = run_kg("build", "--project", mini_project, "--store", "http://127.0.0.1:9/query")
    assert result.returncode == 2 and "kg publish --to" in result.stderr
