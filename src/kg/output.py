"""Writing query results for people (an aligned table) and tools (the standard formats)."""

from __future__ import annotations

from typing import BinaryIO

import pyoxigraph as ox

from kg import formats
from kg.namespaces import prefixes

MAX_CELL = 80


def write_results(results: object, fmt: str, out: BinaryIO, *, base_iri: str) -> None:
    """SELECT/ASK in ``fmt`` (table, csv, tsv, json); CONSTRUCT/DESCRIBE as Turtle."""
    names = prefixes(base_iri)
    if not isinstance(results, ox.QuerySolutions | ox.QueryBoolean):  # triples, from anywhere
        ox.serialize(results, out, ox.RdfFormat.TURTLE, prefixes=names)
        return
    if fmt != "table":
        results.serialize(out, formats.by_name(fmt, [formats.RESULTS]).results)  # type: ignore[attr-defined]
        return
    if isinstance(results, ox.QueryBoolean):
        out.write(b"true\n" if bool(results) else b"false\n")
        return
    out.write(render_table(results, names).encode("utf-8"))


def render_table(solutions: ox.QuerySolutions, names: dict[str, str]) -> str:
    """An aligned text table; IRIs shortened to prefixed names where a prefix fits."""
    variables = [v.value for v in solutions.variables]
    rows = [[_cell(solution[v], names) for v in solutions.variables] for solution in solutions]
    widths = [max([len(v), *(len(r[i]) for r in rows)]) for i, v in enumerate(variables)]
    line = "  ".join("-" * w for w in widths)
    header = "  ".join(v.ljust(w) for v, w in zip(variables, widths, strict=True)).rstrip()
    body = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    footer = f"({len(rows)} row{'s' if len(rows) != 1 else ''})"
    return "\n".join([header, line, *body, footer]) + "\n"


def _cell(term: object, names: dict[str, str]) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        text = compact(term.value, names)
    elif isinstance(term, ox.Literal):
        text = term.value
    else:
        text = str(term)
    text = text.replace("\n", " ")
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def compact(iri: str, names: dict[str, str]) -> str:
    """``prefix:local`` for the longest matching namespace, else ``<iri>``."""
    best = max(
        ((p, ns) for p, ns in names.items() if iri.startswith(ns)),
        key=lambda item: len(item[1]),
        default=None,
    )
    if best and iri[len(best[1]) :] and "/" not in iri[len(best[1]) :]:
        return f"{best[0]}:{iri[len(best[1]) :]}"
    return f"<{iri}>"
