"""The stored queries of sparql/ answer the competency questions on the seed article.

Each of the project's twelve competency questions has one stored query, named by
intent; each test runs it on the built seed store and checks its answer. Every
stored query also runs on its own (it declares its prefixes) and unbound; a
parameter, bound with a VALUES block, only narrows it.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.queries import is_violation_query, load_query
from kg.querytext import inspect_query
from tests.conftest import REPO, QueryableStore

SPARQL = REPO / "sparql"
STORED_QUERIES_DOC = REPO / "docs/sparql-endpoint.md"
STORED = sorted(SPARQL.glob("*.rq"))
COMPETENCY_QUERIES = [
    "timeline",
    "briefing",
    "policies-targeting",
    "accusations",
    "disputes",
    "anonymous-sources",
    "actions-against-fentanyl",
    "evidence",
    "links",
    "quotes",
    "documents",
    "article-voice",
]

BASE = "https://kg.example.org/"
KGO = f"{BASE}ontology/"
ARTICLE = f"{BASE}id/article/china-fentanyl-tariffs"
ARTICLE_TEXT = REPO / "data/articles/china-fentanyl-tariffs/text.txt"
PRC_GOVERNMENT = f"{BASE}id/government/china"
CHINA = f"{BASE}id/country/china"
TRUMP = f"{BASE}id/person/donald-trump"
TRUMP_ADMINISTRATION = f"{BASE}id/administration/second-trump-administration"
BIDEN_ADMINISTRATION = f"{BASE}id/administration/biden-administration"
BLOOMBERG_NEWS = f"{BASE}id/organization/bloomberg-news"
WD = "http://www.wikidata.org/entity/"
DBR = "http://dbpedia.org/resource/"
OWL_SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
SKOS = "http://www.w3.org/2004/02/skos/core#"


def in_article(kind: str, slug: str) -> str:
    return f"{ARTICLE}/{kind}/{slug}"


def st(slug: str) -> str:
    return in_article("statement", slug)


def src(slug: str) -> str:
    return in_article("source", slug)


def sentence(number: int) -> str:
    return f"{ARTICLE}/s{number}"


def stance(name: str) -> str:
    return f"{KGO}stance/{name}"


def precision(name: str) -> str:
    return f"{KGO}precision/{name}"


def basis(name: str) -> str:
    return f"{KGO}basis/{name}"


def query_text(name: str) -> str:
    return (SPARQL / f"{name}.rq").read_text(encoding="utf-8")


def run(store: QueryableStore, name: str, **bindings: ox.NamedNode | ox.Literal) -> list[dict]:
    return store.select(query_text(name), **bindings)


def column(rows: list[dict], name: str) -> list[str | None]:
    return [row.get(name) for row in rows]


def date_key(row: dict) -> str:
    """The sort key the modelling guide gives for timelines."""
    return row.get("value") or row.get("notBefore") or row.get("notAfter") or ""


# ---------------------------------------------------------------------------
# Every stored query: documented, self-contained, deterministic
# ---------------------------------------------------------------------------


def test_there_is_one_stored_query_per_competency_question():
    names = {path.stem for path in STORED if not is_violation_query(load_query(path))}
    assert set(COMPETENCY_QUERIES) <= names


@pytest.mark.parametrize("path", STORED, ids=lambda p: p.name)
def test_every_stored_query_has_a_title_and_description_and_runs(
    path: Path, seed_store: QueryableStore
):
    query = load_query(path)
    assert query.title
    assert query.description
    if inspect_query(query.text).services:
        pytest.skip("federated: tests reach no endpoint beyond loopback")
    # run as written, without the dataset's prologue: it declares what it uses
    result = seed_store.store.query(query.text)
    rows = [result] if isinstance(result, bool) else list(result)
    if is_violation_query(query):
        assert rows == []
    elif path.stem in COMPETENCY_QUERIES:
        assert rows, f"{path.name} returns nothing on the seed article"


def test_the_docs_list_every_competency_query_with_its_title():
    section = STORED_QUERIES_DOC.read_text(encoding="utf-8").split("## Stored queries", 1)[1]
    section = section.split("\n## ", 1)[0]
    for name in COMPETENCY_QUERIES:
        title = load_query(SPARQL / f"{name}.rq").title
        assert f"| `sparql/{name}.rq` | {title} |" in section, name


@pytest.mark.parametrize("name", COMPETENCY_QUERIES)
def test_competency_queries_are_plain_deterministic_selects(name: str):
    query = load_query(SPARQL / f"{name}.rq")
    code = [line for line in query.text.splitlines() if not line.lstrip().startswith("#")]
    words = " ".join(code).upper().split()
    assert words.count("SELECT") >= 1
    assert "FROM" not in words, "stored queries use the union default graph"
    assert "ORDER" in words and "BY" in words, "stored queries order their answers"
    for parameter in query.parameters:
        assert f"?{parameter.name}" in query.text, parameter.name
        assert parameter.description


def _first_value(store: QueryableStore, text: str, variable: str) -> ox.NamedNode | ox.Literal:
    for solution in store.store.query(text):
        term = solution[variable]
        if term is not None:
            return term
    raise AssertionError(f"?{variable} is never bound")


@pytest.mark.parametrize("name", COMPETENCY_QUERIES)
def test_binding_a_parameter_only_narrows_the_answer(name: str, seed_store: QueryableStore):
    query = load_query(SPARQL / f"{name}.rq")
    everything = Counter(tuple(sorted(row.items())) for row in seed_store.select(query.text))
    variables = {v.value for v in seed_store.store.query(query.text).variables}
    projected = [p.name for p in query.parameters if p.name in variables]
    for parameter in projected:
        value = _first_value(seed_store, query.text, parameter)
        narrowed = seed_store.select(query.text, **{parameter: value})
        assert narrowed, f"binding ?{parameter} to {value} gives nothing"
        assert {row[parameter] for row in narrowed} == {value.value}
        assert not Counter(tuple(sorted(row.items())) for row in narrowed) - everything


# ---------------------------------------------------------------------------
# 1. Timeline
# ---------------------------------------------------------------------------


def test_timeline_is_in_date_order_with_precision_and_basis(seed_store):
    rows = run(seed_store, "timeline")
    keys = [date_key(row) for row in rows]
    assert keys == sorted(keys)
    assert all(row["precision"].startswith(f"{KGO}precision/") for row in rows)
    assert all(row["basis"].startswith(f"{KGO}basis/") for row in rows)
    # identifications from outside the article (basis external) are not part of it
    assert basis("external") not in column(rows, "basis")
    assert {row["item"] for row in rows} >= {
        in_article("event", "march-12-briefing"),
        in_article("document", "executive-order"),
        in_article("event", "money-launderer-arrest"),
        st("biden-administration-on-china-actions"),
        in_article("event", "working-group-meetings"),
        st("panel-china-primary-origin"),
    }
    assert not any("/enrichment/" in row["item"] for row in rows)


def test_timeline_dates(seed_store):
    by_item = {(row["item"], row["dateProperty"]): row for row in run(seed_store, "timeline")}

    def entry(kind: str, slug: str, prop: str = "date") -> tuple:
        row = by_item[(in_article(kind, slug), f"{KGO}{prop}")]
        when = row.get("value") or (row.get("notBefore"), row.get("notAfter"))
        return when, row["precision"].rsplit("/", 1)[1], row["basis"].rsplit("/", 1)[1]

    assert entry("document", "congressional-panel-report-2021") == ("2021", "year", "stated")
    assert entry("event", "working-group-meetings", "startDate") == ("2024-01", "month", "stated")
    assert entry("statement", "biden-administration-on-china-actions") == (
        "2024-08",
        "month",
        "stated",
    )
    assert entry("event", "money-launderer-arrest") == ((None, "2024-08"), "bounded", "relative")
    assert entry("event", "white-paper-publication") == ("2025-03", "month", "year-inferred")
    assert entry("event", "executive-order-signing") == (
        ("2025-03-03", "2025-03-09"),
        "week",
        "relative",
    )
    assert entry("event", "march-12-briefing") == ("2025-03-12", "day", "year-inferred")
    assert entry("statement", "beijing-says-no-detailed-steps") == (
        (None, "2025-03-13"),
        "bounded",
        "relative",
    )
    rows = run(seed_store, "timeline")
    assert rows[0]["value"] == "2021"
    assert rows[-1]["notAfter"] == "2025-03-13"


def test_timeline_for_one_article(seed_store):
    everything = run(seed_store, "timeline")
    assert run(seed_store, "timeline", article=ox.NamedNode(ARTICLE)) == everything
    assert run(seed_store, "timeline", article=ox.NamedNode(f"{ARTICLE}-no-such")) == []


# ---------------------------------------------------------------------------
# 2. The briefing
# ---------------------------------------------------------------------------

BRIEFING = {
    # F01, F02: the lede summarises the briefing; "China" is the PRC government
    (st("china-condemns-tariffs"), PRC_GOVERNMENT, stance("condemn")),
    (st("china-cracked-down-on-fentanyl-trade"), PRC_GOVERNMENT, stance("assert")),
    # F07, F08
    (
        st("officials-success-controlling-drugs"),
        src("officials-from-foreign-and-public-security-ministries"),
        stance("assert"),
    ),
    (
        st("officials-done-all-it-can"),
        src("officials-from-foreign-and-public-security-ministries"),
        stance("assert"),
    ),
    # F10, F11, F13, F14
    (st("official-beijing-did-us-a-favour"), src("foreign-ministry-official"), stance("assert")),
    (st("official-big-thank-you"), src("foreign-ministry-official"), stance("criticize")),
    (st("official-calls-for-dialogue"), src("foreign-ministry-official"), stance("call-for")),
    (
        st("official-willing-to-keep-working-with-us"),
        src("foreign-ministry-official"),
        stance("express-willingness"),
    ),
    # F27
    (st("officials-reiterate-commitment"), src("chinese-officials"), stance("reaffirm")),
}


def test_briefing_speakers_claims_and_stances(seed_store):
    rows = run(seed_store, "briefing")
    assert {(r["statement"], r["speaker"], r["stance"]) for r in rows} == BRIEFING
    assert len(rows) == len(BRIEFING)
    assert {r["day"] for r in rows} == {"2025-03-12"}
    assert {r["briefing"] for r in rows} == {in_article("event", "march-12-briefing")}
    numbers = [int(r["sentenceNumber"]) for r in rows]
    assert numbers == sorted(numbers)
    stances = {r["statement"]: r["stanceLabel"] for r in rows}
    assert stances[st("official-calls-for-dialogue")] == "call for"
    assert stances[st("official-willing-to-keep-working-with-us")] == "express willingness"
    quotes = {r["statement"]: r.get("quotation") for r in rows}
    assert quotes[st("official-big-thank-you")] == "big thank you"
    assert all(r["claim"] for r in rows)


def test_briefing_on_a_given_day(seed_store):
    day = ox.Literal("2025-03-12", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))
    assert run(seed_store, "briefing", day=day) == run(seed_store, "briefing")
    other = ox.Literal("2025-03-13", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))
    assert run(seed_store, "briefing", day=other) == []


# ---------------------------------------------------------------------------
# 3. Policies
# ---------------------------------------------------------------------------


def test_policies_targeting_china(seed_store):
    rows = run(seed_store, "policies-targeting", target=ox.NamedNode(CHINA))
    assert {r["policy"] for r in rows} == {in_article("policy", "us-tariffs-on-china")}
    assert {(r["actor"], r["instrument"], r["accordingTo"]) for r in rows} == {
        (TRUMP, in_article("document", "executive-order"), ARTICLE)
    }
    assert {(r["notBefore"], r["notAfter"], r["precision"], r["basis"]) for r in rows} == {
        ("2025-03-03", "2025-03-09", precision("week"), basis("relative"))
    }
    justifications = {r["justification"]: r for r in rows}
    assert set(justifications) == {
        st("trump-beijing-did-too-little"),
        st("trump-drug-flow-unusual-and-extraordinary-threat"),
    }
    assert {r["justifiedBySpeaker"] for r in rows} == {TRUMP}
    threat = justifications[st("trump-drug-flow-unusual-and-extraordinary-threat")]
    # "alleged" is the article's hedge, not Trump's
    assert (threat["hedge"], threat["hedgedBy"]) == ("alleged", ARTICLE)
    assert "hedge" not in justifications[st("trump-beijing-did-too-little")]


def test_policies_unbound_include_every_target(seed_store):
    rows = run(seed_store, "policies-targeting")
    assert {(r["policy"], r["target"]) for r in rows} == {
        (in_article("policy", "us-tariffs-on-china"), CHINA),
        (in_article("policy", "precursor-scheduling"), f"{BASE}id/substance/fentanyl-precursors"),
    }
    scheduling = [r for r in rows if r["policy"].endswith("precursor-scheduling")]
    assert len(scheduling) == 1  # one row, though it is two kinds of policy
    assert scheduling[0]["accordingTo"] == st("biden-administration-on-china-actions")


# ---------------------------------------------------------------------------
# 4. Accusations
# ---------------------------------------------------------------------------


def test_accusations(seed_store):
    (row,) = run(seed_store, "accusations")
    assert row["statement"] == st("china-accuses-pretext")
    assert (row["accuser"], row["accused"]) == (PRC_GOVERNMENT, TRUMP_ADMINISTRATION)
    assert "pretext" in row["claim"]
    assert row["accordingTo"] == ARTICLE
    assert row["sentenceNumber"] == "10"
    assert (row["notBefore"], row["notAfter"]) == ("2025-03-03", "2025-03-13")
    assert run(seed_store, "accusations", accused=ox.NamedNode(TRUMP_ADMINISTRATION)) == [row]
    assert run(seed_store, "accusations", accuser=ox.NamedNode(TRUMP_ADMINISTRATION)) == []


# ---------------------------------------------------------------------------
# 5. Disputes
# ---------------------------------------------------------------------------


def test_disputes(seed_store):
    (row,) = run(seed_store, "disputes")
    assert row["disputed"] == st("beijing-says-no-detailed-steps")
    assert row["claimant"] == PRC_GOVERNMENT
    assert row["rejection"] == st("trump-team-rejects-assertion")
    assert row["rejectedBy"] == TRUMP_ADMINISTRATION
    # each side is known through its own unnamed source: never merged
    assert row["rejectionKnownThrough"] == st("person-familiar-relay-trump-team")
    assert row["rejectionSource"] == src("person-familiar-with-the-matter")
    assert row["disputedKnownThrough"] == st("people-familiar-relay-beijing")
    assert row["disputedSource"] == src("people-familiar-with-the-issue")
    assert run(seed_store, "disputes", rejectedBy=ox.NamedNode(PRC_GOVERNMENT)) == []


# ---------------------------------------------------------------------------
# 6. Anonymous sources
# ---------------------------------------------------------------------------


def chains(rows: list[dict]) -> dict[str, list[tuple[str, str | None]]]:
    """Each resource's chain, outermost first, as (link, speaker) pairs."""
    result: dict[str, list[tuple[str, str | None]]] = {}
    for row in rows:
        result.setdefault(row["resource"], []).append((row["link"], row.get("speaker")))
    return result


