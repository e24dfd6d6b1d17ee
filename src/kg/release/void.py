"""The dataset described in VoID and DCAT 3: ``dist/void.ttl``, served at ``/.well-known/void``.

Every number is counted from the statements just dumped (``kg.release.parts``: each
graph's counts, summed over graphs that share no subject, and the distinct objects
of ``kg.release.union_index``): the numbers COUNT queries give on the endpoint
(``tests/release/test_void.py`` checks each); sizes and checksums are those of the
files just written. Nothing is typed in. The description is deterministic: blank
nodes are labelled by position and the release time is the store's build time, or
``SOURCE_DATE_EPOCH`` when set (the reproducible-builds convention), so equal inputs
give an identical file.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg import formats, namespaces
from kg.config import Settings
from kg.release.files import DATASET, ONTOLOGY, SHAPES, WrittenFile
from kg.release.parts import Assembled
from kg.release.writers import PrefixMap, TurtleWriter, statements, subjects
from kg.store.builds import BuildInfo

SPDX = "http://spdx.org/rdf/terms#"
IANA = "http://www.iana.org/assignments/media-types/"
_NS = namespaces.STANDARD_PREFIXES


@dataclass(frozen=True, slots=True)
class LinkTarget:
    title: str
    dataset: str  # the IRI the linksets name as void:objectsTarget


# Titles of the datasets the linksets point to (``kg.release.parts.LINK_TARGETS``), by URI space.
LINK_TARGETS = {
    _NS["wd"]: LinkTarget("Wikidata", "https://www.wikidata.org/"),
    _NS["dbr"]: LinkTarget("DBpedia", "https://dbpedia.org/"),
}


def dataset_iri(base_iri: str) -> str:
    return f"{base_iri}dataset"


def description_iri(base_iri: str) -> str:
    return f"{base_iri}.well-known/void"


def release_time(info: BuildInfo) -> str:
    """When this release was made: ``SOURCE_DATE_EPOCH`` if set, else the build time."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(epoch)))
    return str(info.data.get("built_at", "1970-01-01T00:00:00Z"))


class _Description:
    """Collects the triples; helpers keep each statement on one readable line."""

    def __init__(self, settings: Settings, release: Assembled) -> None:
        self.settings = settings
        self.release = release
        self.triples: list[ox.Triple] = []
        self._blanks: dict[str, int] = {}

    def add(self, subject: ox.NamedNode | ox.BlankNode, term: str, *objects: object) -> None:
        prefix, _, local = term.partition(":")
        predicate = ox.NamedNode(_vocabulary(prefix) + local)
        for value in objects:
            self.triples.append(ox.Triple(subject, predicate, _term(value)))

    def blank(self, kind: str, name: str | None = None) -> ox.BlankNode:
        """A blank node labelled by kind and position (or name), so labels are stable."""
        if name is None:
            self._blanks[kind] = self._blanks.get(kind, 0) + 1
            name = f"{self._blanks[kind]:04d}"
        return ox.BlankNode(f"{kind}-{name}")


def describe(
    settings: Settings, release: Assembled, info: BuildInfo, files: Sequence[WrittenFile]
) -> list[ox.Triple]:
    """The VoID/DCAT description of the dataset ``release`` dumped and of the dump ``files``."""
    base = settings.base_iri
    d = _Description(settings, release)
    dataset = ox.NamedNode(dataset_iri(base))
    document = ox.NamedNode(description_iri(base))
    d.add(document, "rdf:type", _iri("void", "DatasetDescription"))
    d.add(document, "dcterms:title", f"Description of {settings.title}")
    d.add(document, "foaf:primaryTopic", dataset)
    d.add(dataset, "rdf:type", _iri("void", "Dataset"), _iri("dcat", "Dataset"))
    _about(d, dataset, settings, info)
    _statistics(d, dataset, base)
    _linksets(d, dataset)
    _distributions(d, dataset, [f for f in files if f.spec.part == DATASET], base)
    _subsets(d, dataset, files, base)
    service = ox.NamedNode(f"{dataset_iri(base)}/sparql-service")
    d.add(service, "rdf:type", _iri("dcat", "DataService"))
    d.add(service, "dcterms:title", f"SPARQL endpoint of {settings.title}")
    d.add(service, "dcat:endpointURL", ox.NamedNode(f"{base}sparql"))
    d.add(service, "dcat:servesDataset", dataset)
    d.add(service, "dcterms:conformsTo", ox.NamedNode("https://www.w3.org/TR/sparql11-protocol/"))
    return d.triples


