"""The entities a reconciliation query can find, and how a checked query ranks them.

Candidates are the shared entities (the entities graph), not article-scoped
resources, read from the store once per dataset version. Scores (0-100): 100 for an
exact label or alias, a high score when every word of the query is in the name (more
for fewer extra words), and a string-similarity score otherwise; a link that holds a
property value the client sent adds to it. ``match`` is true only when the best
candidate is clearly ahead: an exact name no other candidate shares, or a good score
at least 20 points ahead of the next.

The build writes every superclass's type beside each entity's own (a person is also
``kgo:Agent``, ``foaf:Person``, ``schema:Person``…). A type filter reads them all, so a
query for agents finds people; what a client is shown is only an entity's most specific
types, the ones none of its other types is a subclass of: ``Person``, not a list of
every vocabulary's person and agent.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pyoxigraph as ox

from kg.namespaces import LINK_PREDICATES, entities_graph, ontology_graph, prefixes
from kg.project.text import normalise
from kg.serve.reconcile_request import Batch, Query
from kg.store import Store

SURE, MATCH_SCORE, MATCH_LEAD = 95.0, 70.0, 20.0
CANDIDATES = """
SELECT ?entity ?name ?type ?typeLabel ?description ?link WHERE {
  GRAPH ?entities { ?entity a ?type }
  FILTER(isIRI(?entity) && STRSTARTS(STR(?entity), STR(?idspace)))
  { ?entity rdfs:label|skos:prefLabel|skos:altLabel|foaf:name|schema:name ?name }
  UNION { ?entity rdfs:comment|skos:definition ?description }
  UNION { ?entity ?linkPredicate ?link . FILTER(?linkPredicate IN (%s)) }
  OPTIONAL { ?type rdfs:label ?typeLabel }
}
""" % ", ".join(f"<{p}>" for p in LINK_PREDICATES)  # noqa: UP031 - our own fixed IRIs
# every class and its direct superclasses: a few dozen pairs, read once. Entities carry
# every superclass's type, so a direct subclass among their types is enough to tell a
# type is not the narrowest (and no path with two open ends, which Virtuoso refuses)
SUBCLASSES = """
SELECT ?narrower ?broader WHERE {
  GRAPH ?ontology { ?narrower rdfs:subClassOf ?broader }
  FILTER(isIRI(?narrower) && isIRI(?broader))
}
"""


@dataclass
class Candidate:
    iri: str
    id: str
    names: list[str]
    types: dict[str, str]  # every type IRI -> its rdfs:label, "" when the store has none
    description: str
    links: list[str]
    shown: dict[str, str] = field(default_factory=dict)  # the most specific of ``types``

    @property
    def name(self) -> str:
        return self.names[0] if self.names else self.id

    @property
    def summary(self) -> str:
        """What a client shows under the name to tell namesakes apart: the entity's
        comment, else what it is (its labelled types); "" when we know neither."""
        return self.description.strip() or ", ".join(
            sorted({label for label in self.shown.values() if label})
        )


@lru_cache(maxsize=4)
def candidates(store: Store, version: str, base_iri: str) -> tuple[Candidate, ...]:
    """Every shared entity with its names; ``version`` keys the cache to the dataset."""
    idspace = f"{base_iri}id/"
    found: dict[str, Candidate] = {}
    bindings = {"idspace": ox.Literal(idspace), "entities": ox.NamedNode(entities_graph(base_iri))}
    rows = store.query(CANDIDATES, bindings=bindings, prefixes=prefixes(base_iri))
    for row in rows:
        iri = row["entity"].value
        item = found.setdefault(iri, Candidate(iri, iri[len(idspace) :], [], {}, "", []))
        label = row["typeLabel"].value.strip() if row["typeLabel"] else ""
        _add_type(item.types, row["type"].value, label)
        if row["name"] and row["name"].value not in item.names:
            item.names.append(row["name"].value)
        if row["description"] and not item.description:
            item.description = row["description"].value
        if row["link"] and row["link"].value not in item.links:
            item.links.append(row["link"].value)
    broader = _superclasses(store, base_iri)
    for item in found.values():
        item.shown = _most_specific(item.types, broader)
    return tuple(c for c in found.values() if c.names)


def _superclasses(store: Store, base_iri: str) -> dict[str, set[str]]:
    """Each class of the ontology graph with its direct superclasses."""
    bindings = {"ontology": ox.NamedNode(ontology_graph(base_iri))}
    broader: dict[str, set[str]] = {}
    for row in store.query(SUBCLASSES, bindings=bindings, prefixes=prefixes(base_iri)):
        broader.setdefault(row["narrower"].value, set()).add(row["broader"].value)
    return broader


def _most_specific(types: dict[str, str], broader: dict[str, set[str]]) -> dict[str, str]:
    """The types no other of ``types`` is strictly narrower than. Classes declared
    each other's subclasses (equivalent ones) hide neither: one must stay."""

    def hidden(wanted: str) -> bool:
        return any(
            wanted in broader.get(other, ()) and other not in broader.get(wanted, ())
            for other in types
        )

    return {iri: label for iri, label in types.items() if not hidden(iri)}


