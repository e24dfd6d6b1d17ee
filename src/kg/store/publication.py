"""What ``kg publish`` records on a SPARQL server about the dataset it put there.

One graph of kg's own, ``{base}graph/kg-metadata``, holds one JSON literal: the
build info of the published dataset (the very dict of the local ``build.json``)
and, per published graph, its triple count and the SHA-256 of its canonical
N-Triples. A remote store reads it for ``info`` and for the graphs its queries
range over; the next publish compares hashes with it and sends only what changed.
Publishing writes it last, so it only ever lists graphs that are all in place.

Why a JSON literal and not a description in RDF: the metadata graph is part of the
server's default graph wherever that is the union of all graphs, and RDF about
each graph would put kg's bookkeeping on every article's page there (a triple
count, a hash). One literal on the metadata graph's own IRI stays out of the way.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from kg.errors import EnvironmentProblem
from kg.namespaces import STANDARD_PREFIXES

METADATA_PATH = "graph/kg-metadata"


def metadata_graph(base_iri: str) -> str:
    return base_iri + METADATA_PATH


@dataclass(frozen=True, slots=True)
class PublishedGraph:
    """One named graph as published: how many triples, and the hash of what they are."""

    triples: int
    sha256: str


@dataclass(frozen=True, slots=True)
class Publication:
    """The build info and the graphs of the dataset on a server."""

    info: Mapping[str, Any]
    graphs: Mapping[str, PublishedGraph] = field(default_factory=dict)

    def to_json(self) -> str:
        graphs = {iri: {"triples": g.triples, "sha256": g.sha256} for iri, g in self.graphs.items()}
        return json.dumps({"info": dict(self.info), "graphs": graphs}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str, *, where: str) -> Publication:
        try:
            document = json.loads(text)
            graphs = {
                iri: PublishedGraph(int(g["triples"]), str(g["sha256"]))
                for iri, g in document["graphs"].items()
            }
            return cls(dict(document["info"]), graphs)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise EnvironmentProblem(
                f"the metadata graph on {where} is not one kg publish wrote ({exc})",
                hint="publish again (`kg publish --to URL`) to rewrite it",
            ) from None

    def triples(self, base_iri: str) -> list[ox.Triple]:
        """The metadata graph: the JSON, plus the version and time for people who look."""
        graph = ox.NamedNode(metadata_graph(base_iri))
        triples = [ox.Triple(graph, _term(base_iri, "publication"), ox.Literal(self.to_json()))]
        if "version" in self.info:
            version = ox.Literal(str(self.info["version"]))
            triples.append(ox.Triple(graph, OWL_VERSION_INFO, version))
        return triples


OWL_VERSION_INFO = ox.NamedNode(STANDARD_PREFIXES["owl"] + "versionInfo")


def _term(base_iri: str, name: str) -> ox.NamedNode:
    return ox.NamedNode(f"{metadata_graph(base_iri)}#{name}")


def read_query(base_iri: str) -> str:
    """The SELECT that reads a publication back (one row with ?publication, or none)."""
    graph = metadata_graph(base_iri)
    return (
        f"SELECT ?publication WHERE {{ GRAPH <{graph}> "
        f"{{ <{graph}> {_term(base_iri, 'publication')} ?publication }} }}"
    )