EXAMPLES = 5
"""Shared entities named as void:exampleResource: one per class, the first classes."""


def _statistics(d: _Description, dataset: ox.NamedNode, base: str) -> None:
    """The counts, the partitions, the examples and the vocabularies of the union."""
    stats = d.release.stats
    counts = {"triples": stats.triples, "entities": stats.entities,
              "distinctSubjects": stats.subjects, "distinctObjects": d.release.distinct_objects,
              "classes": len(stats.classes), "properties": len(stats.properties)}  # fmt: skip
    for prop, value in counts.items():
        d.add(dataset, f"void:{prop}", _integer(value))
    d.add(dataset, "void:uriSpace", namespaces.prefixes(base)["kgid"])
    d.add(dataset, "void:sparqlEndpoint", ox.NamedNode(f"{base}sparql"))
    d.add(dataset, "rdfs:seeAlso", ox.NamedNode(f"{base}changes"))  # the releases, in DCAT
    entities = d.release.part(namespaces.entities_graph(base))
    examples = sorted(entities.stats.examples.items()) if entities else []
    for _, resource in examples[:EXAMPLES]:
        d.add(dataset, "void:exampleResource", ox.NamedNode(resource))
    vocabularies: set[str] = set()
    for kind, count, partitions in (("class", "entities", stats.classes),
                                    ("property", "triples", stats.properties)):  # fmt: skip
        for iri, number in sorted(partitions.items()):
            partition = d.blank(kind)
            d.add(dataset, f"void:{kind}Partition", partition)
            d.add(partition, f"void:{kind}", ox.NamedNode(iri))
            d.add(partition, f"void:{count}", _integer(number))
            vocabularies.add(_namespace(iri, base))
    d.add(dataset, "void:vocabulary", *(ox.NamedNode(v) for v in sorted(vocabularies)))


def _subsets(
    d: _Description, dataset: ox.NamedNode, files: Sequence[WrittenFile], base: str
) -> None:
    """The ontology and the shapes graphs, each a subset with its own dump."""
    for part, graph, title in (
        (ONTOLOGY, namespaces.ontology_graph(base), "The ontology"),
        (SHAPES, namespaces.shapes_graph(base), "The SHACL shapes"),
    ):
        subset = ox.NamedNode(f"{dataset_iri(base)}/{part}")
        d.add(dataset, "void:subset", subset)
        d.add(subset, "rdf:type", _iri("void", "Dataset"), _iri("dcat", "Dataset"))
        d.add(subset, "dcterms:title", title)
        d.add(subset, "dcterms:isPartOf", dataset)
        d.add(subset, "void:triples", _integer(d.release.graph_triples(graph)))
        _distributions(d, subset, [f for f in files if f.spec.part == part], base)


def _about(d: _Description, dataset: ox.NamedNode, settings: Settings, info: BuildInfo) -> None:
    """Title, licence, publisher, dates and version, from the settings and the build."""
    d.add(dataset, "dcterms:title", settings.title)
    if settings.description:
        d.add(dataset, "dcterms:description", settings.description)
    if settings.license:
        d.add(dataset, "dcterms:license", _iri_or_text(settings.license))
    if settings.publisher:
        publisher = _iri_or_text(settings.publisher)
        if isinstance(publisher, ox.Literal):
            agent = d.blank("publisher", "1")
            d.add(agent, "rdf:type", _iri("foaf", "Agent"))
            d.add(agent, "foaf:name", publisher)
            publisher = agent
        d.add(dataset, "dcterms:publisher", publisher)
    released = ox.Literal(release_time(info), datatype=ox.NamedNode(_NS["xsd"] + "dateTime"))
    d.add(dataset, "dcterms:issued", released)
    d.add(dataset, "dcterms:modified", released)
    d.add(dataset, "dcat:version", info.version)
    d.add(dataset, "owl:versionInfo", info.version)


