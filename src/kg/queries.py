"""Stored queries: ``sparql/*.rq`` files named by intent, with a header comment.

A header is the leading ``#`` comment block::

    # title: Who spoke at the briefing
    # description: Speakers, claims and stances at a briefing on a given day.
    # param: day: the briefing's date (xsd:date), e.g. "2025-03-12"^^xsd:date

Parameters are bound as variables (``?day``) with a ``VALUES`` block in the WHERE group
built from parsed RDF terms (``store.with_values``), never pasted into the text.
Files ending in ``-violation.rq`` must return no rows; each row is a problem
(bind ``?focus`` to the offending node and, optionally, ``?message`` to a
sentence a curator understands).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from kg.errors import DataError, UsageError
from kg.namespaces import prefixes

_HEADER = re.compile(r"^#\s*(title|description|param)\s*:\s*(.*)$", re.I)
VIOLATION_SUFFIX = "-violation.rq"


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    description: str


@dataclass(frozen=True, slots=True)
class StoredQuery:
    """A query file and what its header says about it."""

    path: Path
    name: str
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    text: str


def is_violation_query(query: StoredQuery) -> bool:
    return query.path.name.endswith(VIOLATION_SUFFIX)


def load_query(path: Path) -> StoredQuery:
    """Read a stored query; a file without a title is refused (the header is the docs)."""
    text = path.read_text(encoding="utf-8")
    fields: dict[str, list[str]] = {"title": [], "description": [], "param": []}
    last = None
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        match = _HEADER.match(line)
        if match:
            last = match.group(1).lower()
            fields[last].append(match.group(2).strip())
        elif last in ("title", "description") and line[1:].strip():
            fields[last][-1] += " " + line[1:].strip()
    if not fields["title"]:
        raise DataError(
            f"{path}:1: stored query has no '# title:' header",
            hint="start the file with '# title: …' and '# description: …' comment lines",
        )
    return StoredQuery(
        path=path,
        name=path.stem,
        title=fields["title"][0],
        description=" ".join(fields["description"]),
        parameters=tuple(_parameter(path, p) for p in fields["param"]),
        text=text,
    )


def _parameter(path: Path, spec: str) -> Parameter:
    name, _, description = spec.partition(":")
    name = name.strip().lstrip("?$")
    if not name.isidentifier():
        raise DataError(f"{path}: bad '# param:' header {spec!r}", hint="write '# param: name: …'")
    return Parameter(name, description.strip())


def load_queries(paths: list[Path] | tuple[Path, ...]) -> list[StoredQuery]:
    return [load_query(p) for p in paths]


def parse_bindings(
    assignments: list[str], base_iri: str
) -> dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]:
    """``name=TERM`` pairs (TERM in Turtle syntax, with the project's prefixes) to terms.

    The term is parsed as the object of a one-triple Turtle document, so it can
    only ever be one RDF term: nothing is pasted into query text.
    """
    prologue = "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in prefixes(base_iri).items())
    bindings = {}
    for assignment in assignments:
        name, sep, term = assignment.partition("=")
        name = name.strip().lstrip("?$")
        if not sep or not name.isidentifier() or not term.strip():
            raise UsageError(f"bad --param {assignment!r}", hint="write NAME=TERM, e.g. day=2025")
        document = f"{prologue}<urn:kg:s> <urn:kg:p> {term.strip()} ."
        try:
            (quad,) = list(ox.parse(document.encode(), format=ox.RdfFormat.TURTLE))
        except (SyntaxError, ValueError):
            raise UsageError(
                f"--param {name}: {term!r} is not one RDF term in Turtle syntax",
                hint="quote literals: day='\"2025-03-12\"^^xsd:date'; IRIs as <…> or prefix:name",
            ) from None
        bindings[name] = quad.object
    return bindings


BUILTIN_DIR = Path(__file__).resolve().parent / "sparql-builtin"


@cache
def builtin_query(name: str) -> StoredQuery:
    """One of kg's own stored queries (``kg/sparql-builtin/{name}.rq``), for any project."""
    return load_query(BUILTIN_DIR / f"{name}.rq")
