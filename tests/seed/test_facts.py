"""Each fact F01–F38 of the reference analysis is represented as it says.

One test per fact of the project's reference analysis of the seed article (the
fact numbers in its graph.ttl comments), each a small ASK or SELECT on the built
seed store: the evidence sentence, who asserts it (speaker and, for reported
speech, the kgo:accordingTo chain up to the article), the stance, the dates with
precision and basis, hedges attributed to the article, metonymy resolved, and
nothing reported asserted as a plain triple about the world.
"""

from __future__ import annotations

import pytest

from tests.conftest import QueryableStore

# Prefixes beyond the dataset's own prologue (kgo:, rdfs:, owl:, skos:, dcterms:,
# prov:, schema:, org:, sem:, oa:, xsd:, wd:, dbr:, … which the fixture prepends).
PREFIXES = """
PREFIX stance:         <https://kg.example.org/ontology/stance/>
PREFIX eventtype:      <https://kg.example.org/ontology/event-type/>
PREFIX precision:      <https://kg.example.org/ontology/precision/>
PREFIX basis:          <https://kg.example.org/ontology/basis/>
PREFIX article:        <https://kg.example.org/id/article/>
PREFIX art:            <https://kg.example.org/id/article/china-fentanyl-tariffs/>
PREFIX st:             <https://kg.example.org/id/article/china-fentanyl-tariffs/statement/>
PREFIX ev:             <https://kg.example.org/id/article/china-fentanyl-tariffs/event/>
PREFIX pol:            <https://kg.example.org/id/article/china-fentanyl-tariffs/policy/>
PREFIX doc:            <https://kg.example.org/id/article/china-fentanyl-tariffs/document/>
PREFIX src:            <https://kg.example.org/id/article/china-fentanyl-tariffs/source/>
PREFIX artorg:         <https://kg.example.org/id/article/china-fentanyl-tariffs/organization/>
PREFIX artperson:      <https://kg.example.org/id/article/china-fentanyl-tariffs/person/>
PREFIX artgroup:       <https://kg.example.org/id/article/china-fentanyl-tariffs/group/>
PREFIX enr:            <https://kg.example.org/id/article/china-fentanyl-tariffs/enrichment/>
PREFIX country:        <https://kg.example.org/id/country/>
PREFIX person:         <https://kg.example.org/id/person/>
PREFIX government:     <https://kg.example.org/id/government/>
PREFIX body:           <https://kg.example.org/id/government-body/>
PREFIX administration: <https://kg.example.org/id/administration/>
PREFIX organization:   <https://kg.example.org/id/organization/>
PREFIX place:          <https://kg.example.org/id/place/>
PREFIX substance:      <https://kg.example.org/id/substance/>
PREFIX topic:          <https://kg.example.org/id/topic/>
"""
ARTICLE = "https://kg.example.org/id/article/china-fentanyl-tariffs"
ART = f"{ARTICLE}/"


@pytest.fixture(scope="module")
def kg(seed_store: QueryableStore) -> Facts:
    return Facts(seed_store)


