"""SHACL over many article graphs: in batches, across processes, with only what they need.

pySHACL has a large fixed cost per call (it parses the shapes' SPARQL, walks every
shape) and a per-triple cost that grows with the data graph, so validating a
corpus article by article, or all at once, is slow either way. Here each call
validates a batch of articles together with the ontology and only the shared
entities those articles reference, and the batches run in worker processes that
parse the shapes, the ontology and the entities once. Problems come back without
file locations; the caller, which knows the files, adds them.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from itertools import chain

import pyoxigraph as ox
import pyshacl
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from kg.build.dataset import GraphSource, rdflib_triples, to_rdflib
from kg.build.rdflib_memory import filled_graph
from kg.build.shacl_tuning import prepare
from kg.build.validate import Problem, shacl_problems

BATCH_TRIPLES = 20_000  # about 200 synthetic articles: amortises pySHACL's fixed cost
PARALLEL_FROM = 5 * BATCH_TRIPLES  # below this many triples, starting processes costs more


@dataclass
class _Context:
    """What every batch is validated against, parsed once per process."""

    shapes: Graph
    parents: dict
    ontology: list[tuple]
    entities: dict[URIRef, list[tuple]]
    iris: dict[str, URIRef]  # one term per IRI, shared by every batch of the process


_context: _Context | None = None


def _setup(shapes_nt: bytes, ontology_nt: bytes, entities_nt: bytes) -> None:
    global _context
    iris: dict[str, URIRef] = {}
    shapes, parents = prepare(_graph(shapes_nt, iris))
    entities: dict[URIRef, list[tuple]] = defaultdict(list)
    for triple in _graph(entities_nt, iris):
        entities[triple[0]].append(triple)
    _context = _Context(
        shapes=shapes,
        parents=parents,
        ontology=list(_graph(ontology_nt, iris)),
        entities=dict(entities),
        iris=iris,
    )


def _graph(ntriples: bytes, iris: dict[str, URIRef]) -> Graph:
    return to_rdflib(_parsed(ntriples), iris=iris)


def _parsed(ntriples: bytes) -> Iterator[ox.Triple]:
    return (q.triple for q in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES))


def _validate(batch: Sequence[tuple[str, bytes]]) -> list[Problem]:
    """Validate articles (IRI, N-Triples) as one data graph; problems name their article."""
    assert _context is not None, "call _setup first"
    triples = [
        t for _, ntriples in batch
        for t in rdflib_triples(_parsed(ntriples), _context.iris)
    ]  # fmt: skip
    articles = {iri for iri, _ in batch}
    data = filled_graph(chain(triples, _referenced_entities(triples), _context.ontology))
    conforms, results, _ = pyshacl.validate(
        data, shacl_graph=_context.shapes, inference="none", allow_warnings=True
    )
    if conforms and (None, None, SH.ValidationResult) not in results:
        return []
    return [
        replace(p, graph=_owner(p.focus, articles))
        for p in shacl_problems(results, _context.parents)
    ]


def _referenced_entities(data: list[tuple]) -> Iterator[tuple]:
    """The shared entities an article batch references, and those they reference in turn."""
    assert _context is not None
    entities = _context.entities
    todo = [n for t in data for n in (t[0], t[2]) if n in entities]
    seen: set = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for triple in entities[node]:
            yield triple
            if triple[2] in entities and triple[2] not in seen:
                todo.append(triple[2])


def _owner(focus: str, articles: set[str]) -> str | None:
    """The article a node belongs to: its IRI is the article's, or under it (``…/s7``)."""
    candidate = focus
    while candidate in articles or "/" in candidate[len("https://") :]:
        if candidate in articles:
            return candidate
        candidate = candidate.rsplit("/", 1)[0]
    return None


class ShaclBatches:
    """Validates article graphs batch by batch, in ``workers`` processes (1: in this one)."""

    def __init__(
        self, *, shapes: GraphSource, ontology: GraphSource, entities: GraphSource | None,
        workers: int = 0,
    ) -> None:  # fmt: skip
        self.workers = workers or max(1, os.cpu_count() or 1)
        setup = (
            _ntriples(shapes.triples),
            _ntriples(ontology.triples),
            _ntriples(entities.triples if entities else []),
        )
        self._pool: ProcessPoolExecutor | None = None
        if self.workers > 1:  # spawned, not forked: the parent holds an open RocksDB store
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(
                self.workers, mp_context=context, initializer=_setup, initargs=setup
            )
        else:
            _setup(*setup)

    def submit(self, articles: Sequence[GraphSource]) -> Future[list[Problem]]:
        batch = [(a.iri, _ntriples(a.triples)) for a in articles]
        if self._pool is not None:
            return self._pool.submit(_validate, batch)
        done: Future[list[Problem]] = Future()
        done.set_result(_validate(batch))
        return done

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)


def _ntriples(triples: Iterable[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
