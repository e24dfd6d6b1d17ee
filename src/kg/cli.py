"""The ``kg`` command: thin shells over the library functions.

Exit codes: 0 ok, 1 invalid data (syntax error, SHACL violation, failed gate),
2 usage or environment (bad flag or setting, missing project or store).
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kg import __version__
from kg.config import SPECS, Settings
from kg.errors import EXIT_INVALID_DATA, EXIT_OK, KgError, UsageError, ValidationFailed
from kg.project.retraction import RETRACT_EPILOG
from kg.project.scaffold import ARTICLE_NEW_EPILOG, DEFAULT_PUBLISHER

ARTICLE = "Start an article (its folder, text and a graph.ttl that builds), or retract one."

EPILOG = """\
settings (flag > KG_* environment variable > kg.toml > default):
{settings}

exit codes:
  0  success
  1  invalid data: a syntax error, a SHACL violation or a failed *-violation.rq gate
  2  usage or environment: a bad flag or setting, a missing project or store

examples:
  kg build                              build and validate the project in .
  kg validate --format json             the SHACL report as JSON
  kg article new my-story --text copy.txt   start an article that validates as it is
  kg query 'SELECT * WHERE {{ ?s ?p ?o }} LIMIT 5'
  kg query -f sparql/briefing.rq --format csv
  kg serve --port 8000                  serve at http://127.0.0.1:8000/sparql
  kg publish --to http://localhost:7878/query --update http://localhost:7878/update
  kg serve --store http://localhost:7878/query   serve what was published there
