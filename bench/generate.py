"""Write a synthetic kg project: the repository's schema and queries, shared entities, N articles.

    .venv/bin/python bench/generate.py --articles 1000 --out /tmp/corpus [--seed 1]
    .venv/bin/kg build --project /tmp/corpus

The result is a complete project directory (``kg.toml``, ``ontology/``, ``shapes/``
and ``sparql/`` copied from this repository), so every kg command works on it.
Its ``data/entities.ttl`` is the repository's entities followed by a synthetic
world: 24 fictional countries, each with a government, four ministries and their
ministers, an administration and its leader, and a news outlet; and substances
with their precursor chemicals. Articles reference different subsets of it.

Each article is written the way a curator writes the seed article, one sentence
per paragraph so that the sentence numbers are known, and uses its patterns:

- always: reported speech three levels deep (the article <- an outlet's report <-
  an unnamed source scoped to the article <- a government's assertion), with a
  bounded date; in half the articles the source's reason for anonymity;
- then one of four stories, in turn, so any four consecutive articles hold them all:
  *briefing*: an event with a day date, a verbatim quote made in it that holds
  over the past decade, and an accusation, condemnation, call or criticism;
  *order*: a tariff policy with actor, target, instrument and justification, the
  executive order with a week date, the quote it contains, the article's hedge
  "alleged", and an enrichment with an external date;
  *report*: a report with a year date and its claim, a white paper with a month
  date, its publication, and its handout to reporters (a group, the recipient);
  *actions*: a rejection of the reported assertion, a drug scheduling and export
  control and a meeting series (with a start date) known only through another
  government's statement dated by month, and a trailing credit line.

Every article's ``mentions.txt`` names the two governments of its first sentence by
their countries' names (metonymy, as in the seed). Of the real governments only
China's speaks, in a quarter of the articles (the stored queries ask about China and
fentanyl); real people and real news organisations never do, and every article says
in a note that it is synthetic.

The output depends on ``--seed`` and ``--articles`` alone (byte-identical between
runs), and article ``i`` is the same whatever ``--articles`` is, so a larger
corpus extends a smaller one. Each text is checked against kg's sentence
splitter as it is written.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))  # kg's splitter, also when kg is not installed

from kg.project.text import split_sentences  # noqa: E402

BASE = "https://kg.example.org/"
COPIED = ("kg.toml", "ontology", "shapes", "sparql")
STORIES = ("briefing", "order", "report", "actions")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip

COUNTRIES = (
    "Arvenia", "Belmora", "Calderra", "Dovania", "Estravia", "Falkmar", "Galdova", "Halvoria",
    "Istrana", "Jorvania", "Kelmoria", "Lunesia", "Marvosa", "Norvalia", "Ostrelia", "Pelorin",
    "Quenvar", "Rostava", "Sardonia", "Tervania", "Ulmoria", "Valdera", "Westmark", "Zandoria",
)  # fmt: skip
OUTLET_KINDS = ("Herald", "Times", "Daily", "Courier", "Post", "Ledger", "Tribune", "Gazette")
FIRST_NAMES = (
    "Adela", "Bastian", "Carys", "Dorian", "Elin", "Feliks", "Greta", "Hadrian", "Ilse", "Jonas",
    "Katya", "Lorenz", "Mira", "Nikolai", "Odile", "Pavel", "Renata", "Stellan", "Tamsin",
    "Ulric", "Vesna", "Wendel", "Yara", "Zoltan",
)  # fmt: skip
LAST_NAMES = (
    "Albescu", "Brandt", "Corvin", "Dragan", "Ekholm", "Falk", "Grasso", "Halloran", "Ivanek",
    "Jansky", "Kestrel", "Lindqvist", "Moravec", "Novak", "Orsini", "Petrakis", "Quist",
    "Roswell", "Strand", "Tamaro", "Ulvaeus", "Varga", "Wexley", "Zeller",
)  # fmt: skip
MINISTRIES = (  # (slug, name in prose, full name)
    ("foreign-affairs", "Foreign Ministry", "Ministry of Foreign Affairs"),
    ("public-security", "Ministry of Public Security", "Ministry of Public Security"),
    ("commerce", "Commerce Ministry", "Ministry of Commerce"),
    ("health", "Health Ministry", "Ministry of Health"),
)
SUBSTANCES = ("carfentanil", "xylazine", "nitazenes", "methamphetamine", "tramadol", "captagon",
              "ketamine", "synthetic cannabinoids")  # fmt: skip

# Wording. {A}: the country whose government speaks; {B}: the other country; {L}: the
# surname of B's leader; {S}: the substance. Sentences and claims are built from the
# same values, so quotes and descriptors are always exact substrings of their sentence.
SOURCES = (  # (descriptor, grammatical number)
    ("people familiar with the issue", "plural"),
    ("people familiar with the talks", "plural"),
    ("people with knowledge of the matter", "plural"),
    ("officials briefed on the discussions", "plural"),
    ("a person familiar with the matter", "singular"),
    ("a senior official who took part in the talks", "singular"),
)
ANONYMITY = ", speaking on condition of anonymity because the talks are private"
INNER_CLAIMS = (  # (what A said B has done, the claim)
    ("has not outlined the steps it expects from {A} on {S} in order to have the tariffs lifted",
     "the {B} administration has not outlined the steps it expects from {A} on {S}"),
    ("has ignored repeated offers of cooperation on {S}",
     "the {B} administration has ignored repeated offers of cooperation on {S}"),
    ("has not shared its evidence on the flow of {S}",
     "the {B} administration has not shared its evidence on the flow of {S}"),
)  # fmt: skip
BRIEFING_QUOTES = (  # (stance, quotation, claim)
    ("assert", "achieved real success", "{A} has achieved real success against {S}."),
    ("assert", "done all it can", "{A} has done all it can against {S}."),
    ("reaffirm", "never wavered", "{A} has never wavered in the fight against {S}."),
    ("reaffirm", "acted forcefully and consistently",
     "{A} has acted forcefully and consistently against {S}."),
)  # fmt: skip
RESPONSES = (  # (stance, sentence, claim)
    ("accuse",
     "{A} in turn accused the {L} administration of using the {S} issue as a pretext to raise "
     "tariffs.",
     "The {L} administration is using the {S} issue as a pretext to raise tariffs."),
    ("condemn",
     "{A} also condemned the tariffs the {L} administration has imposed on its exports.",
     "The tariffs the {L} administration has imposed on {A}’s exports deserve condemnation."),
    ("call-for",
     "{A} also called on the {L} administration to return to dialogue on {S}.",
     "The {L} administration should return to dialogue with {A} on {S}."),
    ("criticize",
     "{A} also criticized the {L} administration for failing to curb demand for {S} at home.",
     "The {L} administration has failed to curb demand for {S} in {B}."),
)  # fmt: skip
THREATS = ("an unusual and extraordinary threat", "a grave danger to our people",
           "a crisis that cannot wait")  # fmt: skip
TITLES = (
    "{A} and {B} at odds over {S}",
    "{B} raises tariffs on {A} over {S}",
    "Report names {A} as a source of illicit {S}",
    "{B} rejects {A}’s claims on {S}",
)

PREFIXES = "".join(
    f"@prefix {name}: <{iri}> .\n"
    for name, iri in (
        ("kgo", f"{BASE}ontology/"),
        ("stance", f"{BASE}ontology/stance/"),
        ("eventtype", f"{BASE}ontology/event-type/"),
        ("precision", f"{BASE}ontology/precision/"),
        ("basis", f"{BASE}ontology/basis/"),
        ("article", f"{BASE}id/article/"),
        ("country", f"{BASE}id/country/"),
        ("person", f"{BASE}id/person/"),
        ("government", f"{BASE}id/government/"),
        ("body", f"{BASE}id/government-body/"),
        ("administration", f"{BASE}id/administration/"),
        ("organization", f"{BASE}id/organization/"),
        ("substance", f"{BASE}id/substance/"),
        ("topic", f"{BASE}id/topic/"),
        ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
        ("xsd", "http://www.w3.org/2001/XMLSchema#"),
        ("skos", "http://www.w3.org/2004/02/skos/core#"),
        ("dcterms", "http://purl.org/dc/terms/"),
        ("prov", "http://www.w3.org/ns/prov#"),
        ("schema", "https://schema.org/"),
        ("org", "http://www.w3.org/ns/org#"),
        ("oa", "http://www.w3.org/ns/oa#"),
    )
)
ARTICLE_PREFIXES = (("art", ""), ("st", "statement/"), ("ev", "event/"), ("pol", "policy/"),
                    ("doc", "document/"), ("src", "source/"), ("enr", "enrichment/"),
                    ("grp", "group/"))  # fmt: skip


# ---------------------------------------------------------------------------
# The synthetic world: shared entities
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Agent:
    iri: str  # a prefixed name, ready for Turtle
    name: str


@dataclass(frozen=True, slots=True)
class Country:
    name: str
    iri: str
    government: str
    ministries: dict[str, Agent]  # by slug; name is the name in prose
    ministers: dict[str, Agent]  # by ministry slug (none for China: no real people speak)
    administration: str
    leader: Agent
    outlet: Agent

    @property
    def surname(self) -> str:
        return self.leader.name.split()[-1]


@dataclass(frozen=True, slots=True)
class Substance:
    iri: str
    name: str
    precursors: str


@dataclass(frozen=True, slots=True)
class World:
    china: Country
    others: tuple[Country, ...]
    fentanyl: Substance
    substances: tuple[Substance, ...]


def slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def make_world(seed: int) -> World:
    """Fictional countries with their institutions, people and outlets; substances."""
    rng = random.Random(f"kg-bench-world:{seed}")
    names = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(names)
    people = (Agent(f"person:{slug(n)}", n) for n in names)
    others = []
    for name in COUNTRIES:
        s = slug(name)
        leader = next(people)
        outlet = f"{name} {rng.choice(OUTLET_KINDS)}"
        others.append(
            Country(
                name=name,
                iri=f"country:{s}",
                government=f"government:{s}",
                ministries={m: Agent(f"body:{s}-ministry-of-{m}", n) for m, n, _ in MINISTRIES},
                ministers={m: next(people) for m, _, _ in MINISTRIES},
                administration=f"administration:{s}-{slug(leader.name)}",
                leader=leader,
                outlet=Agent(f"organization:{slug(outlet)}", outlet),
            )
        )
    nobody = Agent("", "")
    china = Country(
        name="China",
        iri="country:china",
        government="government:china",
        ministries={
            "foreign-affairs": Agent("body:prc-ministry-of-foreign-affairs", "Foreign Ministry"),
            "public-security": Agent(
                "body:prc-ministry-of-public-security", "Ministry of Public Security"
            ),
        },
        ministers={},
        administration="",
        leader=nobody,
        outlet=nobody,
    )
    substances = tuple(
        Substance(f"substance:{slug(n)}", n, f"substance:{slug(n)}-precursors") for n in SUBSTANCES
    )
    fentanyl = Substance("substance:fentanyl", "fentanyl", "substance:fentanyl-precursors")
    return World(china, tuple(others), fentanyl, substances)


def entities_turtle(world: World) -> Iterator[str]:
    """The synthetic entities, in the vocabulary of the repository's own."""
    yield "\n# Synthetic entities written by bench/generate.py: fictional, no external links.\n\n"
    yield PREFIXES
    for c in world.others:
        yield f'\n{c.iri} a kgo:Country ;\n    rdfs:label "{c.name}"@en .\n'
        yield entity(c.government, "kgo:GovernmentBody", f"Government of {c.name}", c.iri)
        for m, _, full in MINISTRIES:
            ministry, minister = c.ministries[m].iri, c.ministers[m]
            yield entity(ministry, "kgo:GovernmentBody", f"{full} of {c.name}", c.iri,
                         f"org:subOrganizationOf {c.government}")  # fmt: skip
            yield entity(minister.iri, "kgo:Person", minister.name, c.iri,
                         f"org:memberOf {ministry}")  # fmt: skip
        yield entity(c.leader.iri, "kgo:Person", c.leader.name, c.iri)
        label = f"{c.surname} administration ({c.name})"
        yield entity(c.administration, "kgo:Administration", label, c.iri)
        yield entity(c.outlet.iri, "kgo:Organization", c.outlet.name, c.iri)
    for s in world.substances:
        yield f'\n{s.iri} a kgo:Substance ;\n    rdfs:label "{s.name}"@en .\n'
        yield (f'{s.precursors} a kgo:Substance ;\n    rdfs:label "{s.name} precursor chemicals"@en'
               f" ;\n    skos:related {s.iri} .\n")  # fmt: skip


