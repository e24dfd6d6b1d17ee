import pytest

from kg.formats import BY_NAME, RDF, RESULTS, NotAcceptable, by_name, negotiate, offered

RESULT_FORMATS = offered(RESULTS)
RDF_FORMATS = offered(RDF)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "json"),
        ("", "json"),
        ("*/*", "json"),
        ("application/sparql-results+xml", "xml"),
        ("application/sparql-results+json;q=0.5, application/sparql-results+xml", "xml"),
        ("text/*", "csv"),
        ("text/*;q=0.9, text/tab-separated-values", "tsv"),
        ("text/csv;q=0, text/*", "tsv"),
        ("application/json", "json"),
        ("application/xml;q=0.1, */*;q=0.05", "xml"),
        ("application/sparql-results+json; charset=utf-8", "json"),
        ("*/*;q=0.1, text/csv;q=0", "json"),
        ("nonsense, text/csv", "csv"),
    ],
)
def test_results_negotiation(accept, expected):
    assert negotiate(accept, RESULT_FORMATS).name == expected


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/turtle", "turtle"),
        ('application/ld+json;profile="http://www.w3.org/ns/json-ld#compacted"', "jsonld"),
        ("application/rdf+xml;q=0.9, text/turtle;q=0.8", "rdfxml"),
        ("application/n-triples", "ntriples"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "turtle"),
    ],
)
def test_rdf_negotiation(accept, expected):
    assert negotiate(accept, RDF_FORMATS).name == expected


@pytest.mark.parametrize("accept", ["image/png", "text/csv;q=0", "application/*;q=0"])
def test_nothing_acceptable_names_what_is_offered(accept):
    with pytest.raises(NotAcceptable) as caught:
        negotiate(accept, RESULT_FORMATS[2:3])
    assert caught.value.http_status == 406
    assert "text/csv" in str(caught.value)


def test_lookup_by_name_or_extension():
    assert by_name("ttl") is BY_NAME["turtle"]
    assert by_name("srj", [RESULTS]) is BY_NAME["json"]
    with pytest.raises(Exception, match="offered"):
        by_name("turtle", [RESULTS])


def test_table_has_unique_names_types_and_extensions():
    for attribute in ("name", "media_type", "extension"):
        values = [getattr(f, attribute) for f in BY_NAME.values()]
        assert len(values) == len(set(values)), attribute
