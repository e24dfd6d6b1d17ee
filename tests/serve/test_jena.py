"""Apache Jena's own command-line tools against `kg serve`: `rsparql` (a remote query
in every result format Jena asks for), `sparql` with a `SERVICE` clause (Jena as the
federating engine), and `sparql --data URL` loading an entity IRI and a Graph Store graph
with Jena's own content negotiation.

Jena comes from Debian (libapache-jena-java, with a Java runtime), installed by the
tests when missing. Debian's jar moves Jena's bundled Xerces classes but not their
message files, which leaves Jena unable to start; the fixture puts the message files
where the moved classes look for them, outside the system's jars.
"""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest
import rdflib

from tests.conftest import built_mini_server
from tests.system import ensure_debian_packages

JARS = Path("/usr/share/java")
JENA_DEPENDENCIES = (
    "commons-cli", "commons-codec", "commons-compress", "commons-csv", "commons-io",
    "commons-lang3", "commons-logging", "dexx.collection", "gson", "guava", "httpclient",
    "httpcore", "jackson-annotations", "jackson-core", "jackson-databind",
    "jakarta.json-api", "jsonld-java", "protobuf", "slf4j-api", "slf4j-nop", "thrift",
    "titanium-json-ld",
)  # fmt: skip
MINI = "https://mini.example.org/"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
COUNTRY = f"<{MINI}ontology/Country>"
COUNTRIES = f"SELECT ?label WHERE {{ ?c a {COUNTRY} ; <{LABEL}> ?label }} ORDER BY ?label"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with built_mini_server(tmp_path_factory, "jena") as live:
        yield live


@pytest.fixture(scope="module")
def jena(tmp_path_factory) -> list[str]:
    """The `java` command line that runs a Jena tool: append the tool's class and arguments."""
    ensure_debian_packages({"java": "default-jre-headless",
                            str(JARS / "jena-cmds.jar"): "libapache-jena-java"})  # fmt: skip
    messages = tmp_path_factory.mktemp("jena-xerces-messages")
    with zipfile.ZipFile(JARS / "jena-core.jar") as jar:
        for name in jar.namelist():
            if name.startswith("org/apache/jena/ext/xerces/") and name.endswith(".properties"):
                target = messages / name.removeprefix("org/apache/jena/ext/")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(jar.read(name))
    # jena-arq.jar and the like, not their versioned twins
    jena_jars = [str(jar) for jar in sorted(JARS.glob("jena-*.jar")) if not jar.stem[-1].isdigit()]
    dependencies = [str(JARS / f"{name}.jar") for name in JENA_DEPENDENCIES]
    classpath = [str(messages), *jena_jars, *dependencies]
    return ["java", "-cp", ":".join(classpath)]


def run(jena: list[str], *args: str) -> str:
    result = subprocess.run([*jena, *args], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.mark.parametrize(
    ("results", "expected"),
    [("json", '"value": "Atlantis"'), ("xml", "<literal xml:lang=\"en\">Atlantis</literal>"),
     ("csv", "label\nAtlantis\nLemuria\n"), ("tsv", '?label\n"Atlantis"@en\n'),
     ("text", '| "Atlantis"@en |')],
)  # fmt: skip
def test_rsparql_reads_a_select_in_every_result_format(server, jena, results, expected):
    endpoint = f"{server.url}/sparql"
    out = run(jena, "arq.rsparql", "--service", endpoint, "--results", results, COUNTRIES)
    assert expected in out


def test_rsparql_asks(server, jena):
    out = run(jena, "arq.rsparql", "--service", f"{server.url}/sparql", "ASK { ?s ?p ?o }")
    assert out.strip() == "Ask => Yes"


@pytest.mark.parametrize(
    "query",
    [f"CONSTRUCT {{ ?c ?p ?o }} WHERE {{ ?c a <{MINI}ontology/Country> ; ?p ?o }}",
     f"DESCRIBE <{MINI}id/country/atlantis>"],
    ids=["construct", "describe"],
)  # fmt: skip
def test_rsparql_parses_graph_results(server, jena, query):
    out = run(jena, "arq.rsparql", "--service", f"{server.url}/sparql", query)
    graph = rdflib.Graph().parse(data=out, format="turtle")
    atlantis = rdflib.URIRef(f"{MINI}id/country/atlantis")
    assert (atlantis, rdflib.RDFS.label, rdflib.Literal("Atlantis", lang="en")) in graph


def test_jena_federates_into_kg_with_service(server, jena, tmp_path):
    local = tmp_path / "local.ttl"
    local.write_text(f"<{MINI}id/country/atlantis> <http://example.org/visited> true .\n")
    query = (
        "SELECT ?label WHERE { ?c <http://example.org/visited> true "
        f"SERVICE <{server.url}/sparql> {{ ?c <{LABEL}> ?label }} }}"
    )
    out = run(jena, "arq.sparql", "--data", str(local), "--results", "csv", query)
    assert out.splitlines() == ["label", "Atlantis"]


@pytest.mark.parametrize(
    "path",
    ["/id/country/atlantis", f"/store?graph={MINI}graph/entities"],
    ids=["entity", "graph-store"],
)  # fmt: skip
def test_jena_loads_a_url_with_its_own_content_negotiation(server, jena, path):
    """`--data URL` makes Jena fetch the document (following the 303 of an entity IRI)."""
    query = f"SELECT ?label WHERE {{ <{MINI}id/country/atlantis> <{LABEL}> ?label }}"
    out = run(jena, "arq.sparql", "--data", f"{server.url}{path}", "--results", "csv", query)
    assert out.splitlines() == ["label", "Atlantis"]
