"""Project source files: parse them with errors that point at file:line:column, and
find the line where a node is defined so validation problems can point there too.

Files come from curators but are parsed whole, so a few cheap checks run first:
a size cap (``max_source``), a refusal of RDF/XML and JSON-LD (kg reads Turtle;
an RDF/XML DOCTYPE could declare an entity bomb that pyoxigraph expands), and a
nesting cap (pyoxigraph reads 100,000 levels, but the dumps' blank node
canonicalisation slows down steeply with long chains of blank nodes).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate
from pathlib import Path

import pyoxigraph as ox

from kg.errors import DataError, RdfSyntaxError, SourceLocation

_PREFIX_DECL = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.I | re.M)

MAX_NESTING = 64
"""Deepest nesting of ``[ ]`` and ``( )`` read in a Turtle file (docs/limits.md)."""
MAX_LINKED_BLANK_NODES = 64
"""Most blank nodes one group may link to one another in a file (docs/limits.md)."""
PARSER_TOKEN_BYTES = 16 * 1024 * 1024
"""pyoxigraph buffers a whole token (a literal, an IRI) and refuses a longer one."""

# what can hide a bracket: comments, strings, IRIs and escapes; brackets themselves last
_HIDING = rb"""
    \#[^\n]*
  | \"\"\"[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*\"\"\"
  | '''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''
  | "[^"\\\n]*(?:\\.[^"\\\n]*)*"
  | '[^'\\\n]*(?:\\.[^'\\\n]*)*'
  | <[^<>"{}|^`\\\x00-\x20]*>
  | \\.
"""
_HIDERS = re.compile(_HIDING, re.X | re.S)
_TOKENS = re.compile(_HIDING + rb"| [\[\]()]", re.X | re.S)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]()")
_STEP = {ord("["): 1, ord("("): 1, ord("]"): -1, ord(")"): -1}
# starts no Turtle file can have (an IRI holds no space; Turtle has no braces, nor "[[")
_XML = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml\s|<!DOCTYPE|<!--|<rdf:RDF\s)")
_JSON = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:\{|\[\s*[\[{])")


def parse_turtle(
    path: Path, *, shown_as: Path | None = None, max_bytes: int | None = None
) -> list[ox.Triple]:
    """Every triple of a Turtle file; a syntax error becomes ``RdfSyntaxError`` with its place."""
    location_path = shown_as or path
    raw = read_source(path, shown_as=location_path, max_bytes=max_bytes)
    _refuse_other_syntax(raw, location_path)
    _refuse_deep_nesting(raw, location_path)
    try:
        triples = [quad.triple for quad in ox.parse(raw, format=ox.RdfFormat.TURTLE)]
    except SyntaxError as exc:
        detail = exc.msg.replace("Parser error ", "").strip()
        location = SourceLocation(location_path, exc.lineno, exc.offset)
        raise RdfSyntaxError(location, detail) from None
    except MemoryError as exc:
        if "maximal size" not in str(exc):  # the machine's memory, not the parser's buffer
            raise
        raise RdfSyntaxError(
            _long_token(raw, location_path),
            f"a literal or IRI longer than {PARSER_TOKEN_BYTES // 2**20} MiB, the most the "
            "parser reads; put long content in a file of its own and link to it",
        ) from None
    _refuse_blank_node_chains(triples, location_path)
    return triples


def _refuse_blank_node_chains(triples: list[ox.Triple], shown_as: Path) -> None:
    """Blank nodes that refer to blank nodes, far beyond what nesting shows: a flat chain
    (``_:b1 :p _:b2 . _:b2 :p _:b3 …``) or a long list. Canonical blank node labels
    (RDFC-1.0, in the dumps) cost steeply more with every node such a group holds:
    0.1 s at 64 nodes, 30 s at 500 (measured)."""
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.get(node, node) != node:
            parent[node] = node = parent.get(parent[node], parent[node])
        return node

    for triple in triples:
        if isinstance(triple.subject, ox.BlankNode) and isinstance(triple.object, ox.BlankNode):
            a, b = root(triple.subject.value), root(triple.object.value)
            parent.setdefault(a, a)
            parent[b] = a
    if len(parent) <= MAX_LINKED_BLANK_NODES:
        return
    groups = Counter(root(node) for node in list(parent))
    largest = max(groups.values())
    if largest > MAX_LINKED_BLANK_NODES:
        raise DataError(
            f"{shown_as}: {largest} blank nodes refer to one another; at most "
            f"{MAX_LINKED_BLANK_NODES} may (a list or chain of blank nodes)",
            hint="give the nodes IRIs, or split a long list into items with their own IRIs",
        )


def read_source(path: Path, *, shown_as: Path, max_bytes: int | None = None) -> bytes:
    """A source file's bytes, refused before reading when larger than ``max_bytes``."""
    try:
        size = path.stat().st_size
        if max_bytes and size > max_bytes:
            raise DataError(
                f"{shown_as}: {size:,} bytes, more than the {max_bytes:,} kg reads in one file",
                hint="split the file (an article per folder) or raise max_source "
                "(--max-source, KG_MAX_SOURCE); see docs/limits.md",
            )
        return path.read_bytes()
    except OSError as exc:
        raise DataError(f"{shown_as}: cannot read: {exc}") from None


def _refuse_other_syntax(raw: bytes, shown_as: Path) -> None:
    """RDF/XML and JSON-LD in a .ttl file fail as Turtle anyway; say what to do instead."""
    for pattern, name in ((_XML, "RDF/XML"), (_JSON, "JSON-LD")):
        if pattern.match(raw):
            raise RdfSyntaxError(
                SourceLocation(shown_as, 1, 1),
                f"this is {name}, not Turtle: kg reads project files as Turtle only "
                "and never expands XML entities; convert the file to Turtle",
            )


def nesting_depth(raw: bytes) -> int:
    """How deeply ``[ ]`` and ``( )`` nest outside comments, strings and IRIs."""
    brackets = _HIDERS.sub(b"", raw).translate(None, _NOT_BRACKETS)
    return max(accumulate(brackets, lambda depth, b: depth + _STEP[b], initial=0))


def _refuse_deep_nesting(raw: bytes, shown_as: Path) -> None:
    if raw.count(b"[") + raw.count(b"(") <= MAX_NESTING or nesting_depth(raw) <= MAX_NESTING:
        return  # the first test is free and settles almost every file
    depth = 0
    for match in _TOKENS.finditer(raw):  # again, slowly, to say where
        token = match.group()
        depth += _STEP[token[0]] if len(token) == 1 else 0  # one byte: a bracket
        if depth > MAX_NESTING:
            raise DataError(
                f"{_place(raw, match.start(), shown_as)}: brackets nest more than "
                f"{MAX_NESTING} levels deep",
                hint="no real data nests more than a few levels: give the inner nodes "
                "IRIs of their own and describe them in separate statements",
            )


def _long_token(raw: bytes, shown_as: Path) -> SourceLocation:
    """Where the first token too long for the parser starts (or just the file)."""
    for match in _HIDERS.finditer(raw):
        if match.end() - match.start() > PARSER_TOKEN_BYTES:
            return _place(raw, match.start(), shown_as)
    return SourceLocation(shown_as)


def _place(raw: bytes, offset: int, shown_as: Path) -> SourceLocation:
    line_start = raw.rfind(b"\n", 0, offset) + 1
    column = len(raw[line_start:offset].decode("utf-8", errors="replace")) + 1
    return SourceLocation(shown_as, raw.count(b"\n", 0, offset) + 1, column)


def declared_prefixes(turtle: str) -> dict[str, str]:
    """The prefixes a Turtle file declares (``@prefix`` or ``PREFIX`` lines), by name."""
    return {m.group(1) or "": m.group(2) for m in _PREFIX_DECL.finditer(turtle)}


@dataclass
class SourceIndex:
    """Finds where a node is written as a subject in one Turtle file (for error messages)."""

    path: Path
    shown_as: Path
    _lines: list[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._lines = self.path.read_text(encoding="utf-8", errors="replace").splitlines()

    @cached_property
    def _prefixes(self) -> dict[str, str]:
        return declared_prefixes("\n".join(self._lines))

    def spellings(self, iri: str) -> Iterator[str]:
        """The ways the file can write ``iri``: full form and every prefixed name."""
        yield f"<{iri}>"
        for name, namespace in self._prefixes.items():
            if namespace and iri.startswith(namespace) and len(iri) > len(namespace):
                yield f"{name}:{iri[len(namespace) :]}"

    def locate(self, iri: str) -> SourceLocation | None:
        """The first line where ``iri`` starts a statement, else the first line it appears on."""
        return self.subject(iri) or self.use(iri)

    def subject(self, iri: str) -> SourceLocation | None:
        """The first line where ``iri`` starts a statement (its description)."""
        spellings = tuple(self.spellings(iri))
        for number, line in enumerate(self._lines, start=1):
            stripped = line.lstrip()
            if any(_starts_with_term(stripped, spelling) for spelling in spellings):
                return SourceLocation(self.shown_as, number, len(line) - len(stripped) + 1)
        return None

    def use(self, iri: str, *, after: SourceLocation | None = None) -> SourceLocation | None:
        """The first line (from ``after``'s, if given) where ``iri`` is written at all,
        comment lines aside (a skeleton's commented-out example is not a use)."""
        start = after.line or 1 if after else 1
        return next((SourceLocation(self.shown_as, n, c) for n, c in self._uses(iri, start)),
                    None)  # fmt: skip

    def in_description(self, subject: SourceLocation, iri: str) -> SourceLocation | None:
        """Where ``iri`` is written in the description that starts at ``subject``: up to
        the next statement that starts at the margin (how the project's files are laid
        out). Finds the line of the triple a problem names."""
        lines = range(subject.line + 1, len(self._lines) + 1)
        end = next((n for n in lines if self._lines[n - 1][:1] not in ("", " ", "\t", "#")),
                   len(self._lines) + 1)  # fmt: skip
        for number, column in self._uses(iri, subject.line):
            if number >= end:
                return None
            if number > subject.line or column > subject.column:
                return SourceLocation(self.shown_as, number, column)
        return None

    def _uses(self, iri: str, start: int) -> Iterator[tuple[int, int]]:
        """(line, column) of every place from line ``start`` where ``iri`` is written,
        comment lines aside."""
        spellings = tuple(self.spellings(iri))
        for number, line in enumerate(self._lines[start - 1 :], start=start):
            if line.lstrip().startswith("#"):
                continue
            for spelling in spellings:
                column = _term_column(line, spelling)
                if column is not None:
                    yield number, column
                    break


def _starts_with_term(text: str, term: str) -> bool:
    return text.startswith(term) and (len(text) == len(term) or not _is_name_char(text[len(term)]))


def _term_column(line: str, term: str) -> int | None:
    """Where ``term`` stands in ``line`` as a whole term (1-based), if it does."""
    start = line.find(term)
    while start != -1:
        end = start + len(term)
        before_ok = start == 0 or not _is_name_char(line[start - 1])
        if before_ok and (end == len(line) or not _is_name_char(line[end])):
            return start + 1
        start = line.find(term, start + 1)
    return None


def _is_name_char(char: str) -> bool:
    return char.isalnum() or char in "_-:/#"
