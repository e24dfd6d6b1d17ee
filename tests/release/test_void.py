"""The VoID/DCAT description: every count equals a COUNT query on the live endpoint,
every distribution matches the file served, and the settings say who publishes what."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterator

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, SKOS, VOID

from kg.release.files import DUMP_FILES, SUPPORT
from tests.conftest import LiveServer, start_server, stop_server
from tests.projects import dumped_project

MINI = "https://mini.example.org/"
DATASET = URIRef(f"{MINI}dataset")
SPDX = Namespace("http://spdx.org/rdf/terms#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")  # DCAT 3 (rdflib's closed DCAT lacks dcat:version)
XSD_DATETIME = URIRef("http://www.w3.org/2001/XMLSchema#dateTime")
IANA = "http://www.iana.org/assignments/media-types/"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    target = tmp_path_factory.mktemp("void") / "mini"
    dumped_project(target, license=LICENSE, publisher="The Mini Gazette")
    live = start_server(target)
    yield live
    stop_server(live)


@pytest.fixture(scope="module")
def void(server: LiveServer) -> Graph:
    with server.client() as client:
        response = client.get("/.well-known/void")
    assert response.status_code == 200
    return Graph().parse(data=response.text, format="turtle")


def count(server: LiveServer, query: str) -> int:
    """A COUNT query on the endpoint, written here independently of sparql-builtin/."""
    with server.client() as client:
        response = client.get("/sparql", params={"query": query})
    assert response.status_code == 200, response.text
    (row,) = response.json()["results"]["bindings"]
    return int(row["n"]["value"])


def value(graph: Graph, subject: URIRef, predicate: URIRef) -> int:
    return int(graph.value(subject, predicate))


DATASET_COUNTS = {
    VOID.triples: "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }",
    VOID.entities: "SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s ?p ?o "
    f'FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{MINI}id/")) }}',
    VOID.distinctSubjects: "SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s ?p ?o }",
    VOID.distinctObjects: "SELECT (COUNT(DISTINCT ?o) AS ?n) { ?s ?p ?o }",
    VOID.classes: "SELECT (COUNT(DISTINCT ?c) AS ?n) { ?s a ?c }",
    VOID.properties: "SELECT (COUNT(DISTINCT ?p) AS ?n) { ?s ?p ?o }",
}


@pytest.mark.parametrize("predicate", list(DATASET_COUNTS), ids=lambda p: p.split("#")[-1])
def test_dataset_counts_equal_count_queries(server, void, predicate):
    assert value(void, DATASET, predicate) == count(server, DATASET_COUNTS[predicate])
    assert value(void, DATASET, predicate) > 0


def test_triples_equal_the_lines_of_the_ntriples_dump(server, void):
    with server.client() as client:
        dump = client.get("/dumps/dataset.nt.gz").content
    assert value(void, DATASET, VOID.triples) == len(gzip.decompress(dump).splitlines())


def test_class_partitions_count_the_instances_of_each_class(server, void):
    partitions = {
        void.value(p, VOID["class"]): p for p in void.objects(DATASET, VOID.classPartition)
    }
    with server.client() as client:
        rows = client.get("/sparql", params={"query": "SELECT DISTINCT ?c { ?s a ?c }"}).json()
    assert set(partitions) == {URIRef(r["c"]["value"]) for r in rows["results"]["bindings"]}
    for cls, partition in partitions.items():
        expected = count(server, f"SELECT (COUNT(DISTINCT ?s) AS ?n) {{ ?s a <{cls}> }}")
        assert value(void, partition, VOID.entities) == expected, cls


def test_property_partitions_count_the_triples_of_each_property(server, void):
    partitions = {
        void.value(p, VOID.property): p for p in void.objects(DATASET, VOID.propertyPartition)
    }
    assert len(partitions) == value(void, DATASET, VOID.properties)
    for prop, partition in partitions.items():
        query = f"SELECT (COUNT(*) AS ?n) {{ SELECT DISTINCT ?s ?o {{ ?s <{prop}> ?o }} }}"
        assert value(void, partition, VOID.triples) == count(server, query), prop


def test_one_linkset_per_target_and_link_predicate(server, void):
    linksets = {}
    for linkset in void.subjects(RDF.type, VOID.Linkset):
        assert void.value(linkset, VOID.subjectsTarget) == DATASET
        target = void.value(linkset, VOID.objectsTarget)
        space = str(void.value(target, VOID.uriSpace))
        predicate = void.value(linkset, VOID.linkPredicate)
        linksets[(space, predicate)] = value(void, linkset, VOID.triples)
        assert (DATASET, VOID.subset, linkset) in void
    wikidata, dbpedia = "http://www.wikidata.org/entity/", "http://dbpedia.org/resource/"
    assert set(linksets) == {(wikidata, OWL.sameAs), (wikidata, SKOS.exactMatch),
                             (dbpedia, SKOS.exactMatch), (dbpedia, SKOS.closeMatch)}  # fmt: skip
    for (space, predicate), links in linksets.items():
        query = (f"SELECT (COUNT(*) AS ?n) {{ SELECT DISTINCT ?s ?o {{ ?s <{predicate}> ?o "
                 f'FILTER(STRSTARTS(STR(?o), "{space}")) }} }}')  # fmt: skip
        assert links == count(server, query) == 1


def test_subsets_count_their_named_graph(server, void):
    for part in ("ontology", "shapes"):
        subset = URIRef(f"{MINI}dataset/{part}")
        assert (DATASET, VOID.subset, subset) in void
        query = f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{MINI}{part}> {{ ?s ?p ?o }} }}"
        assert value(void, subset, VOID.triples) == count(server, query)
        assert (subset, VOID.dataDump, URIRef(f"{MINI}dumps/{part}.ttl")) in void


def test_every_dump_is_a_data_dump_and_a_distribution_matching_the_served_file(server, void):
    described = [f for f in DUMP_FILES if f.part != SUPPORT]
    distributions = set(void.subjects(RDF.type, DCAT.Distribution))
    assert len(distributions) == len(described)
    with server.client() as client:
        for spec in described:
            url = URIRef(f"{MINI}dumps/{spec.name}")
            (distribution,) = void.subjects(DCAT.downloadURL, url)
            assert distribution in distributions
            assert (None, VOID.dataDump, url) in void
            body = client.get(f"/dumps/{spec.name}", headers={"accept-encoding": "identity"})
            assert value(void, distribution, DCAT.byteSize) == len(body.content)
            checksum = void.value(distribution, SPDX.checksum)
            assert void.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
            digest = str(void.value(checksum, SPDX.checksumValue))
            assert digest == hashlib.sha256(body.content).hexdigest()
            media_type = URIRef(IANA + spec.format.media_type)
            assert void.value(distribution, DCAT.mediaType) == media_type
            compressed = void.value(distribution, DCAT.compressFormat)
            assert compressed == (URIRef(IANA + "application/gzip") if spec.compressed else None)


def test_dataset_metadata_comes_from_the_settings_and_the_build(server, void):
    assert (DATASET, RDF.type, VOID.Dataset) in void and (DATASET, RDF.type, DCAT.Dataset) in void
    assert str(void.value(DATASET, DCTERMS.title)) == "Mini test project"
    assert void.value(DATASET, DCTERMS.license) == URIRef(LICENSE)
    publisher = void.value(DATASET, DCTERMS.publisher)
    assert str(void.value(publisher, FOAF.name)) == "The Mini Gazette"
    with server.client() as client:
        version = client.get("/healthz").json()["version"]
    assert str(void.value(DATASET, DCAT.version)) == version
    assert str(void.value(DATASET, OWL.versionInfo)) == version
    for predicate in (DCTERMS.issued, DCTERMS.modified):
        assert void.value(DATASET, predicate).datatype == XSD_DATETIME
    assert void.value(DATASET, VOID.uriSpace) == Literal(f"{MINI}id/")
    assert void.value(DATASET, VOID.sparqlEndpoint) == URIRef(f"{MINI}sparql")
    examples = list(void.objects(DATASET, VOID.exampleResource))
    assert examples and all(str(e).startswith(f"{MINI}id/") for e in examples)
    vocabularies = set(void.objects(DATASET, VOID.vocabulary))
    assert {URIRef(f"{MINI}ontology/"), URIRef(str(RDF)), URIRef(str(OWL))} <= vocabularies


def test_the_sparql_service_serves_the_dataset(void):
    (service,) = void.subjects(RDF.type, DCAT.DataService)
    assert void.value(service, DCAT.endpointURL) == URIRef(f"{MINI}sparql")
    assert void.value(service, DCAT.servesDataset) == DATASET