def test_anonymous_sources_full_chain_for_f17(seed_store):
    rows = run(seed_store, "anonymous-sources")
    chain = chains(rows)[st("beijing-says-no-detailed-steps")]
    # the article <- Bloomberg News <- people familiar with the issue <- the PRC government
    assert chain == [
        (ARTICLE, ARTICLE),
        (st("bloomberg-news-earlier-report"), BLOOMBERG_NEWS),
        (st("people-familiar-relay-beijing"), src("people-familiar-with-the-issue")),
        (st("beijing-says-no-detailed-steps"), PRC_GOVERNMENT),
    ]
    f17 = [r for r in rows if r["resource"] == st("beijing-says-no-detailed-steps")]
    assert [r["depth"] for r in f17] == ["4", "3", "2", "1"]
    assert [r["unnamed"] for r in f17] == ["false", "false", "true", "false"]
    assert (f17[2]["descriptor"], f17[2]["number"]) == ("people familiar with the issue", "plural")


def test_anonymous_sources_every_resource_and_its_chain(seed_store):
    found = chains(run(seed_store, "anonymous-sources"))
    official = src("foreign-ministry-official")
    officials = src("officials-from-foreign-and-public-security-ministries")
    person = src("person-familiar-with-the-matter")
    assert found == {
        st("beijing-says-no-detailed-steps"): found[st("beijing-says-no-detailed-steps")],
        st("people-familiar-relay-beijing"): [
            (ARTICLE, ARTICLE),
            (st("bloomberg-news-earlier-report"), BLOOMBERG_NEWS),
            (st("people-familiar-relay-beijing"), src("people-familiar-with-the-issue")),
        ],
        st("person-familiar-relay-trump-team"): [
            (ARTICLE, ARTICLE),
            (st("person-familiar-relay-trump-team"), person),
        ],
        st("trump-team-rejects-assertion"): [
            (ARTICLE, ARTICLE),
            (st("person-familiar-relay-trump-team"), person),
            (st("trump-team-rejects-assertion"), TRUMP_ADMINISTRATION),
        ],
        st("white-house-sent-messages"): [
            (ARTICLE, ARTICLE),
            (st("person-familiar-relay-trump-team"), person),
            (st("white-house-sent-messages"), TRUMP_ADMINISTRATION),
        ],
        # an event known only through the Trump team's statement: it has no speaker
        in_article("event", "messages-to-china"): [
            (ARTICLE, ARTICLE),
            (st("person-familiar-relay-trump-team"), person),
            (st("white-house-sent-messages"), TRUMP_ADMINISTRATION),
            (in_article("event", "messages-to-china"), None),
        ],
        # the diplomats the messages went through, known only through the same claim
        in_article("group", "diplomats-in-washington"): [
            (ARTICLE, ARTICLE),
            (st("person-familiar-relay-trump-team"), person),
            (st("white-house-sent-messages"), TRUMP_ADMINISTRATION),
            (in_article("group", "diplomats-in-washington"), None),
        ],
        st("officials-success-controlling-drugs"): [
            (ARTICLE, ARTICLE),
            (st("officials-success-controlling-drugs"), officials),
        ],
        st("officials-done-all-it-can"): [
            (ARTICLE, ARTICLE),
            (st("officials-done-all-it-can"), officials),
        ],
        st("official-beijing-did-us-a-favour"): [
            (ARTICLE, ARTICLE),
            (st("official-beijing-did-us-a-favour"), official),
        ],
        st("official-big-thank-you"): [
            (ARTICLE, ARTICLE),
            (st("official-big-thank-you"), official),
        ],
        st("official-calls-for-dialogue"): [
            (ARTICLE, ARTICLE),
            (st("official-calls-for-dialogue"), official),
        ],
        st("official-willing-to-keep-working-with-us"): [
            (ARTICLE, ARTICLE),
            (st("official-willing-to-keep-working-with-us"), official),
        ],
        st("officials-reiterate-commitment"): [
            (ARTICLE, ARTICLE),
            (st("officials-reiterate-commitment"), src("chinese-officials")),
        ],
    }


