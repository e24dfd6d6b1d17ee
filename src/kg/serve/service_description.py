"""The SPARQL 1.1 Service Description of the endpoint (https://www.w3.org/TR/sparql11-service-description/).

It tells clients what the endpoint speaks (result formats, features) and what it
holds: the default dataset, whose default graph is the union of all named
graphs, and each named graph with its size (``void:triples``), computed from the
store once per dataset version.
"""

from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox

from kg import formats
from kg.config import Settings
from kg.store import Store

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
DCTERMS = "http://purl.org/dc/terms/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
GRAPH_STORE_PATH = "/store"  # beside /sparql: kg.serve.graph_store
GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def service_description(settings: Settings, store: Store, endpoint: str) -> list[ox.Triple]:
    """The description of the endpoint at ``endpoint`` (the URL the client used)."""
    sizes = graph_sizes(store, store.info.version)
    service = ox.NamedNode(endpoint)
    dataset, default_graph = ox.BlankNode("dataset"), ox.BlankNode("defaultGraph")
    triples = [
        ox.Triple(service, RDF_TYPE, _sd("Service")),
        ox.Triple(service, _sd("endpoint"), service),
        ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        ox.Triple(service, _sd("feature"), _sd("UnionDefaultGraph")),
        ox.Triple(service, _sd("defaultDataset"), dataset),
        ox.Triple(service, ox.NamedNode(DCTERMS + "title"), ox.Literal(settings.title)),
        ox.Triple(dataset, RDF_TYPE, _sd("Dataset")),
        ox.Triple(dataset, _sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, _sd("Graph")),
        ox.Triple(default_graph, ox.NamedNode(VOID + "triples"), ox.Literal(sum(sizes.values()))),
    ]
    # the Graph Store Protocol's read side (kg.serve.graph_store), beside this endpoint
    store_endpoint = ox.NamedNode(endpoint.rsplit("/", 1)[0] + GRAPH_STORE_PATH)
    triples += [
        ox.Triple(service, ox.NamedNode(DCTERMS + "hasPart"), store_endpoint),
        ox.Triple(store_endpoint, ox.NamedNode(DCTERMS + "conformsTo"),
                  ox.NamedNode("http://www.w3.org/TR/sparql11-http-rdf-update/")),
    ]  # fmt: skip
    if settings.service_allowlist:
        triples.append(ox.Triple(service, _sd("feature"), _sd("BasicFederatedQuery")))
    for fmt in formats.FORMATS:
        if fmt.w3c and not fmt.quads:
            triples.append(ox.Triple(service, _sd("resultFormat"), ox.NamedNode(fmt.w3c)))
    for number, (name, size) in enumerate(sorted(sizes.items()), start=1):
        named, graph = ox.BlankNode(f"named{number}"), ox.BlankNode(f"graph{number}")
        triples += [
            ox.Triple(dataset, _sd("namedGraph"), named),
            ox.Triple(named, RDF_TYPE, _sd("NamedGraph")),
            ox.Triple(named, _sd("name"), ox.NamedNode(name)),
            ox.Triple(named, _sd("graph"), graph),
            ox.Triple(graph, RDF_TYPE, _sd("Graph")),
            ox.Triple(graph, ox.NamedNode(VOID + "triples"), ox.Literal(size)),
        ]
    return triples


@lru_cache(maxsize=4)
def graph_sizes(store: Store, version: str) -> dict[str, int]:
    """Triples per named graph; ``version`` is the cache key, so a new build recounts."""
    return {row["g"].value: int(row["n"].value) for row in store.query(GRAPH_SIZES)}
