"""Making many parts at once, in worker processes: a full dump's parts on every core.

A part depends on its graph alone (``kg.release.parts``), so a dump that must make
many (the first, or one after a change to the shared entities) makes them side by
side: each worker opens the built store read-only, as the query workers do, writes a
graph's N-Triples, labels its blank nodes and serializes every kind of part; the
dump's own process only keeps what they send back, in graph order. Serializing is
Python and holds the GIL, so threads would not help. A few parts, the edit of one
article, are made in place: starting workers costs more than they would save.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pyoxigraph as ox

from kg.release.parts import MadePart, graph_lines, made_part

PARALLEL_FROM = 200  # parts; below this, the workers' start (about 0.3 s each) costs more
CHUNK = 16  # graphs a worker is sent at once
Job = tuple[str, str | None]  # a graph ("" for the default graph) and its part's key

_store: ox.Store | None = None  # a worker's read-only handle
_naming: tuple[dict[str, str], str] = ({}, "")  # a worker's prefixes and URI space


def made_parts(
    store: ox.Store, database: Path | None, jobs: Sequence[Job], prefixes: Mapping[str, str],
    uri_space: str, *, workers: int | None = None, parallel_from: int = PARALLEL_FROM,
) -> Iterator[MadePart]:  # fmt: skip
    """The parts of ``jobs``, in their order: in worker processes when there are many,
    a database to open and more than one core, else here from ``store``."""
    count = workers or len(os.sched_getaffinity(0))
    if database is None or count < 2 or len(jobs) < parallel_from:
        for graph, key in jobs:
            yield made_part(graph, key, graph_lines(store, _node(graph)), prefixes, uri_space)
        return
    context = multiprocessing.get_context("spawn")  # the dump's process holds RocksDB threads
    naming = (str(database), dict(prefixes), uri_space)
    with ProcessPoolExecutor(count, mp_context=context, initializer=_open,
                             initargs=naming) as pool:  # fmt: skip
        yield from pool.map(_make, jobs, chunksize=CHUNK)


def _open(database: str, prefixes: dict[str, str], uri_space: str) -> None:
    global _store, _naming
    _store = ox.Store.read_only(database)
    _naming = (prefixes, uri_space)


def _make(job: Job) -> MadePart:
    assert _store is not None
    graph, key = job
    return made_part(graph, key, graph_lines(_store, _node(graph)), *_naming)


def _node(graph: str) -> ox.NamedNode | ox.DefaultGraph:
    return ox.NamedNode(graph) if graph else ox.DefaultGraph()
