"""Dumps of the built store, with checksums and a VoID/DCAT description, in ``dist/``.

Assembled from parts (``kg.release.parts``): each named graph's statements are
sorted N-Triples lines with its blank nodes labelled by RDFC-1.0 within the graph
(``_:g{tag of the graph IRI}c14n0``…), and every file is those parts joined: the
N-Quads and TriG in graph order (gzip members concatenate), the union files
(N-Triples, Turtle, JSON-LD) graph by graph too, each graph's statements sorted, a
subject that several graphs describe written once, where it first appears, with the
statements of all of them (``kg.release.union_index`` knows which). A part is made
again only when its graph's sources changed (the keys a build records,
``kg.store.builds.source_keys``), so one edited article re-serializes one graph; the
files are the same bytes either way. Gzip members carry no file name and mtime 0.

Atomic: files are written into a fresh directory under ``dist.builds/``, then the
``dist`` symbolic link is swapped with one rename, exactly as the store is
(``store.publish_build``), so readers see the previous dumps or the new ones,
never a mix, and a failed or killed dump leaves the previous ``dist/`` served (and
the parts index as it was).

Bounded memory: one graph's statements at a time, never the dataset's.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from itertools import groupby
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
from kg.release.history import HISTORY_FILE, GraphChange, History
from kg.release.part_workers import made_parts
from kg.release.parts import (
    Assembled,
    Blobs,
    Part,
    PartStore,
    Stats,
    grouped,
    part_key,
    serialize,
    statistics,
    unpacked,
)
from kg.release.union_index import UnionIndex, parts_database
from kg.release.void import release_time, write_void
from kg.release.writers import jsonld_head, jsonld_tail, prefix_lines
from kg.store.builds import (
    DATABASE_DIR,
    discard_build,
    local_store,
    new_build_dir,
    publish_build,
    source_keys,
)
from kg.store.embedded import EmbeddedStore

PARTS_SUFFIX, RELEASES_SUFFIX = ".parts", ".releases"
RELEASES_DIR = "releases"
"""In ``dist/``: the release history and every patch (``kg.release.history``)."""


def parts_directory(settings: Settings) -> Path:
    """Where the parts are kept: beside the local store (``.kg/store.parts``)."""
    link = local_store(settings)
    return link.with_name(link.name + PARTS_SUFFIX)


def releases_directory(settings: Settings) -> Path:
    """Where the release history is kept: beside the store (``.kg/store.releases``),
    apart from the parts, which may be thrown away; the history may not."""
    link = local_store(settings)
    return link.with_name(link.name + RELEASES_SUFFIX)


def publish_releases(history: History, out: Path) -> None:
    """The history and its patches in ``out/releases/`` (hard links where the disk allows),
    with their own ``SHA256SUMS``: the dataset's files stay the same bytes whatever the
    history (a build from nothing has none), the releases are checked apart."""
    target = out / RELEASES_DIR
    target.mkdir()
    listed = []
    for release in history.releases:
        path = history.patch_path(release)
        if path is None:
            continue
        try:
            os.link(path, target / path.name)
        except OSError:
            shutil.copyfile(path, target / path.name)
        listed.append((path.name, release.patch_sha256))
    body = (history.directory / HISTORY_FILE).read_bytes() if history.releases else b"[]"
    (target / HISTORY_FILE).write_bytes(body)
    listed.append((HISTORY_FILE, hashlib.sha256(body).hexdigest()))
    sums = "".join(f"{sha}  {name}\n" for name, sha in sorted(listed))
    (target / CHECKSUMS_FILE).write_text(sums, encoding="utf-8")


@dataclass(frozen=True, slots=True)
class DumpResult:
    """What ``write_dumps`` wrote; printed as the dump summary."""

    dist: Path
    version: str
    files: tuple[WrittenFile, ...]
    triples: int
    quads: int
    reused: int  # graphs whose kept part was used as it was
    seconds: float

    def summary(self) -> str:
        total = sum(f.size for f in self.files)
        return (
            f"dumped {self.dist}: {len(self.files)} files, {total} bytes, {self.triples} "
            f"triples, {self.quads} quads in {self.seconds:.2f} s "
            f"({self.reused} graphs' parts reused)"
        )


def write_dumps(settings: Settings, store: EmbeddedStore | None = None) -> DumpResult:
    """Write every file of ``DUMP_FILES`` for the built store, then swap ``dist`` to them."""
    started = time.perf_counter()
    store = store or EmbeddedStore(local_store(settings))
    database, info = store.oxigraph, store.info  # pinned: a build swapped in meanwhile waits
    build_dir = new_build_dir(settings.dist)
    try:
        keys = source_keys(info)
        history = History(releases_directory(settings))

        def record(
            data: Assembled, changes: Iterator[GraphChange] | None, kept: str | None
        ) -> None:
            """A new release when the dataset changed; its patch when the kept parts are
            the last release's (else the patch cannot be made: there is none)."""
            last = history.last
            if last is not None and last.version == info.version:
                return
            history.record(version=info.version, time=release_time(info),
                           triples=data.stats.triples, graphs=len(data.parts),
                           changes=changes if last and kept == last.version else None,
                           vocabulary=namespaces.ontology_namespace(settings.base_iri))  # fmt: skip

        files = info.path / DATABASE_DIR if info.path else None
        release = _write_data(database, files, build_dir, settings, keys,
                              parts_directory(settings), info.version, record)  # fmt: skip
        publish_releases(history, build_dir)
        context = {"@context": namespaces.prefixes(settings.base_iri)}
        (build_dir / CONTEXT_FILE).write_text(json.dumps(context, indent=2) + "\n", "utf-8")
        written = [describe_file(build_dir, f) for f in DUMP_FILES if f.part != SUPPORT]
        written.append(describe_file(build_dir, BY_FILE_NAME[CONTEXT_FILE]))
        write_void(build_dir / VOID_FILE, settings, release, info, written)
        written.append(describe_file(build_dir, BY_FILE_NAME[VOID_FILE]))
        sums = "".join(f"{w.sha256}  {w.spec.name}\n" for w in sorted(written, key=_name))
        (build_dir / CHECKSUMS_FILE).write_text(sums, encoding="utf-8")
        written.append(describe_file(build_dir, BY_FILE_NAME[CHECKSUMS_FILE]))
        manifest = {
            "version": info.version,
            "kg_version": __version__,
            "triples": release.stats.triples,
            "quads": release.quads,
            "files": {w.spec.name: {"bytes": w.size, "sha256": w.sha256} for w in written},
        }
        publish_build(settings.dist, build_dir, manifest)
    except BaseException:
        discard_build(build_dir)
        raise
    files = tuple(sorted(written, key=lambda w: DUMP_FILES.index(w.spec)))
    seconds = time.perf_counter() - started
    return DumpResult(settings.dist, info.version, files, release.stats.triples, release.quads,
                      len(release.parts) - release.made, seconds)  # fmt: skip


