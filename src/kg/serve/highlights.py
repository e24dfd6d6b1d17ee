"""Mentions drawn on a sentence: the text cut where mentions begin and end, each piece
knowing every mention that covers it.

Mentions nest ("Officials from China's Foreign Ministry…" holds "China") and links
may not, so a sentence becomes flat pieces: a piece covered by mentions links to the
innermost one's entity and names all of them, outermost first, in its title. Every
mention stays reachable: where an inner one covers part of an outer one, the rest
of the outer one's words link to the outer entity.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise


@dataclass(frozen=True, slots=True)
class Mark:
    """A mention inside one sentence, in code points from the sentence's start."""

    start: int
    end: int
    label: str
    href: str


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of a sentence's text and the mentions covering it, outermost first."""

    text: str
    marks: tuple[Mark, ...] = ()

    @property
    def href(self) -> str | None:
        return self.marks[-1].href if self.marks else None

    @property
    def title(self) -> str:
        return " › ".join(m.label for m in self.marks)


def pieces(text: str, marks: list[Mark]) -> list[Piece]:
    """``text`` cut at every mention boundary; the pieces joined give ``text`` back."""
    inside = [m for m in marks if 0 <= m.start < m.end <= len(text)]
    cuts = sorted({0, len(text), *(m.start for m in inside), *(m.end for m in inside)})
    result = []
    for start, end in pairwise(cuts):
        covering = sorted(
            (m for m in inside if m.start <= start and end <= m.end),
            key=lambda m: (m.start - m.end, m.start),  # longest (outermost) first
        )
        result.append(Piece(text[start:end], tuple(covering)))
    return result
