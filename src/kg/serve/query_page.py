"""The query page: the browser's side of ``/sparql``.

The page is an editor and a results viewer that speak to the endpoint with the
standard protocol only (and to ``/reconcile/suggest`` for entity completion), so
what it shows is what any client would get. This module gathers what the page
needs to start: the prefixes, the stored examples, the formats to download, the
graphs that hold the vocabulary, and a query from the URL (a permalink) to fill in.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from kg import formats
from kg.config import Settings
from kg.namespaces import ontology_graph, prefix_lines, prefixes, shapes_graph
from kg.project.directory import load_project
from kg.queries import builtin_query, load_queries
from kg.serve.views import Links
from kg.store.bindings import with_values

STATIC = Path(__file__).resolve().parent / "static"
# the result views (static/views.js) are another part of the page; it works without them
OPTIONAL_ASSETS = ("views.js", "views.css")
DEFAULT_QUERY = "SELECT ?subject ?label WHERE {\n  ?subject rdfs:label ?label .\n}\nLIMIT 25"


def query_page(templates: Jinja2Templates, settings: Settings) -> Callable[[Request], HTMLResponse]:
    """``render(request)``: the page, with the request's ``query`` (or the older ``q``)
    in the editor; the page runs a ``query`` it was opened with."""
    links = Links(settings.base_iri)
    names = prefixes(settings.base_iri)
    vocabulary = vocabulary_query(settings.base_iri)

    def render(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        examples = [
            {"name": q.name, "title": q.title, "description": q.description, "text": q.text}
            for q in load_queries(load_project(settings).example_query_files)
        ]
        given = request.query_params.get("query") or request.query_params.get("q")
        page = {
            "vocabularyQuery": vocabulary,
            "baseIri": settings.base_iri,
            "localBase": root + links.base_path,
            "idSpace": names["kgid"],  # where the reconciliation service's ids live
            "suggest": f"{root}/reconcile/suggest/entity",
            "maxUrl": settings.max_url,
            "run": "query" in request.query_params,
        }
        context = {
            "root": root,
            "title": settings.title,
            "prefixes": names,
            "query": given or f"{prefix_lines(names)}\n{DEFAULT_QUERY}",
            "examples": examples,
            "formats": [*formats.offered(formats.RESULTS), *formats.offered(formats.RDF)],
            "assets": [name for name in OPTIONAL_ASSETS if (STATIC / name).is_file()],
            "page": page,
            "limits": {"timeout": settings.query_timeout, "max_rows": settings.max_rows},
        }
        response = templates.TemplateResponse(request, "query.html", context)
        response.headers["Vary"] = "Accept"
        return response

    return render


def vocabulary_query(base_iri: str) -> str:
    """The query the page sends to ``/sparql`` for what it completes (the classes,
    properties and concepts, with labels and comments): ``vocabulary.rq``, its graphs bound."""
    graphs = {"ontology": ontology_graph(base_iri), "shapes": shapes_graph(base_iri)}
    bound = with_values(builtin_query("vocabulary").text,
                        {name: ox.NamedNode(iri) for name, iri in graphs.items()})  # fmt: skip
    return prefix_lines(prefixes(base_iri)) + bound
