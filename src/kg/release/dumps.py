"""Dumps of the built store, with checksums and a VoID/DCAT description, in ``dist/``.

Deterministic: the same store content gives byte-identical files. Statements are
sorted by their N-Triples form (so Turtle comes grouped by subject and two releases
diff line by line); blank nodes get RDFC-1.0 canonical labels (``_:c14n0``…);
gzip members carry no file name and mtime 0. Oxigraph's own iteration order is
no help here: it follows hashes of the terms, not their text.

Atomic: files are written into a fresh directory under ``dist.builds/``, then the
``dist`` symbolic link is swapped with one rename, exactly as the store is
(``store.publish_build``), so readers see the previous dumps or the new ones,
never a mix, and a failed or killed dump leaves the previous ``dist/`` served.

Bounded memory: the store's quads are streamed once into two external merge sorts
(``kg.release.sorting``: sorted runs of at most ``memory`` bytes spilled to disk), one by
graph then statement, one by statement; every output is then written from a sorted
stream one subject at a time. Only the statements that mention blank nodes are
held in memory together, because canonicalising their labels needs all of them.
"""

from __future__ import annotations

import gzip
import json
import shutil
import time
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg import __version__, namespaces
from kg.config import Settings
from kg.release.files import (
    BY_FILE_NAME,
    CHECKSUMS_FILE,
    CONTEXT_FILE,
    DUMP_FILES,
    ONTOLOGY,
    SHAPES,
    SUPPORT,
    VOID_FILE,
    WrittenFile,
    describe_file,
)
from kg.release.sorting import LineSort
from kg.release.void import write_void
from kg.release.writers import JsonLdWriter, TurtleWriter, statements, subjects
from kg.store.builds import (
    discard_build,
    local_store,
    new_build_dir,
    publish_build,
)
from kg.store.embedded import EmbeddedStore

DEFAULT_MEMORY = 64 * 2**20  # bytes of sort buffers
GZIP_LEVEL = 6
_WORK_DIR = ".work"


@dataclass(frozen=True, slots=True)
class DumpResult:
    """What ``write_dumps`` wrote; printed as the dump summary."""

    dist: Path
    version: str
    files: tuple[WrittenFile, ...]
    triples: int
    quads: int
    seconds: float

    def summary(self) -> str:
        total = sum(f.size for f in self.files)
        return (
            f"dumped {self.dist}: {len(self.files)} files, {total} bytes, {self.triples} "
            f"triples, {self.quads} quads in {self.seconds:.2f} s"
        )


def write_dumps(
    settings: Settings, store: EmbeddedStore | None = None, *, memory: int = DEFAULT_MEMORY
) -> DumpResult:
    """Write every file of ``DUMP_FILES`` for the built store, then swap ``dist`` to them."""
    started = time.perf_counter()
    store = store or EmbeddedStore(local_store(settings))
    database, info = store.oxigraph, store.info  # pinned: a build swapped in meanwhile waits
    build_dir = new_build_dir(settings.dist)
    try:
        work = build_dir / _WORK_DIR
        work.mkdir()
        triples, quads = _write_data(database, build_dir, work, settings, memory)
        shutil.rmtree(work)
        context = {"@context": namespaces.prefixes(settings.base_iri)}
        (build_dir / CONTEXT_FILE).write_text(json.dumps(context, indent=2) + "\n", "utf-8")
        written = [describe_file(build_dir, f) for f in DUMP_FILES if f.part != SUPPORT]
        written.append(describe_file(build_dir, BY_FILE_NAME[CONTEXT_FILE]))
        write_void(build_dir / VOID_FILE, settings, database, info, written)
        written.append(describe_file(build_dir, BY_FILE_NAME[VOID_FILE]))
        sums = "".join(f"{w.sha256}  {w.spec.name}\n" for w in sorted(written, key=_name))
        (build_dir / CHECKSUMS_FILE).write_text(sums, encoding="utf-8")
        written.append(describe_file(build_dir, BY_FILE_NAME[CHECKSUMS_FILE]))
        manifest = {
            "version": info.version,
            "kg_version": __version__,
            "triples": triples,
            "quads": quads,
            "files": {w.spec.name: {"bytes": w.size, "sha256": w.sha256} for w in written},
        }
        publish_build(settings.dist, build_dir, manifest)
    except BaseException:
        discard_build(build_dir)
        raise
    files = tuple(sorted(written, key=lambda w: DUMP_FILES.index(w.spec)))
    seconds = time.perf_counter() - started
    return DumpResult(settings.dist, info.version, files, triples, quads, seconds)


