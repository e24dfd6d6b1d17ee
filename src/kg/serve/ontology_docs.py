"""Human documentation of the ontology and the shapes, generated from their graphs.

Both graphs are small by design, so they are read whole and arranged here: classes
with their superclasses and example instances, properties with domain and range,
SKOS concept schemes with their concepts, and each shape with its constraints and
the message a curator sees when one fails.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.namespaces import ontology_graph
from kg.serve.resources import run
from kg.serve.views import Labels, Links
from kg.store import Store

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SH = "http://www.w3.org/ns/shacl#"
CLASS_TYPES = {OWL + "Class", RDFS + "Class"}
PROPERTY_TYPES = {OWL + "ObjectProperty", OWL + "DatatypeProperty", OWL + "AnnotationProperty",
                  RDF + "Property"}  # fmt: skip
EXAMPLES_PER_CLASS = 3


@dataclass
class Ref:
    label: str
    href: str


@dataclass
class Term:
    iri: str
    anchor: str
    label: str
    comment: str
    kinds: list[str]
    relations: dict[str, list[Ref]] = field(default_factory=dict)
    examples: list[Ref] = field(default_factory=list)


@dataclass
class Scheme:
    iri: str
    label: str
    definition: str
    concepts: list[Term]


def _index(triples: list[ox.Triple]) -> dict[str, dict[str, list]]:
    index: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for triple in triples:
        index[triple.subject.value][triple.predicate.value].append(triple.object)
    return index


def _first(values: list, default: str = "") -> str:
    english = [v.value for v in values if isinstance(v, ox.Literal) and v.language in ("en", None)]
    return english[0] if english else default


def ontology_doc(store: Store, graph: str, base_iri: str) -> dict:
    """Classes, properties and concept schemes of the ontology graph, ready to render."""
    triples = list(run(store, "graph", base_iri, graph=ox.NamedNode(graph)))
    index, labels, links = _index(triples), Labels(triples, base_iri), Links(base_iri)

    def ref(term: ox.NamedNode) -> Ref:
        return Ref(labels.of(term.value), links.href(term.value))

    def term(iri: str) -> Term:
        data = index[iri]
        relations = {
            name: [ref(o) for o in data.get(predicate, []) if isinstance(o, ox.NamedNode)]
            for name, predicate in (
                ("subclass of", RDFS + "subClassOf"), ("subproperty of", RDFS + "subPropertyOf"),
                ("domain", RDFS + "domain"), ("range", RDFS + "range"),
                ("equivalent to", OWL + "equivalentClass"), ("in scheme", SKOS + "inScheme"),
            )
        }  # fmt: skip
        return Term(
            iri=iri,
            anchor=iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1],
            label=labels.of(iri),
            comment=_first(data.get(RDFS + "comment", []) or data.get(SKOS + "definition", [])),
            kinds=sorted(labels.of(t.value) for t in data.get(RDF + "type", [])),
            relations={k: v for k, v in relations.items() if v},
        )

    def typed(kinds: set[str]) -> list[Term]:
        found = [s for s, d in index.items()
                 if any(t.value in kinds for t in d.get(RDF + "type", []))]  # fmt: skip
        return sorted((term(i) for i in found), key=lambda t: t.label.lower())

    classes = typed(CLASS_TYPES)
    examples: dict[str, list[Ref]] = defaultdict(list)
    for row in run(store, "class-examples", base_iri):
        bucket = examples[row["class"].value]
        if len(bucket) < EXAMPLES_PER_CLASS:
            label = row["label"].value if row["label"] else labels.of(row["instance"].value)
            bucket.append(Ref(label, links.href(row["instance"].value)))
    for cls in classes:
        cls.examples = examples.get(cls.iri, [])
    schemes = [
        Scheme(
            iri=s.iri,
            label=s.label,
            definition=s.comment,
            concepts=sorted(
                (
                    term(c)
                    for c, d in index.items()
                    if any(v.value == s.iri for v in d.get(SKOS + "inScheme", []))
                ),
                key=lambda t: t.label.lower(),
            ),
        )
        for s in typed({SKOS + "ConceptScheme"})
    ]
    header = index[graph]
    return {
        "iri": graph,
        "heading": labels.of(graph),
        "description": _first(header.get("http://purl.org/dc/terms/description", []))
        or _first(header.get(RDFS + "comment", [])),
        "version": _first(header.get(OWL + "versionInfo", [])),
        "classes": classes,
        "properties": typed(PROPERTY_TYPES),
        "schemes": schemes,
    }


@dataclass
class Constraint:
    name: str
    value: str
    href: str | None


@dataclass
class PropertyRule:
    path: str
    path_href: str | None
    constraints: list[Constraint]
    message: str


@dataclass
class Shape:
    iri: str
    anchor: str
    label: str
    targets: list[Ref]
    rules: list[PropertyRule]
    message: str


def shapes_doc(store: Store, graph: str, base_iri: str) -> dict:
    """Each node shape: what it targets, and each property rule with its message."""
    triples = list(run(store, "graph", base_iri, graph=ox.NamedNode(graph)))
    index, links = _index(triples), Links(base_iri)
    ontology = ox.NamedNode(ontology_graph(base_iri))
    labels = Labels(triples + list(run(store, "graph", base_iri, graph=ontology)), base_iri)

    def show(term: ox.NamedNode | ox.Literal | ox.BlankNode) -> Constraint:
        if isinstance(term, ox.NamedNode):
            return Constraint("", labels.of(term.value), links.href(term.value))
        return Constraint("", term.value if isinstance(term, ox.Literal) else "(structure)", None)

    def rule(node: str) -> PropertyRule:
        data = index[node]
        path = data.get(SH + "path", [None])[0]
        constraints = []
        for predicate, values in sorted(data.items()):
            if predicate.startswith(SH) and predicate not in (SH + "path", SH + "message"):
                for value in values:
                    shown = show(value)
                    shown.name = "sh:" + predicate[len(SH) :]
                    constraints.append(shown)
        return PropertyRule(
            path=labels.of(path.value) if isinstance(path, ox.NamedNode) else "(complex path)",
            path_href=links.href(path.value) if isinstance(path, ox.NamedNode) else None,
            constraints=constraints,
            message=_first(data.get(SH + "message", [])),
        )

    shapes = []
    for iri, data in index.items():
        if not any(t.value == SH + "NodeShape" for t in data.get(RDF + "type", [])):
            continue
        shapes.append(Shape(
            iri=iri,
            anchor=iri.rsplit("/", 1)[-1],
            label=labels.of(iri),
            targets=[Ref(labels.of(t.value), links.href(t.value))
                     for t in data.get(SH + "targetClass", []) if isinstance(t, ox.NamedNode)],
            rules=[rule(p.value) for p in data.get(SH + "property", [])],
            message=_first(data.get(SH + "message", [])),
        ))  # fmt: skip
    return {"iri": graph, "heading": "Shapes", "shapes": sorted(shapes, key=lambda s: s.label)}
