"""What dereferencing a resource returns, computed from the store with kg's own queries.

A description holds the resource's own triples from every graph, the labels and
types of what it links to, its evidence sentences with their text and article,
and the links into it (capped, with the total, so pages can say how many more); and
the corrections and retraction the store records for it (``notices``).
The queries live in ``kg/sparql-builtin/*.rq`` and take the project's prefixes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

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


def presence(store: Store, iri: str, base_iri: str) -> tuple[bool, bool]:
    """Whether the IRI is described (a subject, or a graph's name), and whether it is
    linked to (an object): one cheap query, for the 303 and for the 410 of an IRI a
    release removed that a correction still names."""
    row = next(iter(run(store, "presence", base_iri, this=ox.NamedNode(iri))))
    return row["described"].value == "true", row["linked"].value == "true"


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


@dataclass(frozen=True, slots=True)
class Notice:
    """A correction of a resource, or the retraction of an article, as the store has it."""

    record: str
    kind: str  # "correction" or "retraction"
    subject: str  # the resource corrected, or the article retracted
    article: str | None  # the article that records it
    article_label: str | None
    label: str | None
    date: str | None
    note: str | None  # what changed (a correction's comment), or why (a retraction's reason)
    property: str | None = None  # the property whose value changed
    property_label: str | None = None
    earlier: str | None = None  # the value before the correction, as text
    earlier_iri: str | None = None  # the earlier value, when it is an IRI
    evidence: tuple[tuple[str, int, str, str], ...] = ()  # sentence, number, text, article


def notices(store: Store, base_iri: str, **bound: ox.NamedNode) -> list[Notice]:
    """The notices about ``this`` (its retraction first, then corrections by date), or the
    one ``record`` names; one query, one row per evidence sentence."""
    found: dict[str, Notice] = {}
    evidence: dict[str, dict[str, tuple[str, int, str, str]]] = {}
    for row in run(store, "notices", base_iri, **bound):
        record = row["record"].value
        if record not in found:
            earlier = row["earlier"]
            found[record] = Notice(
                record, row["kind"].value, row["this"].value, _value(row["article"]),
                _value(row["articleLabel"]), _value(row["label"]),
                _value(row["date"]), _value(row["note"]), _value(row["property"]),
                _value(row["propertyLabel"]),
                _value(row["earlierLabel"]) or _value(earlier),
                earlier.value if isinstance(earlier, ox.NamedNode) else None,
            )  # fmt: skip
        if row["evidence"] is not None:
            sentence = row["evidence"].value
            evidence.setdefault(record, {})[sentence] = (
                sentence, int(row["evidenceNumber"].value), row["evidenceText"].value,
                row["evidenceArticle"].value,
            )  # fmt: skip
    return [replace(n, evidence=tuple(evidence.get(n.record, {}).values()))
            for n in found.values()]  # fmt: skip


def _value(term: object) -> str | None:
    return None if term is None else term.value  # type: ignore[attr-defined]
