"""Streaming, readable Turtle, TriG and JSON-LD for quads that arrive sorted.

The dumps feed these writers one subject at a time, in sorted order, so memory
holds a single subject's statements, never the graph. Output is meant to be read
and diffed: the project's prefixes, one statement per line, ``a`` first, and a
prefixed name only where it needs no escaping (``kgo:Country``, not
``kgid:country\\/china``; the full IRI is clearer than an escaped local name).
Pyoxigraph's own serializers escape such names and do not compact JSON-LD.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from itertools import groupby
from typing import Any, TextIO

import pyoxigraph as ox

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD_STRING = ox.NamedNode("http://www.w3.org/2001/XMLSchema#string")
RDF_LANG_STRING = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#langString")
INDENT = "    "

# A Turtle PN_LOCAL that needs no escapes (ASCII subset; anything else gets <…>).
_PLAIN_LOCAL = re.compile(r"^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?)?$")

Subject = ox.NamedNode | ox.BlankNode
Graph = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


class PrefixMap:
    """The longest declared namespace of an IRI, for Turtle prefixed names and compact IRIs."""

    def __init__(self, prefixes: Mapping[str, str]) -> None:
        self.prefixes = dict(prefixes)
        self._longest_first = sorted(prefixes.items(), key=lambda item: -len(item[1]))

    def split(self, iri: str) -> tuple[str, str] | None:
        for name, namespace in self._longest_first:
            if iri.startswith(namespace):
                return name, iri[len(namespace) :]
        return None

    def turtle(self, iri: str) -> str:
        found = self.split(iri)
        if found and _PLAIN_LOCAL.match(found[1]):
            return f"{found[0]}:{found[1]}"
        return f"<{iri}>"

    def compact(self, iri: str) -> str:
        """A JSON-LD compact IRI; a suffix starting with ``//`` would read as an IRI."""
        found = self.split(iri)
        if found and not found[1].startswith("//"):
            return f"{found[0]}:{found[1]}"
        return iri


def subjects(quads: Iterable[ox.Quad]) -> Iterator[tuple[Graph, Subject, list[ox.Quad]]]:
    """Consecutive quads of one graph and subject, as the writers take them."""
    for (graph, subject), group in groupby(quads, key=lambda q: (q.graph_name, q.subject)):
        yield graph, subject, list(group)


class TurtleWriter:
    """Turtle (or TriG with ``graphs=True``), one subject block at a time."""

    def __init__(self, out: TextIO, prefixes: Mapping[str, str], *, graphs: bool = False) -> None:
        self.out = out
        self.names = PrefixMap(prefixes)
        self.graphs = graphs
        self._graph: Graph | None = None
        for name, namespace in prefixes.items():
            out.write(f"@prefix {name}: <{namespace}> .\n")

    def term(self, term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.DefaultGraph) -> str:
        if isinstance(term, ox.NamedNode):
            return self.names.turtle(term.value)
        if isinstance(term, ox.Literal) and term.datatype not in (XSD_STRING, RDF_LANG_STRING):
            lexical = str(term).rsplit("^^", 1)[0]  # IRIs cannot contain '^'
            return f"{lexical}^^{self.names.turtle(term.datatype.value)}"
        return str(term)  # blank nodes, plain and language-tagged literals: N-Triples form

    def add(self, graph: Graph, subject: Subject, quads: list[ox.Quad]) -> None:
        indent = ""
        if self.graphs:
            if graph != self._graph:
                self._close_graph()
                name = "" if isinstance(graph, ox.DefaultGraph) else self.term(graph) + " "
                self.out.write(f"\n{name}{{\n")
                self._graph = graph
            indent = INDENT
        statements = []
        ordered = sorted(quads, key=lambda q: q.predicate != RDF_TYPE)  # stable: `a` first
        for predicate, group in groupby(ordered, key=lambda q: q.predicate):
            verb = "a" if predicate == RDF_TYPE else self.term(predicate)
            objects = f" ,\n{indent}{INDENT * 2}".join(self.term(q.object) for q in group)
            statements.append(f"{indent}{INDENT}{verb} {objects}")
        body = " ;\n".join(statements)
        self.out.write(f"\n{indent}{self.term(subject)}\n{body} .\n")

    def _close_graph(self) -> None:
        if self._graph is not None:
            self.out.write("}\n")

    def close(self) -> None:
        if self.graphs:
            self._close_graph()


class JsonLdWriter:
    """Compacted JSON-LD: one node object per line under ``@graph``, a shared ``@context``.

    Plain strings stay JSON strings; every other literal keeps its lexical form
    as ``@value`` with ``@type`` or ``@language``, so nothing is lost to JSON
    number or boolean conversion.
    """

    def __init__(self, out: TextIO, context: Mapping[str, Any]) -> None:
        self.out = out
        self.names = PrefixMap({k: v for k, v in context.items() if isinstance(v, str)})
        self._first = True
        head = json.dumps({"@context": context}, indent=2, ensure_ascii=False)
        out.write(head[: -len("\n}")] + ',\n  "@graph": [')

    def _id(self, term: ox.NamedNode | ox.BlankNode) -> str:
        return self.names.compact(term.value) if isinstance(term, ox.NamedNode) else str(term)

    def _value(self, term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Any:
        if not isinstance(term, ox.Literal):
            return {"@id": self._id(term)}
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype == XSD_STRING:
            return term.value
        return {"@value": term.value, "@type": self.names.compact(term.datatype.value)}

    def add(self, graph: Graph, subject: Subject, quads: list[ox.Quad]) -> None:
        node: dict[str, Any] = {"@id": self._id(subject)}
        for quad in quads:
            if quad.predicate == RDF_TYPE and isinstance(quad.object, ox.NamedNode):
                node.setdefault("@type", []).append(self._id(quad.object))
            else:
                key = self.names.compact(quad.predicate.value)
                node.setdefault(key, []).append(self._value(quad.object))
        separator = "\n    " if self._first else ",\n    "
        self.out.write(separator + json.dumps(node, ensure_ascii=False))
        self._first = False

    def close(self) -> None:
        self.out.write("\n  ]\n}\n" if not self._first else "]\n}\n")
