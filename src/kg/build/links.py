"""Links to Wikidata and DBpedia, checked: form, uniqueness, known-wrong targets, coverage.

Links are data (``owl:sameAs`` for strict identity, ``skos:exactMatch`` and
``skos:closeMatch`` for matches, ``skos:related`` for association) written
beside the entities they belong to. This module reads them back from the built
store and reports problems as validation ``Problem``s, so a wrong link stops
``kg build`` like any other invalid fact, with the file and line of the entity.

Rules:
  form        a Wikidata target is ``http://www.wikidata.org/entity/Q<digits>``;
              a DBpedia target is ``http://dbpedia.org/resource/<title>``;
  one-qid     an entity matches at most one Wikidata item (identity and match links);
  one-entity  a Wikidata item is matched by at most one entity;
  known-wrong no target is in the ``known_wrong_links`` setting;
  exists      (optional, ``--against FILE.nt``) each target is a subject in a local
              extract of the external dataset, and its label agrees (a warning).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.errors import DataError
from kg.namespaces import LINK_PREDICATES, MATCHING, STANDARD_PREFIXES
from kg.project.text import normalise

if TYPE_CHECKING:  # kg.validate brings pySHACL and rdflib: not into `kg serve`
    from kg.build.validate import ValidationReport

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS = STANDARD_PREFIXES["skos"]
WIKIDATA = "http://www.wikidata.org/"
DBPEDIA = "http://dbpedia.org/"
TARGET_FORMS = {
    "Wikidata": (re.compile(r"^https?://(www\.)?wikidata\.org/"),
                 re.compile(r"^http://www\.wikidata\.org/entity/Q[1-9][0-9]*$"),
                 "http://www.wikidata.org/entity/Q…"),
    "DBpedia": (re.compile(r"^https?://([a-z-]+\.)?dbpedia\.org/"),
                re.compile(r"^http://dbpedia\.org/resource/[^\s/][^\s]*$"),
                "http://dbpedia.org/resource/…"),
}  # fmt: skip
LINKS_QUERY = """
SELECT ?entity ?predicate ?target (SAMPLE(?l) AS ?label) WHERE {
  VALUES ?predicate { %s }
  ?entity ?predicate ?target .
  FILTER(isIRI(?target) && !STRSTARTS(STR(?target), STR(?base)))
  OPTIONAL { ?entity <http://www.w3.org/2000/01/rdf-schema#label> ?l }
}
GROUP BY ?entity ?predicate ?target
ORDER BY ?entity ?predicate ?target
""" % " ".join(f"<{p}>" for p in LINK_PREDICATES)  # noqa: UP031 - a fixed list of our own IRIs


@dataclass(frozen=True, slots=True)
class Link:
    entity: str
    predicate: str
    target: str
    label: str | None

    @property
    def site(self) -> str | None:
        for name, (domain, _, _) in TARGET_FORMS.items():
            if domain.match(self.target):
                return name
        return None


@dataclass
class Coverage:
    """Entities of the shared entities graph with and without external links."""

    linked: list[str]
    unlinked: list[str]

    def summary(self) -> str:
        total = len(self.linked) + len(self.unlinked)
        share = 100 * len(self.linked) / total if total else 0
        return f"{len(self.linked)} of {total} entities linked ({share:.0f} %)"


def read_links(store: ox.Store, base_iri: str) -> list[Link]:
    from kg.store.embedded import run_query

    rows = run_query(store, LINKS_QUERY, bindings={"base": ox.Literal(base_iri)})
    return [
        Link(r["entity"].value, r["predicate"].value, r["target"].value,
             r["label"].value if r["label"] else None)
        for r in rows
        if isinstance(r["entity"], ox.NamedNode)
    ]  # fmt: skip


def check_links(
    links: Sequence[Link], *, known_wrong: Iterable[str] = (), locate=None
) -> ValidationReport:
    """Every rule but ``exists``; ``locate(iri)`` gives the place an entity is written."""
    from kg.build.validate import Problem, ValidationReport

    report = ValidationReport()
    report.checked["links"] = len(links)
    wrong = set(known_wrong)
    by_entity: dict[str, set[str]] = defaultdict(set)
    by_item: dict[str, set[str]] = defaultdict(set)

    def problem(rule: str, link: Link, message: str) -> Problem:
        return Problem(
            message=message, focus=link.entity, path=link.predicate, value=f"<{link.target}>",
            shape=f"links:{rule}", location=locate(link.entity) if locate else None,
        )  # fmt: skip

    for link in links:
        site = link.site
        if site and not TARGET_FORMS[site][1].match(link.target):
            expected = TARGET_FORMS[site][2]
            report.extend([problem("form", link, f"{site} link is not of the form {expected}")])
        if link.target in wrong:
            report.extend([problem("known-wrong", link, "link to a known-wrong identifier "
                                   "(listed in the known_wrong_links setting)")])  # fmt: skip
        if site == "Wikidata" and link.predicate in MATCHING:
            by_entity[link.entity].add(link.target)
            by_item[link.target].add(link.entity)
    for link in links:
        if link.predicate not in MATCHING or link.site != "Wikidata":
            continue
        if len(by_entity[link.entity]) > 1:
            others = ", ".join(sorted(by_entity[link.entity]))
            report.extend(
                [problem("one-qid", link, f"entity matches several Wikidata items: {others}")]
            )
        if len(by_item[link.target]) > 1:
            others = ", ".join(sorted(by_item[link.target]))
            message = f"Wikidata item is matched by several entities: {others}"
            report.extend([problem("one-entity", link, message)])
    return report


def check_against_extract(links: Sequence[Link], extract: Path) -> ValidationReport:
    """Targets must exist in the local N-Triples extract; labels should agree."""
    from kg.build.validate import Problem, ValidationReport

    labels: dict[str, set[str]] = defaultdict(set)
    subjects: set[str] = set()
    try:
        for quad in ox.parse(path=str(extract), format=ox.RdfFormat.N_TRIPLES):
            subjects.add(quad.subject.value)
            if quad.predicate.value in (RDFS_LABEL, SKOS + "prefLabel", SKOS + "altLabel"):
                labels[quad.subject.value].add(normalise(quad.object.value))
    except (OSError, SyntaxError) as exc:
        raise DataError(f"{extract}: cannot read the extract: {exc}") from None
    report = ValidationReport()
    report.checked[f"links against {extract.name}"] = len(links)
    for link in links:
        domain = WIKIDATA if link.target.startswith(WIKIDATA) else DBPEDIA
        if not link.target.startswith(domain) or not _covers(extract, subjects, domain):
            continue
        if link.target not in subjects:
            report.extend([Problem(f"target not found in {extract.name}", link.entity,
                                   path=link.predicate, value=f"<{link.target}>",
                                   shape="links:exists")])  # fmt: skip
        elif (
            link.label and labels[link.target] and normalise(link.label) not in labels[link.target]
        ):
            report.extend([Problem(
                f"label {link.label!r} differs from the target's labels in {extract.name}",
                link.entity, severity="Warning", path=link.predicate, value=f"<{link.target}>",
                shape="links:labels")])  # fmt: skip
    return report


def _covers(extract: Path, subjects: set[str], domain: str) -> bool:
    """An extract covers a dataset when it holds at least one of its subjects."""
    return any(s.startswith(domain) for s in subjects)


def coverage(store: ox.Store, entities_graph: str, links: Sequence[Link]) -> Coverage:
    from kg.store.embedded import run_query

    rows = run_query(store, "SELECT DISTINCT ?e WHERE { ?e a ?t FILTER(isIRI(?e)) } ORDER BY ?e",
                     default_graph=[ox.NamedNode(entities_graph)])  # fmt: skip
    entities = [r["e"].value for r in rows]
    linked = {link.entity for link in links if link.site}
    return Coverage([e for e in entities if e in linked], [e for e in entities if e not in linked])
