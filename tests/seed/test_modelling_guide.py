"""Every query pattern of docs/modelling.md's "where to find things" table returns rows on
the seed article, as written: a pattern that finds nothing misleads whoever copies it."""

from __future__ import annotations

import re

import pytest

from tests.conftest import REPO, QueryableStore

GUIDE = REPO / "docs/modelling.md"
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
    assert len(PATTERNS) >= 18
    assert ("Documents", "?d a kgo:Document ; dcterms:creator ?issuer ; kgo:date ?date") in PATTERNS


@pytest.mark.parametrize(("question", "pattern"), PATTERNS, ids=[p for _, p in PATTERNS])
def test_every_pattern_returns_rows(seed_store: QueryableStore, question: str, pattern: str):
    prologue = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())
    rows = seed_store.select(f"{prologue}SELECT * WHERE {{ {pattern} }} LIMIT 1")
    assert rows, f"{question}: {pattern} returns nothing on the seed article"