"""


ARTICLE_EPILOG = """\
a curator's path: `kg article new SLUG --text FILE` writes data/articles/SLUG/ (see
`kg article new --help`); edit its graph.ttl, which lists the text's sentences as
comments (# s1: ...); `kg build` validates it and says where anything is wrong.
`kg article retract SLUG --reason TEXT --date DATE` records a retraction; the next
`kg build` publishes it (see `kg article retract --help`).

exit codes: 0 ok, 2 usage (nothing is written then)
"""


def _settings_help() -> str:
    return "\n".join(
        f"  {s.flag:<16} {s.env_var:<16} {s.help} (default: {s.default})" for s in SPECS
    )


def _settings_parent(sections: Sequence[str]) -> argparse.ArgumentParser:
    """The settings flags a command uses (all settings still come from KG_* and kg.toml)."""
    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group(
        "settings", "(also KG_* environment variables and kg.toml; see `kg --help`)"
    )
    group.add_argument(
        "--project",
        type=Path,
        default=argparse.SUPPRESS,
        metavar="DIR",
        help="project directory holding kg.toml, ontology/, shapes/, sparql/, data/ "
        "(default: KG_PROJECT or the current directory)",
    )
    for spec in SPECS:
        if spec.section in sections:
            group.add_argument(
                spec.flag, default=argparse.SUPPRESS, metavar="VALUE", help=spec.help
            )
    return common


DATA = ("dataset", "store")  # what every command reads


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kg",
        description="Build, validate, query and serve a linked-data knowledge graph of the "
        "facts news articles report.",
        epilog=EPILOG.format(settings=_settings_help()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"kg {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(
        name: str, help_text: str, sections: Sequence[str] = DATA
    ) -> argparse.ArgumentParser:
        return commands.add_parser(
            name,
            parents=[_settings_parent(sections)],
            help=help_text,
            description=help_text,
            epilog="exit codes: 0 ok, 1 invalid data, 2 usage or environment",
        )

    build = command(
        "build",
        "Parse, validate and load the project into a new store, then swap.",
        (*DATA, "build", "links"),
    )
    progress = "show a progress bar (default: on a terminal, for many articles)"
    build.add_argument("--progress", action=argparse.BooleanOptionalAction, help=progress)

    validate = command(
        "validate",
        "Validate the project (SHACL and *-violation.rq) and report.",
        (*DATA, "build", "links"),
    )
    validate.add_argument(
        "--format",
        choices=("text", "json", "turtle"),
        default="text",
        help="text for people, json for tools, turtle for sh:ValidationReport",
    )

    query = command("query", "Run a SPARQL query against the built store.")
    source = query.add_mutually_exclusive_group(required=True)
    source.add_argument("query", nargs="?", help="the query text")
    source.add_argument("-f", "--file", type=Path, help="read the query from a .rq file")
    query.add_argument(
        "--format",
        choices=("table", "csv", "tsv", "json"),
        default="table",
        help="output format for SELECT/ASK (CONSTRUCT prints Turtle)",
    )
    query.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=TERM",
        help="bind ?NAME to an RDF term in Turtle syntax, e.g. "
        "day='\"2025-03-12\"^^xsd:date' (repeatable)",
    )

    command("stats", "Print what the built store holds: graphs, triples, entities, version.")

    sentences = command("sentences", "Print an article's numbered sentences and offsets.")
    sentences.add_argument("slug", help="the article folder name under data/articles/")

    article = commands.add_parser(
        "article", help=ARTICLE, description=ARTICLE, epilog=ARTICLE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    actions = article.add_subparsers(dest="action", metavar="ACTION", required=True)

    def action(name: str, summary: str, description: str, epilog: str) -> argparse.ArgumentParser:
        return actions.add_parser(name, parents=[_settings_parent(())], help=summary,
                                  description=description, epilog=epilog,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip

    new = action("new", "write data/articles/SLUG/",
                 "Write data/articles/SLUG/: FILE's text, and a graph.ttl that validates.",
                 ARTICLE_NEW_EPILOG)  # fmt: skip
    new.add_argument("slug", help="the article's folder name: lower case, digits, hyphens")
    new.add_argument("--text", required=True, metavar="FILE",
                     help="the article's text as published, UTF-8, copied byte for byte "
                     "(- reads stdin)")  # fmt: skip
    new.add_argument(
        "--issued",
        metavar="DATE",
        help="publication date, YYYY-MM-DD (default: today, marked PLACEHOLDER)",
    )
    new.add_argument(
        "--publisher", dest="article_publisher", metavar="IRI", default=DEFAULT_PUBLISHER,
        help="the article's publisher: an organization data/entities.ttl describes, as an "
        f"IRI or organization:… (default: {DEFAULT_PUBLISHER}, the seed's)",
    )  # fmt: skip

    retract = action("retract", "write data/articles/SLUG/retraction.ttl",
                     "Record that an article is retracted: data/articles/SLUG/retraction.ttl.",
                     RETRACT_EPILOG)  # fmt: skip
    retract.add_argument("slug", help="the article's folder name under data/articles/")
    retract.add_argument("--reason", required=True, help="why, e.g. the publisher's notice")
    retract.add_argument("--date", required=True, metavar="DATE", help="when, YYYY-MM-DD")

    command("dump", "Write dumps, SHA256SUMS and the VoID/DCAT description of the store to dist/.")
    changes = command("changes", "Print the releases, newest first, with their patches.", ())
    changes.add_argument("--since", metavar="VERSION", help="only the releases after it")
    changes.add_argument("--format", choices=("text", "json"), default="text",
                         help="text, or json: ActivityStreams 2.0, as /changes")  # fmt: skip

    links = command(
        "links", "Check the links to Wikidata and DBpedia and report coverage.", (*DATA, "links")
    )
    links.add_argument("action", choices=("check",), help="check: form, uniqueness, known-wrong")
    links.add_argument(
        "--against",
        type=Path,
        action="append",
        default=[],
        metavar="FILE.nt",
        help="also confirm targets exist (and labels agree) in a local N-Triples "
        "extract of Wikidata or DBpedia (repeatable; off by default)",
    )
    links.add_argument(
        "--format", choices=("text", "json"), default="text",
        help="text for people, json for tools",
    )  # fmt: skip

    publish = command(
        "publish",
        "Load the built dataset into a SPARQL server; only graphs that changed are sent.",
    )
    publish.add_argument(
        "--to", required=True, metavar="URL", help="the server's SPARQL query endpoint"
    )
    publish.add_argument("--progress", action=argparse.BooleanOptionalAction,
                         help="show a progress bar (default: on a terminal)")  # fmt: skip

    command(
        "serve",
        "Serve the built store (or --store URL, a SPARQL server kg published to): "
        "SPARQL endpoint at /sparql, health at /healthz.",
        (*DATA, "server", "sparql"),
    )
    return parser  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except KgError as exc:
        if isinstance(exc, ValidationFailed):
            print(exc.report.to_text(), file=sys.stderr)
        print(f"kg: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("kg: interrupted", file=sys.stderr)
        return 130
    except Exception:  # a bug: say so, with the traceback, and do not hide it as bad input
        traceback.print_exc()
        print("kg: internal error (a bug in kg; please report it)", file=sys.stderr)
        return 70


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {s.name: getattr(args, s.name) for s in SPECS if hasattr(args, s.name)}
    return Settings.load(getattr(args, "project", None), overrides=overrides)


def _run(args: argparse.Namespace) -> int:
    settings = _settings(args)
    handler = globals()[f"_cmd_{args.command}"]
    return handler(settings, args)


def _cmd_build(settings: Settings, args: argparse.Namespace) -> int:
    from kg.build.pipeline import build

    result = build(settings, progress=args.progress)
    for problem in result.report.problems:  # warnings and infos do not stop a build
        print(f"kg: {problem.severity.lower()}: {problem.location}: {problem.message}",
              file=sys.stderr)  # fmt: skip
    print(result.summary())
    return _cmd_dump(settings, args)  # the dumps always match the store just published


def _cmd_dump(settings: Settings, args: argparse.Namespace) -> int:
    from kg.release.dumps import write_dumps

    print(write_dumps(settings).summary())
    return EXIT_OK


def _cmd_changes(settings: Settings, args: argparse.Namespace) -> int:
    from kg.release.dumps import releases_directory
    from kg.release.history import History, as_activities, as_text

    releases = History(releases_directory(settings)).since(args.since)
    feed = as_activities(releases, base=f"{settings.base_iri}changes", size=len(releases) or 1)
    print(as_text(releases) if args.format == "text" else json.dumps(feed, indent=2))
    return EXIT_OK


def _cmd_validate(settings: Settings, args: argparse.Namespace) -> int:
    from kg.build.pipeline import validate_only

    report = validate_only(settings)
    render = {"text": report.to_text, "json": report.to_json, "turtle": report.to_turtle}
    print(render[args.format]())
    return EXIT_OK if report.conforms else EXIT_INVALID_DATA


def _cmd_query(settings: Settings, args: argparse.Namespace) -> int:
    from kg.namespaces import prefixes
    from kg.output import write_results
    from kg.queries import parse_bindings
    from kg.store import open_store

    text = args.file.read_text(encoding="utf-8") if args.file else args.query
    if args.file and not args.file.is_file():
        raise UsageError(f"{args.file}: no such query file")
    bindings = parse_bindings(args.param, settings.base_iri)
    store = open_store(settings)
    results = store.query(text, bindings=bindings, prefixes=prefixes(settings.base_iri))
    write_results(results, args.format, sys.stdout.buffer, base_iri=settings.base_iri)
    return EXIT_OK


def _cmd_links(settings: Settings, args: argparse.Namespace) -> int:
    from kg.build.pipeline import link_check

    report, coverage = link_check(settings, extracts=args.against)
    if args.format == "json":
        body = json.loads(report.to_json())
        body["coverage"] = {"linked": coverage.linked, "unlinked": coverage.unlinked}
        print(json.dumps(body, indent=2, ensure_ascii=False))
    else:
        print(report.to_text())
        print(coverage.summary())
        for entity in coverage.unlinked:
            print(f"  without links: {entity}")
    return EXIT_OK if report.conforms else EXIT_INVALID_DATA


def _cmd_stats(settings: Settings, args: argparse.Namespace) -> int:
    from kg.store import open_store

    info: dict[str, Any] = dict(open_store(settings).info.data)
    print(json.dumps(info, indent=2, sort_keys=True))
    return EXIT_OK


def _cmd_sentences(settings: Settings, args: argparse.Namespace) -> int:
    from kg.project.directory import ARTICLE_TEXT, ARTICLES_DIR
    from kg.project.text import read_text, split_sentences

    path = settings.project / ARTICLES_DIR / args.slug / ARTICLE_TEXT
    if not path.is_file():
        raise UsageError(
            f"{path}: no such article text", hint="give a folder name in data/articles"
        )
    for sentence in split_sentences(read_text(path)):
        print(f"s{sentence.number}\t{sentence.start}-{sentence.end}\t{sentence.text}")
    return EXIT_OK


def _cmd_article(settings: Settings, args: argparse.Namespace) -> int:
    from kg.project.retraction import retract
    from kg.project.scaffold import calendar_day, issued_date, new_article, read_article_text

    if args.action == "retract":
        path = retract(settings.project, args.slug, reason=args.reason, base_iri=settings.base_iri,
                       on=calendar_day(args.date, "--date"))  # fmt: skip
        print(f"kg: wrote {path}; run `kg build` to publish the retraction")
        return EXIT_OK

    text = sys.stdin.buffer.read() if args.text == "-" else read_article_text(Path(args.text))
    folder = new_article(settings.project, args.slug, text, base_iri=settings.base_iri,
                         issued=issued_date(args.issued), publisher=args.article_publisher,
                         text_from="standard input" if args.text == "-" else args.text)  # fmt: skip
    print(f"kg: wrote {folder}/text.txt, graph.ttl and mentions.txt; edit graph.ttl, then run "
          "`kg build`")  # fmt: skip
    return EXIT_OK


def _cmd_publish(settings: Settings, args: argparse.Namespace) -> int:
    from kg.release.publish import publish

    print(publish(settings, to=args.to, progress=args.progress).summary())
    return EXIT_OK


def _cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from kg.serve.app import create_app, lean_log_records
    from kg.serve.urllimit import bounded_protocol
    from kg.store import open_store

    app = create_app(settings, store=open_store(settings))
    lean_log_records()
    print(f"kg: serving {settings.store} at http://{settings.host}:{settings.port}/sparql",
          file=sys.stderr)  # fmt: skip
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info",
                http=bounded_protocol(settings.max_url))  # fmt: skip
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
