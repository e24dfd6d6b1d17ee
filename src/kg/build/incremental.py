"""Rebuild from the last build: copy its store, replace only the articles that changed.

Re-parsing, re-loading and re-checking a whole corpus to change one article made
a rebuild cost a quarter of a full build. When the ontology, the shapes, the
entities and kg itself are those of the last published build (its ``articles.json``
manifest records their hash and every article's content hash), the build starts
from a RocksDB checkpoint of that store (``Store.backup``: hard links, not a copy),
removes the graphs of changed and deleted articles and loads only the changed and
new ones. Unchanged articles conformed when that build was published.

The ``*-violation.rq`` gates then need to see only the changed articles and every
article graph that shares a node with them, transitively, before or after the
change (plus the shared graphs): a violation is a connected match, so one that
involves no changed graph was already absent from the last build. A query that
compares articles (an unnamed source reused elsewhere) still sees both, because
they share that node. Only the dataset's own resources (IRIs under ``{base}id/``) link
graphs: every article uses the vocabularies' terms (``prov:Entity`` as an implied
type, ``oa:identifying``), and the gates compare articles only through resources of
the dataset (sentences, statements, unnamed sources). Past ``SCOPE_LIMIT`` of the
corpus, or when the queries changed, the gates run on the whole store as in a full
build.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import EnvironmentProblem
from kg.queries import StoredQuery, is_violation_query
from kg.store.builds import DATABASE_DIR, current_build

MANIFEST = "articles.json"
SCOPE_LIMIT = 0.25  # share of the article graphs above which the gates run on everything


@dataclass(frozen=True, slots=True)
class Previous:
    """The last published build, when this build can start from its store."""

    database: Path
    articles: dict[str, str]  # article IRI -> content key (``kg.build.loading.article_key``)
    same_queries: bool


def queries_key(queries: Iterable[StoredQuery]) -> str:
    digest = hashlib.sha256()
    for query in queries:
        if is_violation_query(query):
            digest.update(query.path.name.encode() + b"\0" + query.text.encode() + b"\0")
    return digest.hexdigest()


def previous_build(link: Path, shared: str, queries: str) -> Previous | None:
    """The last build's store and manifest, if its shared inputs are this build's."""
    try:
        build = current_build(link)
        manifest = json.loads((build / MANIFEST).read_text(encoding="utf-8"))
    except (EnvironmentProblem, OSError, ValueError):
        return None
    if manifest.get("shared") != shared or not (build / DATABASE_DIR).is_dir():
        return None
    same = manifest.get("queries") == queries
    return Previous(build / DATABASE_DIR, dict(manifest.get("articles", {})), same)


def write_manifest(build: Path, *, shared: str, queries: str, articles: dict[str, str]) -> None:
    body = {"shared": shared, "queries": queries, "articles": articles}
    (build / MANIFEST).write_text(json.dumps(body, sort_keys=True), encoding="utf-8")


def copy_store(previous: Previous, target: Path) -> ox.Store:
    """A writable copy of the previous store (a checkpoint: its files are hard links)."""
    ox.Store.read_only(str(previous.database)).backup(str(target))
    return ox.Store(str(target))


def neighbourhood(
    store: ox.Store, graphs: Iterable[str], *, shared: set[str], limit: int, own: str
) -> set[str] | None:
    """``graphs`` and every other graph linked to them by a shared node, transitively.

    Nodes described in the shared graphs (classes, concepts, entities) link
    nothing: every article mentions them, and the shared graphs are always in
    scope. None when the set grows past ``limit`` graphs.
    """
    found = set(graphs)
    todo = list(found)
    seen_nodes: set = set()
    while todo:
        graph = ox.NamedNode(todo.pop())
        nodes = set()
        for quad in store.quads_for_pattern(None, None, None, graph):
            nodes.add(quad.subject)
            if not isinstance(quad.object, ox.Literal):
                nodes.add(quad.object)
        for node in nodes - seen_nodes:
            seen_nodes.add(node)
            if not node.value.startswith(own) or isinstance(node, ox.BlankNode):
                continue  # a term of a vocabulary, or a blank node (never crosses graphs)
            if _is_shared(store, node, shared):
                continue
            for quad in (*store.quads_for_pattern(node, None, None),
                         *store.quads_for_pattern(None, None, node)):  # fmt: skip
                name = quad.graph_name.value
                if name not in found and name not in shared:
                    found.add(name)
                    todo.append(name)
            if len(found) > limit:
                return None
    return found


def _is_shared(store: ox.Store, node: ox.NamedNode, shared: set[str]) -> bool:
    return any(
        next(iter(store.quads_for_pattern(node, None, None, ox.NamedNode(g))), None) is not None
        for g in shared
    )
