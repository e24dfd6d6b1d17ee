"""Projects the tests make on disk: copies of the mini project with more articles or
with statements that trip serializers, built and dumped, and what their stores hold."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox

from kg.build.pipeline import build
from kg.config import Settings
from kg.release.dumps import write_dumps
from kg.store.builds import current_build
from tests.conftest import FIXTURES, REPO

ARTICLE = "data/articles/first-article"
SEED_ARTICLE = "data/articles/china-fentanyl-tariffs"
SEED_FILES = ("kg.toml", "ontology", "shapes", "sparql", "data/entities.ttl", SEED_ARTICLE)


def seed_project(target: Path) -> Path:
    """A copy of the repository's own project: its ontology, shapes, queries, entities
    and seed article (not its store or dumps), for tests that need the real rules."""
    for name in SEED_FILES:
        source, copy = REPO / name, target / name
        copy.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, copy)
        else:
            shutil.copy2(source, copy)
    return target


def add_articles(project: Path, count: int, *, start: int = 0) -> None:
    """Copies of the mini article, enough to make validation take a few seconds."""
    source = project / ARTICLE
    for number in range(start, start + count):
        target = project / f"data/articles/copy-{number:04d}"
        target.mkdir(parents=True)
        (target / "text.txt").write_bytes((source / "text.txt").read_bytes())
        graph = (source / "graph.ttl").read_text(encoding="utf-8")
        (target / "graph.ttl").write_text(
            graph.replace("first-article", f"copy-{number:04d}"), encoding="utf-8"
        )


# Statements that trip naive serializers: text that looks like syntax, escapes, blank
# node chains and cycles, names that cannot be prefixed names, a triple in two graphs.
EDGE_ARTICLE = r"""
@prefix kgo: <https://mini.example.org/ontology/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<https://mini.example.org/id/article/edge-cases> a kgo:Article ;
    rdfs:label "Edge cases: _:not-a-blank-node, <not an IRI> . and a	tab"@en-GB ;
    rdfs:comment "Ünïcödé — 中文 \"quoted\" \\ backslash\nnew line\r" ;
    kgo:code "a^^b"^^xsd:token , "x"^^kgo:Code ;
    kgo:published "2025-03-12"^^xsd:date ;
    kgo:note [ rdfs:label "a nested blank node" ; kgo:next [ rdfs:label "deeper" ] ] ;
    <https://mini.example.org/ontology/end.> "a local name ending in a dot" ;
    <https://mini.example.org/ontology/2nd> "a local name starting with a digit" ;
    <https://mini.example.org/ontology/with%20space> "an escaped IRI" .

<https://mini.example.org/id/country/atlantis> a kgo:Country ; rdfs:label "Atlantis"@en .
_:loop kgo:next _:loop .
"""


def add_edge_article(project: Path) -> None:
    folder = project / "data/articles/edge-cases"
    folder.mkdir(parents=True)
    (folder / "graph.ttl").write_text(EDGE_ARTICLE, encoding="utf-8")
    (folder / "text.txt").write_text("An article about awkward data. It ends.\n", "utf-8")


def dumped_project(target: Path, *, edge_cases: bool = True, **overrides: str) -> Settings:
    """A copy of the mini project, built and dumped; the settings used."""
    shutil.copytree(FIXTURES / "mini", target, ignore=shutil.ignore_patterns(".kg"))
    if edge_cases:
        add_edge_article(target)
    settings = Settings.load(target, env={}, overrides=overrides)
    build(settings, progress=False)
    write_dumps(settings)
    return settings


def settings_for(project, **overrides) -> Settings:
    return Settings.load(project, env={}, overrides={k: str(v) for k, v in overrides.items()})


def quads(settings: Settings) -> set[str]:
    """The store's quads with canonical blank-node labels (RDFC-1.0), comparable across builds."""
    store = ox.Store.read_only(str(current_build(settings.store) / "oxigraph"))
    dataset = ox.Dataset(store)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(q) for q in dataset}
