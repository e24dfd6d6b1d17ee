"""Parse, load and check a project into a store, article batch by article batch.

This is the build's inner loop, shared by ``kg build`` and ``kg validate``:
articles are parsed one at a time, loaded into the store in bulk batches, and
validated in batches across processes (``kg.build.shacl_batches``) while the next ones
are parsed; only files, not triples, are kept for the whole corpus. A content
hash per article (``ValidationCache``) skips the SHACL of articles that did not
change since the last build that validated them, as long as the ontology, the
shapes, the entities and kg itself did not change either. The whole-dataset
rules (the ``*-violation.rq`` queries and the link rules) then run on the store.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from tqdm import tqdm

from kg import __version__, namespaces
from kg.build import dataset, implied_types
from kg.build.causes import explain
from kg.build.dataset import (
    ARTICLE,
    ONTOLOGY,
    SHAPES,
    GraphSource,
    Shared,
    article_files,
    article_graph,
    entities_graph,
    from_files,
)
from kg.build.implied_types import superclasses
from kg.build.incremental import SCOPE_LIMIT, Previous, neighbourhood
from kg.build.links import check_links, read_links
from kg.build.shacl_batches import BATCH_TRIPLES, PARALLEL_FROM, ShaclBatches
from kg.build.validate import (
    Problem,
    ValidationReport,
    check_violation_queries,
    located,
    locator,
    merge,
    shapes_without_outbound,
    validate_shacl,
)
from kg.config import Settings
from kg.files import write_atomically
from kg.project import mentions, text
from kg.project.directory import Article, Project
from kg.queries import StoredQuery
from kg.store.builds import local_store

DERIVATION = (dataset, implied_types, text, mentions)
"""The modules that turn a project's files into triples."""
PARSED, VALIDATED, LOADED, GATED = "parsed", "validated", "loaded", "gated"
TRIPLES_LOADED = "triples loaded"
"""The phases a build times (``ValidationReport.seconds``); validation runs in worker
processes beside parsing and loading, so its seconds are those spent waiting for it."""
PROGRESS_THRESHOLD = 20  # articles; below this a progress bar is noise


@dataclass
class ValidationCache:
    """Which articles conformed, by content hash, under which shared inputs."""

    path: Path | None
    shared_key: str
    conforming: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None, shared_key: str) -> ValidationCache:
        try:
            data = json.loads(path.read_text(encoding="utf-8")) if path else {}
        except (OSError, ValueError):
            data = {}
        if data.get("shared") != shared_key:
            return cls(path, shared_key)
        return cls(path, shared_key, dict(data.get("conforming", {})))

    def save(self) -> None:
        if self.path is None:
            return
        body = {"shared": self.shared_key, "conforming": self.conforming}
        write_atomically(self.path, json.dumps(body, sort_keys=True))


def cache_path(settings: Settings) -> Path:
    link = local_store(settings)
    return link.with_name(link.name + ".validation.json")


def article_key(article: Article) -> str:
    digest = hashlib.sha256()
    for path in article.files:  # the name too: the same bytes mean another thing in each
        digest.update(f"\0{path.name}\0".encode() + path.read_bytes())
    return digest.hexdigest()


def derivation_key() -> str:
    """kg's version and the source of the modules that derive triples from files."""
    digest = hashlib.sha256(__version__.encode())
    for module in DERIVATION:
        digest.update(b"\0" + Path(module.__file__ or "").read_bytes())
    return digest.hexdigest()