def test_anonymous_sources_of_s07_and_s08_stay_distinct(seed_store):
    issue_source = ox.NamedNode(src("people-familiar-with-the-issue"))
    matter_source = ox.NamedNode(src("person-familiar-with-the-matter"))
    issue = run(seed_store, "anonymous-sources", source=issue_source)
    matter = run(seed_store, "anonymous-sources", source=matter_source)
    assert {r["resource"] for r in issue} == {
        st("beijing-says-no-detailed-steps"),
        st("people-familiar-relay-beijing"),
    }
    assert {r["resource"] for r in matter} == {
        st("person-familiar-relay-trump-team"),
        st("trump-team-rejects-assertion"),
        st("white-house-sent-messages"),
        in_article("event", "messages-to-china"),
        in_article("group", "diplomats-in-washington"),
    }
    speakers = {r.get("speaker") for r in issue} | {r.get("speaker") for r in matter}
    assert src("people-familiar-with-the-issue") in speakers
    assert src("person-familiar-with-the-matter") in speakers
    descriptors = {(r["descriptor"], r["number"]) for r in issue + matter if r.get("descriptor")}
    assert descriptors == {
        ("people familiar with the issue", "plural"),
        ("A person familiar with the matter", "singular"),
    }


def test_anonymous_sources_for_one_resource(seed_store):
    rows = run(
        seed_store, "anonymous-sources", resource=ox.NamedNode(st("beijing-says-no-detailed-steps"))
    )
    assert [r["link"] for r in rows] == [
        ARTICLE,
        st("bloomberg-news-earlier-report"),
        st("people-familiar-relay-beijing"),
        st("beijing-says-no-detailed-steps"),
    ]
    named_only = ox.NamedNode(st("china-accuses-pretext"))
    assert run(seed_store, "anonymous-sources", resource=named_only) == []