def entity(iri: str, kind: str, label: str, country: str, *more: str) -> str:
    lines = [f"{iri} a {kind} ;", f"    rdfs:label {literal(label)}@en ;"]
    lines += [f"    {line} ;" for line in more]
    return "\n".join([*lines, f"    kgo:country {country} .\n"])


# ---------------------------------------------------------------------------
# Articles
# ---------------------------------------------------------------------------


def literal(text: str) -> str:
    """A Turtle string literal (the generator's own strings never need more than this)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def day_text(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.day}"


def month_text(year: int, month: int) -> str:
    return f"{MONTHS[month - 1]} {year}"


def months_before(year: int, month: int, count: int) -> tuple[int, int]:
    index = year * 12 + month - 1 - count
    return index // 12, index % 12 + 1


def date_node(precision: str, basis: str, *, value: str = "", datatype: str = "date",
              not_before: str = "", not_after: str = "", text: str = "") -> str:  # fmt: skip
    """A date node: a value or bounds, a precision and a basis, and the words if any."""
    parts = [f'kgo:{name} "{term}"^^xsd:{datatype}'
             for name, term in (("dateValue", value), ("notBefore", not_before),
                                ("notAfter", not_after)) if term]  # fmt: skip
    parts += [f"kgo:precision precision:{precision}", f"kgo:basis basis:{basis}"]
    if text:
        parts.append(f"kgo:text {literal(text)}")
    return "[ " + " ; ".join(parts) + " ]"


def capitalized(text: str) -> str:
    return text[0].upper() + text[1:]


class Article:
    """One synthetic article: its sentences and the Turtle of what it reports."""

    def __init__(self, world: World, seed: int, number: int) -> None:
        self.rng = rng = random.Random(f"kg-bench-article:{seed}:{number}")
        self.story = number % len(STORIES)
        # China speaks in every fourth block of four articles (one of each story), about
        # fentanyl in the first block of every 32, so that even a small corpus answers the
        # stored questions about China and fentanyl; elsewhere fentanyl a quarter of the time
        china = number // 4 % 4 == 0
        self.a = world.china if china else rng.choice(world.others)
        self.b = rng.choice([c for c in world.others if c is not self.a])
        fentanyl = rng.random() < 0.25 or (china and number % 32 < 4)
        self.substance = world.fentanyl if fentanyl else rng.choice(world.substances)
        self.published = date(2023, 1, 1) + timedelta(days=rng.randrange(3 * 365))
        self.publisher = rng.choice(world.others).outlet
        self.outlet = rng.choice([self.publisher, rng.choice(world.others).outlet])
        self.slug = f"{slug(self.a.name)}-{STORIES[self.story]}-{number:06d}"
        self.iri = f"article:{self.slug}"
        self.sentences: list[str] = []
        self.blocks: list[str] = []
        self.extra: list[str] = []  # more lines on the article itself
        self.mentions: list[str] = []  # lines of mentions.txt

    def fmt(self, template: str, **more: str) -> str:
        return template.format(A=self.a.name, B=self.b.name, L=self.b.surname,
                               S=self.substance.name, **more)  # fmt: skip

    def sentence(self, template: str, **more: str) -> str:
        """Add a sentence (its own paragraph); return its IRI as a prefixed name."""
        self.sentences.append(self.fmt(template, **more))
        return f"art:s{len(self.sentences)}"

    def resource(self, name: str, kind: str, label: str, *lines: str, evidence: str,
                 according_to: str | None = "article") -> None:  # fmt: skip
        """Describe ``name``; ``according_to`` "article" is the article's own voice."""
        body = [f"{name}\n    a {kind} ;", f"    rdfs:label {literal(label)}@en ;"]
        body += [f"    {line} ;" for line in lines]
        body += [f"    kgo:evidence {evidence} ;", f"    kgo:inArticle {self.iri}"]
        if according_to:
            source = self.iri if according_to == "article" else according_to
            body[-1] += f" ;\n    kgo:accordingTo {source}"
        self.blocks.append("\n".join(body) + " .")

    def statement(self, name: str, label: str, speaker: str, stance: str, claim: str,
                  *lines: str, evidence: str, according_to: str = "article") -> None:  # fmt: skip
        self.resource(name, "kgo:Statement", label, f"kgo:speaker {speaker}",
                      f"kgo:stance stance:{stance}", f"kgo:claim {literal(claim)}@en", *lines,
                      evidence=evidence, according_to=according_to)  # fmt: skip

    # -- the patterns -------------------------------------------------------

    def chain(self) -> None:
        """Reported speech: the article <- an outlet <- an unnamed source <- a government."""
        rng, a, b = self.rng, self.a, self.b
        descriptor, number = rng.choice(SOURCES)
        anonymous = rng.random() < 0.5
        said, claim = (self.fmt(t) for t in rng.choice(INNER_CLAIMS))
        s = self.sentence("{A} said {B} {said}, {outlet} reported, citing {who}{why}.", said=said,
                          outlet=self.outlet.name, who=descriptor,
                          why=ANONYMITY if anonymous else "")  # fmt: skip
        why = ['kgo:anonymityReason "The talks are private."@en'] if anonymous else []
        n = s.rsplit(":s", 1)[1]  # "A said B …": the governments, named by their countries
        self.mentions += [f'{"s" + n:4} "{a.name}"  {a.government}  names {a.iri}',
                          f'{"s" + n:4} "{b.name}"  {b.administration}  names {b.iri}']  # fmt: skip
        self.resource("src:relay", "kgo:UnnamedSource", f"{descriptor} (unnamed)",
                      f"kgo:text {literal(descriptor)}", f"kgo:grammaticalNumber {literal(number)}",
                      *why, evidence=s)  # fmt: skip
        bounded = date_node("bounded", "relative", not_after=self.published.isoformat())
        self.statement("st:government-claim", f"{a.name} says {claim}", a.government, "assert",
                       capitalized(claim) + ".", f"kgo:target {b.administration}",
                       f"kgo:date {bounded}", evidence=s,
                       according_to="st:source-relay")  # fmt: skip
        verb = "relay" if number == "plural" else "relays"
        self.statement("st:source-relay", f"{capitalized(descriptor)} {verb} {a.name}’s claim",
                       "src:relay", "report", f"{a.name} said that {claim}.", evidence=s,
                       according_to="st:outlet-report")  # fmt: skip
        self.statement("st:outlet-report", f"{self.outlet.name} reports {a.name}’s claim",
                       self.outlet.iri, "report",
                       f"{capitalized(descriptor)} said that {a.name} said that {claim}.",
                       evidence=s)  # fmt: skip

    def briefing(self) -> None:
        """A briefing with a day date, a quote made in it, and a response with a stance."""
        rng, a, b = self.rng, self.a, self.b
        ministry = rng.choice(sorted(a.ministries))
        body = a.ministries[ministry]
        day = max(self.published - timedelta(days=rng.randint(0, 3)),
                  date(self.published.year, 1, 1))  # fmt: skip
        if a.ministers:
            speaker = a.ministers[ministry]
            who = f"{speaker.name}, who heads {a.name}’s {body.name},"
        else:
            speaker, who = body, f"{a.name}’s {body.name}"
        stance, quote, claim = rng.choice(BRIEFING_QUOTES)
        s1 = self.sentence("{who} said at a briefing on {day} that {A} had “{quote}” in the fight "
                           "against {S} over the past decade.", who=who, day=day_text(day),
                           quote=quote)  # fmt: skip
        on_day = date_node("day", "year-inferred", value=day.isoformat(), text=day_text(day))
        self.resource("ev:briefing", "kgo:Event",
                      f"Briefing by {a.name}’s {body.name}, {day.isoformat()}",
                      "kgo:eventType eventtype:press-briefing", f"kgo:actor {body.iri}",
                      f"kgo:date {on_day}", evidence=s1)  # fmt: skip
        decade = date_node("decade", "relative", datatype="gYear", text="over the past decade",
                           not_before=str(day.year - 10), not_after=str(day.year))  # fmt: skip
        self.statement("st:briefing-quote", self.fmt("{A} says it has “{q}” against {S}", q=quote),
                       speaker.iri, stance, self.fmt(claim), f"kgo:quotation {literal(quote)}",
                       f"dcterms:subject {self.substance.iri}", "kgo:madeIn ev:briefing",
                       f"kgo:date {on_day}", f"kgo:validTime {decade}",
                       evidence=s1)  # fmt: skip
        stance, text, claim = rng.choice(RESPONSES)
        s2 = self.sentence(text)
        since = date_node("bounded", "relative", not_before=day.isoformat(),
                          not_after=self.published.isoformat())  # fmt: skip
        self.statement("st:response", f"{a.name}: {self.fmt(claim)[:-1]}", a.government, stance,
                       self.fmt(claim), f"kgo:target {b.administration}", f"kgo:date {since}",
                       evidence=s2)  # fmt: skip

    def order(self) -> None:
        """A tariff policy with its instrument and justification; a hedge; an enrichment."""
        rng, a, b = self.rng, self.a, self.b
        threat = rng.choice(THREATS)
        monday = self.published - timedelta(days=self.published.weekday() + 7)
        s = self.sentence("In an executive order raising tariffs on {A} last week, {B}’s leader "
                          "{leader} said {A} had done too little to stop the alleged flow of {S} "
                          "and called it “{threat}”.", leader=b.leader.name,
                          threat=threat)  # fmt: skip
        week = date_node("week", "relative", not_before=monday.isoformat(),
                         not_after=(monday + timedelta(days=6)).isoformat(),
                         text="last week")  # fmt: skip
        label = f"Executive order raising {b.name}’s tariffs on {a.name}, week of {monday}"
        self.resource("doc:executive-order", "kgo:ExecutiveOrder", label,
                      f"dcterms:creator {b.leader.iri}", "dcterms:subject topic:tariff",
                      f"kgo:date {week}", evidence=s)  # fmt: skip
        self.resource("pol:tariffs", "kgo:TariffMeasure",
                      f"{b.name}’s tariffs on imports from {a.name}",
                      f"kgo:actor {b.leader.iri}", f"kgo:target {a.iri}",
                      "kgo:instrument doc:executive-order", "kgo:justifiedBy st:order-quote",
                      evidence=s)  # fmt: skip
        self.statement("st:order-quote", self.fmt("{who} calls the flow of {S} “{t}”",
                                                  who=b.leader.name, t=threat),
                       b.leader.iri, "criticize",
                       self.fmt("{A} has done too little to stop the flow of {S} into {B}, "
                                "which is {t}.", t=threat),
                       f"kgo:target {a.government}", f"kgo:quotation {literal(threat)}",
                       "kgo:madeIn doc:executive-order", evidence=s)  # fmt: skip
        self.statement("st:hedge-alleged", self.fmt("The article calls the flow of {S} “alleged”"),
                       self.iri, "qualify",
                       self.fmt("The flow of {S} that the order describes is only alleged."),
                       "kgo:target st:order-quote", 'kgo:text "alleged"',
                       evidence=s)  # fmt: skip
        signed = monday + timedelta(days=rng.randint(0, 4))
        number = 10000 + rng.randrange(90000)
        body = (f"Executive Order {number} of {b.name}, signed {signed.isoformat()}, raising the "
                f"duty on goods from {a.name}.")  # fmt: skip
        self.resource("enr:executive-order-identified", "kgo:Enrichment",
                      f"The executive order is {b.name}’s Executive Order {number}",
                      "oa:motivatedBy oa:identifying", "oa:hasTarget doc:executive-order",
                      f"oa:bodyValue {literal(body)}",
                      f"dcterms:source {literal(f'{b.name} official gazette, no. {number}')}",
                      f"kgo:date {date_node('day', 'external', value=signed.isoformat())}",
                      evidence=s, according_to=None)  # fmt: skip

    def report(self) -> None:
        """A report (year date) and its claim; a white paper (month date) and its publication."""
        rng, a, b = self.rng, self.a, self.b
        health = b.ministries["health"].iri
        year = str(self.published.year - rng.randint(1, 4))
        s1 = self.sentence("A {year} report by {B}’s Health Ministry said {A} was the primary "
                           "country of origin for illicit {S} trafficked into {B}.",
                           year=year)  # fmt: skip
        stated = date_node("year", "stated", value=year, datatype="gYear", text=year)
        self.resource("doc:report", "kgo:Report",
                      self.fmt("{year} report by {B}’s Health Ministry on illicit {S}", year=year),
                      f"dcterms:creator {health}", f"dcterms:subject {self.substance.iri}",
                      f"kgo:date {stated}", evidence=s1)  # fmt: skip
        self.statement("st:report-origin",
                       self.fmt("Report says {A} was the primary origin of illicit {S}"), health,
                       "assert",
                       self.fmt("{A} was the primary country of origin for illicit {S} "
                                "trafficked into {B}."),
                       f"kgo:target {a.iri}", "kgo:madeIn doc:report", f"kgo:date {stated}",
                       evidence=s1)  # fmt: skip
        month = rng.randint(1, self.published.month)
        s2 = self.sentence("{A} issued a white paper in {month} outlining its efforts to control "
                           "{S} and related substances.", month=MONTHS[month - 1])  # fmt: skip
        in_month = date_node("month", "year-inferred", value=f"{self.published.year}-{month:02d}",
                             datatype="gYearMonth", text=f"in {MONTHS[month - 1]}")  # fmt: skip
        description = literal(self.fmt("Outlines the efforts of {A} to control {S}."))
        self.resource("doc:white-paper", "kgo:WhitePaper",
                      self.fmt("{A}’s white paper on controlling {S}, {m}",
                               m=month_text(self.published.year, month)),
                      f"dcterms:creator {a.government}",
                      f"dcterms:description {description}@en",
                      f"dcterms:subject {self.substance.iri}", f"kgo:date {in_month}",
                      evidence=s2)  # fmt: skip
        self.resource("ev:white-paper-publication", "kgo:Event",
                      self.fmt("{A} issues a white paper on {S}"),
                      "kgo:eventType eventtype:publication", f"kgo:actor {a.government}",
                      "prov:generated doc:white-paper", evidence=s2)  # fmt: skip
        s3 = self.sentence("{A}’s officials handed out copies of the document to reporters.")
        self.resource("grp:reporters", "kgo:Group", "reporters (unnamed)",
                      'kgo:text "reporters"', evidence=s3)  # fmt: skip
        self.resource("ev:white-paper-handout", "kgo:Event",
                      self.fmt("{A}’s officials hand out the white paper to reporters"),
                      "kgo:eventType eventtype:distribution", f"kgo:actor {a.government}",
                      "prov:used doc:white-paper", "schema:recipient grp:reporters",
                      evidence=s3)  # fmt: skip

    def actions(self) -> None:
        """A rejection; a policy and meetings known through a statement; a credit line."""
        rng, a, b = self.rng, self.a, self.b
        s1 = self.sentence("The {L} administration rejected that assertion, saying it had "
                           "repeatedly raised the issue with {A}.")  # fmt: skip
        self.statement("st:rejection", self.fmt("The {L} administration rejects {A}’s assertion"),
                       b.administration, "reject",
                       self.fmt("It is not true that the {B} administration failed to tell {A} "
                                "what it expects."),
                       "kgo:target st:government-claim", evidence=s1)  # fmt: skip
        said = months_before(self.published.year, self.published.month, rng.randint(2, 14))
        began = months_before(*said, rng.randint(6, 18))
        s2 = self.sentence("As part of a working group that has met regularly since {began}, {A} "
                           "scheduled more precursor chemicals to better control exports, {B}’s "
                           "government said in {said}.", began=month_text(*began),
                           said=month_text(*said))  # fmt: skip
        credit = self.publisher.name.split()[-1].upper()
        self.extra += [f"schema:creditText {literal(credit)}",
                       f"kgo:evidence {self.sentence(credit)}"]  # fmt: skip
        in_month = date_node("month", "stated", value="{}-{:02d}".format(*said),
                             datatype="gYearMonth", text=month_text(*said))  # fmt: skip
        self.statement("st:actions",
                       self.fmt("{B}’s government says {A} scheduled more precursor chemicals"),
                       b.government, "assert",
                       self.fmt("As part of the working-group cooperation, {A} scheduled more {S} "
                                "precursor chemicals to better control exports."),
                       f"kgo:target {a.government}", f"dcterms:subject {self.substance.iri}",
                       f"kgo:date {in_month}", evidence=s2)  # fmt: skip
        since = date_node("month", "stated", value="{}-{:02d}".format(*began),
                          datatype="gYearMonth", text=month_text(*began))  # fmt: skip
        self.resource("ev:working-group-meetings", "kgo:Event",
                      self.fmt("Regular meetings of the {A}–{B} working group on {S}"),
                      "kgo:eventType eventtype:meeting-series",
                      f"kgo:actor {a.government}, {b.government}", f"kgo:startDate {since}",
                      evidence=s2, according_to="st:actions")  # fmt: skip
        before = date_node("bounded", "relative", datatype="gYearMonth",
                           not_after="{}-{:02d}".format(*said))  # fmt: skip
        self.resource("pol:precursor-scheduling", "kgo:DrugScheduling, kgo:ExportControl",
                      self.fmt("{A} schedules more {S} precursor chemicals"),
                      f"kgo:actor {a.government}", f"kgo:target {self.substance.precursors}",
                      f"dcterms:subject {self.substance.iri}",
                      "dcterms:isPartOf ev:working-group-meetings", f"kgo:date {before}",
                      evidence=s2, according_to="st:actions")  # fmt: skip

    # -- output -------------------------------------------------------------

    def write(self) -> tuple[str, str, str]:
        """The article's ``text.txt``, ``graph.ttl`` and ``mentions.txt``."""
        self.chain()
        getattr(self, STORIES[self.story])()
        text = "\n\n".join(self.sentences) + "\n"
        found = [s.text for s in split_sentences(text)]
        if found != self.sentences:  # the splitter reads a template otherwise: a generator bug
            raise AssertionError(f"{self.slug}: kg splits the text as {found}")
        title = literal(self.fmt(TITLES[self.story]))
        lines = [
            *(f"@prefix {p}: <{BASE}id/article/{self.slug}/{path}> ." for p, path in
              ARTICLE_PREFIXES),
            "",
            f"{self.iri}\n    a kgo:NewsArticle ;",
            f"    rdfs:label {title}@en ;\n    dcterms:title {title}@en ;",
            f"    dcterms:publisher {self.publisher.iri} ;",
            f"    dcterms:creator {self.publisher.iri} ;",
            f'    dcterms:issued "{self.published.isoformat()}"^^xsd:date ;',
            *(f"    {line} ;" for line in self.extra),
            '    skos:editorialNote "Synthetic article written by bench/generate.py for '
            'benchmarks; not a real story."@en .',
        ]  # fmt: skip
        graph = PREFIXES + "\n".join(lines) + "\n\n" + "\n\n".join(self.blocks) + "\n"
        return text, graph, "\n".join(self.mentions) + "\n"


