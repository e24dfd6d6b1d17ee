"""The one-pass fill leaves rdflib's Memory store as ``Graph.add`` would, and pySHACL
reads it the same."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS

from kg.build.rdflib_memory import OneGraphMemory, filled_graph

EX = Namespace("https://example.org/")
TRIPLES = [
    (EX.a, RDF.type, EX.Thing),
    (EX.a, RDFS.label, Literal("A", lang="en")),
    (EX.a, EX.knows, EX.b),
    (EX.b, EX.knows, EX.a),
    (EX.a, RDF.type, EX.Thing),  # a duplicate
    (BNode("x"), EX.says, Literal(3)),
    (EX.b, RDFS.label, Literal("B")),
]


def _graph() -> Graph:
    return Graph(store=OneGraphMemory(), identifier=EX.graph)


def _state(graph: Graph) -> dict:
    return {k: v for k, v in vars(graph.store).items() if k.startswith("_Memory__")
            and k not in ("_Memory__context_obj_map", "_Memory__all_contexts")}  # fmt: skip


def test_fill_leaves_the_store_as_add_does() -> None:
    filled, added = _graph(), _graph()
    filled.store.fill(TRIPLES, filled)
    for triple in TRIPLES:
        added.add(triple)
    assert len(filled) == len(added) == 6
    patterns = [
        (None, None, None),
        (EX.a, None, None),
        (None, EX.knows, None),
        (None, None, EX.a),
        (None, RDF.type, EX.Thing),
        (EX.b, RDFS.label, None),
    ]
    for pattern in patterns:
        assert set(filled.triples(pattern)) == set(added.triples(pattern))
    assert _state(filled) == _state(added)
    assert [g.identifier for g in filled.store.contexts()] == [EX.graph]


def test_filled_graph_holds_the_triples() -> None:
    assert set(filled_graph(TRIPLES)) == set(TRIPLES)


def test_a_store_used_another_way_first_takes_the_general_path() -> None:
    graph = _graph()
    graph.add((EX.c, EX.p, EX.d))
    other = Graph(store=graph.store, identifier=URIRef("https://example.org/other"))
    other.add((EX.e, EX.p, EX.f))
    graph.store.fill(iter(TRIPLES), graph)
    assert len(graph) == 7 and (EX.e, EX.p, EX.f) in other and (EX.e, EX.p, EX.f) not in graph


def test_empty() -> None:
    assert len(filled_graph([])) == 0