def _linksets(d: _Description, dataset: ox.NamedNode) -> None:
    """One void:Linkset per target dataset and link predicate."""
    described: set[str] = set()
    for pair, triples in sorted(d.release.stats.links.items()):
        space, predicate = pair.split(" ")
        target = LINK_TARGETS.get(space, LinkTarget(space, space))
        target_node = ox.NamedNode(target.dataset)
        linkset = d.blank("linkset")
        d.add(dataset, "void:subset", linkset)
        d.add(linkset, "rdf:type", _iri("void", "Linkset"))
        d.add(linkset, "void:subjectsTarget", dataset)
        d.add(linkset, "void:objectsTarget", target_node)
        d.add(linkset, "void:linkPredicate", ox.NamedNode(predicate))
        d.add(linkset, "void:triples", _integer(triples))
        if space not in described:
            described.add(space)
            d.add(target_node, "rdf:type", _iri("void", "Dataset"))
            d.add(target_node, "dcterms:title", target.title)
            d.add(target_node, "void:uriSpace", space)


def _distributions(
    d: _Description, dataset: ox.NamedNode, files: Iterable[WrittenFile], base: str
) -> None:
    """A void:dataDump and a dcat:Distribution (media type, size, SHA-256) per file."""
    for written in files:
        spec = written.spec
        url = ox.NamedNode(f"{base}dumps/{spec.name}")
        distribution = ox.NamedNode(f"{dataset_iri(base)}/distribution/{spec.name}")
        d.add(dataset, "void:dataDump", url)
        d.add(dataset, "dcat:distribution", distribution)
        d.add(distribution, "rdf:type", _iri("dcat", "Distribution"))
        d.add(distribution, "dcterms:title", spec.title)
        d.add(distribution, "dcat:downloadURL", url)
        d.add(distribution, "dcat:accessURL", ox.NamedNode(f"{base}dumps/"))
        d.add(distribution, "dcat:mediaType", ox.NamedNode(IANA + spec.format.media_type))
        if spec.format.w3c:
            d.add(distribution, "dcterms:format", ox.NamedNode(spec.format.w3c))
        if spec.compressed:
            gzip = formats.BY_NAME["gzip"].media_type
            d.add(distribution, "dcat:compressFormat", ox.NamedNode(IANA + gzip))
        size = ox.Literal(
            str(written.size), datatype=ox.NamedNode(_NS["xsd"] + "nonNegativeInteger")
        )
        d.add(distribution, "dcat:byteSize", size)
        checksum = d.blank("sha256", spec.name.replace(".", "-"))
        d.add(distribution, "spdx:checksum", checksum)
        d.add(checksum, "rdf:type", ox.NamedNode(SPDX + "Checksum"))
        d.add(checksum, "spdx:algorithm", ox.NamedNode(SPDX + "checksumAlgorithm_sha256"))
        hexsum = ox.Literal(written.sha256, datatype=ox.NamedNode(_NS["xsd"] + "hexBinary"))
        d.add(checksum, "spdx:checksumValue", hexsum)


def void_prefixes(base_iri: str) -> dict[str, str]:
    return namespaces.prefixes(base_iri) | {"spdx": SPDX}


def write_void(
    path: Path,
    settings: Settings,
    release: Assembled,
    info: BuildInfo,
    files: Sequence[WrittenFile],
) -> None:
    """``void.ttl``: the description in readable Turtle, statements sorted."""
    triples = describe(settings, release, info, files)
    lines = sorted({f"{triple} .\n".encode() for triple in triples})
    with path.open("w", encoding="utf-8", newline="\n") as out:
        writer = TurtleWriter(out, void_prefixes(settings.base_iri))
        for group in subjects(statements(lines)):
            writer.add(*group)


def _vocabulary(prefix: str) -> str:
    return SPDX if prefix == "spdx" else _NS[prefix]


def _iri(prefix: str, local: str) -> ox.NamedNode:
    return ox.NamedNode(_vocabulary(prefix) + local)


def _term(value: object) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(value, ox.NamedNode | ox.BlankNode | ox.Literal):
        return value
    return ox.Literal(str(value))


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(_NS["xsd"] + "integer"))


def _iri_or_text(value: str) -> ox.NamedNode | ox.Literal:
    """A setting that may be an IRI (licence, publisher) or a plain name."""
    if value.startswith(("http://", "https://")) and " " not in value:
        return ox.NamedNode(value)
    return ox.Literal(value)


def _namespace(iri: str, base_iri: str) -> str:
    """The vocabulary an IRI belongs to: a declared prefix, else up to its last # or /."""
    found = PrefixMap(namespaces.prefixes(base_iri)).split(iri)
    if found:
        return iri[: len(iri) - len(found[1])]
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1] if cut >= 0 else iri
