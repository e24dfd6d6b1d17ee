"""One named graph's share of every dump, computed once and kept until the graph changes.

A release assembles ``dist/`` from parts: each graph's statements as sorted canonical
N-Triples lines (its blank nodes labelled by RDFC-1.0 within the graph, prefixed with
a tag of the graph's IRI so labels never meet across graphs), and from them, ready to
concatenate, its gzip members of N-Triples and N-Quads, its Turtle, TriG and JSON-LD
text, its VoID counts and its distinct objects. A part depends on its graph alone, so
an unchanged graph's part is read back instead of recomputed, and the files made of
parts are the same bytes whether a part is fresh or kept (``kg.release.dumps``).

Parts are kept next to the store (``.kg/store.parts/``), by a key: the build's content
key of the graph's sources when known, else a hash of the lines. Memory is bounded by
the largest graph, never by the dataset.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from kg.release.writers import (
    RDF_TYPE,
    JsonLdWriter,
    Statement,
    TurtleWriter,
    statements,
    subjects,
)

GZIP_LEVEL = 6
KINDS = ("nt", "nt.gz", "nq.gz", "ttl", "trig", "jsonld", "subjects", "objects")
LINK_PREDICATES = frozenset(
    f"<{iri}>"
    for iri in (
        "http://www.w3.org/2002/07/owl#sameAs", "https://schema.org/sameAs",
        "http://www.w3.org/2004/02/skos/core#exactMatch",
        "http://www.w3.org/2004/02/skos/core#closeMatch",
        "http://www.w3.org/2004/02/skos/core#broadMatch",
        "http://www.w3.org/2004/02/skos/core#narrowMatch",
        "http://www.w3.org/2004/02/skos/core#relatedMatch",
        "http://www.w3.org/2000/01/rdf-schema#seeAlso",
    )
)  # fmt: skip
"""The predicates a VoID linkset counts (identity and mapping links)."""
LINK_TARGETS = ("<http://www.wikidata.org/entity/", "<http://dbpedia.org/resource/")


@dataclass
class Stats:
    """The VoID counts of a set of distinct statements that shares no subject with others:
    sums of them are the counts of the union (the caller makes sure subjects do not cross).
    """

    triples: int = 0
    subjects: int = 0
    entities: int = 0  # subjects that are IRIs in the dataset's URI space
    properties: Counter[str] = field(default_factory=Counter)  # predicate -> triples
    classes: Counter[str] = field(default_factory=Counter)  # class -> distinct instances
    links: Counter[str] = field(default_factory=Counter)  # "target predicate" -> triples
    examples: dict[str, str] = field(default_factory=dict)  # class -> first instance in space

    def add(self, other: Stats) -> None:
        self.triples += other.triples
        self.subjects += other.subjects
        self.entities += other.entities
        self.properties.update(other.properties)
        self.classes.update(other.classes)
        self.links.update(other.links)
        for cls, iri in other.examples.items():
            if cls not in self.examples or iri < self.examples[cls]:
                self.examples[cls] = iri

    def to_json(self) -> dict[str, Any]:
        return {"triples": self.triples, "subjects": self.subjects, "entities": self.entities,
                "properties": dict(self.properties), "classes": dict(self.classes),
                "links": dict(self.links), "examples": self.examples}  # fmt: skip

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Stats:
        return cls(data["triples"], data["subjects"], data["entities"],
                   Counter(data["properties"]), Counter(data["classes"]),
                   Counter(data["links"]), dict(data["examples"]))  # fmt: skip


Groups = list[tuple[str, str, list[Statement]]]
"""Statements by subject, as ``kg.release.writers.subjects`` gives them."""


def grouped(lines: Iterable[bytes]) -> Groups:
    """Sorted lines split into statements and grouped by subject, once for every use."""
    return list(subjects(statements(lines)))


def statistics(groups: Groups, uri_space: str) -> Stats:
    """Count distinct statements, by subject, as the VoID description needs them."""
    stats = Stats()
    space = f"<{uri_space}"
    for _, subject, group in groups:
        stats.subjects += 1
        in_space = subject.startswith(space)
        stats.entities += in_space
        seen_classes = set()
        for _, _, predicate, obj in group:
            stats.triples += 1
            stats.properties[predicate[1:-1]] += 1
            if predicate == RDF_TYPE and obj[0] == "<" and obj not in seen_classes:
                seen_classes.add(obj)
                stats.classes[obj[1:-1]] += 1
                if in_space and obj[1:-1] not in stats.examples:
                    stats.examples[obj[1:-1]] = subject[1:-1]
            if predicate in LINK_PREDICATES and in_space:
                target = next((t for t in LINK_TARGETS if obj.startswith(t)), None)
                if target:
                    stats.links[f"{target[1:]} {predicate[1:-1]}"] += 1
    return stats


def graph_lines(store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph) -> list[bytes]:
    """The graph's statements as sorted N-Triples lines, blank nodes labelled canonically.

    Oxigraph writes the N-Triples (in Rust, far faster than formatting terms here); only
    the statements with a blank node are parsed again, to be canonicalized."""
    lines = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph).splitlines(keepends=True)
    plain = [line for line in lines if not has_blank_node(line)]
    if len(plain) < len(lines):
        with_blanks = b"".join(line for line in lines if has_blank_node(line))
        blanks = ox.Dataset(ox.parse(with_blanks, format=ox.RdfFormat.N_TRIPLES))
        blanks.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        name = graph.value if isinstance(graph, ox.NamedNode) else ""
        tag = b"_:g" + hashlib.sha256(name.encode()).hexdigest()[:12].encode()
        canonical = ox.serialize(blanks, format=ox.RdfFormat.N_QUADS)
        plain += [_tagged(line, tag) for line in canonical.splitlines(keepends=True)]
    plain.sort()
    return plain


def has_blank_node(line: bytes) -> bool:
    """A blank node is a subject (the line starts with it) or an object (after the
    predicate, which is always an IRI): never inside a literal's text."""
    if b"_:" not in line:  # most lines: no blank node, and no text that looks like one
        return False
    return line.startswith(b"_:") or line.split(b" ", 2)[2].startswith(b"_:")


