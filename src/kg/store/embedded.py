"""The built dataset in embedded Oxigraph, opened read-only from the current build.

``EmbeddedStore`` opens the build the store link points at (``kg.store.builds``) and
reopens when the link moves (it looks every ``LINK_CHECK_SECONDS``), so ``kg serve``
picks up a new build without a restart. ``run_query`` is the one place where SPARQL
reaches an Oxigraph store, for the build's gates and the release's counts as for
serving.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.config import Settings
from kg.errors import QuerySyntaxError
from kg.querytext import syntax_error_message
from kg.store.bindings import with_values
from kg.store.builds import (
    BUILD_INFO,
    DATABASE_DIR,
    BuildInfo,
    current_build,
    link_text,
    published_here,
)

if TYPE_CHECKING:
    from kg.store.pool import QueryRunner

LINK_CHECK_SECONDS = 0.2  # how soon a server sees a build made by another process


class EmbeddedStore:
    """The built dataset in embedded Oxigraph, read-only; follows the store link."""

    def __init__(self, link: Path) -> None:
        self.link = link
        self._lock = threading.Lock()
        self._target: Path | None = None
        self._store: ox.Store | None = None
        self._info: BuildInfo | None = None
        self._seen: tuple[str | None, int] = (None, -1)  # the link's text, builds published
        self._next_check = 0.0
        self._refresh()

    def _refresh(self) -> ox.Store:
        """The current build's store. Every request asks, so the link is looked at no more
        than every ``LINK_CHECK_SECONDS`` (or after a build in this process): resolving it
        and checking the build's marker cost a tenth of a point lookup, and any system call
        lets the query threads take the event loop's GIL. A build gets a new directory and
        a new link, so the same text is the same build."""
        store, now = self._store, time.monotonic()
        if store is not None and now < self._next_check and self._seen[1] == published_here():
            return store
        seen = (link_text(self.link), published_here())
        self._next_check = now + LINK_CHECK_SECONDS
        if store is not None and seen[0] is not None and seen == self._seen:
            return store
        target = current_build(self.link)
        with self._lock:
            if target != self._target or self._store is None:
                self._store = ox.Store.read_only(str(target / DATABASE_DIR))
                info = json.loads((target / BUILD_INFO).read_text(encoding="utf-8"))
                self._info = BuildInfo(target, info)
                self._target = target
            self._seen = seen
            return self._store

    @property
    def info(self) -> BuildInfo:
        self._refresh()
        assert self._info is not None
        return self._info

    @property
    def oxigraph(self) -> ox.Store:
        return self._refresh()

    def query(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None,
        prefixes: Mapping[str, str] | None = None,
        default_graph: list[ox.NamedNode] | None = None,
        named_graphs: list[ox.NamedNode] | None = None,
    ) -> Any:
        """Run a SPARQL query; the default graph is the union of all graphs unless given."""
        return run_query(
            self._refresh(),
            sparql,
            bindings=bindings,
            prefixes=prefixes,
            default_graph=default_graph,
            named_graphs=named_graphs,
        )

    def runner(self, settings: Settings) -> QueryRunner:
        """Worker processes on read-only handles: they can be killed at the deadline."""
        from kg.store.pool import QueryPool, query_workers

        return QueryPool(
            query_workers(settings),
            max_queries=settings.max_queries,
            memory_limit_mb=settings.query_memory,
        )


def run_query(
    store: ox.Store,
    sparql: str,
    *,
    bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None,
    prefixes: Mapping[str, str] | None = None,
    default_graph: list[ox.NamedNode] | None = None,
    named_graphs: list[ox.NamedNode] | None = None,
) -> Any:
    """One place where SPARQL reaches Oxigraph: union default graph, bound parameters."""
    try:
        return store.query(
            with_values(sparql, bindings) if bindings else sparql,
            prefixes=dict(prefixes) if prefixes else None,
            use_default_graph_as_union=default_graph is None,
            default_graph=default_graph,
            named_graphs=named_graphs,
        )
    except SyntaxError as exc:
        raise QuerySyntaxError(syntax_error_message(sparql, exc.msg)) from None
