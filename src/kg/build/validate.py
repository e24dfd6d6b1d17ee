"""Validation: SHACL per article graph, plus the ``*-violation.rq`` queries; returns a report.

Each article graph is validated together with the shared entities and the ontology
(so ``sh:class`` sees the class hierarchy); the entities graph is validated with
the ontology alone. Raising is the caller's choice: ``kg validate`` prints the
report, ``kg build`` refuses to publish a dataset that does not conform.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

import pyoxigraph as ox
import pyshacl
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node
from rdflib.util import from_n3

from kg.build.dataset import GraphSource, to_rdflib
from kg.build.shacl_tuning import prepare
from kg.errors import DataError, SourceLocation
from kg.project.sources import SourceIndex
from kg.queries import StoredQuery, is_violation_query
from kg.querytext import inspect_query
from kg.store.embedded import run_query

KG_REPORT = Namespace("urn:kg:report:")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in the data, with everything a curator needs to find and fix it."""

    message: str
    focus: str
    severity: str = "Violation"
    path: str | None = None
    value: str | None = None  # in N-Triples syntax
    shape: str | None = None  # the shape's IRI, or the stored query's path
    constraint: str | None = None  # e.g. sh:ClassConstraintComponent
    graph: str | None = None
    location: SourceLocation | None = None
    values: tuple[tuple[str, str], ...] = ()  # a query's offending values: (name, N-Triples)
    consequences: tuple[Problem, ...] = ()  # problems this one causes (``kg.build.causes``)

    def key(self) -> tuple:
        return (self.focus, self.path, self.value, self.values, self.message, self.shape)

    @property
    def checked_by(self) -> str:
        return " ".join(
            x for x in (self.shape, f"({self.constraint})" if self.constraint else None) if x
        )

    def to_json(self) -> dict:
        data = {
            "severity": self.severity,
            "message": self.message,
            "focusNode": self.focus,
            "path": self.path,
            "value": self.value,
            "shape": self.shape,
            "constraint": self.constraint,
            "values": dict(self.values) or None,
            "graph": self.graph,
            "location": str(self.location) if self.location else None,
            "consequences": [p.to_json() for p in self.consequences] or None,
        }
        return {k: v for k, v in data.items() if v is not None}

    def to_text(self, indent: str = "") -> list[str]:
        """The problem as the curator reads it: where, what, and each offending value by name."""
        where = str(self.location) if self.location else (self.graph or "?")
        lines = [f"{where}: {self.severity.lower()}: {self.message}"]
        fields = [("focus node", self.focus), ("path", self.path)]
        fields += list(self.values) or [("value", self.value)]
        fields.append(("checked by", self.checked_by))
        lines += [f"    {name + ':':<11} {text}" for name, text in fields if text is not None]
        if self.consequences:
            lines.append(f"    consequences of this mistake ({len(self.consequences)}):")
            for consequence in self.consequences:
                lines += consequence.to_text("      ")
        return [indent + line for line in lines]


@dataclass
class ValidationReport:
    """Every problem found; ``conforms`` only when there is no violation."""

    problems: list[Problem] = field(default_factory=list)
    checked: Counter[str] = field(default_factory=Counter)  # what was checked, and how many
    seconds: Counter[str] = field(default_factory=Counter)  # wall time of each phase

    @contextmanager
    def timed(self, phase: str) -> Iterator[None]:
        """Add the block's wall time to ``phase`` (a build prints them, phase by phase)."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[phase] += time.perf_counter() - started

    @property
    def conforms(self) -> bool:
        return not any(p.severity == "Violation" for p in self.every_problem())

    def every_problem(self) -> Iterable[Problem]:
        """The problems and, after each, the consequences listed under it."""
        for problem in self.problems:
            yield problem
            yield from problem.consequences

    def extend(self, problems: Iterable[Problem]) -> None:
        seen = {p.key() for p in self.problems}
        for problem in problems:
            if problem.key() not in seen:
                seen.add(problem.key())
                self.problems.append(problem)

    def summary(self) -> str:
        violations = sum(p.severity == "Violation" for p in self.problems)
        others = len(self.problems) - violations
        checked = ", ".join(f"{n} {what}" for what, n in self.checked.items()) or "nothing"
        checked += " checked"
        if not self.problems:
            return f"conforms ({checked})"
        caused = sum(len(p.consequences) for p in self.problems)
        listed = f", {caused} consequence(s) listed under them" if caused else ""
        return f"{violations} violation(s), {others} other result(s){listed} ({checked})"

    def to_text(self) -> str:
        lines = [line for p in sorted(self.problems, key=_reading_order) for line in p.to_text()]
        lines.append(self.summary())
        return "\n".join(lines)

    def to_json(self) -> str:
        body = {
            "conforms": self.conforms,
            "summary": self.summary(),
            "results": [p.to_json() for p in sorted(self.problems, key=_reading_order)],
        }
        return json.dumps(body, indent=2, ensure_ascii=False)

    def to_turtle(self) -> str:
        """The standard ``sh:ValidationReport`` (SHACL §3.6); a problem's consequences are
        its ``sh:detail`` results, SHACL's link from a result to those about its cause."""
        graph = Graph()
        graph.bind("sh", SH)
        report = BNode()
        graph.add((report, RDF.type, SH.ValidationReport))
        graph.add((report, SH.conforms, Literal(self.conforms)))
        for problem in sorted(self.problems, key=_reading_order):
            graph.add((report, SH.result, _result(graph, problem)))
        return graph.serialize(format="turtle")