def _tagged(line: bytes, tag: bytes) -> bytes:
    """``_:c14n3`` as ``_:g{tag}c14n3``, in subject and object position only."""
    subject, predicate, rest = line.split(b" ", 2)
    if subject.startswith(b"_:"):
        subject = tag + subject[2:]
    if rest.startswith(b"_:"):
        rest = tag + rest[2:]
    return b" ".join((subject, predicate, rest))


def serialize(lines: list[bytes], groups: Groups, prefixes: Mapping[str, str]) -> Blobs:
    """What the union files take from these lines: gzip member, Turtle and JSON-LD text."""
    ttl, jsonld = io.StringIO(), io.StringIO()
    turtle = TurtleWriter(ttl, prefixes, header=False)
    nodes = JsonLdWriter(jsonld, prefixes, head=False)
    for group in groups:
        turtle.add(*group)
        nodes.add(*group)
    return {"nt.gz": _gzip(b"".join(lines)), "ttl": ttl.getvalue().encode(),
            "jsonld": jsonld.getvalue().encode()}  # fmt: skip


def graph_files(
    graph: str, lines: list[bytes], groups: Groups, prefixes: Mapping[str, str]
) -> Blobs:
    """Every kind of part of one graph."""
    name = f"<{graph}>" if graph else ""
    quads = [line[: -len(b" .\n")] + f" {name} .\n".encode() for line in lines] if graph else lines
    union = serialize(lines, groups, prefixes)
    terms = [line.split(b" ", 2) for line in lines]
    subjects_ = sorted({t[0] for t in terms})
    objects = sorted({t[2][: -len(b" .\n")] for t in terms})
    return {"nt": b"".join(lines), "nq.gz": _gzip(b"".join(quads)),
            "trig": _trig(name, union["ttl"], prefixes), "subjects": b"\n".join(subjects_),
            "objects": b"\n".join(objects), **union}  # fmt: skip


def _trig(name: str, turtle: bytes, prefixes: Mapping[str, str]) -> bytes:
    """The graph's TriG block: its Turtle, every line indented, inside ``<graph> { }``
    (what ``TurtleWriter(graphs=True)`` writes, without writing it twice)."""
    if not turtle:
        return b""
    label = TurtleWriter(io.StringIO(), prefixes, header=False).term(name) + " " if name else ""
    body = b"\n".join(b"    " + line if line else line for line in turtle.split(b"\n"))
    return f"\n{label}{{\n".encode() + body + b"}\n"


def _gzip(data: bytes) -> bytes:
    """A reproducible gzip member (no name, mtime 0): members concatenate into one file."""
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0) if data else b""


@dataclass(frozen=True, slots=True)
class Part:
    """A kept part: its graph, its key and its counts (its bytes are in its file)."""

    graph: str
    key: str
    stats: Stats

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "stats": self.stats.to_json()}


Blobs = dict[str, bytes]
"""A part's bytes by kind (``KINDS``)."""


