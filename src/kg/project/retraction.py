"""An article's retraction: the file ``kg article retract`` writes, and what of the
article's graph a retraction keeps.

A retraction is recorded in the project's files, not in the store, so that the next
``kg build`` publishes it like any other change and a rebuild from the files keeps it:
``data/articles/{slug}/retraction.ttl`` states the article's ``kgo:retraction`` (its
date and reason). The curator's ``graph.ttl`` stays as it was, for the record; the
build keeps of it only what names the article (``TOMBSTONE_PREDICATES``), so the
article's facts leave the dataset and the article's IRI still answers, saying when
and why it was retracted.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyoxigraph as ox

from kg import namespaces
from kg.errors import UsageError
from kg.files import write_atomically
from kg.project.directory import ARTICLE_GRAPH, ARTICLE_RETRACTION, ARTICLES_DIR, SLUG

RETRACT_EPILOG = """\
The article's graph.ttl stays as it is. The next `kg build` keeps of it only the
article's type, title, dates and publisher, with the retraction's date and reason, in
the article's graph: SPARQL finds the retracted article and why; its facts leave the
dataset, and their IRIs answer 410 Gone naming the retraction. The release that
publishes it lists the article as changed, and its patch removes the facts. Nothing is
written when the article is unknown or already retracted, or the date is not
YYYY-MM-DD (exit 2). Deleting retraction.ttl restores the article at the next build.

example:
  kg article retract old-story --reason "The publisher withdrew the story." \\
      --date 2025-04-02 && kg build
"""

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DCTERMS = "http://purl.org/dc/terms/"
TOMBSTONE_PREDICATES = frozenset({
    f"{RDF}type", "http://www.w3.org/2000/01/rdf-schema#label", f"{DCTERMS}title",
    f"{DCTERMS}publisher", f"{DCTERMS}creator", f"{DCTERMS}issued", f"{DCTERMS}modified",
    f"{DCTERMS}language", f"{DCTERMS}source", "https://schema.org/url",
})  # fmt: skip
"""What a retracted article's graph keeps of the article's own description: what names
and dates it, and who published it. Everything else, the article's facts included, goes."""


def retraction_iri(article_iri: str) -> str:
    return f"{article_iri}/retraction"


def tombstone_triples(article_iri: str, triples: list[ox.Triple]) -> list[ox.Triple]:
    """The statements of ``graph.ttl`` a retracted article's graph keeps."""
    article = ox.NamedNode(article_iri)
    return [
        t for t in triples if t.subject == article and t.predicate.value in TOMBSTONE_PREDICATES
    ]


def retract(root: Path, slug: str, *, reason: str, on: date, base_iri: str,
            language: str = "en") -> Path:  # fmt: skip
    """Write the article's ``retraction.ttl`` (atomically); refuse an unknown article,
    one already retracted, and an empty reason."""
    folder = root / ARTICLES_DIR / slug
    if not SLUG.match(slug) or not (folder / ARTICLE_GRAPH).is_file():
        raise UsageError(f"{folder}: no such article", hint="give a folder name in data/articles/")
    target = folder / ARTICLE_RETRACTION
    if target.exists():
        raise UsageError(
            f"{target}: the article is already retracted",
            hint="edit that file to change the date or the reason, or delete it to restore "
            "the article; then run kg build",
        )
    if not reason.strip():
        raise UsageError("--reason is empty", hint="say why the article is retracted")
    article = namespaces.article_iri(base_iri, slug)
    body = _turtle(article, reason.strip(), on, language, namespaces.ontology_namespace(base_iri))
    write_atomically(target, body)
    return target


def _turtle(article: str, reason: str, on: date, language: str, kgo: str) -> str:
    literal = ox.Literal(reason, language=language)
    return (
        f"# The retraction of this article, written by `kg article retract` on "
        f"{date.today().isoformat()}.\n"
        "# The next `kg build` keeps of graph.ttl only the article's title, dates and\n"
        "# publisher, with this record; the article's facts leave the dataset and their\n"
        "# IRIs answer 410 Gone, naming this retraction. Delete this file to restore it.\n\n"
        f"@prefix kgo: <{kgo}> .\n@prefix dcterms: <{DCTERMS}> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n\n"
        f"<{article}> kgo:retraction <{retraction_iri(article)}> .\n\n"
        f"<{retraction_iri(article)}>\n    a kgo:Retraction ;\n"
        f'    rdfs:label "Retraction"@en ;\n'
        f'    dcterms:date "{on.isoformat()}"^^xsd:date ;\n'
        f"    kgo:reason {literal} .\n"
    )