class Facts:
    """The seed store, queried with the article's prefixes."""

    def __init__(self, store: QueryableStore) -> None:
        self.store = store

    def ask(self, query: str) -> bool:
        return self.store.ask(PREFIXES + query)

    def select(self, query: str) -> list[dict[str, str]]:
        return self.store.select(PREFIXES + query)

    def values(self, query: str) -> set[str]:
        """The values of the one projected variable."""
        return {value for row in self.select(query) for value in row.values()}

    def statement(
        self,
        iri: str,
        *,
        speaker: str,
        stance: str,
        sentence: int,
        according_to: str = "article:china-fentanyl-tariffs",
    ) -> None:
        """A statement with its speaker, stance, evidence sentence, article and source."""
        assert self.ask(f"""ASK {{
            {iri} a kgo:Statement ;
                kgo:speaker {speaker} ;
                kgo:stance {stance} ;
                kgo:claim ?claim ;
                kgo:evidence art:s{sentence} ;
                kgo:inArticle article:china-fentanyl-tariffs ;
                kgo:accordingTo {according_to} .
        }}"""), f"{iri} is not said by {speaker} ({stance}) in S{sentence}"
        assert self.values(f"SELECT ?s WHERE {{ {iri} kgo:speaker ?s }}") == {self.expand(speaker)}
        assert self.values(f"SELECT ?s WHERE {{ {iri} kgo:stance ?s }}") == {self.expand(stance)}

    def date(self, iri: str, *, prop: str = "kgo:date") -> tuple:
        """(value or (notBefore, notAfter), precision, basis, text) of the one date."""
        rows = self.select(f"""SELECT ?value ?notBefore ?notAfter ?precision ?basis ?text WHERE {{
            {iri} {prop} ?date .
            ?date kgo:precision ?precision ; kgo:basis ?basis .
            OPTIONAL {{ ?date kgo:dateValue ?value }}
            OPTIONAL {{ ?date kgo:notBefore ?notBefore }}
            OPTIONAL {{ ?date kgo:notAfter ?notAfter }}
            OPTIONAL {{ ?date kgo:text ?text }}
        }}""")
        assert len(rows) == 1, f"{iri} has {len(rows)} {prop} nodes"
        row = rows[0]
        when = row.get("value") or (row.get("notBefore"), row.get("notAfter"))
        return (
            when,
            row["precision"].rsplit("/", 1)[1],
            row["basis"].rsplit("/", 1)[1],
            row.get("text"),
        )

    def chain(self, iri: str) -> list[str]:
        """The kgo:accordingTo chain from a resource to the article, innermost first."""
        links, current = [], self.expand(iri)
        while current != ARTICLE:
            (current,) = self.values(f"SELECT ?next WHERE {{ <{current}> kgo:accordingTo ?next }}")
            links.append(current)
            assert len(links) < 10, "the chain does not end"
        return links

    def speaker(self, iri: str) -> str:
        (speaker,) = self.values(f"SELECT ?s WHERE {{ <{iri}> kgo:speaker ?s }}")
        return speaker

    def only_in_attributed_text(self, fragment: str) -> None:
        """Words of a claim appear only as somebody's statement (or the text itself, or a
        mention's selector quoting it)."""
        holders = self.select(f"""SELECT ?subject ?predicate WHERE {{
            ?subject ?predicate ?literal .
            FILTER (isLiteral(?literal) && CONTAINS(LCASE(STR(?literal)), LCASE("{fragment}")))
            FILTER NOT EXISTS {{
                ?subject a ?kind .
                VALUES ?kind {{ kgo:Statement kgo:Sentence kgo:NewsArticle kgo:Enrichment
                                oa:TextQuoteSelector }}
            }}
        }}""")
        assert holders == [], f"{fragment!r} is stated outside a statement: {holders}"

    def expand(self, term: str) -> str:
        (value,) = self.values(f"SELECT ?x WHERE {{ BIND ({term} AS ?x) }}")
        return value


def st(slug: str) -> str:
    return f"{ART}statement/{slug}"


# ---------------------------------------------------------------------------
# S01: the lede
# ---------------------------------------------------------------------------


def test_f01_china_cracked_down_on_fentanyl(kg: Facts):
    iri = "st:china-cracked-down-on-fentanyl-trade"
    kg.statement(iri, speaker="government:china", stance="stance:assert", sentence=1)
    assert kg.date(iri) == ("2025-03-12", "day", "year-inferred", None)
    assert kg.ask(f"""ASK {{
        {iri} kgo:madeIn ev:march-12-briefing ;
            dcterms:subject substance:fentanyl .
    }}""")
    # "forcefully" is the reporter's paraphrase, not a quotation
    assert not kg.ask(f"ASK {{ {iri} kgo:quotation ?q }}")
    # metonymy: the speaker is the government, not the country or the city
    assert not kg.ask(f"""ASK {{
        {iri} kgo:speaker ?s .
        FILTER (?s IN (country:china, place:beijing))
    }}""")
    kg.only_in_attributed_text("cracked down")


def test_f02_china_condemns_tariffs(kg: Facts):
    iri = "st:china-condemns-tariffs"
    kg.statement(iri, speaker="government:china", stance="stance:condemn", sentence=1)
    assert kg.ask(f"ASK {{ {iri} kgo:target pol:us-tariffs-on-china }}")
    assert kg.date(iri) == ("2025-03-12", "day", "year-inferred", None)
    # condemn is a kind of criticism, CAMEO 111
    assert kg.ask('ASK { stance:condemn skos:broader stance:criticize ; skos:notation "111" }')


def test_f03_us_and_china_at_odds(kg: Facts):
    iri = "st:us-china-at-odds"
    kg.statement(iri, speaker="article:china-fentanyl-tariffs", stance="stance:assert", sentence=1)
    assert kg.date(iri, prop="kgo:validTime") == ("2025-03-13", "day", "relative", None)


def test_f04_two_largest_economies(kg: Facts):
    iri = "st:two-largest-economies"
    kg.statement(iri, speaker="article:china-fentanyl-tariffs", stance="stance:assert", sentence=1)
    assert kg.date(iri, prop="kgo:validTime") == ("2025", "year", "relative", None)
    assert kg.values(f"SELECT ?s WHERE {{ {iri} dcterms:subject ?s }}") == {
        "https://kg.example.org/id/country/united-states",
        "https://kg.example.org/id/country/china",
    }


