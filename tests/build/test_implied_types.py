"""The types the ontology's rdfs:subClassOf implies are in the data, in the graph that
states the type, so queries by a general class find every resource of it."""

from __future__ import annotations

import pyoxigraph as ox

from kg.build.implied_types import RDF_TYPE, SUBCLASS_OF, implied_types, superclasses
from tests.conftest import QueryableStore

EX = "https://example.org/"


def n(name: str) -> ox.NamedNode:
    return ox.NamedNode(EX + name)


def test_superclasses_are_transitive_and_survive_a_cycle():
    axioms = [ox.Triple(n("WhitePaper"), SUBCLASS_OF, n("Report")),
              ox.Triple(n("Report"), SUBCLASS_OF, n("Document")),
              ox.Triple(n("Document"), SUBCLASS_OF, n("Entity")),
              ox.Triple(n("Entity"), SUBCLASS_OF, n("Document")),  # a cycle ends, never loops
              ox.Triple(n("Report"), SUBCLASS_OF, ox.BlankNode())]  # fmt: skip
    closure = superclasses(axioms)
    assert closure[n("WhitePaper")] == (n("Document"), n("Entity"), n("Report"))
    assert closure[n("Entity")] == (n("Document"),)


def test_only_missing_types_are_added():
    closure = {n("WhitePaper"): (n("Document"), n("Report"))}
    data = [ox.Triple(n("paper"), RDF_TYPE, n("WhitePaper")),
            ox.Triple(n("paper"), RDF_TYPE, n("Report")),
            ox.Triple(n("other"), RDF_TYPE, n("Unknown"))]  # fmt: skip
    assert implied_types(data, closure) == [ox.Triple(n("paper"), RDF_TYPE, n("Document"))]


def test_a_query_by_a_general_class_finds_every_resource(seed_store: QueryableStore):
    documents = {r["d"] for r in seed_store.select("SELECT ?d WHERE { ?d a kgo:Document }")}
    article = "https://kg.example.org/id/article/china-fentanyl-tariffs"
    assert {article, f"{article}/document/white-paper", f"{article}/document/executive-order",
            f"{article}/document/congressional-panel-report-2021"} <= documents  # fmt: skip
    agents = seed_store.select("SELECT ?a WHERE { ?a a prov:Agent }")
    assert "https://kg.example.org/id/person/donald-trump" in {r["a"] for r in agents}


def test_implied_types_live_in_the_graph_that_states_the_type(seed_store: QueryableStore):
    rows = seed_store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?x a kgo:Document } }")
    article = "https://kg.example.org/id/article/china-fentanyl-tariffs"
    assert [r["g"] for r in rows] == [article]
    trump = seed_store.select(
        "SELECT ?g WHERE { GRAPH ?g { ?trump a kgo:Agent } }",
        trump=ox.NamedNode("https://kg.example.org/id/person/donald-trump"),
    )
    assert [r["g"] for r in trump] == ["https://kg.example.org/graph/entities"]
    # no graph of inferences: what a graph holds is what its files say, and their consequences
    graphs = {r["g"] for r in seed_store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")}
    assert len(graphs) == 4
