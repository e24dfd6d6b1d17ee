"""The SHACL shapes and the ``*-violation.rq`` gates, tested with example files.

``tests/seed/shapes/valid/`` holds data that must pass; each file in
``tests/seed/shapes/invalid/`` breaks one rule and starts with ``# expect: <message>``
lines naming the exact messages it must produce. An example is checked the way
the build checks an article: its triples plus the ontology form one data graph,
validated with inference "none" (see ``kg.build.validate``); the stored violation
queries then run, as the build runs them (``check_violation_queries``), over a
store holding the example and the ontology. A Turtle example goes into the graph
of the article most of it belongs to; a TriG example keeps its own graphs (needed
for rules about which graph holds what).

Rules that need ``sh:or``, ``sh:not``, ``sh:xone`` or ``sh:sparql`` are stored
queries rather than shapes (pySHACL spent most of a build's time on them), with
the same messages; the examples do not care which of the two reports a message.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from kg.build.implied_types import implied_types, superclasses
from kg.build.pipeline import validate_only
from kg.build.shacl_tuning import prepare
from kg.build.validate import check_violation_queries, shacl_problems
from kg.config import Settings
from kg.queries import is_violation_query, load_query

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = Path(__file__).resolve().parent / "shapes"
KGO = "https://kg.example.org/ontology/"
ONTOLOGY_GRAPH = "https://kg.example.org/ontology"
EXPECT = re.compile(r"^#\s*expect:\s*(.+?)\s*$")
QUERY_MESSAGE = re.compile(r'BIND\s*\(\s*"((?:[^"\\]|\\.)*)"\s+AS\s+\?message\s*\)')


def _examples(kind: str) -> list[Path]:
    return sorted(p for p in (EXAMPLES / kind).iterdir() if p.suffix in (".ttl", ".trig"))


def _ids(paths: list[Path]) -> list[str]:
    return [p.name for p in paths]


VALID = _examples("valid")
INVALID = _examples("invalid")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    graph = Graph()
    for path in sorted((REPO / "shapes").glob("*.ttl")):
        graph.parse(path)
    return graph


@pytest.fixture(scope="module")
def built_shapes(shapes: Graph) -> tuple[Graph, dict]:
    """The shapes as the build hands them to pySHACL (flattened), and their parents map."""
    return prepare(shapes)


@pytest.fixture(scope="module")
def violation_queries() -> list:
    queries = [load_query(p) for p in sorted((REPO / "sparql").glob("*.rq"))]
    return [q for q in queries if is_violation_query(q)]


def expected_messages(path: Path) -> list[str]:
    """The ``# expect:`` lines at the top of an example file."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        match = EXPECT.match(line)
        if match:
            found.append(match.group(1))
    return found


def _quads(path: Path) -> list[tuple]:
    """The example's quads; Turtle goes into the graph of its main article."""
    if path.suffix == ".trig":
        dataset = Dataset()
        dataset.parse(path, format="trig")
        return [(s, p, o, g) for s, p, o, g in dataset.quads() if g is not None]
    graph = Graph().parse(path, format="turtle")
    articles = Counter(graph.objects(None, URIRef(KGO + "inArticle")))
    home = articles.most_common(1)[0][0] if articles else URIRef("urn:kg:test:example")
    return [(s, p, o, home) for s, p, o in graph]


def _shacl_results(quads: list[tuple], ontology: Graph, shapes: Graph) -> Graph:
    data = Graph()
    for s, p, o, _ in quads:
        data.add((s, p, o))
    data += ontology
    _, results, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", allow_warnings=True
    )
    return results


def _shacl_messages(quads: list[tuple], ontology: Graph, shapes: Graph) -> set[str]:
    results = _shacl_results(quads, ontology, shapes)
    return {
        str(message)
        for result in results.subjects(RDF.type, SH.ValidationResult)
        for message in results.objects(result, SH.resultMessage)
    }


def _store(quads: list[tuple], ontology: Graph) -> ox.Store:
    store = ox.Store()
    store.load(
        input=ontology.serialize(format="nt"),
        format=ox.RdfFormat.N_TRIPLES,
        to_graph=ox.NamedNode(ONTOLOGY_GRAPH),
    )
    dataset = Dataset()
    for quad in quads:
        dataset.add(quad)
    store.load(input=dataset.serialize(format="nquads"), format=ox.RdfFormat.N_QUADS)
    _add_implied_types(store)
    return store


def _add_implied_types(store: ox.Store) -> None:
    """The superclass types the build writes into each graph (``kg.build.implied_types``),
    which the gates read instead of following ``rdfs:subClassOf``."""
    ontology = ox.NamedNode(ONTOLOGY_GRAPH)
    supers = superclasses(q.triple for q in store.quads_for_pattern(None, None, None, ontology))
    for graph in list(store.named_graphs()):
        triples = [q.triple for q in store.quads_for_pattern(None, None, None, graph)]
        store.extend(ox.Quad(t.subject, t.predicate, t.object, graph)
                     for t in implied_types(triples, supers))  # fmt: skip


def _query_messages(quads: list[tuple], ontology: Graph, queries: list) -> set[str]:
    report = check_violation_queries(_store(quads, ontology), queries, sources=[])
    return {problem.message for problem in report.problems}


