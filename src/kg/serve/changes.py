"""The change feed: ``/changes`` lists the releases newest first, as ActivityStreams 2.0
JSON (paged), as Atom (RFC 4287) or as DCAT in Turtle (each release a dataset with its
``dcat:previousVersion`` and its patch) by ``Accept`` or ``?format=atom|ttl``, and
``/changes/{patch}`` serves each release's RDF Patch (``application/rdf-patch``).

Both read the release history the current dumps published (``dist/releases/``), so a
mirror following the feed finds exactly the patches the dumps list; a patch is served
only by a name the history gives. ``ETag``/304 as for the dumps.
"""

from __future__ import annotations

import hashlib
import json

import pyoxigraph as ox
from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse

from kg.config import Settings
from kg.errors import EnvironmentProblem, NotFound
from kg.namespaces import prefixes
from kg.release.dumps import RELEASES_DIR
from kg.release.files import published_dumps
from kg.release.history import (
    HISTORY_FILE,
    PATCH_MEDIA_TYPE,
    Release,
    as_activities,
    as_atom,
    as_dcat,
)

PAGE_SIZE = 50
ATOM = "application/atom+xml"
TURTLE = "text/turtle"
ACTIVITY = "application/activity+json"


def changes_router(settings: Settings) -> APIRouter:
    router = APIRouter(tags=["changes"])

    @router.api_route("/changes", methods=["GET", "HEAD"], response_model=None, name="changes")
    def feed(request: Request, page: int = 1, format: str | None = None) -> Response:
        raw, releases = published_history(settings)
        accept = request.headers.get("accept", "")
        atom = format == "atom" or (format is None and ATOM in accept)
        kind = (
            "atom" if atom else "ttl" if format in ("ttl", "turtle") or TURTLE in accept else page
        )
        etag = f'"{hashlib.sha256(raw).hexdigest()[:32]}-{kind}"'
        if etag in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers={"ETag": etag, "Vary": "Accept"})
        base = str(request.url_for("changes"))
        newest = list(reversed(releases))
        if format in ("ttl", "turtle") or (format is None and TURTLE in accept):
            triples = as_dcat(
                newest, base_iri=settings.base_iri, feed=f"{settings.base_iri}changes"
            )
            body = ox.serialize(
                triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes(settings.base_iri)
            )
            return Response(body, media_type=TURTLE, headers={"ETag": etag, "Vary": "Accept"})
        if atom:
            body, media = as_atom(newest, base=base, title=settings.title), ATOM
        else:
            document = as_activities(newest, base=base, page=max(1, page), size=PAGE_SIZE)
            body, media = json.dumps(document, indent=2) + "\n", ACTIVITY
        return Response(body, media_type=media, headers={"ETag": etag, "Vary": "Accept"})

    @router.api_route("/changes/{name}", methods=["GET", "HEAD"], response_model=None)
    def patch(name: str) -> Response:
        _, releases = published_history(settings)
        if name not in {r.patch for r in releases if r.patch}:
            raise NotFound(f"no patch named {name!r}: /changes lists them")
        path = published_dumps(settings).directory / RELEASES_DIR / name
        sha = next(r.patch_sha256 for r in releases if r.patch == name)
        return FileResponse(path, media_type=PATCH_MEDIA_TYPE, headers={"ETag": f'"{sha}"'})

    return router


def published_history(settings: Settings) -> tuple[bytes, list[Release]]:
    """The history the current dumps published (empty before any release)."""
    try:
        raw = (published_dumps(settings).directory / RELEASES_DIR / HISTORY_FILE).read_bytes()
    except (OSError, EnvironmentProblem):  # no dumps yet, or dumps from before releases
        return b"[]", []
    return raw, [Release.from_json(r) for r in json.loads(raw)]
