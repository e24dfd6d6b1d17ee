"""An rdflib Graph filled in one pass, for the data graphs pySHACL checks.

pySHACL wants a context-aware rdflib store, and rdflib's ``Memory`` store pays, for
every ``Graph.add``, an event object, a context lookup and a set of contexts per
triple: at 10,000 articles that was two thirds of the SHACL workers' time, more than
pySHACL itself. A data graph here is made once, into one context, and never changed,
so ``OneGraphMemory.fill`` writes the three indexes and the context's set directly.
It leaves the store as the same ``add`` calls would (``tests/build/test_rdflib_memory.py``
compares the two), and falls back to them if the store was used any other way first.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph
from rdflib.plugins.stores.memory import Memory

Triple = tuple  # (subject, predicate, object) of rdflib terms


class OneGraphMemory(Memory):
    """rdflib's ``Memory`` store, plus a fast way to fill it with one graph's triples."""

    def fill(self, triples: Iterable[Triple], graph: Graph) -> None:
        """Add ``triples`` to ``graph`` (backed by this store), duplicates ignored."""
        triples = iter(triples)
        for first in triples:  # the first add sets the store's context bookkeeping up
            self.add(first, graph)
            break
        context = self._Memory__ctx_to_str(graph)  # type: ignore[attr-defined]
        if self._Memory__defaultContexts != {context: False, None: False}:  # type: ignore[attr-defined]
            for triple in triples:  # used in another way before: the general path
                self.add(triple, graph)
            return
        spo, pos, osp = self._Memory__spo, self._Memory__pos, self._Memory__osp  # type: ignore[attr-defined]
        in_default = self._Memory__contextTriples[None]  # type: ignore[attr-defined]
        in_graph = self._Memory__contextTriples[context]  # type: ignore[attr-defined]
        for triple in triples:
            subject, predicate, object_ = triple
            objects = spo.setdefault(subject, {}).setdefault(predicate, {})
            if object_ in objects:
                continue
            objects[object_] = 1
            pos.setdefault(predicate, {}).setdefault(object_, {})[subject] = 1
            osp.setdefault(object_, {}).setdefault(subject, {})[predicate] = 1
            in_default.add(triple)
            in_graph.add(triple)


def filled_graph(triples: Iterable[Triple]) -> Graph:
    """A new Graph holding ``triples``."""
    graph = Graph(store=OneGraphMemory())
    graph.store.fill(triples, graph)
    return graph
