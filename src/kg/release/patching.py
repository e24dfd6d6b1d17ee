"""``kg publish`` by the releases' RDF Patches: a server one or more releases behind
gets what changed since, not every changed graph again.

A module of its own because it reads a second format (RDF Patch, written by
``kg.release.history``) and has its own rules for when that may be trusted;
``kg.release.publish`` chooses between it and replacing graphs whole, sends, checks
and records, and the replacement path needs nothing of this.

- **When.** The server's metadata graph names a release of the local history; every
  release from there to the build's, which must be the history's last, has its patch
  file; the server holds in every published graph as many triples as recorded; and
  each graph no patch touches is as recorded (same hash). Otherwise graphs are
  replaced whole, which also repairs what this cannot see.
- **One update request per release**, in order: ``DELETE DATA { GRAPH <g> { … } … } ;
  INSERT DATA { … }`` from the patch's ``D`` and ``A`` lines, grouped by graph. A
  patch's removals and additions are disjoint, so applying it twice leaves what
  applying it once does: after a failure halfway the metadata still names the old
  release, and the next publish may apply the same patches again.
- **Blank nodes** stay out of the requests. A patch labels them canonically per
  graph, a server keeps labels of its own, and ``DELETE DATA`` may not hold them at
  all (SPARQL 1.1 Update, 3.1.2). A graph where any line of a patch carries one is
  left out of that patch and the later ones, and replaced whole with the build's
  graph once at the end (``Applied.blank``).
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from kg.release.history import History, nquads_order
from kg.release.parts import has_blank_node
from kg.store.publication import Publication, PublishedGraph

Triples = dict[bytes, list[bytes]]  # graph (``<iri>``) → N-Triples statements without `` .``


@dataclass(frozen=True, slots=True)
class Plan:
    """The patch files to apply, oldest first, and every graph they touch."""

    patches: tuple[Path, ...]
    graphs: frozenset[str]


@dataclass(frozen=True, slots=True)
class Applied:
    """What the requests carried, and the graphs left for replacing whole."""

    patches: int
    removed: int
    added: int
    blank: tuple[str, ...]

    def summary(self) -> str:
        what = (f"{self.patches} patch{'es' * (self.patches != 1)} applied ({self.removed} "
                f"quad{'s' * (self.removed != 1)} removed, {self.added} added")  # fmt: skip
        if self.blank:
            graphs = "1 graph" if len(self.blank) == 1 else f"{len(self.blank)} graphs"
            their = "its" if len(self.blank) == 1 else "their"
            what += f"; {graphs} replaced for {their} blank nodes"
        return what + ")"


def plan(
    history: History, before: Publication, *, held: Mapping[str, int],
    records: Mapping[str, PublishedGraph], version: str,
) -> Plan | None:  # fmt: skip
    """The patches from the server's release to ``version``, or None when they cannot be
    trusted to get there (the module's docstring): ``held`` is the server's triple
    count per graph, ``records`` the build's graphs as the metadata will record them."""
    versions = [r.version for r in history.releases]
    since = before.info.get("version")
    if since not in versions or versions[-1] != version or since == version:
        return None
    at = len(versions) - 1 - versions[::-1].index(since)  # a dataset may come back as it was
    chain = history.releases[at + 1 :]
    paths = [history.patch_path(r) for r in chain]
    if not all(path is not None and path.is_file() for path in paths):
        return None
    touched = frozenset(g for r in chain for g in (*r.added, *r.changed, *r.removed))
    graphs = {*records, *before.graphs}
    recorded = {g: before.graphs[g].triples if g in before.graphs else 0 for g in graphs}
    if any(held.get(g, 0) != recorded[g] for g in graphs):
        return None  # written there since, or a publish stopped halfway
    if any(records.get(g) != before.graphs.get(g) for g in graphs - touched):
        return None  # the server's release was not the one the history says
    return Plan(tuple(p for p in paths if p is not None), touched)


def apply(plan: Plan, update: Callable[[bytes, str], None], *, show: bool) -> Applied:
    """Each patch as one ``update`` request (body, what it does for an error message)."""
    blank: set[str] = set()
    removed = added = 0
    with tqdm(total=len(plan.patches), desc="applying patches", unit="patch",
              disable=not show, file=sys.stderr) as bar:  # fmt: skip
        for path in plan.patches:
            deletions, additions = _by_graph(path.read_bytes(), blank)
            blocks = [_data("DELETE", deletions), _data("INSERT", additions)]
            if any(blocks):
                update(b" ;\n".join(b for b in blocks if b), f"applying patch {path.name}")
            removed += sum(map(len, deletions.values()))
            added += sum(map(len, additions.values()))
            bar.update()
    return Applied(len(plan.patches), removed, added, tuple(sorted(blank)))


def _by_graph(patch: bytes, blank: set[str]) -> tuple[Triples, Triples]:
    """The patch's removed and added statements by graph, less the graphs in ``blank``;
    a graph where a line carries a blank node joins ``blank``."""
    found: dict[bytes, Triples] = {b"D ": defaultdict(list), b"A ": defaultdict(list)}
    for line in patch.splitlines(keepends=True):
        if line[:2] in found:  # not a header, TX or TC
            graph, statement = nquads_order(line[2:])
            found[line[:2]][graph].append(statement)
            if has_blank_node(statement):
                blank.add(graph[1:-1].decode())
    marked = {f"<{iri}>".encode() for iri in blank}
    deletions, additions = ({g: s for g, s in by.items() if g not in marked}
                            for by in found.values())  # fmt: skip
    return deletions, additions


def _data(verb: str, triples: Triples) -> bytes:
    """``DELETE DATA`` or ``INSERT DATA`` with a ``GRAPH`` block per graph; empty if none."""
    if not triples:
        return b""
    graphs = b"".join(b"GRAPH %s {\n%s}\n" % (graph, b"".join(s + b" .\n" for s in statements))
                      for graph, statements in sorted(triples.items()))  # fmt: skip
    return f"{verb} DATA {{\n".encode() + graphs + b"}"
