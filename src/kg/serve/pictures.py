"""The pictures on the pages: what the landing and article pages draw, from stored queries.

A picture is the answer of one built-in query (``kg/sparql-builtin/*.rq``), kept twice:
as SPARQL 1.1 JSON results plus ``"kind": "select"``, the shape ``static/views.js``
draws on the query page too, embedded in the page as a JSON data block; and as plain
rows, which the page prints as the picture's text equivalent, so the page says the
same without JavaScript (and to screen readers). The queries aggregate or belong to
one article, so the landing page stays cheap at any number of articles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from kg.serve.resources import run
from kg.store import Store

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True, slots=True)
class Picture:
    """One view of one query's answer: ``view`` names a view of views.js."""

    view: str  # "timeline", "graph" or "bar"
    data: dict[str, Any]  # SPARQL JSON results plus "kind"
    rows: list[dict[str, str]] = field(default_factory=list)  # each bound variable's value


def picture(view: str, solutions: Any) -> Picture:
    """The picture of a query's solutions (consumed); ``.variables`` names the columns."""
    names = [v.value for v in solutions.variables]
    bindings, rows = [], []
    for solution in solutions:
        terms = {n: solution[n] for n in names if solution[n] is not None}
        bindings.append({n: term_json(t) for n, t in terms.items()})
        rows.append({n: t.value for n, t in terms.items()})
    data = {"kind": "select", "head": {"vars": names}, "results": {"bindings": bindings}}
    return Picture(view, data, rows)


def term_json(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> dict[str, str]:
    """A term as SPARQL 1.1 JSON results write it (plain and language strings untyped)."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    found = {"type": "literal", "value": term.value}
    if term.language:
        found["xml:lang"] = term.language
    elif term.datatype.value not in (XSD_STRING, RDF_LANG_STRING):
        found["datatype"] = term.datatype.value
    return found


def landing_pictures(store: Store, base_iri: str) -> dict[str, Picture]:
    """The dataset at a glance: articles by month, the busiest speakers, the stances."""
    queries = {"months": ("bar", "articles-by-month"), "speakers": ("bar", "top-speakers"),
               "stances": ("bar", "stance-counts")}  # fmt: skip
    return {key: picture(view, run(store, name, base_iri)) for key, (view, name) in queries.items()}


def article_statements(store: Store, article: ox.NamedNode, base_iri: str) -> Picture:
    """Who said what about whom: speakers, their statements coloured by stance, targets."""
    return picture("graph", run(store, "article-statements", base_iri, article=article))