def test_f05_trump_is_us_president(kg: Facts):
    iri = "st:trump-is-us-president"
    kg.statement(iri, speaker="article:china-fentanyl-tariffs", stance="stance:assert", sentence=1)
    assert kg.ask(f"ASK {{ {iri} dcterms:subject person:donald-trump }}")
    assert kg.date(iri, prop="kgo:validTime") == ("2025-03-13", "day", "relative", None)
    # a position held is the article's claim, not a triple about Trump
    assert not kg.ask("""ASK {
        person:donald-trump ?p ?o .
        FILTER (?p IN (org:holds, schema:jobTitle, org:memberOf))
    }""")


# ---------------------------------------------------------------------------
# S02–S05: the briefing
# ---------------------------------------------------------------------------


def test_f06_briefing_on_march_12(kg: Facts):
    assert kg.ask("""ASK {
        ev:march-12-briefing a kgo:Event ;
            kgo:eventType eventtype:press-briefing ;
            kgo:actor src:officials-from-foreign-and-public-security-ministries ;
            kgo:evidence art:s2, art:s12 ;
            kgo:accordingTo article:china-fentanyl-tariffs .
    }""")
    assert kg.date("ev:march-12-briefing") == ("2025-03-12", "day", "year-inferred", "March 12")
    # the place is not stated, so none is asserted (in particular not Beijing)
    assert not kg.ask("ASK { ev:march-12-briefing sem:hasPlace ?place }")


def test_f07_officials_claim_success_controlling_drugs(kg: Facts):
    iri = "st:officials-success-controlling-drugs"
    officials = "src:officials-from-foreign-and-public-security-ministries"
    kg.statement(iri, speaker=officials, stance="stance:assert", sentence=2)
    assert kg.ask(f"""ASK {{
        {iri} kgo:madeIn ev:march-12-briefing .
        {officials} a kgo:UnnamedSource ;
            kgo:grammaticalNumber "plural" ;
            org:memberOf body:prc-ministry-of-foreign-affairs,
                body:prc-ministry-of-public-security .
    }}""")
    assert kg.date(iri) == ("2025-03-12", "day", "year-inferred", "March 12")


def test_f08_officials_claim_china_did_all_it_can(kg: Facts):
    iri = "st:officials-done-all-it-can"
    officials = "src:officials-from-foreign-and-public-security-ministries"
    kg.statement(iri, speaker=officials, stance="stance:assert", sentence=2)
    assert kg.ask(f"""ASK {{
        {iri} kgo:madeIn ev:march-12-briefing ;
            kgo:target country:united-states .
    }}""")
    assert kg.date(iri) == ("2025-03-12", "day", "year-inferred", "March 12")
    # "the country" is resolved to China in the claim
    (claim,) = kg.values(f"SELECT ?c WHERE {{ {iri} kgo:claim ?c }}")
    assert claim.startswith("China ")


def test_f09_officials_asked_not_to_be_identified(kg: Facts):
    officials = "src:officials-from-foreign-and-public-security-ministries"
    assert kg.ask(f"""ASK {{
        {officials} kgo:anonymityReason ?reason ;
            kgo:evidence art:s3 ;
            kgo:accordingTo article:china-fentanyl-tariffs .
        FILTER (CONTAINS(STR(?reason), "sensitive"))
    }}""")
    # the request covers what they said at the briefing (F07, F08)
    assert kg.values(f"SELECT ?s WHERE {{ ?s kgo:speaker {officials} }}") == {
        st("officials-success-controlling-drugs"),
        st("officials-done-all-it-can"),
    }


def test_f10_beijing_did_the_us_a_favour(kg: Facts):
    iri = "st:official-beijing-did-us-a-favour"
    kg.statement(iri, speaker="src:foreign-ministry-official", stance="stance:assert", sentence=4)
    assert kg.ask("""ASK {
        src:foreign-ministry-official a kgo:UnnamedSource ;
            kgo:grammaticalNumber "singular" .
    }""")
    assert kg.date(iri) == ("2025-03-12", "day", "year-inferred", None)
    # "Beijing" is the PRC government: neither the speaker nor anything else is the city;
    # only the mention of the word records that it literally names the city
    assert not kg.ask(f"ASK {{ {iri} ?p ?o . ?o owl:sameAs wd:Q956 }}")
    assert not kg.ask("""ASK { GRAPH article:china-fentanyl-tariffs { ?s ?p place:beijing }
                             FILTER (?p != kgo:literalReferent) }""")
    assert kg.ask("""ASK { ?m kgo:inSentence art:s4 ; oa:hasBody government:china ;
                           kgo:literalReferent place:beijing }""")
    (claim,) = kg.values(f"SELECT ?c WHERE {{ {iri} kgo:claim ?c }}")
    assert "PRC government" in claim


