"""The downloads router: ``/dumps/`` lists the dumps, ``/dumps/{file}`` serves one,
``/.well-known/void`` serves the dataset description (RFC 5785, VoID §6.2).

- Only the files named in the current dump's manifest are served, looked up by
  exact name, and never through a symbolic link: no request path reaches outside
  ``dist/`` (``..``, ``%2e%2e``, absolute paths and links all end in 404).
- A ``.gz`` dump is served as what it is, ``application/gzip``, without
  ``Content-Encoding``: every client (curl, wget, browsers, HTTP libraries) then
  saves the very bytes ``SHA256SUMS`` lists, instead of silently unpacking them.
- Caching and resuming: a strong ``ETag`` (the file's SHA-256), ``Last-Modified``,
  304 for ``If-None-Match`` / ``If-Modified-Since``; ``Range`` gives 206, an
  unsatisfiable range 416 (Starlette's ``FileResponse`` does the byte ranges).
- The dumps are re-read from the ``dist`` link on every request, so a new
  ``kg dump`` is served without a restart.
"""

from __future__ import annotations

import json
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path

import pyoxigraph as ox
from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from kg import formats
from kg.config import Settings
from kg.errors import NotFound
from kg.release.files import BY_FILE_NAME, DUMP_FILES, VOID_FILE, PublishedDumps, published_dumps
from kg.release.void import void_prefixes

TEMPLATES = Path(__file__).resolve().parent / "templates"
LISTING_FORMATS = (formats.BY_NAME["html"], formats.BY_NAME["jsondoc"])
VOID_FORMATS = tuple(f for f in formats.offered(formats.RDF) if not f.quads)


def downloads_router(settings: Settings) -> APIRouter:
    router = APIRouter(tags=["downloads"])
    templates = Jinja2Templates(directory=TEMPLATES)

    @router.api_route("/dumps/", methods=["GET", "HEAD"], response_model=None, name="dumps")
    def listing(request: Request) -> Response:
        """The dump files with their sizes and SHA-256 sums, as HTML or JSON."""
        dumps = published_dumps(settings)
        fmt = _choose(request, LISTING_FORMATS)
        files = _entries(dumps, str(request.url_for("dumps")))
        if fmt.name == "html":
            context = {"title": settings.title, "version": dumps.manifest.get("version", ""),
                       "files": files}  # fmt: skip
            response = templates.TemplateResponse(request, "dumps.html", context)
        else:
            document = {"version": dumps.manifest.get("version"), "files": files}
            response = Response(json.dumps(document, indent=2) + "\n", media_type=fmt.content_type)
        response.headers["Vary"] = "Accept"
        return response

    @router.api_route("/dumps", methods=["GET", "HEAD"], include_in_schema=False)
    def listing_without_slash(request: Request) -> RedirectResponse:
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(f"{request.url_for('dumps')}{query}", status_code=308)

    @router.api_route("/dumps/{name}", methods=["GET", "HEAD"], response_model=None)
    def download(name: str, request: Request) -> Response:
        """One dump file, exactly as written (conditional and range requests honoured)."""
        dumps = published_dumps(settings)
        return _file(request, dumps, name)

    @router.api_route("/.well-known/void", methods=["GET", "HEAD"], response_model=None)
    def void(request: Request) -> Response:
        """The VoID/DCAT description: the Turtle file, or another RDF format on request."""
        dumps = published_dumps(settings)
        fmt = _choose(request, VOID_FORMATS)
        if fmt.name == "turtle":
            response = _file(request, dumps, VOID_FILE)
        else:
            response = _converted(request, dumps, fmt, settings.base_iri)
        response.headers["Vary"] = "Accept"
        return response

    return router


def _choose(request: Request, offered: tuple[formats.Format, ...]) -> formats.Format:
    return formats.choose(
        offered, accept=request.headers.get("accept"), explicit=request.query_params.get("format")
    )


def _entries(dumps: PublishedDumps, base_url: str) -> list[dict[str, object]]:
    listed = dumps.manifest.get("files", {})
    return [
        {
            "name": spec.name,
            "url": base_url + spec.name,
            "title": spec.title,
            "media_type": spec.served_as.media_type,
            "format": spec.format.label,
            "bytes": listed[spec.name]["bytes"],
            "sha256": listed[spec.name]["sha256"],
        }
        for spec in DUMP_FILES
        if spec.name in listed
    ]


def _file(request: Request, dumps: PublishedDumps, name: str) -> Response:
    path = dumps.file(name)
    if path is None:
        raise NotFound(f"no dump file {name!r}", hint="see /dumps/ for the files there are")
    stat = path.stat()
    headers = {
        "ETag": f'"{dumps.manifest["files"][name]["sha256"]}"',
        "Last-Modified": formatdate(stat.st_mtime, usegmt=True),
        "Cache-Control": "no-cache",  # may be stored, but revalidated: dumps change in place
    }
    if _not_modified(request, headers["ETag"], stat.st_mtime):
        return Response(status_code=304, headers=headers)
    media_type = BY_FILE_NAME[name].served_as.content_type
    return FileResponse(path, media_type=media_type, headers=headers, stat_result=stat)


def _converted(
    request: Request, dumps: PublishedDumps, fmt: formats.Format, base_iri: str
) -> Response:
    """The description re-serialized: small, so parsed and written per request."""
    source = dumps.file(VOID_FILE)
    if source is None:
        raise NotFound("this dump has no VoID description", hint="run `kg dump`")
    stat = source.stat()
    etag = f'"{dumps.manifest["files"][VOID_FILE]["sha256"]}-{fmt.name}"'
    headers = {"ETag": etag, "Last-Modified": formatdate(stat.st_mtime, usegmt=True)}
    if _not_modified(request, etag, stat.st_mtime):
        return Response(status_code=304, headers=headers)
    triples = [q.triple for q in ox.parse(path=source, format=ox.RdfFormat.TURTLE)]
    body = ox.serialize(triples, format=fmt.rdf, prefixes=void_prefixes(base_iri))
    return Response(body, media_type=fmt.content_type, headers=headers)


def _not_modified(request: Request, etag: str, mtime: float) -> bool:
    """RFC 9110 §13.1: If-None-Match wins; else If-Modified-Since against the file time."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
        return "*" in tags or etag in tags  # weak comparison, as for GET and HEAD
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since).timestamp()
        except (TypeError, ValueError):
            return False  # an invalid date is ignored
        return int(mtime) <= since
    return False
