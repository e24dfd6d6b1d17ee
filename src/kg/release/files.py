"""The files of ``dist/``: what each holds and in which format, and the set being served.

``kg dump`` writes them (``kg.release.dumps``), the VoID description lists them
(``kg.release.void``) and ``/dumps/`` serves them (``kg.serve.downloads``); this one
table is what all three read, so a file cannot be written without being described,
or served without being listed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg import formats
from kg.config import Settings
from kg.errors import EnvironmentProblem
from kg.store.builds import BUILD_INFO, current_build

DATASET, ONTOLOGY, SHAPES, SUPPORT = "dataset", "ontology", "shapes", "support"


@dataclass(frozen=True, slots=True)
class DumpFile:
    """One file of ``dist/``: its name, what it holds and in which format."""

    name: str
    format: formats.Format
    title: str
    part: str
    compressed: bool = False

    @property
    def served_as(self) -> formats.Format:
        """The Content-Type it is served with: a .gz file is served as the gzip file it is."""
        return formats.BY_NAME["gzip"] if self.compressed else self.format


_F = formats.BY_NAME
DUMP_FILES: tuple[DumpFile, ...] = (
    DumpFile("dataset.ttl", _F["turtle"], "The whole dataset (union of all graphs), Turtle",
             DATASET),
    DumpFile("dataset.nt.gz", _F["ntriples"], "The whole dataset (union of all graphs), "
             "N-Triples, gzipped", DATASET, compressed=True),
    DumpFile("dataset.jsonld", _F["jsonld"], "The whole dataset (union of all graphs), "
             "compacted JSON-LD", DATASET),
    DumpFile("dataset.trig", _F["trig"], "The whole dataset with its named graphs, TriG",
             DATASET),
    DumpFile("dataset.nq.gz", _F["nquads"], "The whole dataset with its named graphs, "
             "N-Quads, gzipped", DATASET, compressed=True),
    DumpFile("ontology.ttl", _F["turtle"], "The ontology graph, Turtle", ONTOLOGY),
    DumpFile("shapes.ttl", _F["turtle"], "The SHACL shapes graph, Turtle", SHAPES),
    DumpFile("context.jsonld", _F["jsonld"], "The JSON-LD context of dataset.jsonld", SUPPORT),
    DumpFile("void.ttl", _F["turtle"], "VoID and DCAT description of the dataset", SUPPORT),
    DumpFile("SHA256SUMS", _F["text"], "SHA-256 checksums (sha256sum -c SHA256SUMS)", SUPPORT),
)  # fmt: skip
BY_FILE_NAME = {f.name: f for f in DUMP_FILES}
VOID_FILE, CHECKSUMS_FILE, CONTEXT_FILE = "void.ttl", "SHA256SUMS", "context.jsonld"


@dataclass(frozen=True, slots=True)
class WrittenFile:
    spec: DumpFile
    size: int
    sha256: str


def describe_file(directory: Path, spec: DumpFile) -> WrittenFile:
    digest = hashlib.sha256()
    with (directory / spec.name).open("rb") as handle:
        for block in iter(lambda: handle.read(2**20), b""):
            digest.update(block)
    return WrittenFile(spec, (directory / spec.name).stat().st_size, digest.hexdigest())


@dataclass(frozen=True, slots=True)
class PublishedDumps:
    """The dumps ``dist`` points at; only the files their manifest names are served."""

    directory: Path
    manifest: dict[str, Any]

    def file(self, name: str) -> Path | None:
        """The path of a listed dump file, or None for any other name (no path tricks)."""
        if name not in self.manifest.get("files", {}) or name not in BY_FILE_NAME:
            return None
        path = self.directory / name
        return path if path.is_file() and not path.is_symlink() else None


def published_dumps(settings: Settings) -> PublishedDumps:
    """The current dumps, or EnvironmentProblem when none were written."""
    link = settings.dist
    if not link.is_symlink():
        raise EnvironmentProblem(f"no dumps at {link}", hint="run `kg dump` (or `kg build`)")
    directory = current_build(link)
    manifest = json.loads((directory / BUILD_INFO).read_text(encoding="utf-8"))
    return PublishedDumps(directory, manifest)
