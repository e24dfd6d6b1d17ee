"""Project -> validated dataset -> Oxigraph store, swapped in atomically.

Order matters: parse everything (syntax errors stop here), SHACL-validate, load a
new store in a fresh directory, run the ``*-violation.rq`` gates on it, and only
then swap it in. Any failure discards the new directory; the previous store
stays where it was and keeps being served.
"""

from __future__ import annotations

import gc
import hashlib
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from tqdm import tqdm

from kg import __version__
from kg.config import Settings
from kg.dataset import GraphSource, assemble
from kg.errors import ValidationFailed
from kg.links import Coverage, check_against_extract, check_links, coverage, read_links
from kg.project import Project, load_project
from kg.queries import StoredQuery, load_queries
from kg.store import DATABASE_DIR, discard_build, new_build_dir, publish_build, run_query
from kg.validate import ValidationReport, locator, merge, validate_dataset

PROGRESS_THRESHOLD = 20  # articles; below this a progress bar is noise


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What a build produced; printed as the build summary."""

    store: Path
    version: str
    graphs: int
    triples: int
    entities: int
    articles: int
    seconds: float
    report: ValidationReport

    def summary(self) -> str:
        return (
            f"built {self.store}: {self.graphs} graphs, {self.triples} triples, "
            f"{self.entities} entities, {self.articles} articles in {self.seconds:.2f} s "
            f"(version {self.version[:12]})"
        )


def build(settings: Settings, *, progress: bool | None = None) -> BuildResult:
    """Build, validate and publish the project's dataset into the store."""
    started = time.perf_counter()
    project, queries, graphs = prepare(settings, progress=progress)
    build_dir = new_build_dir(settings.store)
    try:
        store = ox.Store(str(build_dir / DATABASE_DIR))
        store.bulk_extend(q for g in graphs for q in g.quads())
        report = full_report(settings, queries, graphs, store)
        if not report.conforms:
            raise ValidationFailed(report)
        counts = _counts(store, project)
        del store
        gc.collect()  # closes the database before others open it
        version = dataset_version(project)
        info = {
            "version": version,
            "kg_version": __version__,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "base_iri": project.base_iri,
            "articles": len(project.articles),
            **counts,
        }
        publish_build(settings.store, build_dir, info)
    except BaseException:
        discard_build(build_dir)
        raise
    return BuildResult(
        store=settings.store,
        version=version,
        graphs=counts["graphs"],
        triples=counts["triples"],
        entities=counts["entities"],
        articles=len(project.articles),
        seconds=time.perf_counter() - started,
        report=report,
    )


def prepare(
    settings: Settings, *, progress: bool | None = None
) -> tuple[Project, list[StoredQuery], list[GraphSource]]:
    """Read and parse the whole project (shared by build and validate)."""
    project = load_project(settings)
    queries = load_queries(project.query_files)
    with _progress(len(project.articles), "parsing articles", progress) as tick:
        graphs = assemble(project, on_article=tick)
    return project, queries, graphs


def validate_only(settings: Settings) -> ValidationReport:
    """The full validation report without touching the served store."""
    _, queries, graphs = prepare(settings)
    store = ox.Store()
    store.bulk_extend(q for g in graphs for q in g.quads())
    return full_report(settings, queries, graphs, store)


def link_check(
    settings: Settings, *, extracts: list[Path] | tuple[Path, ...] = ()
) -> tuple[ValidationReport, Coverage]:
    """The link rules alone (``kg links check``), optionally against local extracts."""
    project, _, graphs = prepare(settings)
    store = ox.Store()
    store.bulk_extend(q for g in graphs for q in g.quads())
    links = read_links(store, settings.base_iri)
    reports = [check_links(links, known_wrong=settings.known_wrong_links, locate=locator(graphs))]
    reports += [check_against_extract(links, extract) for extract in extracts]
    return merge(*reports), coverage(store, project.entities_graph, links)


def full_report(
    settings: Settings, queries: list[StoredQuery], graphs: list[GraphSource], store: ox.Store
) -> ValidationReport:
    """SHACL, the violation queries and the link rules: everything that gates a build."""
    links = read_links(store, settings.base_iri)
    link_report = check_links(links, known_wrong=settings.known_wrong_links, locate=locator(graphs))
    return merge(validate_dataset(graphs, queries, store), link_report)


def dataset_version(project: Project) -> str:
    """A content hash of every input file and the base IRI: equal inputs, equal version."""
    digest = hashlib.sha256(project.base_iri.encode())
    files = [*project.ontology_files, *project.shape_files, *project.query_files]
    if project.entities_file:
        files.append(project.entities_file)
    for article in project.articles:
        files += [article.text_path, article.graph_path]
    for path in files:
        digest.update(str(project.relative(path)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _counts(store: ox.Store, project: Project) -> dict[str, Any]:
    row = next(
        iter(
            run_query(
                store,
                "SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?g) AS ?graphs) "
                "WHERE { GRAPH ?g { ?s ?p ?o } }",
                default_graph=[],
            )
        )
    )
    entities = next(
        iter(
            run_query(
                store,
                "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a ?type }",
                default_graph=[ox.NamedNode(project.entities_graph)],
            )
        )
    )
    return {
        "triples": int(row["triples"].value),
        "graphs": int(row["graphs"].value),
        "entities": int(entities["n"].value),
    }


@contextmanager
def _progress(total: int, label: str, enabled: bool | None) -> Iterator[Any]:
    show = sys.stderr.isatty() and total >= PROGRESS_THRESHOLD if enabled is None else enabled
    bar = tqdm(total=total, desc=label, unit="article", disable=not show, file=sys.stderr)
    try:
        yield bar.update
    finally:
        bar.close()