# ---------------------------------------------------------------------------
# The project directory
# ---------------------------------------------------------------------------


def generate(out: Path, articles: int, *, seed: int = 1, source: Path = REPO) -> None:
    """Write the project into ``out`` (created if needed); ``out/data`` must not exist."""
    data = out / "data"
    if data.exists():
        raise FileExistsError(f"{data} exists (pass --force to replace it)")
    out.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        origin, target = source / name, out / name
        if origin.is_dir():
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(origin, target)
        else:
            shutil.copyfile(origin, target)
    world = make_world(seed)
    (data / "articles").mkdir(parents=True)
    with (data / "entities.ttl").open("w", encoding="utf-8", newline="\n") as entities:
        entities.write((source / "data" / "entities.ttl").read_text(encoding="utf-8"))
        entities.writelines(entities_turtle(world))
    for number in range(articles):
        article = Article(world, seed, number)
        text, graph, mentions = article.write()
        folder = data / "articles" / article.slug
        folder.mkdir()
        (folder / "text.txt").write_text(text, encoding="utf-8", newline="\n")
        (folder / "graph.ttl").write_text(graph, encoding="utf-8", newline="\n")
        (folder / "mentions.txt").write_text(mentions, encoding="utf-8", newline="\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write a synthetic kg project (see the module docstring)."
    )
    parser.add_argument("--articles", type=int, required=True, metavar="N", help="how many")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="where to write")
    parser.add_argument("--seed", type=int, default=1, help="same seed, same bytes (default 1)")
    parser.add_argument("--force", action="store_true", help="replace an existing DIR/data")
    args = parser.parse_args(argv)
    if args.articles < 0:
        parser.error("--articles must be 0 or more")
    if args.force:
        shutil.rmtree(args.out / "data", ignore_errors=True)
    started = time.perf_counter()
    try:
        generate(args.out, args.articles, seed=args.seed)
    except FileExistsError as exc:
        parser.error(str(exc))
    elapsed = time.perf_counter() - started
    print(f"wrote {args.articles} articles to {args.out} in {elapsed:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
