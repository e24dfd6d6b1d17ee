"""Every query pattern of docs/modelling.md's "where to find things" table returns rows, as
written: a pattern that finds nothing misleads whoever copies it. They run on the seed
article, bar those of corrections and retractions, which it has none of: those run on
the guide's own example of both, and so do the same patterns where the prose gives them."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from kg.namespaces import sparql_prologue
from tests.conftest import REPO, QueryableStore

GUIDE = REPO / "docs/modelling.md"
LIFECYCLE_EXAMPLE = REPO / "tests/seed/shapes/valid/corrections-and-retractions.ttl"
ON_THE_EXAMPLE = ("Corrections", "Retractions")  # the seed article was never corrected
PREFIXES = {  # the ones the guide uses beyond the dataset's own prologue
    "eventtype": "https://kg.example.org/ontology/event-type/",
    "stance": "https://kg.example.org/ontology/stance/",
    "country": "https://kg.example.org/id/country/",
}


def guide_patterns() -> list[tuple[str, str]]:
    """(question, pattern) for every code span of the table's Pattern column."""
    section = GUIDE.read_text(encoding="utf-8").split("## Querying: where to find things", 1)[1]
    patterns = []
    for line in section.splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        if len(cells) != 2 or cells[0] in ("Question", "---"):
            continue
        for span in re.findall(r"`((?:[^`\\]|\\.)+)`", cells[1]):
            patterns.append((cells[0], span.replace("\\|", "|")))
    return patterns


PATTERNS = guide_patterns()


def test_the_table_is_read():
    assert len(PATTERNS) >= 20
    assert ("Documents", "?d a kgo:Document ; dcterms:creator ?issuer ; kgo:date ?date") in PATTERNS


def test_the_prose_gives_the_tables_patterns():
    """The lifecycle section quotes the same patterns the table holds (one source of truth)."""
    prose = " ".join(GUIDE.read_text(encoding="utf-8").split("## Querying")[0].split())
    for question, pattern in PATTERNS:
        if question in ON_THE_EXAMPLE:
            assert f"`{pattern}`" in prose, pattern


def _prologue() -> str:
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())


@pytest.fixture(scope="module")
def lifecycle_example() -> ox.Store:
    store = ox.Store()
    store.load(path=str(LIFECYCLE_EXAMPLE), format=ox.RdfFormat.TURTLE)
    return store


@pytest.mark.parametrize(("question", "pattern"), PATTERNS, ids=[p for _, p in PATTERNS])
def test_every_pattern_returns_rows(
    seed_store: QueryableStore, lifecycle_example: ox.Store, question: str, pattern: str
):
    if question in ON_THE_EXAMPLE:
        prologue = sparql_prologue(seed_store.settings.base_iri) + _prologue()
        rows = list(lifecycle_example.query(f"{prologue}SELECT * WHERE {{ {pattern} }} LIMIT 1"))
        assert rows, f"{question}: {pattern} returns nothing on {LIFECYCLE_EXAMPLE.name}"
        return
    rows = seed_store.select(f"{_prologue()}SELECT * WHERE {{ {pattern} }} LIMIT 1")
    assert rows, f"{question}: {pattern} returns nothing on the seed article"
