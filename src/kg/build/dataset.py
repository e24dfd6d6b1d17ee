"""Project files -> named graphs: parse every file once and derive the article text layers.

The result is a list of ``GraphSource``: each named graph's IRI, its triples (as
pyoxigraph terms, the store's native form) and the files they came from, so that
validation problems can point back to a file and line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg import namespaces
from kg.errors import DataError
from kg.project.directory import Article, Project
from kg.project.sources import parse_turtle
from kg.project.text import read_text, text_layer

ONTOLOGY, SHAPES, ENTITIES, ARTICLE = "ontology", "shapes", "entities", "article"


@dataclass(frozen=True, slots=True)
class GraphSource:
    """One named graph of the dataset and where its triples come from."""

    iri: str
    kind: str
    triples: list[ox.Triple]
    files: tuple[tuple[Path, Path], ...]  # (path on disk, path as shown to the curator)

    def quads(self) -> Iterable[ox.Quad]:
        graph = ox.NamedNode(self.iri)
        return (ox.Quad(t.subject, t.predicate, t.object, graph) for t in self.triples)


def assemble(
    project: Project, *, on_article: Callable[[], None] | None = None
) -> list[GraphSource]:
    """Every graph of the dataset: ontology, shapes, entities, then one per article."""
    graphs = [
        from_files(project, project.ontology_graph, ONTOLOGY, project.ontology_files),
        from_files(project, project.shapes_graph, SHAPES, project.shape_files),
    ]
    if project.entities_file:
        graphs.append(
            from_files(project, project.entities_graph, ENTITIES, (project.entities_file,))
        )
    for article in project.articles:
        graphs.append(article_graph(project, article))
        if on_article:
            on_article()
    return graphs


def article_graph(project: Project, article: Article) -> GraphSource:
    """The curator's facts plus the text layer derived from the source text."""
    shown = project.relative(article.graph_path)
    triples = parse_turtle(article.graph_path, shown_as=shown, max_bytes=project.max_source)
    subject = ox.NamedNode(article.iri)
    if not any(t.subject == subject for t in triples):
        raise DataError(
            f"{shown}: does not describe its article <{article.iri}>",
            hint="the graph of data/articles/{slug}/ must state the article's type, title "
            "and publisher with the article IRI as subject",
        )
    text_shown = project.relative(article.text_path)
    text = read_text(article.text_path, shown_as=text_shown, max_bytes=project.max_source)
    vocabulary = namespaces.ontology_namespace(project.base_iri)
    triples += text_layer(article.iri, text, vocabulary=vocabulary)
    return GraphSource(article.iri, ARTICLE, triples, article_files(project, article))


def article_files(project: Project, article: Article) -> tuple[tuple[Path, Path], ...]:
    """The files an article's problems can point at (its text layer has no lines)."""
    return ((article.graph_path, project.relative(article.graph_path)),)


def from_files(project: Project, iri: str, kind: str, paths: Iterable[Path]) -> GraphSource:
    """One graph made of several files (the ontology, the shapes, the entities)."""
    files = tuple((p, project.relative(p)) for p in paths)
    limit = project.max_source
    triples = [t for p, shown in files for t in parse_turtle(p, shown_as=shown, max_bytes=limit)]
    return GraphSource(iri, kind, triples, files)


def to_rdflib(
    triples: Iterable[ox.Triple],
    *,
    into: Graph | None = None,
    iris: dict[str, URIRef] | None = None,
) -> Graph:
    """Copy triples into an rdflib Graph (for pySHACL), term by term without re-parsing.

    ``iris`` keeps one ``URIRef`` per IRI across calls: building the terms is most of
    the cost of a data graph, and the same classes and predicates recur in every triple.
    """
    graph = Graph() if into is None else into
    add = graph.add
    cache: dict[str, URIRef] = {} if iris is None else iris
    for triple in triples:
        add((_term(triple.subject, cache), _term(triple.predicate, cache),
             _term(triple.object, cache)))  # fmt: skip
    return graph


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