def _result(graph: Graph, problem: Problem) -> BNode:
    result = BNode()
    graph.add((result, RDF.type, SH.ValidationResult))
    graph.add((result, SH.focusNode, _node(problem.focus)))
    graph.add((result, SH.resultSeverity, SH[problem.severity]))
    graph.add((result, SH.resultMessage, Literal(problem.message)))
    if problem.shape:
        graph.add((result, SH.sourceShape, _node(problem.shape)))
    if problem.constraint:
        graph.add((result, SH.sourceConstraintComponent, SH[problem.constraint[3:]]))
    if problem.path:
        graph.add((result, SH.resultPath, URIRef(problem.path)))
    if problem.value is not None:
        graph.add((result, SH.value, _value_node(problem.value)))
    for consequence in problem.consequences:
        graph.add((result, SH.detail, _result(graph, consequence)))
    return result


def _reading_order(problem: Problem) -> tuple:
    loc = problem.location
    return (str(loc.path) if loc else "~", loc.line or 0 if loc else 0, problem.message)


def _node(value: str) -> Node:
    return URIRef(value) if "://" in value or value.startswith("urn:") else KG_REPORT[value]


def _value_node(value: str) -> Node:
    """Values are kept in N-Triples syntax so IRIs and typed literals survive the report."""
    try:
        return from_n3(value)
    except Exception:  # a value pySHACL rendered in some other way: keep it as text
        return Literal(value)


def validate_shacl(
    graphs: Sequence[GraphSource], *, shapes: GraphSource, shared: Sequence[GraphSource]
) -> ValidationReport:
    """SHACL-validate each graph in ``graphs`` together with the ``shared`` graphs."""
    report = ValidationReport()
    shapes_graph, parents = prepare(to_rdflib(shapes.triples))
    shared_triples = [t for g in shared for t in g.triples]
    for source in graphs:
        data = to_rdflib([*source.triples, *shared_triples])
        conforms, results, _ = pyshacl.validate(
            data, shacl_graph=shapes_graph, inference="none", allow_warnings=True
        )
        report.checked["graphs"] += 1
        if not conforms or (None, RDF.type, SH.ValidationResult) in results:
            found = [replace(p, graph=source.iri) for p in shacl_problems(results, parents)]
            report.extend(located(found, [source, *shared]))
    return report


def shacl_problems(results: Graph, parents: dict[Node, Node]) -> Iterable[Problem]:
    """The problems of a pySHACL results graph, without locations (the caller adds them)."""
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        shape = results.value(result, SH.sourceShape)
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        severity = results.value(result, SH.resultSeverity)
        component = results.value(result, SH.sourceConstraintComponent)
        if isinstance(shape, BNode):  # a blank property shape is named by its node shape
            shape = parents.get(shape, shape)
        yield Problem(
            message="; ".join(messages) or f"constraint {component} not satisfied",
            focus=str(focus),
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            path=str(path) if isinstance(path, URIRef) else None,
            value=None if value is None else value.n3(),
            shape=str(shape) if isinstance(shape, URIRef) else None,
            constraint=str(component).replace(str(SH), "sh:") if component else None,
        )


def located(problems: Iterable[Problem], graphs: Sequence[GraphSource]) -> list[Problem]:
    """Problems with the file and line where their focus node is written, if it is."""
    locate = locator(graphs)
    return [
        replace(p, location=locate(p.focus)) if p.location is None and "://" in p.focus else p
        for p in problems
    ]


