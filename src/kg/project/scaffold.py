"""A new article's folder: its source text and a ``graph.ttl`` that builds as it is.

``kg article new`` is a curator's first step. The skeleton holds what the shapes
require of a ``kgo:NewsArticle`` (type, label and title, one publisher, a creator,
the issued date), with placeholder values that validate and are marked as such;
the text's sentences numbered as the build numbers them, as comments, so that
``kgo:evidence art:s3`` can be written at once; and one example statement,
commented out, that validates when its ``# `` marks are removed.

The folder is written whole or not at all: into a temporary folder beside
``data/articles/`` (the build would refuse a stray folder inside it), then renamed.
"""

from __future__ import annotations

import os
import re
import shutil
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from kg import namespaces
from kg.errors import KgError, UsageError
from kg.project.directory import (
    ARTICLE_GRAPH,
    ARTICLE_MENTIONS,
    ARTICLE_TEXT,
    ARTICLES_DIR,
    ENTITIES_FILE,
    SLUG,
)
from kg.project.sources import parse_turtle
from kg.project.text import Sentence, split_sentences

DEFAULT_PUBLISHER = "organization:bloomberg-news"
"""The seed's publisher; a project with others passes ``--publisher``."""
TITLE_LENGTH = 100  # characters of the first sentence a placeholder title keeps

# The seed article's own prefixes: each kind of article-scoped resource (docs/modelling.md).
ARTICLE_KINDS = {"st": "statement", "ev": "event", "pol": "policy", "doc": "document",
                 "src": "source", "artorg": "organization", "artperson": "person",
                 "artgroup": "group", "enr": "enrichment"}  # fmt: skip
CONCEPTS = {"stance": "stance", "eventtype": "event-type", "precision": "precision",
            "basis": "basis"}  # fmt: skip
ENTITY_KINDS = ("country", "person", "government", "body", "administration", "organization",
                "place", "substance", "topic")  # fmt: skip
STANDARD = ("rdfs", "xsd", "skos", "dcterms", "prov", "schema", "org", "sem", "oa")


ARTICLE_NEW_EPILOG = """\
graph.ttl holds what the shapes require of a kgo:NewsArticle, with the values that are
guesses marked PLACEHOLDER (the title is the first sentence); the text's sentences as
`kg build` numbers them, as comments (# s3: ...), for kgo:evidence art:s3; and one
example kgo:Statement, commented out, that validates once its "# " marks are removed.
Nothing is written when the folder exists, the slug is not lower-case-hyphenated, or the
text is missing, empty or not UTF-8 (exit 2).

example:
  kg article new us-tariffs-talks --text ~/copy.txt --issued 2025-03-14 && kg build
"""

MENTIONS_HEADER = """\
# Which words of text.txt name which entity, one mention per line; the build turns
# them into Web Annotations (docs/modelling.md, Mentions). Entities are written
# with the prefixes of graph.ttl; a file of comments only has no mentions.
#
#   sN "exact words"[@K] entity [names what the words literally name]
#
# e.g.   s1  "Beijing"  government:china  names place:beijing
"""


def article_prefixes(base_iri: str, slug: str) -> dict[str, str]:
    """The prefixes of an article's graph.ttl, as the seed article declares them."""
    vocabulary = namespaces.ontology_namespace(base_iri)
    article = namespaces.article_iri(base_iri, slug)
    names = {"kgo": vocabulary}
    names |= {name: f"{vocabulary}{path}/" for name, path in CONCEPTS.items()}
    names |= {"article": f"{base_iri}id/article/", "art": f"{article}/"}
    names |= {name: f"{article}/{kind}/" for name, kind in ARTICLE_KINDS.items()}
    entity = {"body": "government-body"}
    names |= {name: f"{base_iri}id/{entity.get(name, name)}/" for name in ENTITY_KINDS}
    return names | {name: namespaces.STANDARD_PREFIXES[name] for name in STANDARD}


