"""Parameters bound into SPARQL text, the same way for every store.

A stored query's parameters (``--param``, the pages' lookups) are never pasted into
the query: they become a ``VALUES`` block, which the embedded store and a remote
SPARQL server both read as exactly one term per variable.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox

from kg.errors import QuerySyntaxError
from kg.querytext import union_branch_starts, where_group_start


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