class PartStore:
    """The kept parts, in the parts database (``kg.release.union_index.parts_database``):
    one row per part with its bytes, and the current part of each graph. Rows, not files:
    creating a file costs more here than writing a part."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        row = db.execute("SELECT value FROM meta WHERE name = 'version'").fetchone()
        self.version: str | None = row[0] if row else None  # the release these parts make
        self.kept = {
            graph: Part(graph, key, Stats.from_json(json.loads(stats)))
            for graph, key, stats in db.execute("SELECT graph, key, stats FROM current")
        }

    def has(self, key: str) -> bool:
        return self.db.execute("SELECT 1 FROM parts WHERE key = ?", (key,)).fetchone() is not None

    def read(self, key: str) -> Blobs:
        """Every kind of a part: a JSON line of sizes, then the bytes."""
        (raw,) = self.db.execute("SELECT data FROM parts WHERE key = ?", (key,)).fetchone()
        return unpacked(bytes(raw))

    def make(
        self, graph: str, key: str | None, lines: list[bytes], prefixes: Mapping[str, str],
        uri_space: str,
    ) -> Part:  # fmt: skip
        """Keep a part and describe it (its bytes are read back when needed, one part at
        a time: holding them all would hold the dataset)."""
        return self.put(made_part(graph, key, lines, prefixes, uri_space))

    def put(self, made: MadePart) -> Part:
        """Keep a part made here or in a worker (``kg.release.part_workers``)."""
        self.db.execute("INSERT OR REPLACE INTO parts VALUES (?, ?)", (made.key, made.data))
        return Part(made.graph, made.key, made.stats)

    def keep(self, parts: Iterable[Part], version: str) -> None:
        """Record ``parts`` as the current ones, those of release ``version``, and forget
        every other part; only the rows of graphs whose part changed are written."""
        now = {p.graph: p for p in parts}
        before = {graph: part.key for graph, part in self.kept.items()}
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (version,))
        self.db.executemany("DELETE FROM current WHERE graph = ?",
                            ((g,) for g, key in before.items() if g not in now))  # fmt: skip
        self.db.executemany("INSERT OR REPLACE INTO current VALUES (?, ?, ?)",
                            ((p.graph, p.key, json.dumps(p.stats.to_json(), sort_keys=True))
                             for p in parts if before.get(p.graph) != p.key))  # fmt: skip
        if len(before) != len(now) or any(before.get(g) != p.key for g, p in now.items()):
            self.db.execute("DELETE FROM parts WHERE key NOT IN (SELECT key FROM current)")
        self.kept = now


@dataclass(frozen=True, slots=True)
class MadePart:
    """A part's bytes as the parts database keeps them, before they are kept."""

    graph: str
    key: str
    data: bytes  # a JSON line of (kind, size) pairs, then every kind's bytes
    stats: Stats


def unpacked(data: bytes) -> Blobs:
    """A part's kinds from its bytes as kept: a JSON line of sizes, then the bytes."""
    head, _, body = data.partition(b"\n")
    blobs, at = {}, 0
    for kind, size in json.loads(head):
        blobs[kind], at = body[at : at + size], at + size
    return blobs


def made_part(graph: str, key: str | None, lines: list[bytes], prefixes: Mapping[str, str],
              uri_space: str) -> MadePart:  # fmt: skip
    """Every kind of part of one graph, from its lines; ``key`` None: a hash of them."""
    if key is None:
        digest = hashlib.sha256(f"{PARTS_VERSION}\0{graph}\0".encode())
        for line in lines:
            digest.update(line)
        key = digest.hexdigest()
    groups = grouped(lines)
    blobs = graph_files(graph, lines, groups, prefixes)
    head = json.dumps([[kind, len(blobs[kind])] for kind in KINDS]).encode()
    data = b"".join([head, b"\n", *(blobs[kind] for kind in KINDS)])
    return MadePart(graph, key, data, statistics(groups, uri_space))


def part_key(source_key: str | None, graph: str, prefixes: Mapping[str, str]) -> str | None:
    """The key of a graph's part when its sources' key is known: the same sources, base
    and prefixes give the same lines and the same text, so the part can be kept."""
    if not source_key:
        return None
    digest = hashlib.sha256(f"{PARTS_VERSION}\0{graph}\0{source_key}\0".encode())
    digest.update(json.dumps(dict(prefixes), sort_keys=True).encode())
    return digest.hexdigest()


PARTS_VERSION = "1"
"""Raise when what a part holds changes, so kept parts are made again."""


@dataclass
class Assembled:
    """What one dump assembled: the parts, how many were made afresh, the union's counts
    (what the VoID description says of them). Not a release (``kg.release.history``)."""

    parts: list[Part]
    made: int
    distinct_objects: int
    stats: Stats = field(default_factory=Stats)

    @property
    def quads(self) -> int:
        return sum(p.stats.triples for p in self.parts)

    def part(self, graph: str) -> Part | None:
        return next((p for p in self.parts if p.graph == graph), None)

    def graph_triples(self, graph: str) -> int:
        part = self.part(graph)
        return part.stats.triples if part else 0