def score(query: str, names: list[str]) -> float:
    """How well ``query`` names an entity with ``names`` (labels and aliases)."""
    wanted = normalise(query)
    if not wanted:
        return 0.0
    best = 0.0
    for name in names:
        have = normalise(name)
        if have == wanted:
            return 100.0
        query_words, name_words = wanted.split(), have.split()
        if set(query_words) <= set(name_words):
            best = max(best, 60 + 35 * len(query_words) / len(name_words))
        best = max(best, 90 * difflib.SequenceMatcher(None, wanted, have).ratio())
    return round(best, 1)


def rank(items: tuple[Candidate, ...], query: Query) -> list[dict[str, Any]]:
    """The answer to one query: its best candidates, best first."""
    scored = []
    for item in items:
        if query.types and not any(_type_matches(t, item) for t in query.types):
            continue
        value = score(query.text, item.names) + _link_bonus(query.values, item)
        if value > 30:
            scored.append((min(value, 100.0), item))
    scored.sort(key=lambda pair: (-pair[0], pair[1].name))
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    results = []
    for position, (value, item) in enumerate(scored[: query.limit]):
        result = {
            "id": item.id,
            "name": item.name,
            "type": typed(item.shown),
            "score": value,
            "match": position == 0 and _clear_winner(value, runner_up),
        }
        results.append(described(result, item.summary))
    return results


def answer_batch(items: tuple[Candidate, ...], batch: Batch) -> dict[str, Any]:
    """0.2 queries are answered under their names, 1.0 ones in their order."""
    answers = {name: rank(items, query) for name, query in batch.queries.items()}
    if batch.named:
        return {name: {"result": found} for name, found in answers.items()}
    return {"results": [{"candidates": found} for found in answers.values()]}


def typed(types: dict[str, str]) -> list[dict[str, str]]:
    """Types as the API shows them, each with a name a person can read."""
    return [{"id": iri, "name": label or local_name(iri)} for iri, label in sorted(types.items())]


def shown_types(items: tuple[Candidate, ...]) -> dict[str, str]:
    """Every type shown for some entity, once, with a label if any entity's row had one."""
    found: dict[str, str] = {}
    for item in items:
        for iri, label in item.shown.items():
            _add_type(found, iri, label)
    return found


def _add_type(types: dict[str, str], iri: str, label: str) -> None:
    """The first label found wins, and any label beats none (a class may have several)."""
    if not types.get(iri):
        types[iri] = label


def local_name(iri: str) -> str:
    """``Country`` for ``https://schema.org/Country``, ``Concept`` for ``skos:Concept``."""
    return iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1] or iri


def described(answer: dict[str, Any], description: str) -> dict[str, Any]:
    """``answer`` with its description, or without the key: clients print an empty string
    as a blank line under the name, where the key's absence shows nothing."""
    return {**answer, "description": description} if description else answer


def _clear_winner(best: float, runner_up: float) -> bool:
    """An exact name nobody else has, or a good score well ahead of the next."""
    return (best >= SURE > runner_up) or (best >= MATCH_SCORE and best - runner_up >= MATCH_LEAD)


def _type_matches(wanted: str, item: Candidate) -> bool:
    """Against every type, superclasses' included: a query for agents finds people."""
    return any(wanted in (t, local_name(t)) for t in item.types)


def _link_bonus(values: tuple[str, ...], item: Candidate) -> float:
    """OpenRefine may send extra columns; we know links, so a value in a link counts."""
    return 10.0 * sum(1 for value in values if any(value in link for link in item.links))