# ---------------------------------------------------------------------------
# 7. Actions against fentanyl
# ---------------------------------------------------------------------------

ACTIONS = {
    # actions, and who says so
    ("action", in_article("event", "working-group-meetings"), ARTICLE),
    ("action", in_article("event", "money-launderer-arrest"), BIDEN_ADMINISTRATION),
    ("action", in_article("policy", "precursor-scheduling"), BIDEN_ADMINISTRATION),
    ("action", in_article("event", "white-paper-publication"), ARTICLE),
    ("action", in_article("event", "white-paper-handout"), ARTICLE),
    # China's side on its own record
    ("claim", st("china-cracked-down-on-fentanyl-trade"), PRC_GOVERNMENT),
    (
        "claim",
        st("officials-success-controlling-drugs"),
        src("officials-from-foreign-and-public-security-ministries"),
    ),
    (
        "claim",
        st("officials-done-all-it-can"),
        src("officials-from-foreign-and-public-security-ministries"),
    ),
    ("claim", st("officials-reiterate-commitment"), src("chinese-officials")),
}


def test_actions_against_fentanyl(seed_store):
    rows = run(seed_store, "actions-against-fentanyl")
    assert {(r["kind"], r["item"], r["saysSo"]) for r in rows} == ACTIONS
    assert len(rows) == len(ACTIONS)
    keys = [date_key(r) for r in rows]
    assert keys == sorted(keys)
    by_item = {r["item"]: r for r in rows}
    arrest = by_item[in_article("event", "money-launderer-arrest")]
    assert (arrest["notAfter"], arrest["precision"]) == ("2024-08", precision("bounded"))
    assert arrest["actor"] == PRC_GOVERNMENT
    crackdown = by_item[st("china-cracked-down-on-fentanyl-trade")]
    assert (crackdown["value"], crackdown["basis"]) == ("2025-03-12", basis("year-inferred"))
    # a complaint about Washington is not part of China's record
    assert st("beijing-says-no-detailed-steps") not in by_item