def test_f11_washington_should_have_said_big_thank_you(kg: Facts):
    iri = "st:official-big-thank-you"
    official = "src:foreign-ministry-official"
    kg.statement(iri, speaker=official, stance="stance:criticize", sentence=4)
    assert kg.ask(f"""ASK {{
        {iri} kgo:target administration:second-trump-administration ;
            kgo:madeIn ev:march-12-briefing .
    }}""")
    # only "big thank you" is verbatim; "slapping levies" is the reporter's wording
    assert kg.values(f"SELECT ?q WHERE {{ {iri} kgo:quotation ?q }}") == {"big thank you"}
    assert kg.date(iri) == ("2025-03-12", "day", "year-inferred", None)
    # "Washington" is the administration, not the city
    assert not kg.ask(f"ASK {{ {iri} ?p place:washington-dc }}")


def test_f12_levies_presupposed_and_asserted_by_the_article(kg: Facts):
    assert kg.ask("""ASK {
        pol:us-tariffs-on-china a kgo:TariffMeasure ;
            kgo:actor person:donald-trump ;
            kgo:target country:china ;
            kgo:evidence art:s4, art:s9 ;
            kgo:accordingTo article:china-fentanyl-tariffs .
        st:official-big-thank-you dcterms:subject pol:us-tariffs-on-china .
    }""")
    # the speaker presupposes them but no separate statement of the official asserts them
    assert not kg.ask("""ASK {
        ?s kgo:speaker src:foreign-ministry-official ;
            kgo:target pol:us-tariffs-on-china .
    }""")
    (when, _, _, _) = kg.date("pol:us-tariffs-on-china")
    assert "2025-02-01" <= when[0] <= when[1] <= "2025-03-31"


def test_f13_official_calls_for_dialogue(kg: Facts):
    iri = "st:official-calls-for-dialogue"
    # "He" is the Foreign Ministry official of S04
    kg.statement(iri, speaker="src:foreign-ministry-official", stance="stance:call-for", sentence=5)
    assert kg.ask(f"ASK {{ {iri} kgo:target administration:second-trump-administration }}")
    assert kg.ask('ASK { stance:call-for skos:notation "026" }')
    assert kg.date(iri) == ("2025-03-12", "day", "year-inferred", None)


def test_f14_official_willing_to_keep_working_with_us(kg: Facts):
    iri = "st:official-willing-to-keep-working-with-us"
    kg.statement(
        iri,
        speaker="src:foreign-ministry-official",
        stance="stance:express-willingness",
        sentence=5,
    )
    assert kg.ask(f"ASK {{ {iri} kgo:target country:united-states }}")
    assert kg.ask('ASK { stance:express-willingness skos:notation "030" }')
    assert kg.date(iri) == ("2025-03-12", "day", "year-inferred", None)


# ---------------------------------------------------------------------------
# S06: the talks
# ---------------------------------------------------------------------------


def test_f15_talks_stuck_at_lower_levels(kg: Facts):
    iri = "st:talks-stuck-at-lower-levels"
    kg.statement(iri, speaker="article:china-fentanyl-tariffs", stance="stance:assert", sentence=6)
    assert kg.ask(f"""ASK {{
        {iri} dcterms:subject ev:us-china-talks .
        ev:us-china-talks kgo:eventType eventtype:talks .
    }}""")
    assert kg.date(iri, prop="kgo:validTime") == ("2025-03-13", "day", "relative", None)


def test_f16_no_agreement_on_the_way_forward(kg: Facts):
    iri = "st:no-agreement-on-way-forward"
    kg.statement(iri, speaker="article:china-fentanyl-tariffs", stance="stance:assert", sentence=6)
    assert kg.date(iri, prop="kgo:validTime") == ("2025-03-13", "day", "relative", None)


# ---------------------------------------------------------------------------
# S07, S08: reported speech through unnamed sources
# ---------------------------------------------------------------------------


