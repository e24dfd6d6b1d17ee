"""Streaming, readable Turtle, TriG and JSON-LD from sorted N-Triples/N-Quads lines.

The dumps feed these writers one subject at a time, in sorted order, so memory
holds a single subject's statements, never the graph. The input is Oxigraph's
canonical N-Triples text, whose terms are already valid Turtle; the writers only
shorten IRIs, so no line is parsed into objects and written back. Output is meant
to be read and diffed: the project's prefixes, one statement per line, ``a`` first,
and a prefixed name only where it needs no escaping (``kgo:Country``, but the full
``<…/id/country/china>`` rather than ``kgid:country\\/china``, which pyoxigraph's
serializer writes; it also does not compact JSON-LD).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from itertools import groupby
from typing import Any, TextIO

import pyoxigraph as ox

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
INDENT = "    "

# A Turtle PN_LOCAL that needs no escapes (ASCII subset; anything else gets <…>).
_PLAIN_LOCAL = re.compile(r"^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?)?$")


# One line split into N-Triples terms: graph (empty for the default graph), subject,
# predicate, object. A plain tuple: millions are made, and a named one costs 5x more.
Statement = tuple[str, str, str, str]
GRAPH, SUBJECT, PREDICATE, OBJECT = range(4)


def statements(lines: Iterable[bytes]) -> Iterator[Statement]:
    """Split ``S P O .`` lines, optionally prefixed by ``G<TAB>`` (as the dumps sort them).

    Subjects and predicates hold no spaces, so the rest of the line is the object;
    tabs only ever separate the graph, since N-Triples escapes them inside literals.
    """
    for line in lines:
        graph, tab, triple = line.partition(b"\t")
        if not tab:
            graph, triple = b"", line
        subject, predicate, rest = triple.decode("utf-8").split(" ", 2)
        yield graph.decode("utf-8"), subject, predicate, rest[: -len(" .\n")]


def subjects(stream: Iterable[Statement]) -> Iterator[tuple[str, str, list[Statement]]]:
    """Consecutive statements of one graph and subject, as the writers take them."""
    for (graph, subject), group in groupby(stream, key=lambda s: (s[GRAPH], s[SUBJECT])):
        yield graph, subject, list(group)


class PrefixMap:
    """The longest declared namespace of an IRI, for Turtle prefixed names and compact IRIs."""

    def __init__(self, prefixes: Mapping[str, str]) -> None:
        self.prefixes = dict(prefixes)
        self._by_namespace = {namespace: name for name, namespace in prefixes.items()}
        self._others = sorted(
            ((name, ns) for name, ns in prefixes.items() if not ns.endswith(("/", "#"))),
            key=lambda item: -len(item[1]),
        )
        # predicates, classes and datatypes recur on almost every line
        self.turtle = lru_cache(maxsize=2**14)(self._turtle)  # type: ignore[method-assign]
        self.compact = lru_cache(maxsize=2**14)(self._compact)  # type: ignore[method-assign]
        self._namespace = lru_cache(maxsize=2**14)(self._longest_namespace)

    def split(self, iri: str) -> tuple[str, str] | None:
        """(prefix, local name) for the longest namespace ``iri`` starts with, else None."""
        cut = max(iri.rfind("/"), iri.rfind("#")) + 1
        found = self._namespace(iri[:cut])  # IRIs share few "directories": cached
        if found is None:
            found = next(((n, ns) for n, ns in self._others if iri.startswith(ns)), None)
        return (found[0], iri[len(found[1]) :]) if found else None

    def _longest_namespace(self, directory: str) -> tuple[str, str] | None:
        """The longest namespace ending in ``/`` or ``#`` that ``directory`` starts with."""
        end = len(directory)
        while end > 0:
            name = self._by_namespace.get(directory[:end])
            if name is not None:
                return name, directory[:end]
            end = max(directory.rfind("/", 0, end - 1), directory.rfind("#", 0, end - 1)) + 1
        return None

    def _turtle(self, iri: str) -> str:
        """A prefixed name where the local name needs no escapes, else ``<iri>``.

        The longest namespace leaves the shortest local name; if that one needs
        escapes, so does every longer one (it would hold a ``/`` or ``#``).
        """
        found = self.split(iri)
        if found and _PLAIN_LOCAL.match(found[1]):
            return f"{found[0]}:{found[1]}"
        return f"<{iri}>"

    def _compact(self, iri: str) -> str:
        """A JSON-LD compact IRI; a suffix starting with ``//`` would read as an IRI."""
        found = self.split(iri)
        if found and not found[1].startswith("//"):
            return f"{found[0]}:{found[1]}"
        return iri


def prefix_lines(prefixes: Mapping[str, str]) -> str:
    """The ``@prefix`` lines a Turtle or TriG file starts with."""
    return "".join(f"@prefix {name}: <{namespace}> .\n" for name, namespace in prefixes.items())