def test_actions_of_the_prc_government(seed_store):
    rows = run(seed_store, "actions-against-fentanyl", actor=ox.NamedNode(PRC_GOVERNMENT))
    assert {r["item"] for r in rows} == {
        in_article("event", "money-launderer-arrest"),
        in_article("policy", "precursor-scheduling"),
        in_article("event", "white-paper-publication"),
        st("china-cracked-down-on-fentanyl-trade"),
    }


# ---------------------------------------------------------------------------
# 8. Evidence
# ---------------------------------------------------------------------------


def test_evidence_sentences_are_the_articles_text(seed_store):
    text = ARTICLE_TEXT.read_text(encoding="utf-8")
    rows = run(seed_store, "evidence")
    assert rows
    for row in rows:
        assert row["article"] == ARTICLE
        assert row["sentence"] == sentence(int(row["sentenceNumber"]))
        assert text[int(row["startOffset"]) : int(row["endOffset"])] == row["text"]
    assert {r["articleTitle"] for r in rows} == {
        "China says it has cracked down on fentanyl and condemns Trump's tariffs"
    }


def test_evidence_for_one_fact(seed_store):
    rows = run(seed_store, "evidence", fact=ox.NamedNode(in_article("event", "march-12-briefing")))
    assert [(r["sentenceNumber"], r["text"][:28]) for r in rows] == [
        ("2", "Officials from China’s Forei"),
        ("12", "Chinese officials handed out"),
    ]
    (f17,) = run(seed_store, "evidence", fact=ox.NamedNode(st("beijing-says-no-detailed-steps")))
    assert f17["sentenceNumber"] == "7"
    assert f17["text"].startswith("Beijing said Washington has not outlined")


