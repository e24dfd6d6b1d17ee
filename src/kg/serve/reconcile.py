"""A Reconciliation Service (the API OpenRefine speaks, version 0.2) over our entities.

OpenRefine users link a spreadsheet column to a dataset through this API, not
through SPARQL. Names are compared with case, accents and punctuation folded away, and small typos
tolerated. Identifiers are IRI paths under ``{base}id/`` (``country/china``), so
the view and preview links lead through whichever origin serves the data.

Candidates are the shared entities (the entities graph), not article-scoped
resources. Scores (0-100): 100 for an exact label or alias, a high score when
every word of the query is in the name (more for fewer extra words), and a
string-similarity score otherwise. ``match`` is true only when the best candidate
is clearly ahead: an exact name no other candidate shares, or a good score at
least 20 points ahead of the next.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

from kg.config import Settings
from kg.errors import NotFound, UsageError
from kg.namespaces import LINK_PREDICATES, entities_graph, prefixes
from kg.project.text import normalise
from kg.serve.httpbody import read_params
from kg.store import Store

DEFAULT_LIMIT = 5
SURE, MATCH_SCORE, MATCH_LEAD = 95.0, 70.0, 20.0
CANDIDATES = """
SELECT ?entity ?name ?type ?typeLabel ?description ?link WHERE {
  GRAPH ?entities { ?entity a ?type }
  FILTER(isIRI(?entity) && STRSTARTS(STR(?entity), STR(?idspace)))
  { ?entity rdfs:label|skos:prefLabel|skos:altLabel|foaf:name|schema:name ?name }
  UNION { ?entity rdfs:comment|skos:definition ?description }
  UNION { ?entity ?linkPredicate ?link . FILTER(?linkPredicate IN (%s)) }
  OPTIONAL { ?type rdfs:label ?typeLabel }
}
""" % ", ".join(f"<{p}>" for p in LINK_PREDICATES)  # noqa: UP031 - our own fixed IRIs


@dataclass
class Candidate:
    iri: str
    id: str
    names: list[str]
    types: dict[str, str]
    description: str
    links: list[str]

    @property
    def name(self) -> str:
        return self.names[0] if self.names else self.id


@lru_cache(maxsize=4)
def candidates(store: Store, version: str, base_iri: str) -> tuple[Candidate, ...]:
    """Every shared entity with its names; ``version`` keys the cache to the dataset."""
    idspace = f"{base_iri}id/"
    found: dict[str, Candidate] = {}
    bindings = {"idspace": ox.Literal(idspace), "entities": ox.NamedNode(entities_graph(base_iri))}
    rows = store.query(CANDIDATES, bindings=bindings, prefixes=prefixes(base_iri))
    for row in rows:
        iri = row["entity"].value
        item = found.setdefault(iri, Candidate(iri, iri[len(idspace) :], [], {}, "", []))
        type_iri = row["type"].value
        item.types.setdefault(type_iri, row["typeLabel"].value if row["typeLabel"] else type_iri)
        if row["name"] and row["name"].value not in item.names:
            item.names.append(row["name"].value)
        if row["description"] and not item.description:
            item.description = row["description"].value
        if row["link"] and row["link"].value not in item.links:
            item.links.append(row["link"].value)
    return tuple(c for c in found.values() if c.names)


def score(query: str, names: list[str]) -> float:
    """How well ``query`` names an entity with ``names`` (labels and aliases)."""
    wanted = normalise(query)
    if not wanted:
        return 0.0
    best = 0.0
    for name in names:
        have = normalise(name)
        if have == wanted:
            return 100.0
        query_words, name_words = wanted.split(), have.split()
        if set(query_words) <= set(name_words):
            best = max(best, 60 + 35 * len(query_words) / len(name_words))
        best = max(best, 90 * difflib.SequenceMatcher(None, wanted, have).ratio())
    return round(best, 1)


def reconcile(items: tuple[Candidate, ...], request: dict[str, Any]) -> list[dict[str, Any]]:
    """Answer one OpenRefine query: ``{"query", "type", "limit", "properties"}``."""
    text = request.get("query")
    if not isinstance(text, str):
        raise UsageError("each reconciliation query needs a 'query' string")
    wanted_types = request.get("type")
    wanted_types = [wanted_types] if isinstance(wanted_types, str) else wanted_types or []
    if not _strings(wanted_types) or not isinstance(request.get("properties") or [], list):
        raise UsageError("'type' must be a string or a list of them, 'properties' a list")
    limit = _limit(request.get("limit"))
    scored = []
    for item in items:
        if wanted_types and not any(_type_matches(t, item) for t in wanted_types):
            continue
        value = score(text, item.names) + _property_bonus(request.get("properties"), item)
        if value > 30:
            scored.append((min(value, 100.0), item))
    scored.sort(key=lambda pair: (-pair[0], pair[1].name))
    results = []
    for rank, (value, item) in enumerate(scored[:limit]):
        runner_up = scored[1][0] if len(scored) > 1 else 0.0
        results.append({
            "id": item.id,
            "name": item.name,
            "type": [{"id": t, "name": n} for t, n in sorted(item.types.items())],
            "score": value,
            "match": rank == 0 and _clear_winner(value, runner_up),
            "description": item.description,
        })  # fmt: skip
    return results


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _limit(value: Any) -> int:
    """The client's JSON, not our code, decides whether this is a number: a bad one is a 400."""
    try:
        return int(value or DEFAULT_LIMIT)
    except (TypeError, ValueError, OverflowError):
        raise UsageError("'limit' must be a whole number") from None


