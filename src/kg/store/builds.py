"""Where the dataset lives once built, and how a build is swapped in atomically.

On disk the ``store`` setting (default ``.kg/store``) is a symbolic link to one
complete build under ``.kg/store.builds/<id>/``, which holds the Oxigraph database
(``oxigraph/``) and ``build.json`` (counts, time, dataset version). A build writes
a new directory, marks it complete, then replaces the link with ``os.replace`` —
an atomic rename — so readers see the old dataset or the new one, never a mix. A
failed or killed build leaves only an incomplete directory, removed by the next
build; the previous build is kept one generation so running servers can finish
with it. The dumps in ``dist/`` are swapped the same way.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.config import Settings
from kg.errors import EnvironmentProblem, UsageError
from kg.files import write_atomically

DATABASE_DIR = "oxigraph"
BUILD_INFO = "build.json"
COMPLETE_MARKER = ".complete"
_published = 0  # builds published by this process: open stores look at the link again


def builds_dir(link: Path) -> Path:
    return link.with_name(link.name + ".builds")


def new_build_dir(link: Path) -> Path:
    """A fresh, empty directory for a build that is not yet visible to anyone."""
    parent = builds_dir(link)
    parent.mkdir(parents=True, exist_ok=True)
    if link.exists() and not link.is_symlink():
        raise EnvironmentProblem(
            f"{link} exists and is not a store link created by kg build",
            hint="move it away or point the `store` setting elsewhere",
        )
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    path = parent / f"{stamp}-{os.getpid()}-{time.monotonic_ns() % 10**6:06d}"
    path.mkdir()
    return path


def publish_build(link: Path, build: Path, info: Mapping[str, Any]) -> None:
    """Make ``build`` the current store: write its info, mark it complete, swap the link."""
    write_atomically(build / BUILD_INFO, json.dumps(info, indent=2, sort_keys=True) + "\n")
    (build / COMPLETE_MARKER).touch()
    previous = link.resolve() if link.is_symlink() else None
    temp_link = link.with_name(f".{link.name}.{os.getpid()}.tmp")
    temp_link.unlink(missing_ok=True)
    temp_link.symlink_to(os.path.relpath(build, link.parent))
    os.replace(temp_link, link)
    global _published
    _published += 1
    _remove_stale_builds(link, keep={build.resolve(), previous})


def discard_build(build: Path) -> None:
    shutil.rmtree(build, ignore_errors=True)


def _remove_stale_builds(link: Path, keep: set[Path | None]) -> None:
    for candidate in builds_dir(link).iterdir():
        if candidate.resolve() not in keep:
            shutil.rmtree(candidate, ignore_errors=True)


@dataclass(frozen=True, slots=True)
class BuildInfo:
    """What ``build.json`` records about one build (``path`` is None for a remote store)."""

    path: Path | None
    data: Mapping[str, Any]

    @property
    def version(self) -> str:
        return str(self.data.get("version", ""))


SOURCES_FILE = "sources.json"
"""In a build: each named graph's content key of its sources (what the dumps keep by)."""


def source_keys(info: BuildInfo) -> dict[str, str]:
    """The graphs' source keys a build recorded; empty when it recorded none."""
    try:
        data = json.loads((info.path / SOURCES_FILE).read_text(encoding="utf-8"))  # type: ignore[operator]
    except (OSError, TypeError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def link_text(link: Path) -> str | None:
    """Where the store link points, as written (None: not a symbolic link)."""
    try:
        return os.readlink(link)
    except OSError:
        return None


def current_build(link: Path) -> Path:
    """The complete build the store link points at, or a clear error if there is none."""
    if not link.is_symlink() and not link.exists():
        raise EnvironmentProblem(
            f"no built store at {link}",
            hint="run `kg build` first (or `make serve`, which builds)",
        )
    target = link.resolve()
    if not (target / COMPLETE_MARKER).exists():
        raise EnvironmentProblem(f"{link} points at an incomplete build", hint="run `kg build`")
    return target


def local_store(settings: Settings) -> Path:
    """The local store link; what building, dumping and publishing read or write."""
    if isinstance(settings.store, str):
        raise UsageError(
            f"the store setting names a remote SPARQL server ({settings.store}); "
            "this command works on the local build",
            hint="leave --store / KG_STORE at the local store for building, dumping and "
            "publishing; give the server's URL to `kg publish --to`",
        )
    return settings.store


def published_here() -> int:
    """How many builds this process has published: an open store looks at its link again
    after one, without waiting for its next periodic check."""
    return _published
