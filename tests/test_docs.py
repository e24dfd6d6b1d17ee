"""Docs that can rot are tested: the quick start, CI, the docs map, every setting, every
command's --help, and every link between the documents."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from kg.cli import build_parser
from kg.config import SPECS
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
DOCS = REPO / "docs"
REFERENCE = ("commands", "settings", "sparql-endpoint", "linked-data", "dumps", "publishing",
             "limits", "modelling")  # fmt: skip
HELP_WIDTH = "100"  # the terminal width docs/commands.md's usage lines were printed at


def doc(name: str) -> str:
    return (DOCS / f"{name}.md").read_text(encoding="utf-8")


def section(text: str, heading: str) -> str:
    """The text under a ``## heading``, up to the next heading of that level."""
    assert f"\n{heading}\n" in f"\n{text}", f"no section {heading!r}"
    return f"\n{text}".split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0]


def commands(parser: argparse.ArgumentParser | None = None) -> dict[str, argparse.ArgumentParser]:
    """Every command by its name after ``kg``, actions of a command too (``article new``)."""
    parser = parser or build_parser()
    found = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found[name] = sub
                found |= {f"{name} {n}": p for n, p in commands(sub).items()}
    return found


def test_quick_start_is_make_serve_and_make_test():
    quick_start = section(README, "## Quick start")
    commands = re.findall(r"^make \w+", quick_start, flags=re.M)
    assert commands == ["make serve", "make test"]
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^serve: .*\n", makefile, flags=re.M)
    assert re.search(r"^test: install", makefile, flags=re.M)


def test_ci_runs_exactly_the_readme_test_command():
    lines = [
        line
        for line in (REPO / ".ci/run").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#") and not line.startswith(("set ", "cd "))
    ]
    assert lines == ["make test"]


def test_the_readme_is_a_front_door_that_maps_every_reference_document():
    assert len(README.encode()) <= 12 * 1024, "the reference belongs in docs/"
    for name in REFERENCE:
        assert f"](docs/{name}.md)" in README, name
    assert {p.stem for p in DOCS.glob("*.md")} == set(REFERENCE), "map new documents"


@pytest.mark.parametrize("path", ["README.md", *(f"docs/{n}.md" for n in REFERENCE)])
def test_every_relative_link_and_anchor_resolves(path: str):
    source = REPO / path
    for target in re.findall(r"\]\(([^)\s]+)\)", source.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target):
            continue
        file, _, anchor = target.partition("#")
        linked = (source.parent / file).resolve() if file else source
        assert linked.exists(), f"{path}: {target}"
        if anchor and linked.suffix == ".md":
            assert anchor in anchors(linked), f"{path}: {target}"


def anchors(markdown: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    headings = re.findall(r"^#+ (.+)$", markdown.read_text(encoding="utf-8"), flags=re.M)
    return {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}


def test_every_setting_is_documented_with_its_flag_and_variable():
    settings = doc("settings")
    for spec in SPECS:
        row = next((line for line in settings.splitlines() if line.startswith(f"| {spec.name} |")),
                   "")  # fmt: skip
        assert f"`{spec.flag}`" in row and f"`{spec.env_var}`" in row, spec.name
        assert f"[{spec.section}] {spec.name}" in row, spec.name


def test_every_documented_setting_exists():
    names = {spec.name for spec in SPECS} | {"project"}
    rows = re.findall(r"^\| (\w+) \| `--", doc("settings"), flags=re.M)
    assert rows and set(rows) <= names, set(rows) - names


@pytest.mark.parametrize("name", list(commands()))
def test_every_command_is_documented_as_its_help_says(name: str, monkeypatch):
    """Each command has a section in docs/commands.md with its description, its usage
    line exactly as `kg NAME --help` prints it, and every argument of its own with its
    help text; the settings flags in the usage line are those of docs/settings.md."""
    monkeypatch.setenv("COLUMNS", HELP_WIDTH)
    parser = commands()[name]
    text = section(doc("commands"), f"## `kg {name}`")
    assert parser.description in text
    usage = parser.format_usage().rstrip()
    assert f"```text\n{usage}\n```" in text, f"docs/commands.md: replace the usage with\n{usage}"
    for group in parser._action_groups:
        if group.title == "settings":
            continue
        for action in group._group_actions:
            if action.dest == "help":
                continue
            flags = ", ".join(f"`{o}`" for o in action.option_strings) or f"`{action.dest}`"
            row = next((line for line in text.splitlines() if line.startswith(f"| {flags} |")),
                       "")  # fmt: skip
            assert row and (action.help or "") in row, f"kg {name}: document {flags}"
