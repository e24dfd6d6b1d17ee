"""Downloads through the real server: the listing, each file with its headers,
conditional and range requests, HEAD, the VoID document, and no way out of dist/."""

from __future__ import annotations

import gzip
import hashlib
import http.client
import json
from collections.abc import Iterator
from email.utils import formatdate
from urllib.parse import urlsplit

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from kg.release.files import DUMP_FILES
from kg.store.builds import current_build
from tests.conftest import LiveServer, start_server, stop_server
from tests.projects import dumped_project

IDENTITY = {"accept-encoding": "identity"}  # the app gzips large text responses otherwise


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory):
    return dumped_project(tmp_path_factory.mktemp("downloads") / "mini")


@pytest.fixture(scope="module")
def server(project) -> Iterator[LiveServer]:
    live = start_server(project.project)
    yield live
    stop_server(live)


def raw_get(server: LiveServer, target: str) -> tuple[int, bytes]:
    """A request whose target is sent exactly as written (clients normalise ``..``)."""
    address = urlsplit(server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        connection.putrequest("GET", target, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def vary(response) -> list[str]:
    return [v.strip() for v in response.headers["vary"].split(",")]


def test_listing_as_json(server):
    with server.client() as client:
        response = client.get("/dumps/", headers={"accept": "application/json"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert "Accept" in vary(response)
    files = response.json()["files"]
    assert [f["name"] for f in files] == [f.name for f in DUMP_FILES]
    gz = next(f for f in files if f["name"] == "dataset.nt.gz")
    assert gz["media_type"] == "application/gzip"
    assert gz["url"] == f"{server.url}/dumps/dataset.nt.gz"


def test_listing_as_html_links_every_file(server):
    with server.client() as client:
        page = client.get("/dumps/", headers={"accept": "text/html,*/*;q=0.8"})
        explicit = client.get("/dumps/", params={"format": "json"})
    assert page.headers["content-type"].startswith("text/html")
    for spec in DUMP_FILES:
        assert f'href="{spec.name}"' in page.text
    assert explicit.headers["content-type"].startswith("application/json")


def test_the_listing_without_its_slash_redirects(server):
    with server.client() as client:
        response = client.get("/dumps", params={"format": "json"})
    assert response.status_code == 308
    assert response.headers["location"] == f"{server.url}/dumps/?format=json"


def test_an_unknown_format_is_400_with_what_is_offered(server):
    with server.client() as client:
        response = client.get("/dumps/", params={"format": "xlsx"})
    assert response.status_code == 400
    assert "html" in response.json()["message"] and "jsondoc" in response.json()["message"]


def test_unacceptable_listing_is_406(server):
    with server.client() as client:
        assert client.get("/dumps/", headers={"accept": "image/png"}).status_code == 406


@pytest.mark.parametrize("spec", DUMP_FILES, ids=lambda s: s.name)
def test_each_file_is_served_whole_with_its_type_and_length(server, project, spec):
    with server.client() as client:
        response = client.get(f"/dumps/{spec.name}", headers=IDENTITY)
    content = (project.dist / spec.name).read_bytes()
    assert response.status_code == 200
    assert response.content == content
    assert response.headers["content-type"].split(";")[0] == spec.served_as.media_type
    assert response.headers["content-length"] == str(len(content))
    assert response.headers["etag"] == f'"{hashlib.sha256(content).hexdigest()}"'
    assert "content-encoding" not in response.headers


def test_a_gz_dump_reaches_a_gzip_accepting_client_byte_for_byte(server, project):
    """Served as application/gzip, never re-encoded: what curl or wget saves is the file."""
    with server.client() as client:
        response = client.get("/dumps/dataset.nq.gz", headers={"accept-encoding": "gzip"})
    assert response.headers["content-type"] == "application/gzip"
    assert "content-encoding" not in response.headers
    assert response.content == (project.dist / "dataset.nq.gz").read_bytes()
    assert gzip.decompress(response.content).startswith(b"<")


def test_etag_gives_304(server):
    with server.client() as client:
        first = client.get("/dumps/dataset.ttl", headers=IDENTITY)
        etag = first.headers["etag"]
        same = client.get("/dumps/dataset.ttl", headers={"if-none-match": etag})
        weak = client.get("/dumps/dataset.ttl", headers={"if-none-match": f'"x", W/{etag}'})
        other = client.get("/dumps/dataset.ttl", headers={"if-none-match": '"other"'})
    assert same.status_code == 304 and same.content == b"" and same.headers["etag"] == etag
    assert weak.status_code == 304
    assert other.status_code == 200


def test_last_modified_gives_304(server):
    with server.client() as client:
        modified = client.get("/dumps/shapes.ttl").headers["last-modified"]
        same = client.get("/dumps/shapes.ttl", headers={"if-modified-since": modified})
        earlier = client.get(
            "/dumps/shapes.ttl", headers={"if-modified-since": formatdate(0, usegmt=True)}
        )
        garbled = client.get("/dumps/shapes.ttl", headers={"if-modified-since": "yesterday"})
    assert same.status_code == 304
    assert earlier.status_code == 200
    assert garbled.status_code == 200


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [("bytes=10-19", 10, 20), ("bytes=100-", 100, None), ("bytes=-16", -16, None)],
)
def test_range_gives_206_with_the_right_bytes(server, project, header, start, end):
    content = (project.dist / "dataset.nt.gz").read_bytes()
    expected = content[start:end]
    with server.client() as client:
        response = client.get("/dumps/dataset.nt.gz", headers={"range": header})
    assert response.status_code == 206
    assert response.content == expected
    first = start if start >= 0 else len(content) + start
    assert response.headers["content-range"] == (
        f"bytes {first}-{first + len(expected) - 1}/{len(content)}"
    )
    assert response.headers["content-length"] == str(len(expected))


def test_unsatisfiable_range_is_416(server, project):
    size = (project.dist / "dataset.nt.gz").stat().st_size
    with server.client() as client:
        response = client.get("/dumps/dataset.nt.gz", headers={"range": f"bytes={size + 5}-"})
    assert response.status_code == 416
    assert response.headers["content-range"] == f"bytes */{size}"


def test_head_has_the_headers_and_no_body(server, project):
    with server.client() as client:
        response = client.head("/dumps/dataset.trig", headers=IDENTITY)
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["content-length"] == str((project.dist / "dataset.trig").stat().st_size)
    assert response.headers["content-type"].startswith("application/trig")


def test_well_known_void_is_turtle_and_negotiates_other_formats(server, project):
    with server.client() as client:
        turtle = client.get("/.well-known/void", headers=IDENTITY)
        jsonld = client.get("/.well-known/void", headers={"accept": "application/ld+json"})
        ntriples = client.get("/.well-known/void", params={"format": "nt"})
        etag = turtle.headers["etag"]
        cached = client.get("/.well-known/void", headers={"if-none-match": etag})
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert "Accept" in vary(turtle)
    assert turtle.content == (project.dist / "void.ttl").read_bytes()
    expected = Graph().parse(data=turtle.text, format="turtle")
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    assert isomorphic(expected, Graph().parse(data=jsonld.text, format="json-ld"))
    assert isomorphic(expected, Graph().parse(data=ntriples.text, format="nt"))
    assert cached.status_code == 304
    assert (URIRef("https://mini.example.org/dataset"), None, None) in expected


TRAVERSALS = [
    "/dumps/../kg.toml",
    "/dumps/%2e%2e/kg.toml",
    "/dumps/%2E%2E%2Fkg.toml",
    "/dumps/..%2fkg.toml",
    "/dumps/..",
    "/dumps/%2e%2e",
    "/dumps//etc/passwd",
    "/dumps/%2fetc%2fpasswd",
    "/dumps/build.json",  # in the directory, but not a dump
    "/dumps/.complete",
    "/dumps/dataset.ttl%00.txt",
]


@pytest.mark.parametrize("target", TRAVERSALS)
def test_no_path_leads_outside_the_dumps(server, target):
    status, body = raw_get(server, target)
    assert status == 404, (target, status, body[:200])
    assert b"base_iri" not in body and b"root:" not in body


def test_symbolic_links_in_dist_are_not_followed(server, project):
    directory = current_build(project.dist)
    planted = directory / "evil.ttl"
    listed = directory / "shapes.ttl"
    original = listed.read_bytes()
    planted.symlink_to(project.project / "kg.toml")
    listed.unlink()
    listed.symlink_to(project.project / "kg.toml")
    try:
        assert raw_get(server, "/dumps/evil.ttl")[0] == 404
        assert raw_get(server, "/dumps/shapes.ttl")[0] == 404
    finally:
        planted.unlink()
        listed.unlink()
        listed.write_bytes(original)


def test_without_dumps_the_listing_says_how_to_make_them(mini_server):
    with mini_server.client() as client:
        response = client.get("/dumps/", headers={"accept": "application/json"})
    assert response.status_code == 503
    assert "kg dump" in json.loads(response.text)["hint"]


def test_downloads_are_never_recompressed(server):
    """Regression: the app's gzip used to recompress .ttl downloads, breaking ranges and ETags."""
    with server.client() as client:
        response = client.get("/dumps/dataset.ttl", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert "content-encoding" not in response.headers
