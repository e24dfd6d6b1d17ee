"""What a remote SPARQL server answers is input too: kg reads only the formats it asked
for, and never RDF/XML, whose parser expands XML entities (a 1 KB "billion laughs"
answer makes pyoxigraph allocate gigabytes and abort the process)."""

from __future__ import annotations

import httpx
import pytest

from kg.errors import RemoteStoreError
from kg.store.remote import read_results

ENTITIES = '<!ENTITY a0 "aaaaaaaaaa">' + "".join(
    f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
)
BOMB = (
    f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [{ENTITIES}]>'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description rdf:about="http://example.org/x"><rdf:value>&a9;</rdf:value>'
    "</rdf:Description></rdf:RDF>"
).encode()


def answer(content_type: str, body: bytes) -> httpx.Response:
    request = httpx.Request("POST", "http://127.0.0.1:9/sparql")
    return httpx.Response(200, headers={"content-type": content_type}, content=body,
                          request=request)  # fmt: skip


@pytest.mark.parametrize("form", ["CONSTRUCT", "DESCRIBE"])
def test_an_rdf_xml_answer_is_refused_unparsed(form):
    with pytest.raises(RemoteStoreError, match="does not read"):
        read_results(answer("application/rdf+xml", BOMB), form=form)


def test_an_answer_in_a_format_not_asked_for_is_refused():
    with pytest.raises(RemoteStoreError, match="does not read"):
        read_results(answer("text/turtle", b"<x:a> <x:b> <x:c> ."), form="SELECT")


def test_turtle_answers_are_read():
    triples = read_results(
        answer("text/turtle", b"<http://e.org/a> <http://e.org/b> <http://e.org/c> ."),
        form="CONSTRUCT",
    )
    assert [t.object.value for t in triples] == ["http://e.org/c"]
