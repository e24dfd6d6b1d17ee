"""The one namespace and prefix map, and the IRIs of the dataset's fixed graphs.

The build, the dumps, the query page and the HTML all take their prefixes from
``prefixes(base_iri)``: the project's own namespaces hang off the configured base,
the standard vocabularies are fixed.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox

STANDARD_PREFIXES: dict[str, str] = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/",
    "oa": "http://www.w3.org/ns/oa#",
    "time": "http://www.w3.org/2006/time#",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "wd": "http://www.wikidata.org/entity/",
    "dbr": "http://dbpedia.org/resource/",
}

# Links to other datasets, written beside the entities: strict identity, then matches
# (these three say "the same thing"), then association (docs/modelling.md).
OWL_SAME_AS = STANDARD_PREFIXES["owl"] + "sameAs"
MATCHING = (OWL_SAME_AS, STANDARD_PREFIXES["skos"] + "exactMatch",
            STANDARD_PREFIXES["skos"] + "closeMatch")  # fmt: skip
LINK_PREDICATES = (*MATCHING, STANDARD_PREFIXES["skos"] + "related")


def is_iri(text: str) -> bool:
    """Whether ``text`` is an absolute IRI. Request paths and parameters can decode to what
    no IRI holds (U+FFFD for invalid UTF-8, control characters): the client's mistake, a
    400 or a 404, never an engine failure."""
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


def ontology_namespace(base_iri: str) -> str:
    return f"{base_iri}ontology/"


def prefixes(base_iri: str) -> dict[str, str]:
    """Every prefix the project uses, its own first."""
    own = {
        "kgo": ontology_namespace(base_iri),
        "kgsh": f"{base_iri}shapes/",
        "kgid": f"{base_iri}id/",
    }
    return own | STANDARD_PREFIXES


def sparql_prologue(base_iri: str) -> str:
    """``PREFIX`` lines for every prefix, for ad-hoc queries and the query page."""
    return prefix_lines(prefixes(base_iri))


def prefix_lines(names: Mapping[str, str]) -> str:
    """``PREFIX`` declarations for ``names``; a query's own later declarations win."""
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in names.items())


def ontology_graph(base_iri: str) -> str:
    return f"{base_iri}ontology"


def shapes_graph(base_iri: str) -> str:
    return f"{base_iri}shapes"


def entities_graph(base_iri: str) -> str:
    return f"{base_iri}graph/entities"


def article_iri(base_iri: str, slug: str) -> str:
    """An article's IRI, which is also the name of the graph holding its facts."""
    return f"{base_iri}id/article/{slug}"


def sentence_iri(article: str, number: int) -> str:
    return f"{article}/s{number}"