def prefix_map(prefixes: Mapping[str, str]) -> PrefixMap:
    """One ``PrefixMap`` per set of prefixes, its caches shared by every writer that uses
    it: the dumps make a writer per graph, and the same IRIs recur in all of them."""
    return _prefix_map(tuple(prefixes.items()))


@lru_cache(maxsize=8)
def _prefix_map(items: tuple[tuple[str, str], ...]) -> PrefixMap:
    return PrefixMap(dict(items))


class TurtleWriter:
    """Turtle (or TriG with ``graphs=True``), one subject block at a time."""

    def __init__(
        self, out: TextIO, prefixes: Mapping[str, str], *, graphs: bool = False,
        header: bool = True,
    ) -> None:  # fmt: skip
        """``header=False`` leaves out the ``@prefix`` lines: for text to go after them."""
        self.out = out
        self.names = prefix_map(prefixes)
        self.graphs = graphs
        self._graph: str | None = None
        if header:
            out.write(prefix_lines(prefixes))

    def term(self, token: str) -> str:
        """An N-Triples term in Turtle: IRIs (and datatypes) shortened, the rest as is."""
        if token[0] == "<":
            return self.names.turtle(token[1:-1])
        if token[0] == '"' and token[-1] == ">":  # "…"^^<datatype>; IRIs hold no '^'
            at = token.rfind("^^<")
            return f"{token[:at]}^^{self.names.turtle(token[at + 3 : -1])}"
        return token

    def add(self, graph: str, subject: str, group: list[Statement]) -> None:
        indent = ""
        if self.graphs:
            if graph != self._graph:
                self._close_graph()
                self.out.write(f"\n{self.term(graph) + ' ' if graph else ''}{{\n")
                self._graph = graph
            indent = INDENT
        lines = []
        ordered = sorted(group, key=lambda s: s[PREDICATE] != RDF_TYPE)  # stable: `a` first
        for predicate, same in groupby(ordered, key=lambda s: s[PREDICATE]):
            verb = "a" if predicate == RDF_TYPE else self.term(predicate)
            objects = f" ,\n{indent}{INDENT * 2}".join(self.term(s[OBJECT]) for s in same)
            lines.append(f"{indent}{INDENT}{verb} {objects}")
        body = " ;\n".join(lines)
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

    def __init__(self, out: TextIO, context: Mapping[str, Any], *, head: bool = True) -> None:
        """``head=False`` writes node objects only, each after a comma: for text that is
        joined to others (``jsonld_head`` and ``jsonld_tail`` around them)."""
        self.out = out
        self.names = prefix_map({k: v for k, v in context.items() if isinstance(v, str)})
        self._first = head
        if head:
            out.write(jsonld_head(context))

    def _id(self, token: str) -> str:
        return self.names.compact(token[1:-1]) if token[0] == "<" else token

    def _value(self, token: str) -> Any:
        if token[0] != '"':
            return {"@id": self._id(token)}
        if token[-1] == ">":
            at = token.rfind("^^<")
            return {"@value": _unquote(token[:at]), "@type": self._id(token[at + 2 :])}
        if token[-1] != '"':
            at = token.rfind('"@')
            return {"@value": _unquote(token[: at + 1]), "@language": token[at + 2 :]}
        return _unquote(token)

    def add(self, graph: str, subject: str, group: list[Statement]) -> None:
        node: dict[str, Any] = {"@id": self._id(subject)}
        for _, _, predicate, obj in group:
            if predicate == RDF_TYPE and obj[0] == "<":
                node.setdefault("@type", []).append(self._id(obj))
            else:
                node.setdefault(self._id(predicate), []).append(self._value(obj))
        separator = "\n    " if self._first else ",\n    "
        self.out.write(separator + json.dumps(node, ensure_ascii=False))
        self._first = False

    def close(self) -> None:
        self.out.write(jsonld_tail(empty=self._first))


def jsonld_head(context: Mapping[str, Any]) -> str:
    """A compacted JSON-LD document up to the first node of its ``@graph``."""
    head = json.dumps({"@context": context}, indent=2, ensure_ascii=False)
    return head[: -len("\n}")] + ',\n  "@graph": ['


def jsonld_tail(*, empty: bool) -> str:
    return "]\n}\n" if empty else "\n  ]\n}\n"


_STRING = json.JSONDecoder(strict=False)


def _unquote(quoted: str) -> str:
    """The text of an N-Triples string: its escapes are JSON's, bar two that Oxigraph
    never writes (``\\U`` and ``\\'``), for which the N-Triples parser decides."""
    if "\\" not in quoted:
        return quoted[1:-1]
    if "\\U" in quoted or "\\'" in quoted:
        (quad,) = ox.parse(f"<urn:x:s> <urn:x:p> {quoted} .", ox.RdfFormat.N_TRIPLES)
        return quad.object.value
    return _STRING.decode(quoted)