@pytest.fixture(scope="module")
def messages_of(ontology: Graph, built_shapes: tuple, violation_queries: list):
    def check(path: Path) -> set[str]:
        quads = _quads(path)
        return _shacl_messages(quads, ontology, built_shapes[0]) | _query_messages(
            quads, ontology, violation_queries
        )

    return check


@pytest.mark.parametrize("path", VALID, ids=_ids(VALID))
def test_valid_example_conforms(path: Path, messages_of) -> None:
    assert messages_of(path) == set()


@pytest.mark.parametrize("path", INVALID, ids=_ids(INVALID))
def test_invalid_example_reports_expected_messages(path: Path, messages_of) -> None:
    """Exactly the expected messages: an example that trips other rules tests nothing."""
    expected = expected_messages(path)
    assert expected, f"{path.name} has no '# expect:' line"
    reported = messages_of(path)
    assert sorted(set(expected) - reported) == [], "expected but not reported"
    assert sorted(reported - set(expected)) == [], "reported but not expected"


@pytest.mark.parametrize("path", VALID + INVALID, ids=_ids(VALID + INVALID))
def test_flattened_shapes_report_what_the_shapes_as_written_report(
    path: Path, ontology: Graph, shapes: Graph, built_shapes: tuple
) -> None:
    """The build's flattened shapes give every example the very same problems."""
    flat, parents = built_shapes
    quads = _quads(path)  # parsed once: blank focus nodes keep their labels

    def problems(shapes_graph: Graph) -> list[tuple]:
        results = _shacl_results(quads, ontology, shapes_graph)
        found = {(*p.key(), p.severity, p.constraint) for p in shacl_problems(results, parents)}
        return sorted(found, key=repr)

    assert problems(flat) == problems(shapes)


def test_every_rule_has_an_invalid_example(shapes: Graph, violation_queries: list) -> None:
    """One failing example per constraint: every message must be expected somewhere."""
    rules = {str(m) for m in shapes.objects(None, SH.message)}
    for query in violation_queries:
        rules.update(m.replace('\\"', '"') for m in QUERY_MESSAGE.findall(query.text))
    covered = {m for path in INVALID for m in expected_messages(path)}
    assert sorted(rules - covered) == []


def test_every_expected_message_exists(shapes: Graph, violation_queries: list) -> None:
    """Catches an example left behind when a message is reworded."""
    rules = {str(m) for m in shapes.objects(None, SH.message)}
    for query in violation_queries:
        rules.update(m.replace('\\"', '"') for m in QUERY_MESSAGE.findall(query.text))
    stale = {m for path in INVALID for m in expected_messages(path)} - rules
    assert sorted(stale) == []


def test_violation_query_message_binding_is_the_problem_message(
    tmp_path: Path, ontology: Graph
) -> None:
    """A row's ?message is what the curator reads; the title only stands in without one."""
    query_file = tmp_path / "statement-without-speaker-violation.rq"
    query_file.write_text(
        "# title: Statements without a speaker\n"
        "# description: Each row is a statement with no kgo:speaker.\n"
        f"PREFIX kgo: <{KGO}>\n"
        "SELECT ?focus ?message WHERE {\n"
        "  ?focus a kgo:Statement .\n"
        "  FILTER NOT EXISTS { ?focus kgo:speaker ?speaker }\n"
        '  OPTIONAL { ?focus kgo:claim ?claim . BIND ("Say who made this claim." AS ?message) }\n'
        "}\n",
        encoding="utf-8",
    )
    graph = URIRef("urn:kg:test:example")
    statement = URIRef("https://kg.example.org/id/article/example/statement/claimed")
    claimless = URIRef("https://kg.example.org/id/article/example/statement/claimless")
    quads = [
        (statement, RDF.type, URIRef(KGO + "Statement"), graph),
        (statement, URIRef(KGO + "claim"), Literal("Tariffs are unfair.", lang="en"), graph),
        (claimless, RDF.type, URIRef(KGO + "Statement"), graph),
    ]
    report = check_violation_queries(_store(quads, ontology), [load_query(query_file)], sources=[])
    found = {(p.focus, p.message, p.shape) for p in report.problems}
    shape = f"sparql/{query_file.name}"
    assert found == {
        (str(statement), "Say who made this claim.", shape),
        (str(claimless), "Statements without a speaker", shape),
    }
    assert not report.conforms


def test_shapes_use_only_core_constraints_pyshacl_runs_fast(shapes: Graph) -> None:
    """sh:or, sh:not, sh:xone, sh:and and sh:sparql belong in *-violation.rq queries.

    pySHACL validates every alternative shape once per value node (and re-parses an
    sh:sparql query per focus node): on a 100-article batch they took about three
    quarters of the SHACL time, where one query over the store takes well under a
    second for 1,000 articles.
    """
    slow = [SH["or"], SH["not"], SH.xone, SH["and"], SH.sparql]
    used = sorted({str(p).rsplit("#", 1)[1] for p in slow for _ in shapes.subject_objects(p)})
    assert used == []


def test_seed_project_conforms() -> None:
    """The repository's own data passes everything the build checks."""
    report = validate_only(Settings.load(REPO, env={}))
    assert report.conforms, report.to_text()
