"""Project source files: parse them with errors that point at file:line:column, and
find the line where a node is defined so validation problems can point there too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox

from kg.errors import RdfSyntaxError, SourceLocation

_PREFIX_DECL = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.I | re.M)


def parse_turtle(path: Path, *, shown_as: Path | None = None) -> list[ox.Triple]:
    """Every triple of a Turtle file; a syntax error becomes ``RdfSyntaxError`` with its place."""
    location_path = shown_as or path
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RdfSyntaxError(SourceLocation(location_path), f"cannot read: {exc}") from None
    try:
        return [quad.triple for quad in ox.parse(raw, format=ox.RdfFormat.TURTLE)]
    except SyntaxError as exc:
        detail = exc.msg.replace("Parser error ", "").strip()
        location = SourceLocation(location_path, exc.lineno, exc.offset)
        raise RdfSyntaxError(location, detail) from None


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
        text = "\n".join(self._lines)
        return {m.group(1) or "": m.group(2) for m in _PREFIX_DECL.finditer(text)}

    def spellings(self, iri: str) -> Iterator[str]:
        """The ways the file can write ``iri``: full form and every prefixed name."""
        yield f"<{iri}>"
        for name, namespace in self._prefixes.items():
            if namespace and iri.startswith(namespace) and len(iri) > len(namespace):
                yield f"{name}:{iri[len(namespace) :]}"

    def locate(self, iri: str) -> SourceLocation | None:
        """The first line where ``iri`` starts a statement, else the first line it appears on."""
        spellings = tuple(self.spellings(iri))
        fallback = None
        for number, line in enumerate(self._lines, start=1):
            stripped = line.lstrip()
            for spelling in spellings:
                if _starts_with_term(stripped, spelling):
                    return SourceLocation(self.shown_as, number, len(line) - len(stripped) + 1)
                if fallback is None and _contains_term(line, spelling):
                    fallback = SourceLocation(self.shown_as, number, line.index(spelling) + 1)
        return fallback


def _starts_with_term(text: str, term: str) -> bool:
    return text.startswith(term) and (len(text) == len(term) or not _is_name_char(text[len(term)]))


def _contains_term(line: str, term: str) -> bool:
    start = line.find(term)
    while start != -1:
        end = start + len(term)
        before_ok = start == 0 or not _is_name_char(line[start - 1])
        if before_ok and (end == len(line) or not _is_name_char(line[end])):
            return True
        start = line.find(term, start + 1)
    return False


def _is_name_char(char: str) -> bool:
    return char.isalnum() or char in "_-:/#"