def test_f17_washington_has_not_outlined_steps(kg: Facts):
    iri = "st:beijing-says-no-detailed-steps"
    kg.statement(
        iri,
        speaker="government:china",
        stance="stance:assert",
        sentence=7,
        according_to="st:people-familiar-relay-beijing",
    )
    # article <- Bloomberg News <- people familiar with the issue <- the PRC government
    chain = kg.chain(iri)
    assert chain == [
        st("people-familiar-relay-beijing"),
        st("bloomberg-news-earlier-report"),
        ARTICLE,
    ]
    assert [kg.speaker(link) for link in chain[:-1]] == [
        f"{ART}source/people-familiar-with-the-issue",
        "https://kg.example.org/id/organization/bloomberg-news",
    ]
    kg.statement(
        "st:people-familiar-relay-beijing",
        speaker="src:people-familiar-with-the-issue",
        stance="stance:report",
        sentence=7,
        according_to="st:bloomberg-news-earlier-report",
    )
    kg.statement(
        "st:bloomberg-news-earlier-report",
        speaker="organization:bloomberg-news",
        stance="stance:report",
        sentence=7,
    )
    assert kg.ask("""ASK {
        src:people-familiar-with-the-issue a kgo:UnnamedSource ;
            kgo:grammaticalNumber "plural" .
    }""")
    # "they" and "Washington" are the administration
    assert kg.ask(f"ASK {{ {iri} kgo:target administration:second-trump-administration }}")
    for link in (iri, "st:people-familiar-relay-beijing", "st:bloomberg-news-earlier-report"):
        assert kg.date(link) == ((None, "2025-03-13"), "bounded", "relative", None)
    kg.only_in_attributed_text("not outlined")


def test_f18_trump_team_rejects_the_assertion(kg: Facts):
    iri = "st:trump-team-rejects-assertion"
    kg.statement(
        iri,
        speaker="administration:second-trump-administration",
        stance="stance:reject",
        sentence=8,
        according_to="st:person-familiar-relay-trump-team",
    )
    assert kg.ask(f"ASK {{ {iri} kgo:target st:beijing-says-no-detailed-steps }}")
    assert kg.chain(iri) == [st("person-familiar-relay-trump-team"), ARTICLE]
    person = "src:person-familiar-with-the-matter"
    kg.statement(
        "st:person-familiar-relay-trump-team", speaker=person, stance="stance:report", sentence=8
    )
    assert kg.ask(f'ASK {{ {person} a kgo:UnnamedSource ; kgo:grammaticalNumber "singular" }}')
    # not merged with the S07 source, and not on the chain of the claim it disputes
    assert not kg.ask(f"""ASK {{
        {person} owl:sameAs|^owl:sameAs src:people-familiar-with-the-issue
    }}""")
    assert not kg.ask(f"""ASK {{
        st:beijing-says-no-detailed-steps kgo:accordingTo*/kgo:speaker {person}
    }}""")
    assert kg.date(iri) == ((None, "2025-03-13"), "bounded", "relative", None)


def test_f19_white_house_sent_messages_through_diplomats(kg: Facts):
    iri = "st:white-house-sent-messages"
    # "the White House" is the administration
    kg.statement(
        iri,
        speaker="administration:second-trump-administration",
        stance="stance:assert",
        sentence=8,
        according_to="st:person-familiar-relay-trump-team",
    )
    # the event exists only as part of that claim; "Washington" here is the city
    assert kg.ask(f"""ASK {{
        ev:messages-to-china kgo:eventType eventtype:communication ;
            kgo:actor administration:second-trump-administration ;
            schema:recipient government:china ;
            kgo:channel artgroup:diplomats-in-washington ;
            sem:hasPlace place:washington-dc ;
            kgo:evidence art:s8 ;
            kgo:accordingTo {iri} .
        place:washington-dc owl:sameAs wd:Q61 .
    }}""")
    assert kg.date("ev:messages-to-china") == ((None, "2025-03-13"), "bounded", "relative", None)
    # the White House building is only related to the administration
    assert not kg.ask("ASK { ?agent owl:sameAs|skos:exactMatch|skos:closeMatch wd:Q35525 }")
    assert kg.ask("ASK { administration:second-trump-administration skos:related wd:Q35525 }")


# ---------------------------------------------------------------------------
# S09, S10: the executive order and China's accusation
# ---------------------------------------------------------------------------


def test_f20_executive_order_hiking_tariffs(kg: Facts):
    assert kg.ask("""ASK {
        pol:us-tariffs-on-china kgo:instrument doc:executive-order .
        doc:executive-order a kgo:ExecutiveOrder ;
            dcterms:creator person:donald-trump ;
            kgo:evidence art:s9 ;
            kgo:accordingTo article:china-fentanyl-tariffs .
        ev:executive-order-signing kgo:eventType eventtype:signing ;
            kgo:actor person:donald-trump ;
            prov:generated doc:executive-order ;
            kgo:accordingTo article:china-fentanyl-tariffs .
    }""")
    last_week = (("2025-03-03", "2025-03-09"), "week", "relative", "last week")
    assert kg.date("doc:executive-order") == last_week
    assert kg.date("ev:executive-order-signing") == last_week
    # EO 14228 and its signing date come from outside the article: an enrichment with a source
    assert kg.ask("""ASK {
        enr:executive-order-14228 a kgo:Enrichment ;
            oa:motivatedBy oa:identifying ;
            oa:hasTarget doc:executive-order ;
            dcterms:source ?source ;
            kgo:date [ kgo:dateValue "2025-03-03"^^xsd:date ; kgo:basis basis:external ] .
        FILTER NOT EXISTS { enr:executive-order-14228 kgo:accordingTo ?anyone }
    }""")
    # an external date appears only on an enrichment
    assert not kg.ask("""ASK {
        ?x kgo:date|kgo:startDate|kgo:validTime [ kgo:basis basis:external ] .
        FILTER NOT EXISTS { ?x a kgo:Enrichment }
    }""")


