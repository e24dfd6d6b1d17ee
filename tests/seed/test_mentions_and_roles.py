"""The seed article's mention layer and the roles that used to hide in labels.

Mentions are checked against the text itself (every selector, both kinds), and the
two questions of issue 18 are answered by stored queries: what sentence 9
mentions, and who received what was handed out or sent, through whom.
"""

from __future__ import annotations

import pyoxigraph as ox

from tests.conftest import QueryableStore
from tests.seed.test_competency import (
    ARTICLE,
    ARTICLE_TEXT,
    CHINA,
    PRC_GOVERNMENT,
    TRUMP,
    TRUMP_ADMINISTRATION,
    in_article,
    run,
)

US = "https://kg.example.org/id/country/united-states"
BEIJING = "https://kg.example.org/id/place/beijing"

SELECTORS = """
SELECT ?mention ?exact ?prefix ?suffix ?start ?end ?source ?from ?to WHERE {
  ?mention a kgo:Mention ;
           oa:motivatedBy oa:identifying ;
           oa:hasBody ?body ;
           kgo:inSentence ?sentence ;
           oa:hasTarget ?target .
  ?target a oa:SpecificResource ; oa:hasSource ?source ;
          oa:hasSelector ?quote , ?position .
  ?quote a oa:TextQuoteSelector ; oa:exact ?exact .
  OPTIONAL { ?quote oa:prefix ?prefix }
  OPTIONAL { ?quote oa:suffix ?suffix }
  ?position a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
  ?sentence kgo:startOffset ?from ; kgo:endOffset ?to .
}
"""


def test_every_mention_selector_finds_its_words_in_the_text(seed_store: QueryableStore):
    text = ARTICLE_TEXT.read_text(encoding="utf-8")
    stored = seed_store.select("SELECT ?text WHERE { ?a kgo:text ?text }", a=ox.NamedNode(ARTICLE))
    assert stored[0]["text"] == text  # the offsets count into exactly this text
    rows = seed_store.select(SELECTORS)
    assert len(rows) >= 85
    for row in rows:
        start, end = int(row["start"]), int(row["end"])
        assert row["source"] == ARTICLE
        assert text[start:end] == row["exact"], row["mention"]
        assert int(row["from"]) <= start < end <= int(row["to"]), row["mention"]
        assert text[:start].endswith(row.get("prefix", "")), row["mention"]
        assert text[end:].startswith(row.get("suffix", "")), row["mention"]
    assert len({r["mention"] for r in rows}) == len(rows)  # one IRI per mention


def test_sentence_9_mentions_the_us_trump_and_the_prc_government(seed_store: QueryableStore):
    rows = run(seed_store, "sentence-mentions", article=ox.NamedNode(ARTICLE),
               sentenceNumber=ox.Literal(9))  # fmt: skip
    entities = {r["entity"] for r in rows}
    assert {US, TRUMP, PRC_GOVERNMENT, CHINA} <= entities
    assert [r["exact"] for r in rows if r["entity"] == US] == ["US"]
    beijing = next(r for r in rows if r["exact"] == "Beijing")
    assert (beijing["entity"], beijing["literalReferent"]) == (PRC_GOVERNMENT, BEIJING)
    assert [int(r["start"]) for r in rows] == sorted(int(r["start"]) for r in rows)


def test_metonymy_is_resolved_and_the_literal_referent_kept(seed_store: QueryableStore):
    rows = seed_store.select(
        "SELECT ?exact ?body ?literal WHERE { ?m kgo:literalReferent ?literal ; oa:hasBody ?body ;"
        " oa:hasTarget/oa:hasSelector/oa:exact ?exact }"
    )
    said = {(r["exact"], r["body"]) for r in rows}
    assert ("Beijing", PRC_GOVERNMENT) in said
    assert ("Washington", TRUMP_ADMINISTRATION) in said
    assert all(r["body"] != r["literal"] for r in rows)


