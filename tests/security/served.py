"""A project being served by a real `kg serve`, with what the fault tests check of it:
the triple count it answers, the version it serves, and that its dumps match
their checksums on disk and over HTTP."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import httpx

from kg.store.builds import COMPLETE_MARKER, builds_dir
from tests.conftest import LiveServer

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
JSON = {"Accept": "application/sparql-results+json"}


def count_of(response: httpx.Response) -> int:
    response.raise_for_status()
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


@dataclass
class Served:
    project: Path
    server: LiveServer

    @property
    def store(self) -> Path:
        return self.project / ".kg/store"

    @property
    def dist(self) -> Path:
        return self.project / "dist"

    def count(self) -> int:
        with self.server.client() as http:
            return count_of(http.get("/sparql", params={"query": COUNT}, headers=JSON))

    def version(self) -> str:
        with self.server.client() as http:
            return http.get("/healthz").raise_for_status().json()["version"]

    def assert_dumps_intact(self) -> None:
        """Every file in SHA256SUMS matches, on disk and as served under /dumps/."""
        listed = dict(
            reversed(line.split("  ", 1))
            for line in (self.dist / "SHA256SUMS").read_text().splitlines()
        )
        assert len(listed) >= 9, listed
        with self.server.client() as http:
            assert http.get("/dumps/SHA256SUMS").content == (self.dist / "SHA256SUMS").read_bytes()
            for name, digest in listed.items():
                assert hashlib.sha256((self.dist / name).read_bytes()).hexdigest() == digest, name
                served = http.get(f"/dumps/{name}").raise_for_status().content
                assert hashlib.sha256(served).hexdigest() == digest, name


def published(link: Path) -> Path:
    """The complete build a link points at (it never points at an incomplete one)."""
    target = link.resolve()
    assert (target / COMPLETE_MARKER).exists(), target
    return target


def leftovers(link: Path) -> set[Path]:
    """Build directories other than the current one (at most the previous generation)."""
    return {p.resolve() for p in builds_dir(link).iterdir()} - {link.resolve()}