def test_f21_beijing_did_too_little(kg: Facts):
    iri = "st:trump-beijing-did-too-little"
    kg.statement(iri, speaker="person:donald-trump", stance="stance:criticize", sentence=9)
    assert kg.ask(f"ASK {{ {iri} kgo:madeIn doc:executive-order ; kgo:target government:china }}")
    # a paraphrase, not a quotation
    assert not kg.ask(f"ASK {{ {iri} kgo:quotation ?q }}")
    assert kg.date(iri)[0] == ("2025-03-03", "2025-03-09")
    assert kg.ask(f"ASK {{ pol:us-tariffs-on-china kgo:justifiedBy {iri} }}")


def test_f22_drug_flow_unusual_and_extraordinary_threat(kg: Facts):
    iri = "st:trump-drug-flow-unusual-and-extraordinary-threat"
    kg.statement(iri, speaker="person:donald-trump", stance="stance:assert", sentence=9)
    assert kg.values(f"SELECT ?q WHERE {{ {iri} kgo:quotation ?q }}") == {
        "an unusual and extraordinary threat"
    }
    assert kg.ask(f"ASK {{ {iri} kgo:madeIn doc:executive-order }}")
    # "alleged" is Bloomberg's hedge, not Trump's
    kg.statement(
        "st:article-hedges-alleged-flow",
        speaker="article:china-fentanyl-tariffs",
        stance="stance:qualify",
        sentence=9,
    )
    assert kg.ask(f'ASK {{ st:article-hedges-alleged-flow kgo:target {iri} ; kgo:text "alleged" }}')
    assert not kg.ask(f"""ASK {{
        {iri} kgo:quotation|kgo:claim|kgo:text ?words .
        FILTER (CONTAINS(LCASE(STR(?words)), "alleged"))
    }}""")
    # the threat is somebody's claim, never a triple about the world
    kg.only_in_attributed_text("extraordinary threat")
    kg.only_in_attributed_text("flow of drugs")


def test_f23_china_accuses_trump_administration_of_pretext(kg: Facts):
    iri = "st:china-accuses-pretext"
    kg.statement(iri, speaker="government:china", stance="stance:accuse", sentence=10)
    assert kg.ask(f"ASK {{ {iri} kgo:target administration:second-trump-administration }}")
    assert kg.ask('ASK { stance:accuse skos:notation "112" }')
    # undated; "in turn" places it after last week's order, no later than publication
    assert kg.date(iri) == (("2025-03-03", "2025-03-13"), "bounded", "relative", None)


# ---------------------------------------------------------------------------
# S11, S12: the white paper
# ---------------------------------------------------------------------------


def test_f24_china_issued_white_paper_in_march(kg: Facts):
    # "It" is China: the PRC government
    assert kg.ask("""ASK {
        doc:white-paper a kgo:WhitePaper ;
            dcterms:creator government:china ;
            kgo:evidence art:s11 ;
            kgo:accordingTo article:china-fentanyl-tariffs .
        ev:white-paper-publication kgo:eventType eventtype:publication ;
            kgo:actor government:china ;
            prov:generated doc:white-paper .
    }""")
    in_march = ("2025-03", "month", "year-inferred", "in March")
    assert kg.date("doc:white-paper") == in_march
    assert kg.date("ev:white-paper-publication") == in_march
    assert kg.ask("""ASK {
        enr:white-paper-identified a kgo:Enrichment ;
            oa:hasTarget doc:white-paper ;
            dcterms:source ?source ;
            kgo:date [ kgo:dateValue "2025-03-04"^^xsd:date ; kgo:basis basis:external ] .
    }""")


def test_f25_white_paper_outlines_efforts_against_fentanyl(kg: Facts):
    assert kg.ask("""ASK {
        doc:white-paper dcterms:description ?description ;
            dcterms:subject substance:fentanyl .
        FILTER (CONTAINS(STR(?description), "efforts to control fentanyl"))
    }""")


