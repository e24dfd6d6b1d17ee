"""Where a problem is written, and which problems one mistake causes.

A check names a focus node and perhaps a value; the curator needs the file and line
where the mistake is written, and one message per mistake. Most problems are where
their focus node is described. The hard ones come from a node written where it
does not belong, *misplaced*: an IRI of another article (under that article's IRI:
its sentences, statements, unnamed sources) or an IRI under the base that no graph
describes (a typo). Such a node sets off several checks at once (the reuse rule, the
speaker's kind, the counts of a description now made of two), and each used to point
at the innocent article that owns the node.

The rule (docs/modelling.md, Validation): a node misplaced in a graph is one
mistake, reported in that graph's file where the node is written there. A problem
belongs to it when the problem concerns the node (as its focus or an offending
value) and arises in that graph: the graph holds the triple the problem names (its
focus with its path or value, or the ``?graph`` a query names), or the node is the
focus and that graph describes it. Of the problems of one mistake, the primary is a
violation that names the graph (``?graph``), then one about the node itself (its
focus), then a stored query's (it compares graphs) before a shape's; the others are
listed under it as its consequences.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace

import pyoxigraph as ox

from kg.build.dataset import ARTICLE, GraphSource
from kg.build.validate import Problem, ValidationReport, locator
from kg.errors import SourceLocation
from kg.namespaces import is_iri
from kg.project.sources import SourceIndex

Term = ox.NamedNode | ox.Literal


def explain(
    report: ValidationReport, store: ox.Store, sources: Sequence[GraphSource], *, base_iri: str
) -> ValidationReport:
    """``report`` with each problem at the line of its mistake, consequences under their cause.

    ``store`` holds every graph of the build; ``sources`` their files."""
    if not report.problems:
        return report
    places = _Places(store, sources, base_iri)
    mistakes: dict[tuple[str, str], list[Problem]] = {}
    alone: list[Problem] = []
    for problem in report.problems:
        mistake = places.mistake(problem)
        if mistake is None:
            alone.append(places.placed(problem))
        else:
            graph, node = mistake
            mistakes.setdefault(mistake, []).append(places.placed(problem, graph, node))
    explained = ValidationReport(checked=report.checked, seconds=report.seconds)
    explained.problems = alone
    for (graph, node), problems in mistakes.items():
        primary, *rest = sorted(problems, key=lambda p: _rank(p, graph, node))
        explained.problems.append(replace(primary, consequences=tuple(rest)))
    return explained


def _rank(problem: Problem, graph: str, node: str) -> tuple:
    line = problem.location.line or 0 if problem.location else 0
    return (
        problem.severity != "Violation",
        dict(problem.values).get("graph") != f"<{graph}>",
        problem.focus != node,
        not (problem.shape or "").startswith("sparql/"),
        line,
        problem.message,
    )


class _Places:
    """The build's graphs as a problem sees them: what each holds and where it is written.

    Files are read at the first question about their graph, as ``locator`` does."""

    def __init__(self, store: ox.Store, sources: Sequence[GraphSource], base_iri: str) -> None:
        self.store = store
        self.base_iri = base_iri
        self.articles = {s.iri for s in sources if s.kind == ARTICLE}
        self.by_graph = {s.iri: s for s in sources}
        self.anywhere = locator(sources)
        self._files: dict[str, list[SourceIndex]] = {}
        self._described: dict[str, set[str]] = {}

    def mistake(self, problem: Problem) -> tuple[str, str] | None:
        """The misplaced node a problem concerns and the graph it is misplaced in, if any."""
        if not is_iri(problem.focus):
            return None
        arises = self.graphs(problem)
        for node in _nodes(problem):
            for graph in [*arises, *self._describing(problem.focus)]:
                in_graph = graph in arises or node == problem.focus
                if in_graph and self.misplaced(node, graph):
                    return graph, node
        return None

    def placed(
        self, problem: Problem, graph: str | None = None, node: str | None = None
    ) -> Problem:
        """``problem`` with the file and line where it is written (unchanged if unknown)."""
        if not is_iri(problem.focus):
            return problem
        if graph is None:
            graph = next(iter(self.graphs(problem)), None)
            location = self._locate_triple(graph, problem) if graph else None
        else:
            location = self._locate_mistake(problem, graph, node or problem.focus)
        location = location or problem.location or self.anywhere(problem.focus)
        return replace(problem, location=location, graph=graph or problem.graph)

    def graphs(self, problem: Problem) -> list[str]:
        """The graphs a problem arises in: those holding the triple it names (the graph a
        query names first), else those describing its focus, else those using it."""
        focus = ox.NamedNode(problem.focus)
        named = [v[1:-1] for n, v in problem.values if n == "graph" and v.startswith("<")]
        path = ox.NamedNode(problem.path) if problem.path else None
        values = [t for t in map(_term, _values(problem)) if t is not None]
        patterns = [(focus, path, v) for v in values] or ([(focus, path, None)] if path else [])
        for pattern in patterns:
            named += self._graphs_of(*pattern)
        if not named:
            named = self._describing(problem.focus) or self._graphs_of(None, None, focus)
        return list(dict.fromkeys(named))

    def described(self, iri: str) -> set[str]:
        if iri not in self._described:
            self._described[iri] = set(self._graphs_of(ox.NamedNode(iri), None, None))
        return self._described[iri]

    def _describing(self, iri: str) -> list[str]:
        """The graphs that describe ``iri``, the article it belongs to first."""
        owner = self._owner(iri)
        return sorted(self.described(iri), key=lambda graph: (graph != owner, graph))

    def misplaced(self, node: str, graph: str) -> bool:
        """Whether ``graph`` writes ``node`` where it does not belong: the node is another
        article's, or it is one of ours (under the base) that no graph describes."""
        owner = self._owner(node)
        if owner is not None and owner != graph:
            return True
        return node.startswith(self.base_iri) and not self.described(node)

    def _owner(self, node: str) -> str | None:
        """The article a node belongs to: its IRI is the article's, or under it (``…/s7``)."""
        candidate = node
        while candidate not in self.articles and "/" in candidate[len("https://") :]:
            candidate = candidate.rsplit("/", 1)[0]
        return candidate if candidate in self.articles else None

    def _graphs_of(self, subject: ox.NamedNode | None, predicate: ox.NamedNode | None,
                   value: Term | None) -> list[str]:  # fmt: skip
        quads = self.store.quads_for_pattern(subject, predicate, value)
        found = (q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode))
        return list(dict.fromkeys(found))

    def _indexes(self, graph: str) -> list[SourceIndex]:
        if graph not in self._files:
            source = self.by_graph.get(graph)
            files = source.files if source else ()
            self._files[graph] = [SourceIndex(path, shown) for path, shown in files]
        return self._files[graph]

    def _locate_triple(self, graph: str, problem: Problem) -> SourceLocation | None:
        """The line of the triple the problem names (its path, else an offending IRI,
        in the focus's description), else where the focus is described or used."""
        terms = [problem.path] if problem.path else list(_nodes(problem))[1:]
        for index in self._indexes(graph):
            start = index.subject(problem.focus)
            if start is None:
                continue
            found = (index.in_description(start, term) for term in terms)
            return next(filter(None, found), start)
        return next(filter(None, (i.use(problem.focus) for i in self._indexes(graph))), None)

    def _locate_mistake(self, problem: Problem, graph: str, node: str) -> SourceLocation | None:
        """Where ``graph``'s file writes the misplaced ``node`` for this problem: the line
        of the problem's path in the node's description there, when it is the focus and
        described there; else the first line that uses it (within the focus's description
        when it is a value)."""
        for index in self._indexes(graph):
            start = index.subject(problem.focus)
            if node == problem.focus and problem.path and start:
                found = index.use(problem.path, after=start)
            else:
                found = index.use(node, after=start if node != problem.focus else None)
            if found := found or index.use(node):
                return found
        return None


def _nodes(problem: Problem) -> Iterator[str]:
    """The IRIs a problem concerns: its focus, then its offending values (a graph a query
    names is where the problem is, not a node it concerns)."""
    yield problem.focus
    graphs = {v for n, v in problem.values if n == "graph"}
    for value in _values(problem):
        if value.startswith("<") and value.endswith(">") and value not in graphs:
            yield value[1:-1]


def _values(problem: Problem) -> Iterable[str]:
    values = [v for _, v in problem.values] or [problem.value]
    return dict.fromkeys(v for v in values if v is not None)


def _term(ntriples: str) -> Term | None:
    """An offending value (N-Triples) as a store term; blank nodes cannot be looked up."""
    try:
        parsed = ox.parse(f"<urn:s> <urn:p> {ntriples} .", format=ox.RdfFormat.N_TRIPLES)
        term = next(iter(parsed)).object
    except (SyntaxError, ValueError, StopIteration):
        return None
    return term if isinstance(term, ox.NamedNode | ox.Literal) else None