def shared_key(project: Project, queries_key: str = "") -> str:
    """What every article's graph and validation depend on besides the article itself:
    kg's version and the code that derives graphs from files (so a changed derivation
    rebuilds a development checkout too), the base IRI, ontology, shapes and entities."""
    digest = hashlib.sha256(f"{derivation_key()}\0{project.base_iri}\0{queries_key}".encode())
    files = [*project.ontology_files, *project.shape_files]
    files += [project.entities_file] if project.entities_file else []
    for path in files:
        digest.update(str(project.relative(path)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def load_and_check(
    settings: Settings,
    project: Project,
    queries: list[StoredQuery],
    store: ox.Store,
    *,
    bulk: bool,
    cache: ValidationCache,
    previous: Previous | None = None,
    progress: bool | None = None,
) -> ValidationReport:
    """Load every graph into ``store`` and return everything that gates a build.

    With ``previous``, ``store`` is a copy of the last build's store
    (``kg.build.incremental``): only the articles whose content changed are replaced.
    """
    ontology = from_files(project, project.ontology_graph, ONTOLOGY, project.ontology_files)
    shapes = from_files(project, project.shapes_graph, SHAPES, project.shape_files)
    shapes_without_outbound(shapes)
    shared = [ontology, shapes]
    entities = None
    if project.entities_file:
        entities = entities_graph(project, superclasses(ontology.triples))
        shared.append(entities)
    clock = ValidationReport()  # the phases' seconds outside the articles' report
    reports = [clock]
    if previous is None:  # else they are in the copied store and conformed there
        with clock.timed(LOADED):
            clock.checked[TRIPLES_LOADED] += _load(store, shared, bulk=bulk)
        if entities:
            with clock.timed(VALIDATED):
                reports.append(validate_shacl([entities], shapes=shapes, shared=[ontology]))
    articles, article_report, scope = _articles(
        settings, project, store, shared, bulk=bulk, cache=cache, previous=previous,
        progress=progress,
    )  # fmt: skip
    locate_in = [*articles, *shared]
    with clock.timed(GATED):
        gates = check_violation_queries(store, queries, sources=locate_in, graphs=scope)
        links = read_links(store, settings.base_iri)
        linked = check_links(links, known_wrong=settings.known_wrong_links,
                             locate=locator(locate_in))  # fmt: skip
    reports += [article_report, gates, linked]
    return explain(merge(*reports), store, locate_in, base_iri=settings.base_iri)


def _articles(
    settings: Settings,
    project: Project,
    store: ox.Store,
    shared: list[GraphSource],
    *,
    bulk: bool,
    cache: ValidationCache,
    previous: Previous | None,
    progress: bool | None,
) -> tuple[list[GraphSource], ValidationReport, list[str] | None]:
    """Parse, load and validate the articles that need it.

    Returns every article's files (not triples), the problems, and the graphs the
    violation queries must see (None: all of them).
    """
    report = ValidationReport()
    keys = {a.iri: article_key(a) for a in project.articles}
    kept = previous.articles if previous else {}
    todo = [a for a in project.articles if kept.get(a.iri) != keys[a.iri]]
    changed = [a.iri for a in todo] + [iri for iri in kept if iri not in keys]
    scope = _scope(store, project, changed, shared, previous, before=True)
    for iri in changed:
        if iri in kept:
            store.remove_graph(ox.NamedNode(iri))
    report.checked["articles unchanged since the last build"] += len(project.articles) - len(todo)
    fresh = {a.iri for a in todo}  # a set: membership in the list was 7 s at 10k articles
    cache.conforming.update({a.iri: keys[a.iri] for a in project.articles if a.iri not in fresh})
    _validate_articles(settings, project, todo, keys, store, shared, report,
                       bulk=bulk, cache=cache, progress=progress)  # fmt: skip
    after = _scope(store, project, changed, shared, previous, before=False)
    outlines = [
        GraphSource(a.iri, ARTICLE, [], article_files(project, a)) for a in project.articles
    ]
    report.problems = located(report.problems, [*outlines, *shared])
    return outlines, report, None if scope is None or after is None else sorted(scope | after)


def _scope(
    store: ox.Store,
    project: Project,
    changed: list[str],
    shared: list[GraphSource],
    previous: Previous | None,
    *,
    before: bool,
) -> set[str] | None:
    """What the gates must see of the changed articles, before or after the change."""
    if previous is None or not previous.same_queries:
        return None
    names = {g.iri for g in shared}
    graphs = [iri for iri in changed if (iri in previous.articles) == before or not before]
    limit = max(1, int(SCOPE_LIMIT * len(project.articles)))
    own = namespaces.prefixes(project.base_iri)["kgid"]
    found = neighbourhood(store, graphs, shared=names, limit=limit, own=own)
    return None if found is None else found | names


def _validate_articles(
    settings: Settings,
    project: Project,
    todo: list[Article],
    keys: dict[str, str],
    store: ox.Store,
    shared: list[GraphSource],
    report: ValidationReport,
    *,
    bulk: bool,
    cache: ValidationCache,
    progress: bool | None,
) -> None:
    """Parse and load ``todo``; SHACL-validate those the cache does not know, in batches."""
    ontology, shapes, *rest = shared
    derived_from = Shared.of(shared)
    fresh = [a for a in todo if cache.conforming.get(a.iri) != keys[a.iri]]
    workers = settings.workers or _auto_workers(fresh)
    checker = ShaclBatches(shapes=shapes, ontology=ontology, entities=rest[0] if rest else None,
                           workers=workers)  # fmt: skip
    pending: deque[tuple[list[tuple[GraphSource, str]], Future[list[Problem]]]] = deque()
    batch: list[tuple[GraphSource, str]] = []
    to_load: list[GraphSource] = []
    batch_size = load_size = 0

    def settle(limit: int, tick: Any) -> None:
        while len(pending) > limit:
            done, future = pending.popleft()
            with report.timed(VALIDATED):
                problems = future.result()
            _record(done, problems, cache, report)
            tick(len(done))

    try:
        with _progress(len(todo), progress) as tick:
            for article in todo:
                with report.timed(PARSED):
                    source = article_graph(project, article, derived_from)
                to_load.append(source)
                load_size += len(source.triples)
                if cache.conforming.get(source.iri) == keys[article.iri]:
                    report.checked["articles unchanged since the last build"] += 1
                    tick(1)
                else:
                    batch.append((source, keys[article.iri]))
                    batch_size += len(source.triples)
                if load_size >= BATCH_TRIPLES:
                    with report.timed(LOADED):
                        report.checked[TRIPLES_LOADED] += _load(store, to_load, bulk=bulk)
                    to_load, load_size = [], 0
                if batch_size >= BATCH_TRIPLES:
                    with report.timed(VALIDATED):
                        pending.append((batch, checker.submit([s for s, _ in batch])))
                    batch, batch_size = [], 0
                    settle(checker.workers * 2, tick)
            with report.timed(LOADED):
                report.checked[TRIPLES_LOADED] += _load(store, to_load, bulk=bulk)
            if batch:
                with report.timed(VALIDATED):
                    pending.append((batch, checker.submit([s for s, _ in batch])))
            settle(0, tick)
    finally:
        checker.close()


def _auto_workers(articles: list[Article]) -> int:
    """One per core for a corpus, none extra for a few articles (processes take time to start)."""
    size = sum(a.graph_path.stat().st_size for a in articles) // 40  # ~40 bytes/triple
    return max(1, os.cpu_count() or 1) if size >= PARALLEL_FROM else 1


def _record(
    batch: list[tuple[GraphSource, str]],
    problems: list[Problem],
    cache: ValidationCache,
    report: ValidationReport,
) -> None:
    failed = {p.graph for p in problems if p.severity == "Violation"}
    for source, key in batch:
        if source.iri not in failed:
            cache.conforming[source.iri] = key
        else:
            cache.conforming.pop(source.iri, None)
    report.checked["articles validated"] += len(batch)
    report.extend(problems)


def _load(store: ox.Store, graphs: list[GraphSource], *, bulk: bool) -> int:
    """Load ``graphs`` into the store; how many triples that was."""
    quads = (q for g in graphs for q in g.quads())
    if bulk:
        store.bulk_extend(quads)
    else:
        store.extend(quads)
    return sum(len(g.triples) + len(g.implied) for g in graphs)


@contextmanager
def _progress(total: int, enabled: bool | None) -> Iterator[Any]:
    show = sys.stderr.isatty() and total >= PROGRESS_THRESHOLD if enabled is None else enabled
    bar = tqdm(total=total, desc="articles", unit="article", disable=not show, file=sys.stderr,
               smoothing=0.1)  # fmt: skip
    try:
        yield bar.update
    finally:
        bar.close()