def new_article(
    root: Path,
    slug: str,
    text: bytes,
    *,
    base_iri: str,
    issued: date | None = None,
    publisher: str = DEFAULT_PUBLISHER,
    today: date | None = None,
    text_from: str = "the text",
) -> Path:
    """Write ``data/articles/{slug}/`` with ``text`` (kept byte for byte) and its skeleton.

    ``publisher`` is an IRI or a prefixed name (``organization:…``) that the shared
    entities describe; ``text_from`` names the text in messages. Refuses, writing
    nothing, an existing folder, a name that is not a slug, or a text that is empty
    or not UTF-8."""
    folder = root / ARTICLES_DIR / slug
    if not SLUG.match(slug):
        raise UsageError(
            f"{folder}: {slug!r} is not a slug",
            hint="use lower-case letters, digits and single hyphens (china-fentanyl-tariffs)",
        )
    if folder.exists():
        raise UsageError(
            f"{folder}: already exists",
            hint="choose another slug, or edit that article's files",
        )
    sentences = _sentences(text, text_from)
    prefixes = article_prefixes(base_iri, slug)
    publisher_iri = _entity(root, publisher, prefixes)
    graph = skeleton(
        slug, sentences, prefixes=prefixes, publisher=publisher_iri, issued=issued,
        today=today or date.today(),
    )  # fmt: skip
    folder.parent.mkdir(parents=True, exist_ok=True)
    temp = folder.parent.parent / f".new-article-{slug}-{os.getpid()}"  # beside articles/
    shutil.rmtree(temp, ignore_errors=True)  # left by a run that was killed
    try:
        temp.mkdir()  # with the umask's permissions, as the folder should have
        (temp / ARTICLE_TEXT).write_bytes(text)
        (temp / ARTICLE_GRAPH).write_text(graph, encoding="utf-8")
        (temp / ARTICLE_MENTIONS).write_text(MENTIONS_HEADER, encoding="utf-8")
        os.rename(temp, folder)  # refused if the folder appeared meanwhile
    except OSError as exc:
        if folder.exists():
            raise UsageError(f"{folder}: already exists", hint="choose another slug") from None
        raise UsageError(f"{folder}: cannot write: {exc}") from None
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return folder


def read_article_text(path: Path) -> bytes:
    """The bytes of the article's text file, refused with the reason when unreadable."""
    try:
        return path.read_bytes()
    except OSError as exc:
        reason = "no such file" if not path.exists() else exc.strerror or str(exc)
        raise UsageError(
            f"{path}: cannot read the article's text: {reason}",
            hint="give the text as published in a UTF-8 file: --text FILE (or - for stdin)",
        ) from None


def issued_date(text: str | None) -> date | None:
    """``--issued``, when given."""
    return None if text is None else calendar_day(text, "--issued")


