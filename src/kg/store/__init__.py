"""The store: where the built dataset is read, embedded or on a SPARQL server.

Owns the on-disk builds and their atomic swap (``builds``), the embedded Oxigraph
store (``embedded``), a store on a SPARQL 1.1 server (``remote``, with what
``kg publish`` records there: ``publication``), parameters bound into queries
(``bindings``), the worker processes that run queries where they can be killed
(``pool``, ``worker``, the reply read as it arrives: ``replies``, long queries
niced and paused: ``long_lane``), and awaiting blocking work without thread pools (``waiting``).

Everything that serves the dataset (the SPARQL router, the pages, the reconciliation
service, the CLI's queries) sees a store only through the small ``Store`` interface
below: ``query``, ``info`` and ``runner``; ``open_store`` picks the backend from the
``store`` setting.

May import: the shared leaves (``kg.config``, ``kg.errors``, ``kg.formats``,
``kg.namespaces``, ``kg.querytext``). Never the build, the release or serving.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

import pyoxigraph as ox

from kg.config import Settings

if TYPE_CHECKING:
    from kg.store.builds import BuildInfo
    from kg.store.pool import QueryRunner


class Store(Protocol):
    """What serving needs from a backend: SPARQL, the build's facts, a query runner."""

    @property
    def info(self) -> BuildInfo: ...

    def query(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None,
        prefixes: Mapping[str, str] | None = None,
        default_graph: list[ox.NamedNode] | None = None,
        named_graphs: list[ox.NamedNode] | None = None,
    ) -> Any: ...

    def runner(self, settings: Settings) -> QueryRunner: ...


def open_store(settings: Settings) -> Store:
    """The served store for these settings: a URL is a remote SPARQL server."""
    if isinstance(settings.store, str):
        from kg.store.remote import RemoteStore

        remote = RemoteStore(settings.store, settings)
        remote.info  # noqa: B018 - fail now, not on the first request, if nothing is there
        return remote
    from kg.store.embedded import EmbeddedStore

    return EmbeddedStore(settings.store)
