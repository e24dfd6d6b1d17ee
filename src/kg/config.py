"""One `Settings` object: command-line flags > ``KG_*`` environment > ``kg.toml`` > defaults.

Every setting is declared once in ``SPECS`` (name, kg.toml section, parser, default,
help); the CLI, the environment reader and docs/settings.md's table all read
that declaration, so none of them can drift. Bad values are refused with the
source that supplied them (``KG_PORT=abc``, ``kg.toml [server] port``, ``--port``).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from kg import setting_values as parse
from kg.errors import EnvironmentProblem, UsageError

CONFIG_FILE = "kg.toml"


@dataclass(frozen=True, slots=True)
class SettingSpec:
    """The declaration of one setting; ``section`` is its table in kg.toml."""

    name: str
    section: str
    parse: Callable[[Any], Any]
    default: Any
    help: str

    @property
    def env_var(self) -> str:
        return f"KG_{self.name.upper()}"

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


SPECS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "title", "dataset", parse.text, "Untitled dataset", "Dataset title (VoID/DCAT, HTML)."
    ),
    SettingSpec("description", "dataset", parse.text, "", "One-paragraph dataset description."),
    SettingSpec(
        "base_iri",
        "dataset",
        parse.iri_base,
        "https://kg.example.org/",
        "Canonical base of every IRI in the dataset; need not be the server's address.",
    ),
    SettingSpec("license", "dataset", parse.text, "", "Licence IRI of the data."),
    SettingSpec("publisher", "dataset", parse.text, "", "Who publishes the dataset."),
    SettingSpec(
        "store",
        "store",
        parse.store,
        Path(".kg/store"),
        "Where the built Oxigraph store lives (relative to the project), or the URL of "
        "a remote SPARQL query endpoint to serve from (see `kg publish`).",
    ),
    SettingSpec(
        "update",
        "store",
        parse.url,
        "",
        "SPARQL 1.1 Update endpoint of the remote server `kg publish` writes through.",
    ),
    SettingSpec(
        "gsp",
        "store",
        parse.url,
        "",
        "SPARQL 1.1 Graph Store Protocol endpoint of the remote server `kg publish` writes to.",
    ),
    SettingSpec("user", "store", parse.text, "", "User name for the remote SPARQL server."),
    SettingSpec(
        "password",
        "store",
        parse.text,
        "",
        "Password for the remote SPARQL server (use KG_PASSWORD).",
    ),
    SettingSpec(
        "auth",
        "store",
        parse.choice("basic", "digest"),
        "basic",
        "HTTP authentication scheme for the remote SPARQL server: basic or digest.",
    ),
    SettingSpec(
        "remote_dataset",
        "store",
        parse.choice("published", "server"),
        "published",
        "What queries to a remote store range over: `published` names the published graphs "
        "in each request; `server` uses the server's own default graph (the union of its graphs).",
    ),
    SettingSpec(
        "dist",
        "store",
        parse.path,
        Path("dist"),
        "Where `kg dump` writes the dumps, checksums and VoID (relative to the project).",
    ),
    SettingSpec("host", "server", parse.text, "127.0.0.1", "Interface `kg serve` listens on."),
    SettingSpec("port", "server", parse.port, 8000, "Port `kg serve` listens on."),
    SettingSpec(
        "query_timeout",
        "sparql",
        parse.positive_number,
        30.0,
        "Seconds a SPARQL query may run; then it is stopped and the client gets 503.",
    ),
    SettingSpec(
        "max_rows",
        "sparql",
        parse.count,
        100_000,
        "Most result rows (or triples) a query may return; more is an error, never a cut.",
    ),
    SettingSpec(
        "max_body",
        "sparql",
        parse.count,
        1_000_000,
        "Largest request body in bytes; larger gets 413 before it is read.",
    ),
    SettingSpec(
        "max_url",
        "server",
        parse.count,
        32_768,
        "Longest request URL (path and query string) in bytes, at most 65,535; longer gets 414.",
    ),
    SettingSpec(
        "query_workers",
        "sparql",
        parse.count,
        0,
        "Long queries (past a quarter second) that run at once, at low CPU priority; "
        "more wait paused (0: one per CPU core, at least 2).",
    ),
    SettingSpec(
        "max_queries",
        "sparql",
        parse.count,
        16,
        "Queries starting at once, and long queries running or waiting at once; "
        "beyond either a request gets 503 with Retry-After.",
    ),
    SettingSpec(
        "query_memory",
        "sparql",
        parse.count,
        2048,
        "Memory limit of each query worker in MiB (0: no limit).",
    ),
    SettingSpec(
        "cache_mb",
        "server",
        parse.count,
        64,
        "Memory in MiB for responses kept until the next build (documents, pages, query "
        "results); 0 keeps none.",
    ),
    SettingSpec(
        "rate_limit",
        "server",
        parse.count,
        600,
        "Requests per minute one client address may make (0: no limit); beyond, 429 with "
        "Retry-After.",
    ),
    SettingSpec(
        "rate_limit_exempt",
        "server",
        parse.network_list,
        ("127.0.0.0/8", "::1/128"),
        "Client networks the rate limit does not apply to (TOML array, or comma-separated).",
    ),
    SettingSpec(
        "workers",
        "build",
        parse.count,
        0,
        "Processes that validate article batches in parallel (0: one per CPU core).",
    ),
    SettingSpec(
        "max_source",
        "build",
        parse.count,
        8_000_000,
        "Largest project file (Turtle or article text) the build reads, in bytes (0: no limit).",
    ),
    SettingSpec(
        "known_wrong_links",
        "links",
        parse.iri_list,
        (),
        "External IRIs known to be wrong for this dataset; a link to one fails the build.",
    ),
    SettingSpec(
        "service_allowlist",
        "sparql",
        parse.iri_list,
        (),
        "SPARQL endpoints that SERVICE may call; empty refuses every SERVICE.",
    ),
)
SPECS_BY_NAME = {spec.name: spec for spec in SPECS}


@dataclass(frozen=True, slots=True)
class Settings:
    """Resolved settings; build one with ``Settings.load``."""

    project: Path
    title: str
    description: str
    base_iri: str
    license: str
    publisher: str
    store: Path | str  # a local path, or the URL of a remote SPARQL query endpoint
    dist: Path
    update: str
    gsp: str
    user: str
    password: str = field(repr=False)
    auth: str
    remote_dataset: str
    host: str
    port: int
    query_timeout: float
    max_rows: int
    max_body: int
    max_url: int
    query_workers: int
    query_memory: int
    max_queries: int
    cache_mb: int
    rate_limit: int
    rate_limit_exempt: tuple[str, ...]
    workers: int
    max_source: int
    known_wrong_links: tuple[str, ...]
    service_allowlist: tuple[str, ...]

    @classmethod
    def load(
        cls,
        project: Path | str | None = None,
        *,
        env: Mapping[str, str] | None = None,
        overrides: Mapping[str, Any] | None = None,
    ) -> Settings:
        """Resolve every setting: ``overrides`` (flags) > ``env`` > kg.toml > defaults."""
        env = os.environ if env is None else env
        project_dir = Path(project or env.get("KG_PROJECT") or ".").resolve()
        if not project_dir.is_dir():
            raise EnvironmentProblem(
                f"project directory {project_dir} does not exist",
                hint="pass --project DIR (or set KG_PROJECT) to a directory holding kg.toml",
            )
        file_values = _read_config_file(project_dir / CONFIG_FILE)
        values: dict[str, Any] = {}
        for spec in SPECS:
            values[spec.name] = _resolve(spec, overrides or {}, env, file_values)
        for name in ("store", "dist"):  # paths relative to the project
            path = values[name]
            if isinstance(path, Path) and not path.is_absolute():
                values[name] = project_dir / path
        return cls(project=project_dir, **values)

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _resolve(
    spec: SettingSpec,
    overrides: Mapping[str, Any],
    env: Mapping[str, str],
    file_values: Mapping[tuple[str, str], Any],
) -> Any:
    candidates = (
        (overrides.get(spec.name), f"{spec.flag}"),
        (env.get(spec.env_var), f"{spec.env_var}"),
        (file_values.get((spec.section, spec.name)), f"{CONFIG_FILE} [{spec.section}] {spec.name}"),
    )
    for raw, origin in candidates:
        if raw is None:
            continue
        try:
            return spec.parse(raw)
        except (TypeError, ValueError) as exc:
            raise UsageError(
                f"invalid value {raw!r} for {origin}: {exc}", hint=f"{spec.name}: {spec.help}"
            ) from None
    return spec.default


def _read_config_file(path: Path) -> dict[tuple[str, str], Any]:
    if not path.exists():
        return {}
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: {exc}", hint="fix the TOML syntax of kg.toml") from None
    values: dict[tuple[str, str], Any] = {}
    for section, table in document.items():
        if not isinstance(table, dict):
            raise UsageError(f"{path}: top-level key {section!r} must be a [table]")
        for key, value in table.items():
            spec = SPECS_BY_NAME.get(key)
            if spec is None or spec.section != section:
                known = ", ".join(f"[{s.section}] {s.name}" for s in SPECS)
                raise UsageError(
                    f"{path}: unknown setting [{section}] {key}", hint=f"known: {known}"
                )
            values[(section, key)] = value
    return values
