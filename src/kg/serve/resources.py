"""What dereferencing a resource returns, computed from the store with kg's own queries.

A description holds the resource's own triples from every graph, the labels and
types of what it links to, its evidence sentences with their text and article,
and the links into it (capped, with the total, so pages can say how many more).
The queries live in ``kg/sparql-builtin/*.rq`` and take the project's prefixes.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from kg.namespaces import prefixes
from kg.queries import builtin_query
from kg.store import Store

INCOMING_CAP = 50


def run(store: Store, name: str, base_iri: str, **bindings: ox.NamedNode) -> object:
    return store.query(builtin_query(name).text, bindings=bindings, prefixes=prefixes(base_iri))


@dataclass(frozen=True, slots=True)
class Link:
    """A triple pointing at the described resource."""

    subject: str
    predicate: str
    label: str | None
    predicate_label: str | None


@dataclass(frozen=True, slots=True)
class Description:
    iri: str
    triples: tuple[ox.Triple, ...]
    incoming: tuple[Link, ...]
    incoming_total: int

    def rdf(self) -> list[ox.Triple]:
        """The document for machines: the description plus the (capped) incoming links."""
        node = ox.NamedNode(self.iri)
        links = [ox.Triple(ox.NamedNode(i.subject), ox.NamedNode(i.predicate), node)
                 for i in self.incoming]  # fmt: skip
        return sorted({*self.triples, *links}, key=str)


def exists(store: Store, iri: str, base_iri: str) -> bool:
    return bool(run(store, "exists", base_iri, this=ox.NamedNode(iri)))


def describe(store: Store, iri: str, base_iri: str, *, cap: int = INCOMING_CAP) -> Description:
    node = ox.NamedNode(iri)
    triples = tuple(run(store, "describe", base_iri, this=node))
    incoming = []
    for row in run(store, "incoming", base_iri, this=node):
        if len(incoming) == cap or isinstance(row["s"], ox.BlankNode):
            if len(incoming) == cap:
                break
            continue
        incoming.append(Link(row["s"].value, row["p"].value, _value(row["label"]),
                             _value(row["plabel"])))  # fmt: skip
    total = next(iter(run(store, "count-incoming", base_iri, this=node)))["n"]
    return Description(iri, triples, tuple(incoming), int(total.value))


def _value(term: object) -> str | None:
    return None if term is None else term.value  # type: ignore[attr-defined]
