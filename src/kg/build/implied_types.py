"""The types a resource has because of the ontology's ``rdfs:subClassOf``, written into the data.

The store infers nothing, so without this ``?d a kgo:Document`` finds no document
(each is typed ``kgo:Report``, ``kgo:ExecutiveOrder``…). The build adds, for every
``?x a C`` of a graph, ``?x a S`` for each superclass ``S`` of ``C`` (RDFS rule
rdfs9 with the ontology's own subclass axioms, transitively), external
superclasses (``prov:Entity``, ``schema:Person``…) included.

The implied types go into the graph that asserts the type, not into a graph of
their own: an article's graph stays everything that article contributes, so a
rebuild of one article, its dump and its removal carry its implied types along,
and no other graph has to be recomputed when one article changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pyoxigraph as ox

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SUBCLASS_OF = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")

Superclasses = Mapping[ox.NamedNode, tuple[ox.NamedNode, ...]]


def superclasses(ontology: Iterable[ox.Triple]) -> Superclasses:
    """Every named class's superclasses, transitively, in a stable order (cycles allowed)."""
    direct: dict[ox.NamedNode, list[ox.NamedNode]] = {}
    for triple in ontology:
        sub, sup = triple.subject, triple.object
        named = isinstance(sub, ox.NamedNode) and isinstance(sup, ox.NamedNode)
        if triple.predicate == SUBCLASS_OF and named and sup != sub:
            direct.setdefault(sub, []).append(sup)
    closure: dict[ox.NamedNode, tuple[ox.NamedNode, ...]] = {}
    for cls in direct:
        seen: dict[ox.NamedNode, None] = {}
        todo = list(direct[cls])
        while todo:
            sup = todo.pop(0)
            if sup != cls and sup not in seen:
                seen[sup] = None
                todo.extend(direct.get(sup, ()))
        closure[cls] = tuple(sorted(seen, key=lambda n: n.value))
    return closure


def implied_types(triples: Iterable[ox.Triple], supers: Superclasses) -> list[ox.Triple]:
    """The ``rdf:type`` triples ``triples`` imply and do not already state."""
    stated: dict[ox.NamedNode | ox.BlankNode, set[ox.NamedNode]] = {}
    for triple in triples:
        if triple.predicate == RDF_TYPE and isinstance(triple.object, ox.NamedNode):
            stated.setdefault(triple.subject, set()).add(triple.object)
    implied = []
    for subject, classes in stated.items():
        extra: dict[ox.NamedNode, None] = {}
        for cls in sorted(classes, key=lambda n: n.value):
            extra.update((s, None) for s in supers.get(cls, ()) if s not in classes)
        implied += [ox.Triple(subject, RDF_TYPE, cls) for cls in extra]
    return implied
