"""What a SPARQL request is, read from its text before any engine sees it.

The endpoint must know a request's form (to negotiate the response format and to
refuse updates) and every ``SERVICE`` target (to refuse the ones outside the
allowlist) before it runs anything. Oxigraph does not expose its parsed algebra
to Python, so this is a small lexer: it skips comments, strings and IRIs the way
the SPARQL grammar does, so a keyword inside a string or comment never counts and
one written in any case always does.

The lexer must never skip text an engine reads as code, or a hidden ``SERVICE``
would call out: so comments end at CR as well as LF, and a prefixed name's
``\\'`` and ``\\#`` escapes stay inside the name. ``\\u`` escapes are read both
ways, because engines differ: SPARQL 1.1 §19.2 applies them to the whole text
before parsing, Oxigraph only inside strings and IRIs (where ``\\u0022`` is a
quote that does not end the string). A query is judged by both readings: every
``SERVICE`` either finds counts, and the deeper nesting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
UPDATE_FORMS = (
    "INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH",
)  # fmt: skip

_UNARY = "!-+"  # a run of these is a chain of unary operators, which parsers recurse on
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_TOKEN = re.compile(
    r"""
      (?P<comment>\#[^\r\n]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                 |'(?:[^'\\\r\n]|\\.)*'|"(?:[^"\\\r\n]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
    | (?P<pname>(?:[A-Za-z\u00C0-\uFFFF][\w.\-\u00B7\u00C0-\uFFFF]*)?:
                (?:[\w.:%\-\u00B7\u00C0-\uFFFF]|\\[_~.\-!$&'()*+,;=/?\#@%])*)
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<other>\S)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True, slots=True)
class QueryShape:
    """The form of a request, the ``SERVICE`` targets it names (None: a variable), and how
        deeply its brackets and chains of unary operators (``!!!x``, ``- -1``) nest: engines
    recurse on both, and pyoxigraph's process crashes on deep enough input."""

    form: str | None
    services: tuple[str | None, ...] = field(default=())
    depth: int = 0
    has_dataset: bool = False  # FROM or FROM NAMED: the query names its own dataset

    @property
    def is_update(self) -> bool:
        return self.form in UPDATE_FORMS

    @property
    def returns_graph(self) -> bool:
        return self.form in ("CONSTRUCT", "DESCRIBE")


def decode_escapes(text: str) -> str:
    """Apply SPARQL's codepoint escapes, as the grammar says to before parsing; one past
    U+10FFFF names no character and stays as written, for the engine to refuse."""
    return _ESCAPE.sub(_codepoint, text)


def _codepoint(match: re.Match[str]) -> str:
    value = int(match.group(1) or match.group(2), 16)
    return chr(value) if value <= 0x10FFFF else match.group()


def inspect_query(text: str, *, max_depth: int | None = None) -> QueryShape:
    """The request's form (SELECT, ASK, …, or an update keyword) and its SERVICE targets.

    With ``max_depth``, reading stops as soon as brackets nest deeper (the caller will
    refuse the query anyway), so a hostile 100,000-level query costs microseconds.
    Text with ``\\u`` escapes is read as written and as decoded (see the module doc).
    """
    shape = _read(text, max_depth)
    if not _ESCAPE.search(text):
        return shape
    spec = _read(decode_escapes(text), max_depth)
    return QueryShape(
        spec.form if spec.is_update else shape.form or spec.form,
        shape.services + tuple(s for s in spec.services if s not in shape.services),
        max(shape.depth, spec.depth),
        shape.has_dataset or spec.has_dataset,
    )


def _read(text: str, max_depth: int | None) -> QueryShape:
    tokens = []
    depth = deepest = unary = 0
    for match in _TOKEN.finditer(text):
        kind, value = match.lastgroup, match.group()
        if kind == "comment":
            continue
        tokens.append((kind, value))
        unary = unary + 1 if kind == "other" and value in _UNARY else 0
        if kind == "other" and value in "{([":
            depth += 1
        elif kind == "other" and value in "})]":
            depth -= 1
        deepest = max(deepest, depth + unary)
        if max_depth is not None and deepest > max_depth:
            return QueryShape(None, (), deepest)
    prefixes: dict[str, str] = {}
    base = ""
    form = None
    has_dataset = False
    services: list[str | None] = []
    for index, (kind, value) in enumerate(tokens):
        if kind != "word":
            continue
        keyword = value.upper()
        following = tokens[index + 1 : index + 3]
        if keyword == "PREFIX" and len(following) == 2 and following[1][0] == "iri":
            prefixes[following[0][1].rstrip(":")] = urljoin(base, following[1][1][1:-1])
        elif keyword == "BASE" and following and following[0][0] == "iri":
            base = following[0][1][1:-1]
        elif form is None and keyword in QUERY_FORMS + UPDATE_FORMS:
            form = keyword
        elif keyword == "SERVICE":
            services.append(_service_target(tokens[index + 1 : index + 3], prefixes, base))
        elif keyword == "FROM" and form in QUERY_FORMS:
            has_dataset = True
    return QueryShape(form, tuple(services), deepest, has_dataset)


def _service_target(
    following: list[tuple[str | None, str]], prefixes: dict[str, str], base: str
) -> str | None:
    if following and following[0][0] == "word" and following[0][1].upper() == "SILENT":
        following = following[1:]
    if not following:
        return None
    kind, value = following[0]
    if kind == "iri":
        return urljoin(base, value[1:-1])
    if kind == "pname":
        prefix, _, local = value.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + local
    return None  # a variable, or something the engine will reject anyway


def where_group_start(text: str) -> int:
    """The index just after the ``{`` that opens the query's outermost WHERE group.

    Skips the prologue, dataset clauses and a CONSTRUCT template; braces inside
    strings, IRIs and comments do not count. Raises ValueError when there is none.
    """
    depth, form, template_done = 0, None, False
    for match in _TOKEN.finditer(text):
        kind, value = match.lastgroup, match.group()
        if kind == "word" and form is None and value.upper() in QUERY_FORMS:
            form = value.upper()
            template_done = form != "CONSTRUCT"
        elif kind == "word" and form == "CONSTRUCT" and value.upper() == "WHERE" and depth == 0:
            template_done = True
        elif kind == "other" and value == "{" and form is not None:
            if depth == 0 and template_done:
                return match.end()
            depth += 1
        elif kind == "other" and value == "}" and depth > 0:
            depth -= 1
            if depth == 0 and form == "CONSTRUCT":
                template_done = True
    raise ValueError("the query has no WHERE group to bind parameters in")


def union_branch_starts(text: str, where: int | None = None) -> list[int]:
    """The index just after the ``{`` of each UNION branch directly in the outermost
    WHERE group (not a subquery's: a VALUES block cannot open one).

    Oxigraph 0.5 does not carry a binding made at the start of the WHERE group into
    the branches of a UNION: each branch runs over the whole store and is joined with
    the binding afterwards. ``store.with_values`` binds in each branch as well.
    ``where`` is ``where_group_start(text)`` when the caller has it already."""
    starts: list[int] = []
    groups: list[tuple[int, bool]] = []  # (index after "{", preceded by UNION) at depth 1
    depth, previous, pending = 1, "", None
    tokens = _TOKEN.finditer(text, where_group_start(text) if where is None else where)
    for match in tokens:
        kind, value = match.lastgroup, match.group()
        if kind == "comment":
            continue
        word = value.upper() if kind == "word" else ""
        if pending is not None:  # the token after a depth-1 group closed
            start, after_union = pending
            if after_union or word == "UNION":
                starts.append(start)
            pending = None
        if kind == "other" and value == "{":
            if depth == 1:
                groups.append((match.end(), previous == "UNION"))
            depth += 1
        elif kind == "other" and value == "}":
            depth -= 1
            if depth == 0:
                break
            if depth == 1 and groups:
                pending = groups.pop()
        previous = word
    return [s for s in starts if _first_word(text, s) != "SELECT"]


def _first_word(text: str, at: int) -> str:
    for match in _TOKEN.finditer(text, at):
        if match.lastgroup != "comment":
            return match.group().upper() if match.lastgroup == "word" else ""
    return ""


_POSITION = re.compile(r"^error at (\d+):(\d+): (.*)$", re.DOTALL)
_CHARACTER_CLASS = re.compile(r"\[[^\[\]]*(?:\[[^\]]*\][^\[\]]*)*\]")
_EXPECTED_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[^,\s]+')
MAX_EXPECTED = 12


def syntax_error_message(query: str, engine_message: str) -> str:
    """A parser's error for people: where it is, the line with a caret under the place,
    and at most a dozen of the tokens it expected.

    Oxigraph lists what it expected as written in its grammar, character classes
    included (``['A' ..= 'Z' | '\\u{00C0}'..=…]``): kilobytes that clients such as YASGUI
    show as they are. Classes are dropped and the list cut to a dozen; an ellipsis says
    that more was expected."""
    match = _POSITION.match(engine_message.strip())
    if not match:
        return f"SPARQL syntax error: {engine_message}"
    line, column, detail = int(match[1]), int(match[2]), " ".join(match[3].split())
    lines = query.splitlines() or [""]
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    detail, classes = _CHARACTER_CLASS.subn("", detail)
    undeclared = _undeclared_prefix(source, column) if "Prefix not found" in detail else None
    if undeclared:
        column, name = undeclared
        detail = f"the prefix {name}: is not declared; add 'PREFIX {name}: <…>' above the query"
    elif detail.startswith("expected "):
        listed = detail.removeprefix("expected ").removeprefix("one of ")
        tokens = _EXPECTED_TOKEN.findall(listed)
        shown = tokens[:MAX_EXPECTED]
        if classes or len(tokens) > MAX_EXPECTED:
            shown.append("…")
        detail = "expected " + (shown[0] if len(shown) == 1 else "one of " + ", ".join(shown))
    start = max(0, column - 60)
    excerpt = source[start : start + 120]
    caret = " " * (column - 1 - start) + "^"
    return (f"SPARQL syntax error at line {line}, column {column}: {detail}\n"
            f"  {excerpt}\n  {caret}")  # fmt: skip


_PREFIXED_NAME = re.compile(r"(?<![\w:<?$])([A-Za-z][\w.-]*)?:[\w.-]*")


def _undeclared_prefix(source: str, column: int) -> tuple[int, str] | None:
    """Where the prefixed name that ends at the engine's column starts, and its prefix:
    Oxigraph reports an undeclared prefix after the name, as "Prefix not found"."""
    names = [m for m in _PREFIXED_NAME.finditer(source, 0, column) if m.group(1) is not None]
    return (names[-1].start() + 1, names[-1].group(1)) if names else None