def test_every_entity_the_graph_describes_is_mentioned(seed_store: QueryableStore):
    """Each shared entity or article resource the facts point at has at least one mention
    (the article itself and the original it is a revision of are not in its text)."""
    unmentioned = seed_store.select(
        """SELECT DISTINCT ?e WHERE {
             GRAPH ?article { ?fact kgo:evidence ?s ; ?p ?e . }
             ?e a ?type . FILTER(isIRI(?e) && ?p != kgo:evidence && ?p != kgo:inArticle
                                 && ?p != kgo:accordingTo && ?p != rdf:type
                                 && ?p != prov:wasRevisionOf)
             FILTER(?type IN (kgo:Agent, kgo:Country, kgo:Place, kgo:Substance, kgo:Event,
                              kgo:Policy, kgo:Document))
             FILTER NOT EXISTS { ?m oa:hasBody ?e }
             FILTER NOT EXISTS { ?m kgo:literalReferent ?e }
             FILTER(?e != ?article)
           }""",
        article=ox.NamedNode(ARTICLE),
    )
    assert unmentioned == []


def test_every_event_policy_and_document_the_article_reports_is_mentioned(
    seed_store: QueryableStore,
):
    """Those the article describes itself, with their evidence, the verbs and phrases
    that are its only words for them included (the original the article revises is not
    in its text)."""
    unmentioned = seed_store.select(
        """SELECT DISTINCT ?x WHERE {
             GRAPH ?article { ?x a ?type ; kgo:evidence ?s . }
             FILTER(?type IN (kgo:Event, kgo:Policy, kgo:Document, kgo:Agent))
             FILTER NOT EXISTS { ?m oa:hasBody ?x }
             FILTER NOT EXISTS { ?article prov:wasRevisionOf ?x }
             FILTER(?x != ?article)
           }""",
        article=ox.NamedNode(ARTICLE),
    )
    assert unmentioned == []


def test_pronouns_and_descriptions_are_mentions(seed_store: QueryableStore):
    rows = seed_store.select(
        """SELECT ?n ?words ?entity WHERE {
             GRAPH ?article { ?m kgo:inSentence ?s ; oa:hasBody ?entity ; oa:hasTarget ?t .
                              ?t oa:hasSelector ?q . ?q oa:exact ?words . ?s kgo:sentenceNumber ?n }
           }""",
        article=ox.NamedNode(ARTICLE),
    )
    found = {(int(r["n"]), r["words"], r["entity"].rsplit("/id/", 1)[1]) for r in rows}
    economies = "the world’s two largest economies"
    assert {(1, "it", "government/china"), (2, "it", "country/china"),
            (1, economies, "country/united-states"), (1, economies, "country/china"),
            (6, "both sides", "government/china"),
            (9, "drugs", "substance/fentanyl")} <= found  # fmt: skip


def test_the_handout_recipients_and_the_messages_channel(seed_store: QueryableStore):
    rows = {r["event"]: r for r in run(seed_store, "recipients")}
    handout = rows[in_article("event", "white-paper-handout")]
    assert handout["recipient"] == in_article("group", "reporters")
    assert handout["object"] == in_article("document", "white-paper")
    assert handout["eventType"] == "distribution"
    messages = rows[in_article("event", "messages-to-china")]
    assert messages["recipient"] == PRC_GOVERNMENT
    assert messages["channel"] == in_article("group", "diplomats-in-washington")
    assert messages["actor"] == TRUMP_ADMINISTRATION


def test_the_money_launderer_is_affiliated_with_the_cartel(seed_store: QueryableStore):
    rows = seed_store.select("SELECT ?org WHERE { ?p schema:affiliation ?org }",
                             p=ox.NamedNode(in_article("person", "money-launderer")))  # fmt: skip
    assert [r["org"] for r in rows] == [in_article("organization", "mexican-drug-cartel")]
