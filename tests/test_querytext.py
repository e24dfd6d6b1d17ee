"""Reading a query's text: where a parameter binding goes (``union_branch_starts`` and
``store.with_values``)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.querytext import union_branch_starts
from kg.serve.resources import builtin_query
from kg.store.bindings import with_values

EX = "http://example.org/"


def branches(text: str) -> list[str]:
    """The first few characters of each branch found, for readable assertions."""
    return [text[at:].split("}")[0].strip() for at in union_branch_starts(text)]


def test_every_branch_of_a_top_level_union():
    text = "SELECT * WHERE { { ?a ?b ?c } UNION { ?d ?e ?f } UNION { ?g ?h ?i } }"
    assert branches(text) == ["?a ?b ?c", "?d ?e ?f", "?g ?h ?i"]


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { ?a ?b ?c OPTIONAL { ?c ?d ?e } { ?f ?g ?h } }",  # no UNION
        "SELECT * WHERE { ?a ?b ?c OPTIONAL { { ?c ?d ?e } UNION { ?c ?f ?g } } }",  # nested
        'SELECT * WHERE { ?a ?b "{ } UNION { }" # { } UNION { }\n }',  # in a string, a comment
    ],
)
def test_no_branch_outside_the_top_level(text):
    assert union_branch_starts(text) == []


def test_a_subquery_branch_is_left_alone():
    """A VALUES block cannot open a subquery's group: the outer binding reaches it."""
    text = "SELECT * WHERE { { SELECT ?a WHERE { ?a ?b ?c } } UNION { ?a ?d ?e } }"
    assert branches(text) == ["?a ?d ?e"]


def test_a_construct_template_is_not_the_where_group():
    text = "CONSTRUCT { ?a ?b ?c } WHERE { { ?a ?b ?c } UNION { ?c ?b ?a } }"
    assert branches(text) == ["?a ?b ?c", "?c ?b ?a"]


def test_describe_binds_this_in_every_branch():
    """Regression: resource pages took 0.7 s at 1,000 articles because Oxigraph matched
    five of describe.rq's six UNION branches against the whole store."""
    text = with_values(builtin_query("describe").text, {"this": ox.NamedNode(f"{EX}x")})
    assert text.count(f"VALUES (?this) {{ (<{EX}x>) }}") == 1 + 6


def test_binding_in_the_branches_gives_the_same_answer():
    store = ox.Store()
    for s, p, o in [("a", "p", "b"), ("b", "p", "c"), ("c", "q", "a"), ("d", "p", "a")]:
        store.add(ox.Quad(ox.NamedNode(EX + s), ox.NamedNode(EX + p), ox.NamedNode(EX + o)))
    text = (
        f"SELECT ?x ?y WHERE {{ {{ ?this <{EX}p> ?x }} UNION {{ ?x ?y ?this }} "
        f"UNION {{ ?this ?y ?x FILTER (?y != <{EX}p>) }} }} ORDER BY ?x ?y"
    )
    for name in "abcd":
        this = ox.NamedNode(EX + name)
        bound = with_values(text, {"this": this})
        pasted = text.replace("?this", str(this))
        rows = [[str(t) for t in row] for row in store.query(bound)]
        assert rows == [[str(t) for t in row] for row in store.query(pasted)], name


@pytest.mark.parametrize(
    ("query", "column", "prefix"),
    [("SELECT * WHERE { ?s foo:bar ?o }", 21, "foo"),
     ("SELECT * WHERE {\n  ?s a  zz:q ; <x:y> ?o }", 9, "zz")],
)  # fmt: skip
def test_an_undeclared_prefix_is_named_at_its_place(query, column, prefix):
    from kg.querytext import syntax_error_message

    with pytest.raises(SyntaxError) as raised:
        ox.Store().query(query)
    message = syntax_error_message(query, str(raised.value))
    assert f"column {column}: the prefix {prefix}: is not declared" in message
    assert f"'PREFIX {prefix}: <…>'" in message
    excerpt, caret = message.splitlines()[1:]
    assert excerpt[caret.index("^") :].startswith(f"{prefix}:")