def _name(written: WrittenFile) -> str:
    return written.spec.name


OnRelease = Callable[[Assembled, Iterator[GraphChange] | None, str | None], None]
"""Called with the release's counts, its changes (None when the kept parts are not a
release's) and the version of the release the kept parts make."""


def _write_data(
    store: ox.Store, database: Path | None, out: Path, settings: Settings,
    keys: dict[str, str], parts_dir: Path, version: str, record: OnRelease,
) -> Assembled:  # fmt: skip
    """The data dumps, assembled from every graph's part (``kg.release.parts``); the
    parts to make are made from ``store``, or from its files (``database``) in worker
    processes when there are many (``kg.release.part_workers``)."""
    names = namespaces.prefixes(settings.base_iri)
    space = names["kgid"]
    with parts_database(parts_dir) as db:
        kept = PartStore(db)
        graphs = sorted((g.value for g in store.named_graphs()), key=lambda g: g.encode())
        if next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None):
            graphs.insert(0, "")  # N-Quads order: the default graph first
        found: dict[str, Part] = {}
        jobs = []
        for graph in graphs:
            key = part_key(keys.get(graph), graph, names)
            part = kept.kept.get(graph)
            if key is None or part is None or part.key != key:
                jobs.append((graph, key))
            else:
                found[graph] = part
        index = UnionIndex(db)
        for made in made_parts(store, database, jobs, names, space):
            found[made.graph] = kept.put(made)
            index.add(made.key, unpacked(made.data))  # while the workers make the next ones
        parts, made = [found[graph] for graph in graphs], len(jobs)
        index.sync(parts, kept)
        release = Assembled(parts, made, index.distinct_objects())
        release.stats = _write_files(out, kept, parts, names, index.shared_subjects(),
                                     settings.base_iri)  # fmt: skip
        record(release, _changes(kept, parts) if kept.version else None, kept.version)
        kept.keep(parts, version)
    return release