# ---------------------------------------------------------------------------
# 9. Links
# ---------------------------------------------------------------------------

WIKIDATA_LINKS = {
    ("country/china", "sameAs", "Q148"),
    ("country/united-states", "sameAs", "Q30"),
    ("country/mexico", "sameAs", "Q96"),
    ("person/donald-trump", "sameAs", "Q22686"),
    ("person/joe-biden", "sameAs", "Q6279"),
    ("place/beijing", "sameAs", "Q956"),
    ("place/washington-dc", "sameAs", "Q61"),
    ("government-body/united-states-congress", "sameAs", "Q11268"),
    ("substance/fentanyl", "exactMatch", "Q407541"),
    ("organization/bloomberg-lp", "exactMatch", "Q14270642"),
    ("administration/second-trump-administration", "related", "Q35525"),
}


def test_links_to_wikidata(seed_store):
    rows = run(seed_store, "links")
    wikidata = {
        (
            r["entity"].removeprefix(f"{BASE}id/"),
            r["relation"].rsplit("#", 1)[1],
            r["external"].removeprefix(WD),
        )
        for r in rows
        if r["dataset"] == "Wikidata"
    }
    assert wikidata == WIKIDATA_LINKS
    externals = {r["external"] for r in rows}
    for wrong in ("Q185078", "Q166032", "Q35731"):
        assert WD + wrong not in externals
    # the PRC government is neither the country nor the city
    assert not any(r["entity"] == PRC_GOVERNMENT for r in rows)