def test_f26_officials_hand_out_white_paper(kg: Facts):
    # "the document" is the white paper
    assert kg.ask("""ASK {
        ev:white-paper-handout kgo:eventType eventtype:distribution ;
            kgo:actor src:chinese-officials ;
            prov:used doc:white-paper ;
            kgo:evidence art:s12 ;
            kgo:accordingTo article:china-fentanyl-tariffs .
        doc:white-paper kgo:evidence art:s12 .
    }""")
    assert kg.date("ev:white-paper-handout") == ("2025-03-12", "day", "year-inferred", "March 12")


def test_f27_officials_largely_reiterate_commitment(kg: Facts):
    iri = "st:officials-reiterate-commitment"
    kg.statement(iri, speaker="src:chinese-officials", stance="stance:reaffirm", sentence=12)
    assert kg.date(iri) == ("2025-03-12", "day", "year-inferred", "March 12")
    # "largely" is the reporter's characterisation
    kg.statement(
        "st:article-hedges-largely-reiterated",
        speaker="article:china-fentanyl-tariffs",
        stance="stance:qualify",
        sentence=12,
    )
    assert kg.ask(f"""ASK {{
        st:article-hedges-largely-reiterated kgo:target {iri} ;
            kgo:text "largely" .
    }}""")
    assert not kg.ask(f"ASK {{ {iri} kgo:quotation ?q }}")
    # "its" is China
    (claim,) = kg.values(f"SELECT ?c WHERE {{ {iri} kgo:claim ?c }}")
    assert claim.startswith("China ")


# ---------------------------------------------------------------------------
# S13, S14: background and the 2021 report
# ---------------------------------------------------------------------------


def test_f28_fentanyl_contributed_to_overdose_deaths(kg: Facts):
    iri = "st:fentanyl-overdose-deaths"
    kg.statement(iri, speaker="article:china-fentanyl-tariffs", stance="stance:assert", sentence=13)
    assert kg.date(iri, prop="kgo:validTime") == (
        ("2015", "2025"),
        "decade",
        "relative",
        "over the past decade",
    )
    (claim,) = kg.values(f"SELECT ?c WHERE {{ {iri} kgo:claim ?c }}")
    assert "contributed to" in claim  # a partial cause, as the text says


def test_f29_congressional_panel_report_2021(kg: Facts):
    assert kg.ask("""ASK {
        doc:congressional-panel-report-2021 a kgo:Report ;
            dcterms:creator artorg:congressional-panel ;
            kgo:evidence art:s14 ;
            kgo:accordingTo article:china-fentanyl-tariffs .
        artorg:congressional-panel kgo:country country:united-states .
    }""")
    assert kg.date("doc:congressional-panel-report-2021") == ("2021", "year", "stated", "2021")
    # a panel, not the Congress as a whole; its identity comes from outside, with a source
    assert not kg.ask("ASK { artorg:congressional-panel owl:sameAs|skos:exactMatch ?other }")
    assert not kg.ask("""ASK {
        doc:congressional-panel-report-2021 dcterms:creator body:united-states-congress
    }""")
    assert kg.ask("""ASK {
        enr:congressional-panel-identified a kgo:Enrichment ;
            oa:hasTarget artorg:congressional-panel ;
            oa:hasBody body:us-china-economic-and-security-review-commission ;
            dcterms:source ?source .
        enr:uscc-staff-issue-brief a kgo:Enrichment ;
            oa:hasTarget doc:congressional-panel-report-2021 ;
            kgo:date [ kgo:dateValue "2021-08-24"^^xsd:date ; kgo:basis basis:external ] .
    }""")


def test_f30_china_primary_origin_in_2021(kg: Facts):
    iri = "st:panel-china-primary-origin"
    kg.statement(iri, speaker="artorg:congressional-panel", stance="stance:assert", sentence=14)
    assert kg.ask(f"ASK {{ {iri} kgo:madeIn doc:congressional-panel-report-2021 }}")
    # a claim of 2021 about 2021, not about 2025
    assert kg.date(iri) == ("2021", "year", "stated", "2021")
    assert kg.date(iri, prop="kgo:validTime") == ("2021", "year", "stated", None)
    kg.only_in_attributed_text("primary country of origin")


# ---------------------------------------------------------------------------
# S15, S16: the working group and what the Biden administration said
# ---------------------------------------------------------------------------


def test_f31_us_china_working_group(kg: Facts):
    assert kg.ask("""ASK {
        artorg:us-china-working-group a kgo:Organization ;
            kgo:country country:united-states, country:china ;
            kgo:evidence art:s15 ;
            kgo:accordingTo article:china-fentanyl-tariffs .
    }""")
    assert kg.date("artorg:us-china-working-group", prop="kgo:startDate") == (
        "2024-01",
        "month",
        "stated",
        "January 2024",
    )
    # "had" does not say it has ended: no end is recorded
    assert not kg.ask("ASK { artorg:us-china-working-group kgo:startDate [ kgo:notAfter ?end ] }")
    assert not kg.ask("ASK { artorg:us-china-working-group kgo:date ?date }")


