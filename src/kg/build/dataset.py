"""Project files -> named graphs: parse every file once and derive the article text layers.

The result is a list of ``GraphSource``: each named graph's IRI, its triples (as
pyoxigraph terms, the store's native form) and the files they came from, so that
validation problems can point back to a file and line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg import namespaces
from kg.build.implied_types import RDF_TYPE, Superclasses, implied_types, superclasses
from kg.build.rdflib_memory import filled_graph
from kg.errors import DataError
from kg.project.directory import Article, Project
from kg.project.mentions import mention_layer, read_mentions
from kg.project.retraction import retraction_iri, tombstone_triples
from kg.project.sources import declared_prefixes, parse_turtle
from kg.project.text import read_text, split_sentences, text_layer

ONTOLOGY, SHAPES, ENTITIES, ARTICLE = "ontology", "shapes", "entities", "article"


@dataclass(frozen=True, slots=True)
class GraphSource:
    """One named graph of the dataset and where its triples come from."""

    iri: str
    kind: str
    triples: list[ox.Triple]
    files: tuple[tuple[Path, Path], ...]  # (path on disk, path as shown to the curator)
    implied: list[ox.Triple] = field(default_factory=list)
    """Types the ontology implies (``kg.build.implied_types``): loaded, never validated,
    since SHACL already follows ``rdfs:subClassOf`` through the ontology in its data."""

    def quads(self) -> Iterable[ox.Quad]:
        graph = ox.NamedNode(self.iri)
        triples = chain(self.triples, self.implied)
        return (ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)


def assemble(
    project: Project, *, on_article: Callable[[], None] | None = None
) -> list[GraphSource]:
    """Every graph of the dataset: ontology, shapes, entities, then one per article."""
    ontology = from_files(project, project.ontology_graph, ONTOLOGY, project.ontology_files)
    shapes = from_files(project, project.shapes_graph, SHAPES, project.shape_files)
    graphs = [ontology, shapes]
    if project.entities_file:
        graphs.append(entities_graph(project, superclasses(ontology.triples)))
    shared = Shared.of(graphs)
    for article in project.articles:
        graphs.append(article_graph(project, article, shared))
        if on_article:
            on_article()
    return graphs


@dataclass(frozen=True, slots=True)
class Shared:
    """What deriving an article's graph needs to know of the shared graphs."""

    superclasses: Superclasses  # for the implied types
    described: frozenset[str]  # every IRI the ontology or the entities give a type

    @classmethod
    def of(cls, graphs: Iterable[GraphSource]) -> Shared:
        """From the ontology, shapes and entities graphs (in any order)."""
        graphs = list(graphs)
        ontology = [t for g in graphs if g.kind == ONTOLOGY for t in g.triples]
        typed = {
            t.subject.value for g in graphs if g.kind in (ONTOLOGY, ENTITIES) for t in g.triples
            if t.predicate == RDF_TYPE and isinstance(t.subject, ox.NamedNode)
        }  # fmt: skip
        return cls(superclasses(ontology), frozenset(typed))


def entities_graph(project: Project, supers: Superclasses) -> GraphSource:
    """The shared entities, with the types the ontology implies (``kg.build.implied_types``)."""
    assert project.entities_file is not None
    source = from_files(project, project.entities_graph, ENTITIES, (project.entities_file,))
    source.implied.extend(implied_types(source.triples, supers))
    return source