def test_links_for_china(seed_store):
    rows = run(seed_store, "links", entity=ox.NamedNode(CHINA))
    assert {(r["relation"], r["external"]) for r in rows} == {
        (OWL_SAME_AS, f"{WD}Q148"),
        (OWL_SAME_AS, f"{DBR}China"),
    }


def test_links_include_dbpedia_only_identifications(seed_store):
    rows = run(seed_store, "links")
    dbpedia = {
        (r["entity"], r["relation"], r["external"]) for r in rows if r["dataset"] == "DBpedia"
    }
    assert (BLOOMBERG_NEWS, f"{SKOS}exactMatch", f"{DBR}Bloomberg_News") in dbpedia
    assert (
        TRUMP_ADMINISTRATION,
        f"{SKOS}closeMatch",
        f"{DBR}Second_presidency_of_Donald_Trump",
    ) in dbpedia
    assert all(r["external"].startswith((WD, DBR)) for r in rows)


# ---------------------------------------------------------------------------
# 10. Quotes
# ---------------------------------------------------------------------------


def test_quotes(seed_store):
    rows = run(seed_store, "quotes")
    assert [(r["quotation"], r["speaker"], r["statement"], r["sentenceNumber"]) for r in rows] == [
        ("big thank you", src("foreign-ministry-official"), st("official-big-thank-you"), "4"),
        (
            "an unusual and extraordinary threat",
            TRUMP,
            st("trump-drug-flow-unusual-and-extraordinary-threat"),
            "9",
        ),
    ]
    assert [r["madeIn"] for r in rows] == [
        in_article("event", "march-12-briefing"),
        in_article("document", "executive-order"),
    ]
    assert all(r["quotation"] in r["text"] for r in rows)
    assert [r["quotation"] for r in run(seed_store, "quotes", speaker=ox.NamedNode(TRUMP))] == [
        "an unusual and extraordinary threat"
    ]