def _write_files(
    out: Path, kept: PartStore, parts: list[Part], names: dict[str, str],
    shared: dict[bytes, set[str]], base: str,
) -> Stats:  # fmt: skip
    """Every data file in one pass over the parts, in graph order.

    N-Quads and TriG are the parts joined. The union files are too, except that a
    subject several graphs describe is written once, where it first appears, with
    the statements of all of them (so that part's text is made again)."""
    stats = Stats()
    written: set[bytes] = set()  # shared subjects already written
    sharing = {key for keys in shared.values() for key in keys}
    alone = {name: namespaces.ontology_graph(base) if name == ONTOLOGY else
             namespaces.shapes_graph(base) for name in (ONTOLOGY, SHAPES)}  # fmt: skip
    with ExitStack() as files:
        nquads = files.enter_context((out / "dataset.nq.gz").open("wb"))
        ntriples = files.enter_context((out / "dataset.nt.gz").open("wb"))
        trig, turtle, jsonld = (files.enter_context(_bytes(out / f"dataset.{ext}"))
                                for ext in ("trig", "ttl", "jsonld"))  # fmt: skip
        for text in (trig, turtle):
            text.write(prefix_lines(names).encode())
        jsonld.write(jsonld_head(names).encode())
        first = True
        for part in parts:
            blobs = kept.read(part.key)  # one part in memory at a time
            nquads.write(blobs["nq.gz"])  # gzip members concatenate
            trig.write(blobs["trig"])  # parts are UTF-8: bytes go through as they are
            for name, graph in alone.items():
                if part.graph == graph:
                    (out / f"{name}.ttl").write_text(prefix_lines(names) + blobs["ttl"].decode(),
                                                     encoding="utf-8")  # fmt: skip
            if part.key in sharing:
                lines = _with_shared(kept, part, blobs, shared, written)
                groups = grouped(lines)
                blobs = serialize(lines, groups, names)
                stats.add(statistics(groups, names["kgid"]))
            else:
                stats.add(part.stats)
            ntriples.write(blobs["nt.gz"])
            turtle.write(blobs["ttl"])
            text = blobs["jsonld"]
            if first and text:
                text, first = text[1:], False  # the first node follows no comma
            jsonld.write(text)
        jsonld.write(jsonld_tail(empty=first).encode())
    for name in alone:  # a project without an ontology or shapes graph still has the file
        if not (out / f"{name}.ttl").exists():
            (out / f"{name}.ttl").write_text(prefix_lines(names), encoding="utf-8")
    return stats


def _changes(kept: PartStore, parts: list[Part]) -> Iterator[GraphChange]:
    """Every graph whose part differs from the kept one, with both sets of lines, one
    graph at a time (read before the kept parts are forgotten): the patch's matter."""
    before = {graph: part.key for graph, part in kept.kept.items()}
    after = {part.graph: part.key for part in parts}
    for graph in sorted(before.keys() | after.keys(), key=lambda g: g.encode()):
        old, new = before.get(graph), after.get(graph)
        if old != new:
            yield GraphChange(graph, kept.read(old)["nt"] if old else b"",
                              kept.read(new)["nt"] if new else b"")  # fmt: skip


def _with_shared(
    kept: PartStore, part: Part, blobs: Blobs, shared: dict[bytes, set[str]],
    written: set[bytes],
) -> list[bytes]:  # fmt: skip
    """The part's lines for the union: a shared subject gets every part's statements the
    first time, none after."""
    lines: list[bytes] = []
    for subject, group in groupby(blobs["nt"].splitlines(keepends=True),
                                  key=lambda line: line.split(b" ", 1)[0]):  # fmt: skip
        if subject not in shared:
            lines.extend(group)
        elif subject not in written:
            written.add(subject)
            merged = set(group)
            for key in shared[subject] - {part.key}:
                merged.update(line for line in kept.read(key)["nt"].splitlines(keepends=True)
                              if line.split(b" ", 1)[0] == subject)  # fmt: skip
            lines.extend(sorted(merged))
    return lines


def _bytes(path: Path) -> Any:
    return path.open("wb", buffering=2**20)