def _name(written: WrittenFile) -> str:
    return written.spec.name


def _write_data(
    store: ox.Store, out: Path, work: Path, settings: Settings, memory: int
) -> tuple[int, int]:
    """The data dumps: each sorted stream is read once and written to every format at once."""
    base = settings.base_iri
    names = namespaces.prefixes(base)
    by_graph, by_triple = _sorted_statements(store, work, memory)
    with ExitStack() as files:
        ntriples = files.enter_context(GzipLines(out / "dataset.nt.gz"))
        turtle = TurtleWriter(files.enter_context(_text(out / "dataset.ttl")), names)
        jsonld = JsonLdWriter(files.enter_context(_text(out / "dataset.jsonld")), names)
        for group in subjects(statements(_copied(by_triple, ntriples))):
            turtle.add(*group)
            jsonld.add(*group)
        jsonld.close()
    with ExitStack() as files:
        nquads = files.enter_context(GzipLines(out / "dataset.nq.gz"))
        trig = TurtleWriter(files.enter_context(_text(out / "dataset.trig")), names, graphs=True)
        parts = {
            f"<{graph}>": TurtleWriter(files.enter_context(_text(out / f"{part}.ttl")), names)
            for part, graph in ((ONTOLOGY, namespaces.ontology_graph(base)),
                                (SHAPES, namespaces.shapes_graph(base)))
        }  # fmt: skip
        for group in subjects(statements(_copied(by_graph, nquads, to_nquads=True))):
            trig.add(*group)
            if group[0] in parts:
                parts[group[0]].add(*group)
        trig.close()
    return ntriples.lines, nquads.lines


def _copied(lines: Iterable[bytes], sink: GzipLines, *, to_nquads: bool = False) -> Iterator[bytes]:
    """Pass sorted lines through, copying each to ``sink`` (``graph TAB triple`` as N-Quads)."""
    batch: list[bytes] = []
    for line in lines:
        if to_nquads:
            graph, _, triple = line.partition(b"\t")
            batch.append(triple[: -len(b" .\n")] + b" " + graph + b" .\n" if graph else triple)
        else:
            batch.append(line)
        if len(batch) == 4096:
            sink.write(batch)
            batch = []
        yield line
    sink.write(batch)


def _sorted_statements(store: ox.Store, work: Path, memory: int) -> tuple[LineSort, LineSort]:
    """Every quad as a ``graph TAB triple`` line and every triple as a line, both sorted.

    Statements with blank nodes are set aside and relabelled with RDFC-1.0 first:
    the canonical labels depend only on the statements that mention blank nodes.
    """
    by_graph = LineSort(work / "by-graph", memory // 2)
    by_triple = LineSort(work / "by-triple", memory // 2)
    with_blanks = ox.Dataset()
    graph, key, blank = None, b"", ox.BlankNode
    for quad in store.quads_for_pattern(None, None, None, None):
        subject, obj, name = quad.subject, quad.object, quad.graph_name
        if type(subject) is blank or type(obj) is blank or type(name) is blank:
            with_blanks.add(quad)
            continue
        if name != graph:  # quads come graph by graph: encode each name once
            graph, key = name, _graph_key(name) + b"\t"
        line = f"{subject} {quad.predicate} {obj} .\n".encode()
        by_graph.add(key + line)
        by_triple.add(line)
    with_blanks.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    for quad in with_blanks:
        line = f"{quad.triple} .\n".encode()
        by_graph.add(_graph_key(quad.graph_name) + b"\t" + line)
        by_triple.add(line)
    return by_graph, by_triple


def _graph_key(graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> bytes:
    """The graph's N-Quads term; empty for the default graph, which so sorts first."""
    return b"" if isinstance(graph, ox.DefaultGraph) else str(graph).encode()


class GzipLines:
    """Lines into a reproducible gzip member: no file name, mtime 0, a fixed level."""

    def __init__(self, path: Path) -> None:
        self._raw = path.open("wb")
        self._gzip = gzip.GzipFile(
            filename="", mode="wb", fileobj=self._raw, mtime=0, compresslevel=GZIP_LEVEL
        )
        self.lines = 0

    def write(self, lines: list[bytes]) -> None:
        """A batch at a time: zlib per line would cost more than the compression."""
        self._gzip.write(b"".join(lines))
        self.lines += len(lines)

    def __enter__(self) -> GzipLines:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self._gzip.close()
        finally:
            self._raw.close()


def _text(path: Path) -> Any:
    return path.open("w", encoding="utf-8", newline="\n", buffering=2**20)
