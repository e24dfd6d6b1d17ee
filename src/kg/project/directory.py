"""Read a project directory: which files hold the ontology, shapes, queries, entities, articles.

A project is a plain directory (the seed project is this repository)::

    kg.toml                       dataset title, base IRI, licence, publisher
    ontology/*.ttl                the OWL ontology          -> graph {base}ontology
    shapes/*.ttl                  the SHACL shapes          -> graph {base}shapes
    sparql/*.rq                   stored queries; *-violation.rq gate the build
    sparql/federated/*.rq         examples that call other endpoints (shown, not run)
    data/entities.ttl             shared entities           -> graph {base}graph/entities
    data/articles/{slug}/text.txt the article's source text (the text layer is derived)
    data/articles/{slug}/graph.ttl what the article reports -> graph {base}id/article/{slug}
    data/articles/{slug}/mentions.txt which words name which entity (optional; kg.project.mentions)
    data/articles/{slug}/retraction.ttl the article's retraction (written by kg article retract)

Adding an article is adding one directory; nothing else needs to change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kg import namespaces
from kg.config import Settings
from kg.errors import DataError, EnvironmentProblem

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ARTICLE_TEXT = "text.txt"
ARTICLE_GRAPH = "graph.ttl"
ARTICLE_MENTIONS = "mentions.txt"
ARTICLE_RETRACTION = "retraction.ttl"
ENTITIES_FILE = Path("data/entities.ttl")
ARTICLES_DIR = Path("data/articles")


@dataclass(frozen=True, slots=True)
class Article:
    """One article's files and the IRI that names both the article and its graph."""

    slug: str
    iri: str
    text_path: Path
    graph_path: Path
    mentions_path: Path | None = None  # mentions.txt, when the curator wrote one
    retraction_path: Path | None = None  # retraction.ttl, once the article is retracted

    @property
    def files(self) -> tuple[Path, ...]:
        """Every file the article's graph is made from, in a fixed order."""
        optional = filter(None, [self.mentions_path, self.retraction_path])
        return (self.text_path, self.graph_path, *optional)


@dataclass(frozen=True, slots=True)
class Project:
    """The files of a project directory, sorted so every build sees them in one order."""

    root: Path
    base_iri: str
    ontology_files: tuple[Path, ...]
    shape_files: tuple[Path, ...]
    query_files: tuple[Path, ...]
    federated_query_files: tuple[Path, ...]
    entities_file: Path | None
    articles: tuple[Article, ...]
    max_source: int = 0  # the largest file the build reads (the max_source setting)

    @property
    def example_query_files(self) -> tuple[Path, ...]:
        """Stored queries worth showing to users: all but the build's own gates."""
        own = tuple(p for p in self.query_files if not p.name.endswith("-violation.rq"))
        return own + self.federated_query_files

    @property
    def ontology_graph(self) -> str:
        return namespaces.ontology_graph(self.base_iri)

    @property
    def shapes_graph(self) -> str:
        return namespaces.shapes_graph(self.base_iri)

    @property
    def entities_graph(self) -> str:
        return namespaces.entities_graph(self.base_iri)

    def relative(self, path: Path) -> Path:
        """A path as the curator sees it: relative to the project when possible."""
        try:
            return path.relative_to(self.root)
        except ValueError:
            return path


def load_project(settings: Settings) -> Project:
    """List a project's files; refuse a directory that is not a project."""
    root = settings.project
    ontology = _required_files(root, "ontology", "*.ttl")
    shapes = _required_files(root, "shapes", "*.ttl")
    queries = tuple(sorted((root / "sparql").glob("*.rq")))
    entities = root / ENTITIES_FILE
    return Project(
        root=root,
        base_iri=settings.base_iri,
        ontology_files=ontology,
        shape_files=shapes,
        query_files=queries,
        federated_query_files=tuple(sorted((root / "sparql" / "federated").glob("*.rq"))),
        entities_file=entities if entities.is_file() else None,
        articles=_articles(root, settings.base_iri),
        max_source=settings.max_source,
    )


def _required_files(root: Path, folder: str, pattern: str) -> tuple[Path, ...]:
    files = tuple(sorted((root / folder).glob(pattern)))
    if not files:
        raise EnvironmentProblem(
            f"{root / folder}: no {pattern} files; {root} does not look like a kg project",
            hint="run kg in a project directory or pass --project DIR (README: what a project is)",
        )
    return files


def _articles(root: Path, base_iri: str) -> tuple[Article, ...]:
    articles_dir = root / ARTICLES_DIR
    if not articles_dir.is_dir():
        return ()
    articles = []
    for folder in sorted(p for p in articles_dir.iterdir() if p.is_dir()):
        if not SLUG.match(folder.name):
            raise DataError(
                f"{folder}: article folder name is not a slug",
                hint="use lower-case letters, digits and single hyphens (china-fentanyl-tariffs)",
            )
        text, graph = folder / ARTICLE_TEXT, folder / ARTICLE_GRAPH
        for required in (text, graph):
            if not required.is_file():
                raise DataError(
                    f"{required}: missing",
                    hint=f"every article folder holds {ARTICLE_TEXT} (source text) "
                    f"and {ARTICLE_GRAPH} (its facts)",
                )
        iri = namespaces.article_iri(base_iri, folder.name)
        mentions, retraction = folder / ARTICLE_MENTIONS, folder / ARTICLE_RETRACTION
        articles.append(Article(folder.name, iri, text, graph,
                                mentions if mentions.is_file() else None,
                                retraction if retraction.is_file() else None))  # fmt: skip
    return tuple(articles)