def _clear_winner(best: float, runner_up: float) -> bool:
    """An exact name nobody else has, or a good score well ahead of the next."""
    return (best >= SURE > runner_up) or (best >= MATCH_SCORE and best - runner_up >= MATCH_LEAD)


def _type_matches(wanted: str, item: Candidate) -> bool:
    return any(wanted in (t, t.rsplit("/", 1)[-1]) for t in item.types)


def _property_bonus(properties: Any, item: Candidate) -> float:
    """OpenRefine may send extra columns; we know links, so a matching link counts."""
    bonus = 0.0
    for prop in properties or []:
        value = prop.get("v") if isinstance(prop, dict) else None
        value = value.get("id") if isinstance(value, dict) else value
        if isinstance(value, str) and value and any(value in link for link in item.links):
            bonus += 10
    return bonus


def reconcile_router(settings: Settings, store: Store) -> APIRouter:
    router = APIRouter(prefix="/reconcile", tags=["reconciliation"])

    def items() -> tuple[Candidate, ...]:
        return candidates(store, store.info.version, settings.base_iri)

    def origin(request: Request) -> str:
        return str(request.base_url).rstrip("/")

    @router.api_route("", methods=["GET", "HEAD", "POST"])
    async def service(request: Request) -> Response:
        """The manifest without parameters; batch or single queries otherwise."""
        params = {k: v[-1] for k, v in (await read_params(request, settings.max_body)).items()}
        if "queries" in params:
            batch = _json(params["queries"], "queries")
            if not isinstance(batch, dict):
                raise UsageError("'queries' must be a JSON object of named queries")
            body: Any = {key: {"result": reconcile(items(), q if isinstance(q, dict) else {})}
                         for key, q in batch.items()}  # fmt: skip
        elif "query" in params:
            single = params["query"]
            request_ = (
                _json(single, "query") if single.lstrip().startswith("{") else {"query": single}
            )
            body = {"result": reconcile(items(), request_)}
        else:
            body = manifest(settings, origin(request), items())
        return _answer(body, params.get("callback"))

    @router.api_route("/preview", methods=["GET", "HEAD"], response_class=HTMLResponse)
    def preview(request: Request, id: str) -> HTMLResponse:
        found = next((c for c in items() if c.id == id), None)
        if found is None:
            raise NotFound(f"no entity with id {id!r}")
        return HTMLResponse(_preview_html(found, origin(request)))

    @router.api_route("/suggest/{kind}", methods=["GET", "HEAD"])
    def suggest(kind: str, prefix: str = "", cursor: int = 0) -> JSONResponse:
        if kind == "entity":
            pool = [(c.id, c.name, c.description) for c in items()]
        elif kind == "type":
            pool = sorted({(t, n, "") for c in items() for t, n in c.types.items()})
        elif kind == "property":
            pool = [(p, p.rsplit("#", 1)[-1].rsplit("/", 1)[-1], "") for p in LINK_PREDICATES]
        else:
            raise NotFound(f"no suggest service for {kind!r}; use entity, type or property")
        wanted = normalise(prefix)
        hits = [
            {"id": i, "name": n, "description": d}
            for i, n, d in pool
            if not wanted
            or any(w.startswith(wanted) for w in [normalise(n), *normalise(n).split()])
        ]
        hits.sort(key=lambda hit: (len(hit["name"]), hit["name"]))  # the closest names first
        return JSONResponse({"result": hits[cursor : cursor + 20]})

    return router


def manifest(settings: Settings, origin: str, items: tuple[Candidate, ...]) -> dict[str, Any]:
    types = sorted({(t, n) for c in items for t, n in c.types.items()})
    return {
        "versions": ["0.2"],
        "name": f"{settings.title} reconciliation",
        "identifierSpace": f"{settings.base_iri}id/",
        "schemaSpace": f"{settings.base_iri}ontology/",
        "defaultTypes": [{"id": t, "name": n} for t, n in types],
        "view": {"url": f"{origin}/id/{{{{id}}}}"},
        "preview": {
            "url": f"{origin}/reconcile/preview?id={{{{id}}}}",
            "width": 420,
            "height": 140,
        },
        "suggest": {
            kind: {"service_url": origin, "service_path": f"/reconcile/suggest/{kind}"}
            for kind in ("entity", "type", "property")
        },
    }


def _json(text: str, name: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"'{name}' is not valid JSON: {exc.msg} at character {exc.pos}") from None
    except RecursionError:  # arrays or objects nested thousands deep
        raise UsageError(f"'{name}' nests too deeply to read") from None


def _answer(body: Any, callback: str | None) -> Response:
    if callback:  # JSONP, which older OpenRefine versions still use
        if not callback.replace("_", "").replace(".", "").isalnum():
            raise UsageError("callback must be a JavaScript identifier")
        text = f"{callback}({json.dumps(body)});"
        return Response(text, media_type="application/javascript")
    return JSONResponse(body)


def _preview_html(item: Candidate, origin: str) -> str:
    from html import escape

    links = " · ".join(
        f'<a href="{escape(link)}" target="_blank">{escape(_site(link))}</a>' for link in item.links
    )
    types = ", ".join(escape(n) for n in sorted(item.types.values()))
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
