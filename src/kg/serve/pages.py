"""Dereferencing: every IRI under the base answers people (HTML) and machines (RDF).

Following the 303 recipe of "Cool URIs for the Semantic Web" (§4.3), an IRI like
``{base}id/country/china`` names the thing (a country), not a document about it.
A request for it answers ``303 See Other`` to the document in the negotiated
format, one of its explicit-format twins: ``….html``, ``….ttl``, ``….jsonld``,
``….nt``, ``….rdf``. The twins answer ``200`` with ETag and Last-Modified taken from
the dataset version (and 304 to conditional requests). The server answers the
paths under the base's path whatever its host; HTML links go through the serving
origin, RDF keeps the canonical IRIs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urlsplit

import pyoxigraph as ox
from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from kg import formats
from kg.config import Settings
from kg.errors import Gone, NotFound
from kg.namespaces import is_iri, ontology_graph, prefixes, shapes_graph
from kg.project.directory import load_project
from kg.queries import load_queries
from kg.serve.cache import ResponseCache
from kg.serve.highlights import Mark, pieces
from kg.serve.ontology_docs import ontology_doc, shapes_doc
from kg.serve.pictures import article_statements, landing_pictures, picture
from kg.serve.resources import Description, describe, exists, notices, presence, run
from kg.serve.tombstones import missing
from kg.serve.views import (
    Labels,
    Links,
    evidence,
    notice_view,
    property_groups,
    same_as,
    schema_org,
    vocabulary,
)
from kg.store import Store

DOCUMENT_FORMATS = tuple(
    formats.BY_NAME[n] for n in ("html", "turtle", "jsonld", "ntriples", "rdfxml")
)
VOID_TRIPLES = "http://rdfs.org/ns/void#triples"
TWINS = {f".{f.extension}": f for f in DOCUMENT_FORMATS}


def pages_router(settings: Settings, store: Store, templates: Jinja2Templates,
                 cache: ResponseCache) -> APIRouter:  # fmt: skip
    """The landing page and every resource under the base; include it last (catch-all)."""
    router = APIRouter(tags=["linked data"])
    links = Links(settings.base_iri)
    base_path = links.base_path

    def render(request: Request, name: str, context: dict, *, status: int = 200) -> Response:
        context = {"title": settings.title, "dataset": settings, "links": links, **context}
        return templates.TemplateResponse(request, name, context, status_code=status)

    @router.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    async def landing(request: Request) -> Response:
        if base_path != "/":
            return RedirectResponse(base_path, status_code=302)
        return await _cached(request, store, cache, "html", ("home", str(request.base_url)),
                             lambda: home(request))  # fmt: skip

    def home(request: Request) -> Response:
        project = load_project(settings)
        articles = Labels(list(store.query(
            "CONSTRUCT { ?a rdfs:label ?l } WHERE { ?a rdfs:label|dcterms:title ?l }",
            prefixes=prefixes(settings.base_iri))), settings.base_iri)  # fmt: skip
        examples = load_queries(project.example_query_files)
        return render(request, "landing.html", {
            "info": store.info.data,
            "articles": [(articles.of(a.iri), links.href(a.iri)) for a in project.articles],
            "examples": examples,
            "ontology": links.href(ontology_graph(settings.base_iri)),
            "shapes": links.href(shapes_graph(settings.base_iri)),
            "pictures": landing_pictures(store, settings.base_iri),
        })  # fmt: skip

    @router.api_route("/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
    async def resource(request: Request, path: str) -> Response:
        full_path = request.url.path
        if not full_path.startswith(base_path):
            raise NotFound(f"{full_path} is outside this dataset")
        if full_path == base_path:
            return await _cached(request, store, cache, "html", ("home", str(request.base_url)),
                                 lambda: home(request))  # fmt: skip
        local = full_path[len(base_path) :]
        stem, dot, extension = local.rpartition(".")
        twin = TWINS.get(f".{extension}") if dot and "/" not in extension else None
        iri = settings.base_iri + (stem if twin else local)
        if not _is_iri_path(local) or not is_iri(iri):
            raise missing(settings, iri, asked=twin)
        if twin is None:
            described, linked = await run_in_threadpool(presence, store, iri, settings.base_iri)
            if not described:
                await run_in_threadpool(_gone, settings, iri, None, always=not linked)
            fmt = formats.negotiate(request.headers.get("accept"), DOCUMENT_FORMATS)
            target = f"{full_path}.{fmt.extension}"
            return Response(
                f"See {target}\n", status_code=303, media_type="text/plain",
                headers={"Location": target, "Vary": "Accept"},
            )  # fmt: skip

        def document() -> Response:
            """The twin; what it finds tells whether the IRI is there (an empty description
            asks the store once more: the IRI may name only a graph)."""
            if twin.kind == formats.RDF:
                return _rdf(store, iri, twin, settings)
            return page(request, iri)

        key = ("document", full_path, twin.name, str(request.base_url))
        return await _cached(request, store, cache, twin.name, key, document)

    def page(request: Request, iri: str) -> Response:
        if iri == ontology_graph(settings.base_iri):
            return render(request, "ontology.html", ontology_doc(store, iri, settings.base_iri))
        if iri == shapes_graph(settings.base_iri):
            return render(request, "shapes.html", shapes_doc(store, iri, settings.base_iri))
        description = describe(store, iri, settings.base_iri)
        _check_exists(store, iri, settings, description, asked=formats.BY_NAME["html"])
        triples = list(description.triples)
        labels = Labels(triples, settings.base_iri)
        node = ox.NamedNode(iri)
        schema_type = next(iter(run(store, "schema-type", settings.base_iri, this=node)), None)
        context = {
            "iri": iri,
            "label": labels.of(iri),
            "types": [(labels.of(r["type"].value), links.href(r["type"].value))
                      for r in run(store, "specific-types", settings.base_iri, this=node)],
            "groups": property_groups(node, triples, labels, links),
            "evidence": evidence(iri, triples, vocabulary(settings.base_iri), labels, links),
            "incoming": description.incoming,
            "incoming_total": description.incoming_total,
            "incoming_labels": labels,
            "more_incoming": _incoming_query(iri),
            "twins": [(f.label, f"{urlsplit(links.href(iri)).path}.{f.extension}")
                      for f in DOCUMENT_FORMATS if f.kind == formats.RDF],
            "schema_org": schema_org(iri, labels.of(iri),
                                     schema_type["schemaType"].value if schema_type else None,
                                     same_as(iri, triples)),
            "notices": [notice_view(n, links) for n in notices(store, settings.base_iri,
                                                                 this=node)],
        }  # fmt: skip
        sentences = list(run(store, "sentences", settings.base_iri, article=node))
        if sentences:
            return render(request, "article.html", context | _article(store, node, settings))
        return render(request, "resource.html", context)

    return router


def _article(store: Store, node: ox.NamedNode, settings: Settings) -> dict:
    """The annotated reading view: sentences with the facts drawn from them, who said what
    about whom, and a timeline (the last two also as pictures)."""
    links = Links(settings.base_iri)
    facts: dict[str, list[tuple[str, str, str]]] = {}
    for row in run(store, "sentence-facts", settings.base_iri, article=node):
        label = row["label"].value if row["label"] else row["fact"].value.rsplit("/", 1)[-1]
        kind = row["typeLabel"].value if row["typeLabel"] else ""
        facts.setdefault(row["sentence"].value, []).append(
            (label, kind, links.href(row["fact"].value))
        )
    marks = []
    for r in run(store, "article-mentions", settings.base_iri, article=node):
        label = r["label"].value if r["label"] else r["entity"].value
        if r["literalLabel"]:
            label += f" (the words name {r['literalLabel'].value})"
        marks.append((int(r["start"].value), int(r["end"].value), links.href(r["entity"].value),
                      label))  # fmt: skip
    sentences = []
    for r in run(store, "sentences", settings.base_iri, article=node):
        text, offset = r["text"].value, int(r["start"].value)
        own = [Mark(s - offset, e - offset, label, href) for s, e, href, label in marks
               if offset <= s and e <= offset + len(text)]  # fmt: skip
        sentences.append({
            "number": int(r["number"].value), "text": text, "pieces": pieces(text, own),
            "mentions": len(own), "facts": facts.get(r["sentence"].value, []),
            "href": links.href(r["sentence"].value),
        })  # fmt: skip
    dated = picture("timeline", run(store, "article-timeline", settings.base_iri, article=node))
    timeline = []
    for row in dated.rows:
        timeline.append({
            "date": row.get("value") or row.get("notBefore") or row.get("notAfter") or "",
            "range": (row.get("notBefore", ""), row.get("notAfter", "")),
            "precision": row.get("precisionLabel", ""),
            "basis": row.get("basisLabel", ""),
            "label": row.get("label") or row["item"],
            "kind": row.get("typeLabel", ""),
            "href": links.href(row["item"]),
        })  # fmt: skip
    return {"sentences": sentences, "timeline": timeline, "timeline_picture": dated,
            "statements": article_statements(store, node, settings.base_iri)}  # fmt: skip


def _rdf(store: Store, iri: str, fmt: formats.Format, settings: Settings) -> Response:
    """The machine document: the whole graph for the ontology and the shapes (documents by
    nature), a description for everything else, plus the size of a graph it names."""
    node = ox.NamedNode(iri)
    size = int(next(iter(run(store, "graph-size", settings.base_iri, graph=node)))["n"].value)
    if iri in (ontology_graph(settings.base_iri), shapes_graph(settings.base_iri)):
        triples = sorted(run(store, "graph", settings.base_iri, graph=node), key=str)
    else:
        description = describe(store, iri, settings.base_iri)
        if not size:
            _check_exists(store, iri, settings, description, asked=fmt)
        triples = description.rdf()
    if size:
        triples.append(ox.Triple(node, ox.NamedNode(VOID_TRIPLES), ox.Literal(size)))
    body = ox.serialize(triples, format=fmt.rdf, prefixes=prefixes(settings.base_iri))
    return Response(body, media_type=fmt.content_type)


def _check_exists(store: Store, iri: str, settings: Settings, description: Description, *,
                  asked: formats.Format) -> None:  # fmt: skip
    """NotFound unless the IRI is in the dataset, Gone when it is only linked to and a
    release removed it; a description with triples says so already, without asking the
    store again. ``asked``: the twin requested."""
    if description.triples:
        return
    linked = description.incoming_total > 0
    _gone(settings, iri, asked, always=not linked and not exists(store, iri, settings.base_iri))


def _gone(settings: Settings, iri: str, asked: formats.Format | None, *, always: bool) -> None:
    """Gone when a release removed the IRI, though something may still link to it (the
    correction that withdrew it names it); when ``always``, NotFound otherwise."""
    answer = missing(settings, iri, asked=asked)
    if always or isinstance(answer, Gone):
        raise answer


def _incoming_query(iri: str) -> str:
    return f"SELECT ?subject ?property WHERE {{ ?subject ?property <{iri}> }} ORDER BY ?property"


def _is_iri_path(local: str) -> bool:
    return bool(local) and not any(c in local for c in '<>"{}|\\^` ') and ".." not in local


async def _cached(request: Request, store: Store, cache: ResponseCache, tag: str, key: tuple,
                  make: Callable[[], Response]) -> Response:  # fmt: skip
    """``make()``'s response (or the one kept for ``key`` in this version), with
    validators from the dataset version; 304 when the client's copy is current.

    A kept response is answered on the event loop; ``make`` runs its store queries and
    templates in a thread, as a page always did."""
    info = store.info
    etag = f'"{info.version[:20]}-{tag}"'
    modified = datetime.strptime(info.data["built_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    headers = {"ETag": etag, "Last-Modified": format_datetime(modified, usegmt=True),
               "Vary": "Accept", "Cache-Control": "public, max-age=300"}  # fmt: skip

    def validated() -> Response:
        response = make()
        response.headers.update(headers)
        return response

    response = await cache.answer_awaiting(info.version, key,
                                           lambda: run_in_threadpool(validated))  # fmt: skip
    if _not_modified(request, etag, modified):
        return Response(status_code=304, headers=headers)
    return response


def _not_modified(request: Request, etag: str, modified: datetime) -> bool:
    match = request.headers.get("if-none-match")
    if match is not None:
        return match.strip() == "*" or etag in [t.strip() for t in match.split(",")]
    since = request.headers.get("if-modified-since")
    if since:
        try:
            return modified <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False
