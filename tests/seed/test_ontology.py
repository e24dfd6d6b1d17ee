"""The ontology documents itself, and the shared entities are labelled and linked safely.

Query writers only have the ontology's labels and comments to go on, so an
undocumented term is a bug; so is a term used in data or shapes but never declared.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

REPO = Path(__file__).resolve().parents[2]
KGO = "https://kg.example.org/ontology/"
ONTOLOGY_IRI = URIRef("https://kg.example.org/ontology")
TERM_TYPES = (
    OWL.Class,
    RDFS.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    RDF.Property,
)
KNOWN_WRONG = {f"http://www.wikidata.org/entity/{q}" for q in ("Q185078", "Q166032", "Q35731")}
DATA_FILES = [
    REPO / "data" / "entities.ttl",
    *sorted((REPO / "data" / "articles").glob("*/graph.ttl")),
]


@pytest.fixture(scope="module")
def entities() -> Graph:
    return Graph().parse(REPO / "data" / "entities.ttl")


def _terms(ontology: Graph) -> set[URIRef]:
    return {
        s
        for kind in TERM_TYPES
        for s in ontology.subjects(RDF.type, kind)
        if isinstance(s, URIRef) and str(s).startswith(KGO)
    }


def _english(graph: Graph, subject: URIRef, predicate: URIRef) -> list[str]:
    return [
        str(o) for o in graph.objects(subject, predicate) if getattr(o, "language", None) == "en"
    ]


def test_ontology_header(ontology: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    header = {p for p, _ in ontology.predicate_objects(ONTOLOGY_IRI)}
    dcterms = "http://purl.org/dc/terms/"
    for needed in ("title", "description", "creator", "license"):
        assert URIRef(dcterms + needed) in header, needed
    assert str(ontology.value(ONTOLOGY_IRI, OWL.versionInfo)) == "0.1.0"


def test_every_term_has_an_english_label_and_comment(ontology: Graph) -> None:
    undocumented = sorted(
        str(term)
        for term in _terms(ontology)
        if not _english(ontology, term, RDFS.label)
        or not (_english(ontology, term, RDFS.comment) or _english(ontology, term, SKOS.definition))
    )
    assert undocumented == []


def test_text_layer_terms_exist(ontology: Graph) -> None:
    """The build generates these; renaming one breaks every article."""
    terms = {str(t).removeprefix(KGO) for t in _terms(ontology)}
    assert {"Sentence", "inArticle", "sentenceNumber", "text", "startOffset", "endOffset"} <= terms


def test_every_concept_is_labelled_and_in_a_scheme(ontology: Graph) -> None:
    concepts = set(ontology.subjects(RDF.type, SKOS.Concept))
    assert concepts
    for concept in concepts:
        assert _english(ontology, concept, SKOS.prefLabel), concept
        assert _english(ontology, concept, SKOS.definition), concept
        scheme = ontology.value(concept, SKOS.inScheme)
        assert (scheme, RDF.type, SKOS.ConceptScheme) in ontology, concept


@pytest.mark.parametrize(
    "path",
    [*sorted((REPO / "shapes").glob("*.ttl")), *DATA_FILES],
    ids=lambda p: str(p.relative_to(REPO)),
)
def test_no_undeclared_ontology_terms(ontology: Graph, path: Path) -> None:
    """Every kgo: IRI used as a predicate or class is declared (catches typos SHACL cannot)."""
    graph = Graph().parse(path)
    used = {p for p in graph.predicates() if str(p).startswith(KGO)}
    used |= {o for o in graph.objects(None, RDF.type) if str(o).startswith(KGO)}
    assert sorted(str(t) for t in used - _terms(ontology)) == []


def test_every_entity_has_a_label(entities: Graph) -> None:
    typed = set(entities.subjects(RDF.type, None))
    assert typed
    assert sorted(str(e) for e in typed if not _english(entities, e, RDFS.label)) == []


def test_entity_iris_follow_the_pattern(entities: Graph) -> None:
    """https://kg.example.org/id/{kind}/{slug}, lower-case and hyphenated."""
    pattern = re.compile(r"^https://kg\.example\.org/id/[a-z]+(-[a-z]+)*/[a-z0-9]+(-[a-z0-9]+)*$")
    bad = sorted(str(e) for e in set(entities.subjects(RDF.type, None)) if not pattern.match(e))
    assert bad == []


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_no_known_wrong_identifiers(path: Path) -> None:
    graph = Graph().parse(path)
    used = {str(o) for o in graph.objects() if isinstance(o, URIRef)}
    assert sorted(used & KNOWN_WRONG) == []


def test_places_are_not_identified_with_agents(entities: Graph) -> None:
    """'Beijing said' is the government: no agent is owl:sameAs a city or building."""
    places = {
        "http://www.wikidata.org/entity/Q956",
        "http://www.wikidata.org/entity/Q61",
        "http://www.wikidata.org/entity/Q35525",
    }
    for subject, target in entities.subject_objects(OWL.sameAs):
        if str(target) in places:
            assert (subject, RDF.type, URIRef(KGO + "Place")) in entities, subject
