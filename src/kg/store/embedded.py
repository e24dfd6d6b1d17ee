"""Where the dataset lives once built, and how it is swapped in atomically.

On disk the ``store`` setting (default ``.kg/store``) is a symbolic link to one
complete build under ``.kg/store.builds/<id>/``, which holds the Oxigraph database
(``oxigraph/``) and ``build.json`` (counts, time, dataset version). A build writes
a new directory, marks it complete, then replaces the link with ``os.replace`` —
an atomic rename — so readers see the old dataset or the new one, never a mix. A
failed or killed build leaves only an incomplete directory, removed by the next
build; the previous build is kept one generation so running servers can finish
with it.

``EmbeddedStore`` opens the current build read-only and reopens when the link
moves (it looks every ``LINK_CHECK_SECONDS``), so ``kg serve`` picks up a new build
without a restart.

Everything that serves the dataset (the SPARQL router, the pages, the
reconciliation service, the CLI's queries) sees a store only through the small
``Store`` interface: ``query``, ``info`` and ``runner``. ``kg.store.remote`` implements it
a second time over the SPARQL 1.1 Protocol, for a dataset that ``kg publish`` put
into a SPARQL server; ``open_store`` picks the backend from the ``store`` setting.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pyoxigraph as ox

from kg.config import Settings
from kg.errors import EnvironmentProblem, QuerySyntaxError, UsageError
from kg.querytext import union_branch_starts, where_group_start

if TYPE_CHECKING:
    from kg.store.pool import QueryRunner

DATABASE_DIR = "oxigraph"
BUILD_INFO = "build.json"
COMPLETE_MARKER = ".complete"
LINK_CHECK_SECONDS = 0.2  # how soon a server sees a build made by another process
_published = 0  # builds published by this process: open stores look at the link again


def builds_dir(link: Path) -> Path:
    return link.with_name(link.name + ".builds")


def new_build_dir(link: Path) -> Path:
    """A fresh, empty directory for a build that is not yet visible to anyone."""
    parent = builds_dir(link)
    parent.mkdir(parents=True, exist_ok=True)
    if link.exists() and not link.is_symlink():
        raise EnvironmentProblem(
            f"{link} exists and is not a store link created by kg build",
            hint="move it away or point the `store` setting elsewhere",
        )
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    path = parent / f"{stamp}-{os.getpid()}-{time.monotonic_ns() % 10**6:06d}"
    path.mkdir()
    return path


def publish_build(link: Path, build: Path, info: Mapping[str, Any]) -> None:
    """Make ``build`` the current store: write its info, mark it complete, swap the link."""
    _write_atomically(build / BUILD_INFO, json.dumps(info, indent=2, sort_keys=True) + "\n")
    (build / COMPLETE_MARKER).touch()
    previous = link.resolve() if link.is_symlink() else None
    temp_link = link.with_name(f".{link.name}.{os.getpid()}.tmp")
    temp_link.unlink(missing_ok=True)
    temp_link.symlink_to(os.path.relpath(build, link.parent))
    os.replace(temp_link, link)
    global _published
    _published += 1
    _remove_stale_builds(link, keep={build.resolve(), previous})


def discard_build(build: Path) -> None:
    shutil.rmtree(build, ignore_errors=True)


def _remove_stale_builds(link: Path, keep: set[Path | None]) -> None:
    for candidate in builds_dir(link).iterdir():
        if candidate.resolve() not in keep:
            shutil.rmtree(candidate, ignore_errors=True)


def _write_atomically(path: Path, content: str) -> None:
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.write_text(content, encoding="utf-8")
    os.replace(temp, path)


@dataclass(frozen=True, slots=True)
class BuildInfo:
    """What ``build.json`` records about one build (``path`` is None for a remote store)."""

    path: Path | None
    data: Mapping[str, Any]

    @property
    def version(self) -> str:
        return str(self.data.get("version", ""))


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
        if store is not None and now < self._next_check and self._seen[1] == _published:
            return store
        seen = (_link_text(self.link), _published)
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
        raise QuerySyntaxError(f"SPARQL syntax error: {exc.msg}") from None


def with_values(sparql: str, bindings: Mapping[str, ox.NamedNode | ox.Literal]) -> str:
    """Bind parameters with a ``VALUES`` block opening the outermost WHERE group.

    The terms are pyoxigraph terms written in their canonical N-Triples form, so a
    parameter is always exactly one term. Inside the group (unlike a trailing
    VALUES, which joins after aggregation) the binding holds for every pattern;
    unlike Oxigraph's substitutions, the variable need not be projected. The block
    also opens each branch of a UNION in that group (``union_branch_starts``), where
    Oxigraph would otherwise match a branch against the whole store before joining: a
    one-row VALUES joined twice is the same as joined once.
    """
    names, terms = [], []
    for name, term in bindings.items():
        if not isinstance(term, ox.NamedNode | ox.Literal) or not name.isidentifier():
            raise QuerySyntaxError(f"cannot bind ?{name} to {term!r}: IRIs and literals only")
        names.append(f"?{name}")
        terms.append(str(term))
    try:
        where = where_group_start(sparql)
        starts = [where, *union_branch_starts(sparql, where)]
    except ValueError as exc:
        raise QuerySyntaxError(str(exc)) from None
    block = f" VALUES ({' '.join(names)}) {{ ({' '.join(terms)}) }} "
    for at in sorted(starts, reverse=True):
        sparql = sparql[:at] + block + sparql[at:]
    return sparql


def _link_text(link: Path) -> str | None:
    """Where the store link points, as written (None: not a symbolic link)."""
    try:
        return os.readlink(link)
    except OSError:
        return None


def current_build(link: Path) -> Path:
    """The complete build the store link points at, or a clear error if there is none."""
    if not link.is_symlink() and not link.exists():
        raise EnvironmentProblem(
            f"no built store at {link}",
            hint="run `kg build` first (or `make serve`, which builds)",
        )
    target = link.resolve()
    if not (target / COMPLETE_MARKER).exists():
        raise EnvironmentProblem(f"{link} points at an incomplete build", hint="run `kg build`")
    return target


def local_store(settings: Settings) -> Path:
    """The local store link; what building, dumping and publishing read or write."""
    if isinstance(settings.store, str):
        raise UsageError(
            f"the store setting names a remote SPARQL server ({settings.store}); "
            "this command works on the local build",
            hint="leave --store / KG_STORE at the local store for building, dumping and "
            "publishing; give the server's URL to `kg publish --to`",
        )
    return settings.store


def open_store(settings: Settings) -> Store:
    """The served store for these settings: a URL is a remote SPARQL server."""
    if isinstance(settings.store, str):
        from kg.store.remote import RemoteStore

        remote = RemoteStore(settings.store, settings)
        remote.info  # noqa: B018 - fail now, not on the first request, if nothing is there
        return remote
    return EmbeddedStore(settings.store)