def test_f32_working_group_met_regularly(kg: Facts):
    assert kg.ask("""ASK {
        ev:working-group-meetings kgo:eventType eventtype:meeting-series ;
            kgo:actor artorg:us-china-working-group ;
            dcterms:subject substance:fentanyl ;
            kgo:evidence art:s15 ;
            kgo:accordingTo article:china-fentanyl-tariffs .
    }""")
    assert kg.date("ev:working-group-meetings", prop="kgo:startDate") == (
        "2024-01",
        "month",
        "stated",
        "January 2024",
    )


def test_f33_biden_administration_on_china_actions(kg: Facts):
    iri = "st:biden-administration-on-china-actions"
    kg.statement(
        iri, speaker="administration:biden-administration", stance="stance:assert", sentence=16
    )
    assert kg.date(iri) == ("2024-08", "month", "stated", "August 2024")


def test_f34_china_arrested_money_launderer(kg: Facts):
    assert kg.ask("""ASK {
        ev:money-launderer-arrest kgo:eventType eventtype:arrest ;
            kgo:actor government:china ;
            kgo:target artperson:money-launderer ;
            kgo:evidence art:s16 ;
            kgo:accordingTo st:biden-administration-on-china-actions .
        eventtype:arrest skos:notation "173" .
        artperson:money-launderer schema:affiliation artorg:mexican-drug-cartel .
        artorg:mexican-drug-cartel kgo:country country:mexico .
    }""")
    assert kg.chain("ev:money-launderer-arrest") == [
        st("biden-administration-on-china-actions"),
        ARTICLE,
    ]
    assert kg.date("ev:money-launderer-arrest") == ((None, "2024-08"), "bounded", "relative", None)
    # the cartel is not named in the article: no identification
    assert not kg.ask("""ASK {
        artorg:mexican-drug-cartel owl:sameAs|skos:exactMatch|skos:closeMatch ?x
    }""")


def test_f35_china_scheduled_precursor_chemicals(kg: Facts):
    assert kg.ask("""ASK {
        pol:precursor-scheduling a kgo:DrugScheduling, kgo:ExportControl ;
            kgo:actor government:china ;
            kgo:target substance:fentanyl-precursors ;
            kgo:evidence art:s16 ;
            kgo:accordingTo st:biden-administration-on-china-actions .
    }""")
    assert kg.date("pol:precursor-scheduling") == ((None, "2024-08"), "bounded", "relative", None)


def test_f36_actions_part_of_working_group_cooperation(kg: Facts):
    assert kg.values("SELECT ?part WHERE { ?part dcterms:isPartOf ev:working-group-meetings }") == {
        f"{ART}event/money-launderer-arrest",
        f"{ART}policy/precursor-scheduling",
    }
    # the part-of relation rests on the Biden administration's word, not the article's
    assert not kg.ask("""ASK {
        ?part dcterms:isPartOf ev:working-group-meetings ;
              kgo:accordingTo article:china-fentanyl-tariffs .
    }""")


# ---------------------------------------------------------------------------
# S17 and the stored version
# ---------------------------------------------------------------------------


def test_f37_bloomberg_credit_line(kg: Facts):
    assert kg.ask("""ASK {
        article:china-fentanyl-tariffs a kgo:NewsArticle ;
            schema:creditText "BLOOMBERG" ;
            dcterms:publisher organization:bloomberg-news ;
            dcterms:creator organization:bloomberg-news ;
            dcterms:issued "2025-03-13"^^xsd:date ;
            kgo:evidence art:s17 .
        art:s17 kgo:text "BLOOMBERG" ; kgo:sentenceNumber 17 .
    }""")


def test_f38_copy_derived_from_bloomberg_original(kg: Facts):
    assert kg.ask("""ASK {
        article:china-fentanyl-tariffs prov:wasRevisionOf doc:bloomberg-original ;
            skos:changeNote ?note .
        doc:bloomberg-original a kgo:Document ;
            dcterms:creator organization:bloomberg-news ;
            dcterms:issued "2025-03-13"^^xsd:date .
        FILTER (CONTAINS(?note, "Wednesday") && CONTAINS(?note, "March 12"))
    }""")
    # each stored version is its own named graph, named by the article's IRI
    assert kg.ask("""ASK {
        GRAPH article:china-fentanyl-tariffs { article:china-fentanyl-tariffs a kgo:NewsArticle }
    }""")