def article_graph(project: Project, article: Article, shared: Shared) -> GraphSource:
    """The curator's facts, the layers derived from the source text (sentences, mentions),
    and the types the ontology implies (``kg.build.implied_types``)."""
    shown = project.relative(article.graph_path)
    triples = parse_turtle(article.graph_path, shown_as=shown, max_bytes=project.max_source)
    subject = ox.NamedNode(article.iri)
    if not any(t.subject == subject for t in triples):
        raise DataError(
            f"{shown}: does not describe its article <{article.iri}>",
            hint="the graph of data/articles/{slug}/ must state the article's type, title "
            "and publisher with the article IRI as subject",
        )
    if article.retraction_path:
        return _retracted(project, article, triples, shared)
    text_shown = project.relative(article.text_path)
    text = read_text(article.text_path, shown_as=text_shown, max_bytes=project.max_source)
    vocabulary = namespaces.ontology_namespace(project.base_iri)
    sentences = split_sentences(text)
    if article.mentions_path:
        own = {t.subject.value for t in triples if t.predicate == RDF_TYPE}
        mentions = read_mentions(
            article.mentions_path, shown_as=project.relative(article.mentions_path), text=text,
            sentences=sentences, prefixes=declared_prefixes(article.graph_path.read_text("utf-8")),
            described=lambda iri: not iri.startswith(project.base_iri) or iri in own
            or iri in shared.described,
            max_bytes=project.max_source,
        )  # fmt: skip
        triples += mention_layer(article.iri, text, mentions, vocabulary=vocabulary)
    triples += text_layer(article.iri, text, sentences, vocabulary=vocabulary)
    implied = implied_types(triples, shared.superclasses)
    return GraphSource(article.iri, ARTICLE, triples, article_files(project, article), implied)


def _retracted(project: Project, article: Article, triples: list[ox.Triple], shared: Shared
               ) -> GraphSource:  # fmt: skip
    """A retracted article's graph: what names it (``kg.project.retraction``) and its
    retraction record, which may say nothing but the retraction."""
    assert article.retraction_path is not None
    path = article.retraction_path
    shown = project.relative(path)
    record = parse_turtle(path, shown_as=shown, max_bytes=project.max_source)
    allowed = {article.iri, retraction_iri(article.iri)}
    stray = next((t for t in record if t.subject.value not in allowed), None)
    if stray is not None:
        raise DataError(
            f"{shown}: describes <{stray.subject.value}>; a retraction file describes only "
            f"the article and its retraction <{retraction_iri(article.iri)}>",
            hint="put other facts in graph.ttl, or rewrite the file with kg article retract",
        )
    kept = tombstone_triples(article.iri, triples) + record
    files = ((path, shown), *article_files(project, article))
    return GraphSource(article.iri, ARTICLE, kept, files, implied_types(kept, shared.superclasses))


def article_files(project: Project, article: Article) -> tuple[tuple[Path, Path], ...]:
    """The files an article's problems can point at (its text layer has no lines)."""
    return ((article.graph_path, project.relative(article.graph_path)),)


def from_files(project: Project, iri: str, kind: str, paths: Iterable[Path]) -> GraphSource:
    """One graph made of several files (the ontology, the shapes, the entities)."""
    files = tuple((p, project.relative(p)) for p in paths)
    limit = project.max_source
    triples = [t for p, shown in files for t in parse_turtle(p, shown_as=shown, max_bytes=limit)]
    return GraphSource(iri, kind, triples, files)


def to_rdflib(triples: Iterable[ox.Triple], *, iris: dict[str, URIRef] | None = None) -> Graph:
    """Copy triples into an rdflib Graph (for pySHACL), term by term without re-parsing.

    ``iris`` keeps one ``URIRef`` per IRI across calls: building the terms is most of
    the cost of a data graph, and the same classes and predicates recur in every triple.
    """
    return filled_graph(rdflib_triples(triples, iris))


def rdflib_triples(
    triples: Iterable[ox.Triple], iris: dict[str, URIRef] | None = None
) -> Iterator[tuple[Node, Node, Node]]:
    """pyoxigraph triples as rdflib's, one ``URIRef`` per IRI (kept in ``iris``)."""
    cache: dict[str, URIRef] = {} if iris is None else iris
    for triple in triples:
        yield (_term(triple.subject, cache), _term(triple.predicate, cache),
               _term(triple.object, cache))  # fmt: skip


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal, iris: dict[str, URIRef]) -> Node:
    if isinstance(term, ox.NamedNode):
        iri = iris.get(term.value)
        if iri is None:
            iri = iris[term.value] = URIRef(term.value)
        return iri
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=_term(term.datatype, iris))