def calendar_day(text: str, option: str) -> date:
    """A date as a curator writes it on the command line: YYYY-MM-DD and nothing else."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise UsageError(f"{option} {text}: not a date", hint="write it as YYYY-MM-DD (2025-03-13)")


def _sentences(text: bytes, shown: str) -> list[Sentence]:
    try:
        decoded = text.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{shown}: not UTF-8 (byte {exc.start}: {exc.reason})",
            hint="save the source text as UTF-8 and give it again",
        ) from None
    sentences = split_sentences(decoded)
    if not sentences:
        raise UsageError(
            f"{shown}: no text (empty, or only white space)",
            hint="give the article's text as published",
        )
    return sentences


def _entity(root: Path, name: str, prefixes: dict[str, str]) -> str:
    """The IRI ``name`` stands for, refused unless the shared entities describe it."""
    iri = name[1:-1] if name.startswith("<") and name.endswith(">") else name
    prefix, _, local = iri.partition(":")
    if prefix in prefixes and not local.startswith("//"):
        iri = prefixes[prefix] + local
    entities = root / ENTITIES_FILE
    hint = f"give --publisher an organization described in {ENTITIES_FILE} (IRI or organization:…)"
    if not namespaces.is_iri(iri):
        raise UsageError(f"{name!r} is not an IRI or a known prefixed name", hint=hint)
    try:
        described = entities.is_file() and any(
            t.subject == ox.NamedNode(iri) for t in parse_turtle(entities, shown_as=ENTITIES_FILE)
        )
    except KgError as exc:
        raise UsageError(f"cannot check the publisher: {exc.message}", hint=exc.hint) from None
    if not described:
        raise UsageError(f"{entities}: does not describe the publisher <{iri}>", hint=hint)
    return iri


def skeleton(
    slug: str,
    sentences: list[Sentence],
    *,
    prefixes: dict[str, str],
    publisher: str,
    issued: date | None,
    today: date,
) -> str:
    """The text of a new article's graph.ttl."""
    article = f"article:{slug}"
    title = _turtle_string(_title(sentences[0].text))
    credit = sentences[-1] if len(sentences) > 1 and sentences[-1].text.isupper() else None
    evidence = credit or sentences[0]
    source = "its credit line" if credit else "PLACEHOLDER (a credit line, a byline)"
    who = _shorten(publisher, prefixes)
    width = max(len(name) for name in prefixes) + 2
    lines = [
        "# Facts reported by the article in text.txt, for curators to fill in. Written by",
        f"# `kg article new` on {today.isoformat()}: lines marked PLACEHOLDER hold values that",
        "# validate but are guesses; replace them. How to model what the article says:",
        '# docs/modelling.md ("The article resource", then "Statements").',
        "",
        *(f"@prefix {name + ':':<{width}}<{iri}> ." for name, iri in prefixes.items()),
        "",
        _rule("The article: metadata and provenance"),
        "",
        article,
        "    a kgo:NewsArticle ;",
        "    # PLACEHOLDER: the first sentence; write a descriptive title (and say in a",
        "    # skos:editorialNote when the copy has no headline of its own)",
        f"    rdfs:label {title}@en ;",
        f"    dcterms:title {title}@en ;",
        f"    dcterms:publisher {who} ;",
        "    # who wrote it: a reporter (person:…) or the publisher, as the copy says",
        f"    dcterms:creator {who} ;",
        *(["    # PLACEHOLDER: today; the date the article was published"] if not issued else []),
        f'    dcterms:issued "{(issued or today).isoformat()}"^^xsd:date ;',
        '    dcterms:language "en" ;',
        f"    # the sentence that names the source: {source}",
        f"    kgo:evidence art:s{evidence.number} .",
        "",
        _rule("Its sentences, as `kg build` numbers them (`kg sentences " + slug + "`)"),
        "",
        *(f"# s{s.number}: {' '.join(s.text.split())}" for s in sentences),
        "",
        _rule('Statements: an example; remove the "# " before each of its lines to use it'),
        "",
        "# st:example-statement",
        "#     a kgo:Statement ;",
        '#     rdfs:label "Example: what the article asserts in its first sentence"@en ;',
        f"#     kgo:speaker {article} ;  # the article's own voice; else the agent who said it",
        "#     kgo:stance stance:assert ;",
        f"#     kgo:claim {_turtle_string(' '.join(sentences[0].text.split()))}@en ;",
        "#     kgo:evidence art:s1 ;",
        f"#     kgo:inArticle {article} ;",
        f"#     kgo:accordingTo {article} .",
    ]
    return "\n".join(lines) + "\n"


def _rule(heading: str) -> str:
    bar = "# " + "=" * 75
    return f"{bar}\n# {heading}\n{bar}"


def _title(sentence: str) -> str:
    """A placeholder title: the first sentence without a leading dash, cut at a word."""
    words = " ".join(sentence.split()).lstrip("–—-•* ")
    if len(words) <= TITLE_LENGTH:
        return words
    return words[:TITLE_LENGTH].rsplit(" ", 1)[0] + " …"


def _shorten(iri: str, prefixes: dict[str, str]) -> str:
    for name, namespace in prefixes.items():
        local = iri[len(namespace) :]
        if iri.startswith(namespace) and re.fullmatch(r"[A-Za-z0-9][\w-]*", local):
            return f"{name}:{local}"
    return f"<{iri}>"


def _turtle_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + '"'
