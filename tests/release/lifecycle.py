"""A project's life as curators live it, for the tests of releases, corrections and
retractions: the seed with a second story, then a correction and a retraction of it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from kg.project.retraction import retract

ARTICLES = Path("data/articles")
STORY = "second-story"
BASE = "https://kg.example.org/"
STORY_IRI = f"{BASE}id/article/{STORY}"
CORRECTED = f"{STORY_IRI}/statement/us-china-at-odds"  # its label changes
WITHDRAWN = f"{STORY_IRI}/statement/two-largest-economies"  # the correction withdraws it
EARLIER_LABEL = "The US and China remain at odds over conditions for talks"
LATER_LABEL = "The US and China disagree over the conditions for talks"
CORRECTIONS = f"""
article:{STORY} kgo:correction art:correction-1, art:correction-2 .

art:correction-1
    a kgo:Correction ;
    rdfs:label "Correction of the talks statement"@en ;
    dcterms:date "2025-03-14"^^xsd:date ;
    rdfs:comment "The story now says the two countries disagree, not that they remain at odds."@en ;
    kgo:corrects st:us-china-at-odds ;
    kgo:correctedProperty rdfs:label ;
    kgo:earlierValue "{EARLIER_LABEL}"@en .

art:correction-2
    a kgo:Correction ;
    rdfs:label "Correction of the economies statement"@en ;
    dcterms:date "2025-03-14"^^xsd:date ;
    rdfs:comment "The story no longer calls the US and China the two largest economies."@en ;
    kgo:corrects st:two-largest-economies .
"""
REASON = "The publisher withdrew the story."


def correct(root: Path) -> None:
    """The second story corrected: one label changed, one statement withdrawn, both
    recorded as corrections in its graph."""
    graph = root / ARTICLES / STORY / "graph.ttl"
    text = graph.read_text(encoding="utf-8")
    text = text.replace(f'"{EARLIER_LABEL}"@en', f'"{LATER_LABEL}"@en')
    start = text.index("# F04 (S01)")
    text = text[:start] + text[text.index("# F05 (S01)") :]
    graph.write_text(text + CORRECTIONS, encoding="utf-8")


def retract_story(root: Path) -> None:
    retract(root, STORY, reason=REASON, on=date(2025, 4, 2), base_iri=BASE)