# ---------------------------------------------------------------------------
# 11. Documents
# ---------------------------------------------------------------------------


def test_documents(seed_store):
    rows = run(seed_store, "documents")
    documents = {r["document"]: r for r in rows}
    report = in_article("document", "congressional-panel-report-2021")
    white_paper = in_article("document", "white-paper")
    order = in_article("document", "executive-order")
    assert list(documents) == [report, white_paper, order]  # in date order
    assert {d: (r["kind"], r["issuer"]) for d, r in documents.items()} == {
        report: (f"{KGO}Report", in_article("organization", "congressional-panel")),
        white_paper: (f"{KGO}WhitePaper", PRC_GOVERNMENT),
        order: (f"{KGO}ExecutiveOrder", TRUMP),
    }
    assert (documents[report]["value"], documents[report]["precision"]) == (
        "2021",
        precision("year"),
    )
    assert documents[white_paper]["value"] == "2025-03"
    assert "efforts to control fentanyl" in documents[white_paper]["description"]
    assert (documents[order]["notBefore"], documents[order]["notAfter"]) == (
        "2025-03-03",
        "2025-03-09",
    )
    claims = {(r["document"], r.get("statement")) for r in rows}
    assert claims == {
        (report, st("panel-china-primary-origin")),
        (white_paper, None),
        (order, st("trump-beijing-did-too-little")),
        (order, st("trump-drug-flow-unusual-and-extraordinary-threat")),
    }
    # the stored copy's Bloomberg original is provenance, not a document the text mentions
    assert not any("bloomberg-original" in d for d in documents)
    issued_by_trump = run(seed_store, "documents", issuer=ox.NamedNode(TRUMP))
    assert {r["document"] for r in issued_by_trump} == {order}


# ---------------------------------------------------------------------------
# 12. The article's own voice
# ---------------------------------------------------------------------------


def test_article_voice_statements(seed_store):
    rows = run(seed_store, "article-voice")
    statements = {r["item"]: r for r in rows if r["kind"] == f"{KGO}Statement"}
    assert set(statements) == {
        st("us-china-at-odds"),
        st("two-largest-economies"),
        st("trump-is-us-president"),
        st("talks-stuck-at-lower-levels"),
        st("no-agreement-on-way-forward"),
        st("fentanyl-overdose-deaths"),
        st("article-hedges-alleged-flow"),
        st("article-hedges-largely-reiterated"),
    }
    hedges = {r["hedge"]: r["hedged"] for r in statements.values() if r.get("hedge")}
    assert hedges == {
        "alleged": st("trump-drug-flow-unusual-and-extraordinary-threat"),
        "largely": st("officials-reiterate-commitment"),
    }
    decade = statements[st("fentanyl-overdose-deaths")]
    assert (decade["validFrom"], decade["validTo"]) == ("2015", "2025")
    numbers = [int(r["sentenceNumber"]) for r in rows]
    assert numbers == sorted(numbers)


def test_article_voice_reports_on_its_own_word(seed_store):
    rows = run(seed_store, "article-voice", article=ox.NamedNode(ARTICLE))
    items = {r["item"] for r in rows}
    assert {
        in_article("event", "march-12-briefing"),
        in_article("policy", "us-tariffs-on-china"),
        in_article("document", "executive-order"),
        in_article("event", "white-paper-handout"),
        in_article("organization", "us-china-working-group"),
        src("officials-from-foreign-and-public-security-ministries"),
    } <= items
    # what others say, and what is known only through them, is not the article's voice
    assert st("china-condemns-tariffs") not in items
    assert st("bloomberg-news-earlier-report") not in items
    assert in_article("event", "money-launderer-arrest") not in items
    assert in_article("event", "messages-to-china") not in items
    assert not any("/enrichment/" in item for item in items)