def locator(graphs: Sequence[GraphSource]) -> Callable[[str], SourceLocation | None]:
    """Find where a node is written in the files of ``graphs`` (for any checker's problems).

    The files are read at the first question, not before: a build with no problems
    (the usual case, and a rebuild of one article among thousands) reads none."""
    indexes: list[SourceIndex] = []

    def locate(iri: str) -> SourceLocation | None:
        if not indexes:
            indexes.extend(SourceIndex(p, s) for g in graphs for p, s in g.files)
        for index in indexes:
            location = index.locate(iri)
            if location:
                return location
        return None

    return locate


def check_violation_queries(
    store: ox.Store,
    queries: Sequence[StoredQuery],
    *,
    sources: Sequence[GraphSource],
    graphs: Sequence[str] | None = None,
) -> ValidationReport:
    """Run each ``*-violation.rq``; every row it returns is a problem.

    ``graphs`` limits the queries to those named graphs (as their default graph and
    their named graphs), for a rebuild that knows where a violation can be. The queries
    run side by side, one per core: Oxigraph evaluates them without holding the GIL
    (25 s one after another at 10,000 articles, 11 s on two threads); the problems are
    reported in the queries' order.
    """
    names = None if graphs is None else [ox.NamedNode(g) for g in graphs]
    report = ValidationReport()
    locate = locator(sources)
    gates = [q for q in queries if is_violation_query(q)]
    for query in gates:
        refuse_outbound(query.text, f"sparql/{query.path.name}")

    def rows(query: StoredQuery) -> list[dict[str, ox.Term]]:
        solutions = run_query(store, query.text, default_graph=names, named_graphs=names)
        variables = solutions.variables
        return [{v.value: row[v] for v in variables if row[v] is not None} for row in solutions]

    with ThreadPoolExecutor(max(1, min(len(gates), len(os.sched_getaffinity(0))))) as pool:
        for query, found in zip(gates, pool.map(rows, gates), strict=True):
            report.checked["violation queries"] += 1
            report.extend(_query_problem(query, bound, locate) for bound in found)
    return report


def refuse_outbound(sparql: str, where: str) -> None:
    """A check the build runs may read only the dataset being built: a ``SERVICE`` call
    would make every build (and every CI run of a contributor's change) reach out to
    wherever the query says."""
    if inspect_query(sparql).services:
        raise DataError(
            f"{where}: SERVICE is not allowed in a check the build runs",
            hint="checks read only the dataset being built; move federated queries to "
            "sparql/federated/",
        )


def shapes_without_outbound(shapes: GraphSource) -> None:
    """``refuse_outbound`` for every SPARQL-based constraint (sh:select, sh:ask) in the shapes."""
    constraints = (str(SH.select), str(SH.ask))
    for triple in shapes.triples:
        if triple.predicate.value in constraints:
            files = ", ".join(str(shown) for _, shown in shapes.files) or "the shapes"
            refuse_outbound(triple.object.value, files)


def _query_problem(
    query: StoredQuery,
    bound: dict[str, ox.NamedNode | ox.BlankNode | ox.Literal],
    locate: Callable[[str], SourceLocation | None],
) -> Problem:
    """A row as a problem: ``?focus`` (or ``?this``, as in SHACL-SPARQL) is the focus node,
    ``?message`` the message, ``?path`` the path; every other variable is an offending
    value, named in words after the variable (``?sentence`` is "sentence")."""
    message = bound.pop("message", None)
    name = next((n for n in ("focus", "this") if n in bound), next(iter(bound), None))
    focus = bound.pop(name) if name else None
    path = bound.pop("path", None)
    focus_text = focus.value if focus is not None else "(no focus)"
    values = tuple((_words(n), str(v)) for n, v in bound.items())
    main = bound.get("value") or (next(iter(bound.values())) if len(bound) == 1 else None)
    return Problem(
        message=message.value if message is not None else query.title,
        focus=focus_text,
        path=path.value if isinstance(path, ox.NamedNode) else None,
        value=None if main is None else str(main),
        values=values,
        shape=f"sparql/{query.path.name}",
        constraint="sh:SPARQLConstraintComponent",
        location=locate(focus_text) if isinstance(focus, ox.NamedNode) else None,
    )


def _words(variable: str) -> str:
    """A query variable as words: ``otherArticle`` and ``other_article`` read "other article"."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", variable)
    return spaced.replace("_", " ").lower()


def merge(*reports: ValidationReport) -> ValidationReport:
    merged = ValidationReport()
    for report in reports:
        merged.extend(report.problems)
        merged.checked.update(report.checked)
        merged.seconds.update(report.seconds)
    return merged
