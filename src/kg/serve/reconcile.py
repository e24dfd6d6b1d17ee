"""A Reconciliation Service (the API OpenRefine speaks, version 0.2) over our entities.

OpenRefine users link a spreadsheet column to a dataset through this API, not
through SPARQL. Names are compared with case, accents and punctuation folded away, and small typos
tolerated. Identifiers are IRI paths under ``{base}id/`` (``country/china``), so
the view and preview links lead through whichever origin serves the data.

Requests come as OpenRefine sends them (a ``queries`` form field or query parameter
holding JSON keyed ``q0``, ``q1``…, or a single ``query``) and as the 1.0 draft sends
them (a JSON body ``{"queries": [...]}`` whose queries carry ``conditions``, answered
``{"results": [{"candidates": [...]}]}`` in order). The manifest still says 0.2 only:
the 1.0 manifest is shaped differently, so a 1.0 client reading it speaks 0.2 to us.
Every endpoint answers JSONP when asked (``callback=``), for clients older than CORS.

This module is the HTTP side: the routes, the manifest, the preview card, suggestions.
Reading and checking what a client sent is ``reconcile_request``'s; the candidates and
their ranking are ``reconcile_candidates``'.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

from kg.config import Settings
from kg.errors import NotFound
from kg.namespaces import LINK_PREDICATES, ontology_namespace
from kg.project.text import normalise
from kg.serve.reconcile_candidates import (
    Candidate,
    answer_batch,
    candidates,
    described,
    local_name,
    rank,
    shown_types,
    typed,
)
from kg.serve.reconcile_request import jsonp_callback, read_batch, read_single, request_params
from kg.store import Store

JAVASCRIPT = "application/javascript"


def reconcile_router(settings: Settings, store: Store) -> APIRouter:
    router = APIRouter(prefix="/reconcile", tags=["reconciliation"])

    def items() -> tuple[Candidate, ...]:
        return candidates(store, store.info.version, settings.base_iri)

    def origin(request: Request) -> str:
        return str(request.base_url).rstrip("/")

    @router.api_route("", methods=["GET", "HEAD", "POST"])
    async def service(request: Request) -> Response:
        """The manifest without parameters; batch or single queries otherwise."""
        params = await request_params(request, settings.max_body)
        callback = jsonp_callback(params.get("callback"))
        if "queries" in params:
            body = answer_batch(items(), read_batch(params["queries"]))
        elif "query" in params:
            body = {"result": rank(items(), read_single(params["query"]))}
        else:
            body = manifest(settings, origin(request), items())
        return _answer(body, callback)

    @router.api_route("/preview", methods=["GET", "HEAD"], response_class=HTMLResponse)
    def preview(request: Request, id: str, callback: str | None = None) -> Response:
        """An HTML card; with ``callback``, that HTML as ``{"id", "html"}`` in JSONP, the
        shape the suggest widgets' flyouts read."""
        callback = jsonp_callback(callback)
        found = next((c for c in items() if c.id == id), None)
        if found is None:
            raise NotFound(f"no entity with id {id!r}")
        html = _preview_html(found, origin(request))
        return _answer({"id": id, "html": html}, callback) if callback else HTMLResponse(html)

    @router.api_route("/suggest/{kind}", methods=["GET", "HEAD"])
    def suggest(
        kind: str, prefix: str = "", cursor: int = 0, callback: str | None = None
    ) -> Response:
        callback = jsonp_callback(callback)
        wanted = normalise(prefix)
        hits = [
            described({"id": i, "name": n}, d)
            for i, n, d in pool(kind)
            if not wanted
            or any(w.startswith(wanted) for w in [normalise(n), *normalise(n).split()])
        ]
        hits.sort(key=lambda hit: (len(hit["name"]), hit["name"]))  # the closest names first
        return _answer({"result": hits[cursor : cursor + 20]}, callback)

    @router.api_route("/flyout/{kind}", methods=["GET", "HEAD"])
    def flyout(request: Request, kind: str, id: str, callback: str | None = None) -> Response:
        """What a suggest widget shows beside a highlighted suggestion: ``{"id", "html"}``
        (the preview card for an entity, the name and IRI for a type or property)."""
        callback = jsonp_callback(callback)
        if kind == "entity":
            found = next((c for c in items() if c.id == id), None)
            html = _preview_html(found, origin(request)) if found else None
        else:
            name = next((n for i, n, _ in pool(kind) if i == id), None)
            html = None if name is None else (
                f"<strong>{escape(name)}</strong><br><code>{escape(id)}</code>")  # fmt: skip
        if html is None:
            raise NotFound(f"no {kind} with id {id!r}")
        return _answer({"id": id, "html": html}, callback)

    def pool(kind: str) -> list[tuple[str, str, str]]:
        """(id, name, description) of everything a suggest service of ``kind`` offers."""
        if kind == "entity":
            return [(c.id, c.name, c.summary) for c in items()]
        if kind == "type":
            return [(t["id"], t["name"], "") for t in typed(shown_types(items()))]
        if kind == "property":
            return [(p, local_name(p), "") for p in LINK_PREDICATES]
        raise NotFound(f"no suggest service for {kind!r}; use entity, type or property")

    return router


def manifest(settings: Settings, origin: str, items: tuple[Candidate, ...]) -> dict[str, Any]:
    """What the service offers. Its default types are the classes of our own ontology
    that some entity has as a most specific type: the vocabularies they extend
    (``schema:Person``, ``foaf:Person``…) would list each kind of thing several times."""
    schema_space = ontology_namespace(settings.base_iri)
    own = {iri: label for iri, label in shown_types(items).items() if iri.startswith(schema_space)}
    return {
        "versions": ["0.2"],
        "name": f"{settings.title} reconciliation",
        "identifierSpace": f"{settings.base_iri}id/",
        "schemaSpace": schema_space,
        "defaultTypes": typed(own),
        "view": {"url": f"{origin}/id/{{{{id}}}}"},
        "preview": {
            "url": f"{origin}/reconcile/preview?id={{{{id}}}}",
            "width": 420,
            "height": 140,
        },
        "suggest": {
            kind: {
                "service_url": origin,
                "service_path": f"/reconcile/suggest/{kind}",
                "flyout_service_path": f"/reconcile/flyout/{kind}?id=${{id}}",
            }
            for kind in ("entity", "type", "property")
        },
    }


def _answer(body: Any, callback: str | None) -> Response:
    if callback:  # JSONP, which older OpenRefine versions still use
        return Response(f"{callback}({json.dumps(body)});", media_type=JAVASCRIPT)
    return JSONResponse(body)


def _preview_html(item: Candidate, origin: str) -> str:
    links = " · ".join(
        f'<a href="{escape(link)}" target="_blank">{escape(_site(link))}</a>' for link in item.links
    )
    types = ", ".join(escape(t["name"]) for t in typed(item.shown))
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>'
        f"{escape(item.name)}</title></head>"
        '<body style="font:14px system-ui,sans-serif;margin:8px">'
        f'<strong><a href="{escape(origin)}/id/{escape(item.id)}" target="_blank">'
        f'{escape(item.name)}</a></strong> <span style="color:#666">{types}</span>'
        f"<p>{escape(item.description)}</p><p>{links}</p></body></html>"
    )


def _site(link: str) -> str:
    if "wikidata.org" in link:
        return "Wikidata " + link.rsplit("/", 1)[-1]
    if "dbpedia.org" in link:
        return "DBpedia " + link.rsplit("/", 1)[-1]
    return link
